//! weft's runtime: executes a sealed plan durably. Messages enter through
//! triggers (webhooks, polling, files), are committed to the store before
//! they are acknowledged, then run through the flow's steps (validate, map,
//! filter, hold, deliver) with retries, ordering, circuit breaking and a
//! dead-letter queue. See ARCHITECTURE.md for the map.

pub mod admin_client;
pub mod backoff;
pub mod breaker;
pub mod clock;
pub mod delivery;
pub mod engine;
pub mod files;
pub mod ingress;
pub mod instance;
pub mod link;
pub mod logging;
pub mod metrics;
pub mod ops;
pub mod pipeline;
pub mod poll;
pub mod prepared;
pub mod ratelimit;
pub mod secrets;
pub mod server;
pub mod standin;
pub mod store;
pub mod testplan;
pub mod tick;
pub mod webhook;

pub use engine::Config;
pub use instance::Instance;
pub use store::{SqliteStore, Store};

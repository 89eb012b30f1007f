//! weft's runtime: executes a sealed plan durably. Messages enter through
//! triggers (webhooks, polling, files), are committed to the store before
//! they are acknowledged, then run through the flow's steps (validate, map,
//! filter, hold, deliver) with retries, ordering, circuit breaking and a
//! dead-letter queue. See ARCHITECTURE.md for the map.

pub mod store;

//! The plan: the one file CI approves and the runtime runs. This crate holds
//! what both sides need without the compiler: the canonical form and content
//! hash, loading with verification (format, version, hash, signature),
//! Ed25519 keys and detached signatures, and the readable views of a plan
//! (`weft inspect`, plan diffs).

pub mod canonical;
pub mod diff;
pub mod inspect;
pub mod keys;
pub mod model;
pub mod schedule;
pub mod seal;
pub mod signature;

pub use model::PlanModel;
pub use seal::{load, load_file, seal, Plan, PlanError};

/// The `format` every plan carries.
pub const FORMAT: &str = "weft-plan";

/// The plan format this weft writes and the only one it runs.
pub const FORMAT_VERSION: u64 = 1;

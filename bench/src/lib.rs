//! Benchmarks of weft's performance targets (see BENCHMARKS.md).

pub mod cpu;
#[cfg(feature = "engines")]
pub mod jaq_order;
pub mod order;
pub mod synth;
#[cfg(feature = "engines")]
pub mod vrl_order;

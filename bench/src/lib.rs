//! Benchmarks of weft's performance targets (see BENCHMARKS.md).

pub mod jaq_order;
pub mod order;
pub mod synth;
pub mod vrl_order;

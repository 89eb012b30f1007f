//! Benchmarks of weft's performance targets (see BENCHMARKS.md).

pub mod order;
pub mod synth;

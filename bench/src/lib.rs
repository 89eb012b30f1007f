//! Benchmarks of weft's performance targets (see BENCHMARKS.md).

pub mod synth;

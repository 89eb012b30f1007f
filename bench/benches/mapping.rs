//! weft's mapping engine against the same mapping written by hand in Rust
//! (see src/order.rs), in VRL (src/vrl_order.rs) and in jq run by jaq
//! (src/jaq_order.rs), JSON text in to JSON text out, at 5, 50 and 200 lines.
//! Outputs are checked equal before anything is timed.
//!
//! cargo bench -p weft-bench --bench mapping

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use weft_bench::jaq_order::JaqMapping;
use weft_bench::order::{by_hand, input, normalize, WeftMapping};
use weft_bench::vrl_order::VrlMapping;

fn same_output(a: &str, b: &str) {
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(a).unwrap(),
        serde_json::from_str(b).unwrap(),
    );
    assert_eq!(normalize(&a), normalize(&b), "engines disagree");
}

fn mapping(c: &mut Criterion) {
    let weft = WeftMapping::compile();
    let vrl = VrlMapping::compile();
    let jaq = JaqMapping::compile();
    let mut group = c.benchmark_group("order");
    for lines in [5usize, 50, 200] {
        let text = input(lines).to_string();
        let rust = by_hand(&text).unwrap();
        same_output(&weft.run(&text).unwrap(), &rust);
        // VRL and jq compute line_total in f64; both programs round it to 2
        // places themselves (normalize is left exact), see their modules.
        same_output(&vrl.run(&text).unwrap(), &rust);
        same_output(&jaq.run(&text).unwrap(), &rust);
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::new("weft", lines), &text, |b, t| {
            b.iter(|| weft.run(t).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("rust-by-hand", lines), &text, |b, t| {
            b.iter(|| by_hand(t).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("vrl", lines), &text, |b, t| {
            b.iter(|| vrl.run(t).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("jaq", lines), &text, |b, t| {
            b.iter(|| jaq.run(t).unwrap())
        });
    }
    group.finish();
    c.bench_function("compile weft mapping", |b| b.iter(WeftMapping::compile));
}

criterion_group!(benches, mapping);
criterion_main!(benches);

//! `weft-bench`: generate the synthetic workspace and time `weft check` on it.
//!
//! Usage: `cargo run --release -p weft-bench -- check [RUNS]`
//!        `cargo run --release -p weft-bench -- generate DIR`

use std::time::{Duration, Instant};
use weft_bench::synth::{generate, Size};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => {
            let dir = args.get(1).expect("generate DIR");
            generate(std::path::Path::new(dir), Size::ISSUE).expect("write workspace");
            eprintln!("wrote the synthetic workspace to {dir}");
        }
        Some("check") => {
            let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(15);
            check(runs);
        }
        _ => {
            eprintln!("usage: weft-bench check [RUNS] | weft-bench generate DIR");
            std::process::exit(2);
        }
    }
}

fn check(runs: usize) {
    let dir = std::env::temp_dir().join(format!("weft-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    generate(&dir, Size::ISSUE).expect("write workspace");
    let files = std::fs::read_dir(dir.join("flows"))
        .map(|d| d.count())
        .unwrap_or(0)
        + std::fs::read_dir(dir.join("contracts"))
            .map(|d| d.count())
            .unwrap_or(0)
        + std::fs::read_dir(dir.join("systems"))
            .map(|d| d.count())
            .unwrap_or(0);
    let options = weft_compiler::CheckOptions::default();
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let report = weft_compiler::check_workspace(&dir, &options).expect("workspace loads");
        times.push(start.elapsed());
        last = Some(report);
    }
    let report = last.expect("at least one run");
    let s = report.summary();
    let specs = &report.compilation.specs;
    assert_eq!(
        s.errors + s.warnings,
        0,
        "the synthetic workspace must be clean: {:?}",
        report.diagnostics().first()
    );
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "weft check, synthetic workspace: {} contracts, {} systems, {} flows in {} spec files",
        specs
            .contracts
            .iter()
            .filter(|c| c.meta.is_workspace())
            .count(),
        specs.systems.len(),
        specs.flows.len(),
        files + 1
    );
    println!(
        "runs: {runs}  min: {:.1} ms  median: {:.1} ms  max: {:.1} ms  (target: < 1000 ms)",
        ms(times[0]),
        ms(times[runs / 2]),
        ms(times[runs - 1])
    );
    let _ = std::fs::remove_dir_all(&dir);
}

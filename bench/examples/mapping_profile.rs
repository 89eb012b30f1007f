//! A loop over one engine's run of the benchmark order, for instruction
//! counts under callgrind (repeatable even on a busy machine, unlike wall
//! time):
//!
//! ```sh
//! cargo build --release -p weft-bench --features engines --example mapping_profile
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     $CARGO_TARGET_DIR/release/examples/mapping_profile weft 50 200
//! callgrind_annotate /tmp/cg.out | head -60
//! ```
//!
//! Arguments: the engine (`weft`, `rust` or `vrl`), the order's line count
//! and how many runs. Divide the total by the runs for instructions per run
//! (the setup, outside the loop, is small next to a few hundred runs).

use std::hint::black_box;
use weft_bench::order::{by_hand, input, WeftMapping};
use weft_bench::vrl_order::VrlMapping;

/// One engine's mapping: JSON text in, JSON text out.
type Run = Box<dyn Fn(&str) -> Result<String, String>>;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let engine = args.get(1).map_or("weft", String::as_str);
    let lines: usize = args.get(2).map_or(50, |a| a.parse().expect("a line count"));
    let runs: usize = args.get(3).map_or(200, |a| a.parse().expect("a run count"));
    let text = input(lines).to_string();
    let run: Run = match engine {
        "weft" => {
            let m = WeftMapping::compile();
            Box::new(move |t| m.run(t))
        }
        "rust" => Box::new(by_hand),
        "vrl" => {
            let m = VrlMapping::compile();
            Box::new(move |t| m.run(t))
        }
        other => panic!("unknown engine `{other}` (weft, rust, vrl)"),
    };
    let mut bytes = 0;
    for _ in 0..runs {
        bytes += black_box(run(black_box(&text)).expect("the mapping runs")).len();
    }
    println!("{engine}: {runs} runs of {lines} lines, {bytes} bytes out");
}

//! `weft test`: run the mapping tests of a workspace.

use crate::TestFormat;
use std::path::Path;
use weft_compiler::testing::{self, CaseResult, Outcome};
use weft_compiler::{check_workspace, CheckOptions};

pub fn run(dir: &Path, format: TestFormat) -> i32 {
    let report = match check_workspace(dir, &CheckOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let results = testing::run_all(&report);
    let failed = results.iter().filter(|r| !r.passed()).count();
    match format {
        TestFormat::Human => eprint!("{}", human(&results)),
        TestFormat::Json => {
            let doc = serde_json::json!({
                "format_version": 1,
                "passed": results.len() - failed,
                "failed": failed,
                "cases": results,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("serializes")
            );
        }
        TestFormat::Junit => print!("{}", testing::junit(&results)),
    }
    i32::from(failed > 0)
}

fn human(results: &[CaseResult]) -> String {
    if results.is_empty() {
        return "no mapping tests in this workspace: add `kind: test` specs (docs/specs.md) so `weft test` has cases to run\n".into();
    }
    let mut out = String::new();
    for r in results {
        let head = format!("{}:{} {} › {}", r.file, r.line, r.mapping, r.case);
        match &r.outcome {
            Outcome::Pass => out.push_str(&format!("PASS {head}\n")),
            Outcome::Mismatch { diff } => {
                out.push_str(&format!(
                    "FAIL {head}: the output differs from the expected JSON\n"
                ));
                for l in diff.lines() {
                    out.push_str(&format!("     {l}\n"));
                }
            }
            Outcome::Failed { message } => {
                out.push_str(&format!("FAIL {head}: the mapping failed: {message}\n"))
            }
            Outcome::WrongError { expected, actual } => {
                out.push_str(&format!("FAIL {head}: expected {expected}, got {actual}\n"))
            }
            Outcome::Broken { reason } => out.push_str(&format!("FAIL {head}: {reason}\n")),
        }
    }
    let failed = results.iter().filter(|r| !r.passed()).count();
    out.push_str(&format!(
        "{} passed, {failed} failed\n",
        results.len() - failed
    ));
    out
}

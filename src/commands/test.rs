//! `weft test`: run the mapping tests of a workspace, then the property
//! check on generated inputs.

use crate::TestFormat;
use std::path::Path;
use weft_compiler::testing::property::{self, PropertyOutcome, PropertyResult};
use weft_compiler::testing::{self, CaseResult, Outcome};
use weft_compiler::{check_workspace, CheckOptions};

pub fn run(dir: &Path, format: TestFormat, generate: usize, seed: u64) -> i32 {
    let report = match check_workspace(dir, &CheckOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let results = testing::run_all(&report);
    let properties = if generate == 0 {
        Vec::new()
    } else {
        property::run_all(&report, generate, seed)
    };
    let failed = results.iter().filter(|r| !r.passed()).count()
        + properties.iter().filter(|p| !p.passed()).count();
    match format {
        TestFormat::Human => eprint!("{}", human(&results, &properties, seed)),
        TestFormat::Json => {
            let doc = serde_json::json!({
                "format_version": 1,
                "passed": results.len() + properties.len() - failed,
                "failed": failed,
                "cases": results,
                "seed": seed,
                "properties": properties,
            });
            crate::out::print(&(serde_json::to_string_pretty(&doc).expect("serializes") + "\n"));
        }
        TestFormat::Junit => crate::out::print(&testing::junit(&results, &properties)),
    }
    i32::from(failed > 0)
}

fn indented(out: &mut String, text: &str) {
    for l in text.lines() {
        out.push_str(&format!("     {l}\n"));
    }
}

fn human(results: &[CaseResult], properties: &[PropertyResult], seed: u64) -> String {
    let mut out = String::new();
    if results.is_empty() {
        out.push_str("no mapping tests in this workspace: add `kind: test` specs (docs/specs.md) so `weft test` has cases to run\n");
    }
    for r in results {
        let head = format!("{}:{} {} › {}", r.file, r.line, r.mapping, r.case);
        match &r.outcome {
            Outcome::Pass => out.push_str(&format!("PASS {head}\n")),
            Outcome::Mismatch { diff } => {
                out.push_str(&format!(
                    "FAIL {head}: the output differs from the expected JSON\n"
                ));
                indented(&mut out, diff);
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
    for p in properties {
        let head = format!(
            "{}:{} {} › generated {} inputs",
            p.file, p.line, p.mapping, p.source
        );
        let pretty = |j: &serde_json::Value| serde_json::to_string_pretty(j).unwrap_or_default();
        match &p.outcome {
            PropertyOutcome::Pass {
                declared_failures,
                most_frequent,
            } => {
                out.push_str(&format!("PASS {head}: {} ran", p.inputs));
                if *declared_failures > 0 {
                    out.push_str(&format!(
                        ", {declared_failures} failed where the mapping says it can"
                    ));
                }
                if let Some(m) = most_frequent {
                    out.push_str(&format!(" (most often: {m})"));
                }
                out.push('\n');
            }
            PropertyOutcome::UndeclaredFailure { message, at, input } => {
                out.push_str(&format!(
                    "FAIL {head}: input {} failed at {at}, where the mapping does not say it can fail: {message}\n     handle it (`??` a default, `?` to dead-letter, or `fail(...)` with a reason); the input, shrunk:\n",
                    p.inputs
                ));
                indented(&mut out, &pretty(input));
            }
            PropertyOutcome::InvalidOutput {
                problem,
                input,
                output,
            } => {
                out.push_str(&format!(
                    "FAIL {head}: input {} gave an output that is not a valid target document ({problem}); the input, shrunk:\n",
                    p.inputs
                ));
                indented(&mut out, &pretty(input));
                out.push_str("     and the output:\n");
                indented(&mut out, &pretty(output));
            }
            PropertyOutcome::Skipped { reason } => {
                out.push_str(&format!("SKIP {head}: {reason}\n"))
            }
        }
    }
    let failed = results.iter().filter(|r| !r.passed()).count()
        + properties.iter().filter(|p| !p.passed()).count();
    out.push_str(&format!(
        "{} passed, {failed} failed",
        results.len() + properties.len() - failed
    ));
    if !properties.is_empty() {
        out.push_str(&format!(" (generated inputs: seed {seed})"));
    }
    out.push('\n');
    out
}

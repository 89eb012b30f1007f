//! `weft test`: run the mapping tests of a workspace, then the property
//! check on generated inputs.

use crate::TestFormat;
use std::path::Path;
use weft_compiler::testing::property::{self, PropertyResult};
use weft_compiler::testing::{self, CaseResult};
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
    let (passed, failed, skipped) = counts(&results, &properties);
    match format {
        TestFormat::Human => eprint!("{}", human(&results, &properties, seed)),
        TestFormat::Json => {
            let doc = serde_json::json!({
                "format_version": 1,
                "passed": passed,
                "failed": failed,
                "skipped": skipped,
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

fn human(results: &[CaseResult], properties: &[PropertyResult], seed: u64) -> String {
    let mut out = String::new();
    if results.is_empty() {
        out.push_str("no mapping tests in this workspace: add `kind: test` specs (docs/specs.md) so `weft test` has cases to run\n");
    }
    for r in results {
        let tag = if r.passed() { "PASS" } else { "FAIL" };
        out.push_str(&format!(
            "{tag} {}:{} {} › {}",
            r.file, r.line, r.mapping, r.case
        ));
        if !r.passed() {
            out.push_str(&format!(": {}", r.describe()));
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    for p in properties {
        out.push_str(&format!(
            "{} {}:{} {} › generated {} inputs: {}",
            p.tag(),
            p.file,
            p.line,
            p.mapping,
            p.source,
            p.describe()
        ));
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    let (passed, failed, skipped) = counts(results, properties);
    out.push_str(&format!("{passed} passed, {failed} failed"));
    if skipped > 0 {
        out.push_str(&format!(", {skipped} skipped"));
    }
    if !properties.is_empty() {
        out.push_str(&format!(" (generated inputs: seed {seed})"));
    }
    out.push('\n');
    out
}

/// Passed, failed and skipped, over cases and generated-input checks.
fn counts(results: &[CaseResult], properties: &[PropertyResult]) -> (usize, usize, usize) {
    let passed = results.iter().filter(|r| r.passed()).count()
        + properties.iter().filter(|p| p.passed()).count();
    let skipped = properties.iter().filter(|p| p.skipped()).count();
    (
        passed,
        results.len() + properties.len() - passed - skipped,
        skipped,
    )
}

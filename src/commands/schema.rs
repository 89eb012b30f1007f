//! `weft schema`: a contract as JSON Schema.

use std::path::Path;
use weft_compiler::spec::refs::ContractRef;
use weft_compiler::{check_workspace, CheckOptions};

pub fn run(dir: &Path, reference: &str) -> i32 {
    let r = match ContractRef::parse(reference) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let report = match check_workspace(dir, &CheckOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let Some(i) = report.index.contract(&r) else {
        let keys = report.index.contract_keys();
        let hint =
            weft_compiler::diagnostic::did_you_mean(reference, keys.iter().map(String::as_str))
                .unwrap_or_else(|| format!("contracts: {}", keys.join(", ")));
        eprintln!("error: no contract `{reference}`: {hint}");
        return 1;
    };
    let Some(schema) = report.contract_schema(&r) else {
        let file = &report
            .compilation
            .sources
            .get(report.compilation.specs.contracts[i].meta.file)
            .name;
        eprintln!("error: `{reference}` ({file}) could not be read, so it has no schema: `weft check` shows why");
        return 1;
    };
    crate::out::print(&(serde_json::to_string_pretty(&schema).expect("schema serializes") + "\n"));
    0
}

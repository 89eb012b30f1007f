//! `weft lineage`: which source fields each target field of a mapping reads.

use crate::LineageFormat;
use std::path::Path;
use weft_compiler::render::lineage::{self, LineageError};
use weft_compiler::{check_workspace, CheckOptions};

pub fn run(dir: &Path, mapping: &str, format: LineageFormat) -> i32 {
    let report = match check_workspace(dir, &CheckOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    match lineage::of(&report, mapping) {
        Ok(l) => {
            let text = match format {
                LineageFormat::Human => lineage::human(&l),
                LineageFormat::Json => lineage::json(&l),
                LineageFormat::Openlineage => lineage::openlineage(&l, env!("CARGO_PKG_VERSION")),
            };
            crate::out::print(&text);
            0
        }
        Err(LineageError::UnknownMapping(names)) => {
            let hint =
                weft_compiler::diagnostic::did_you_mean(mapping, names.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("mappings: {}", names.join(", ")));
            eprintln!("error: no mapping `{mapping}`: {hint}");
            1
        }
        Err(LineageError::Invalid(message)) => {
            eprintln!("error: {message}");
            1
        }
    }
}

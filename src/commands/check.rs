//! `weft check`: validate a workspace and print every finding.

use crate::human;
use crate::Format;
use std::path::Path;
use weft_compiler::render::{self, Finding};
use weft_compiler::{check_workspace, CheckOptions};

pub fn run(dir: &Path, format: Format, today: Option<String>) -> i32 {
    let mut options = CheckOptions::default();
    if let Some(t) = today {
        options.today = t;
    }
    let report = match check_workspace(dir, &options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let sources = &report.compilation.sources;
    let findings: Vec<Finding> = render::findings(sources, report.diagnostics());
    let summary = report.summary();
    let version = env!("CARGO_PKG_VERSION");
    match format {
        Format::Human => {
            eprint!(
                "{}",
                human::render(sources, report.diagnostics(), human::stderr_color())
            );
            let name = report
                .compilation
                .manifest
                .as_ref()
                .map(|m| m.name.value.as_str())
                .unwrap_or("workspace");
            eprintln!("{}", summary_line(name, &summary));
        }
        Format::Json => {
            crate::out::print(&render::json::render("check", version, summary, &findings))
        }
        Format::Github => crate::out::print(&render::github::render(&findings)),
        Format::Sarif => crate::out::print(&render::sarif::render(version, &findings)),
        Format::Junit => {
            let files: Vec<String> = sources
                .files()
                .filter(|(_, f)| f.is_workspace())
                .map(|(_, f)| f.name.clone())
                .collect();
            crate::out::print(&render::junit::render("weft check", &files, &findings));
        }
    }
    report.exit_code()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `northwind: 2 errors, 1 warning, 3 suppressed (42 files)`.
pub fn summary_line(name: &str, s: &weft_compiler::Summary) -> String {
    let mut parts = Vec::new();
    if s.errors > 0 {
        parts.push(plural(s.errors, "error"));
    }
    if s.warnings > 0 {
        parts.push(plural(s.warnings, "warning"));
    }
    if s.infos > 0 {
        parts.push(plural(s.infos, "note"));
    }
    if s.suppressed > 0 {
        parts.push(format!("{} suppressed", s.suppressed));
    }
    let verdict = if parts.is_empty() {
        "no problems".to_string()
    } else {
        parts.join(", ")
    };
    format!("{name}: {verdict} ({})", plural(s.files, "file"))
}

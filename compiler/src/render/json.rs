//! `--format json`: the documented, versioned JSON report (see docs/formats.md).

use super::Finding;
use crate::check::Summary;
use serde::Serialize;

/// Version of the JSON report format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    tool: &'static str,
    tool_version: &'a str,
    command: &'a str,
    summary: Summary,
    findings: &'a [Finding],
}

/// The JSON report of a command (`check`, ...).
pub fn render(command: &str, tool_version: &str, summary: Summary, findings: &[Finding]) -> String {
    let report = JsonReport {
        format_version: FORMAT_VERSION,
        tool: "weft",
        tool_version,
        command,
        summary,
        findings,
    };
    let mut out = serde_json::to_string_pretty(&report).expect("report serializes");
    out.push('\n');
    out
}

//! `--format sarif`: SARIF 2.1.0 for code-scanning upload.

use super::Finding;
use crate::rules::{Rule, ALL};
use serde_json::{json, Value};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn rule_descriptor(r: &Rule) -> Value {
    json!({
        "id": r.id,
        "name": r.id,
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": format!("{} {}", r.summary, r.why) },
        "help": { "text": r.fix, "markdown": crate::rules::docs::rule_markdown(r) },
        "properties": { "code": r.code, "category": r.category.title() },
        "defaultConfiguration": { "level": level(r.default_severity.as_str()) },
    })
}

pub(crate) fn level(severity: &str) -> &'static str {
    match severity {
        "error" => "error",
        "warning" => "warning",
        _ => "note",
    }
}

pub(crate) fn location(p: &super::Position) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": p.file, "uriBaseId": "%SRCROOT%" },
            "region": {
                "startLine": p.line,
                "startColumn": p.column,
                "endLine": p.end_line,
                "endColumn": p.end_column,
                "byteOffset": p.start,
                "byteLength": p.end - p.start,
            }
        }
    })
}

/// The SARIF log of one run.
pub fn render(tool_version: &str, findings: &[Finding]) -> String {
    let rules: Vec<Value> = ALL.iter().map(|r| rule_descriptor(r)).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut text = f.message.clone();
            if let Some(h) = &f.hint {
                text.push_str(&format!(" (hint: {h})"));
            }
            let mut r = json!({
                "ruleId": f.rule,
                "ruleIndex": ALL.iter().position(|r| r.id == f.rule),
                "level": level(f.severity),
                "message": { "text": text },
                "locations": [location(&f.position)],
            });
            if !f.related.is_empty() {
                r["relatedLocations"] = Value::Array(
                    f.related
                        .iter()
                        .enumerate()
                        .map(|(i, rel)| {
                            let mut l = location(&rel.position);
                            l["id"] = json!(i);
                            l["message"] = json!({ "text": rel.message });
                            l
                        })
                        .collect(),
                );
            }
            if let Some(reason) = &f.suppressed {
                r["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
            }
            r
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "weft",
                "version": tool_version,
                "informationUri": "https://weft.dev",
                "rules": rules,
            }},
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The workspace root" } } },
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("sarif serializes");
    out.push('\n');
    out
}

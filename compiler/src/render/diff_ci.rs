//! `weft diff` output for CI: GitHub annotations, SARIF and JUnit. Each
//! change is placed at its new location (or its old one when it is gone).

use super::github::{escape_data, escape_property};
use super::sarif::{level, location};
use crate::diff::{Change, DiffReport, Severity, DIFF_RULES};
use quick_junit::{Report, TestSuite};
use serde_json::{json, Value};

fn place(c: &Change) -> Option<&super::Position> {
    c.new.as_ref().or(c.old.as_ref())
}

fn text(c: &Change) -> String {
    let mut t = format!("{} {}: {}", c.subject.kind, c.subject.name, c.message);
    if let Some(who) = super::diff::who_it_breaks(c) {
        t.push_str(&format!(" Breaks: {who}."));
    }
    for i in &c.impact {
        t.push_str(&format!(" Affects {} `{}` ({}).", i.kind, i.name, i.role));
    }
    if let Some(a) = &c.approved {
        t.push_str(&format!(" Approved by {}.", a.by));
    }
    t.push_str(&format!(" [{}]", c.fingerprint));
    t
}

/// GitHub Actions workflow commands: one annotation per change that is not info.
pub fn github(r: &DiffReport) -> String {
    let mut out = String::new();
    for c in r.all_changes() {
        let command = match c.severity {
            Severity::Info => continue,
            Severity::Error if !c.fails() => "warning",
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let title = escape_property(&format!("weft diff: {}", c.rule));
        match place(c) {
            Some(p) => out.push_str(&format!(
                "::{command} file={},line={},col={},title={title}::{}\n",
                escape_property(&p.file),
                p.line,
                p.column,
                escape_data(&text(c))
            )),
            None => out.push_str(&format!(
                "::{command} title={title}::{}\n",
                escape_data(&text(c))
            )),
        }
    }
    out
}

fn rule_ids() -> Vec<(&'static str, &'static str)> {
    let mut ids: Vec<(&str, &str)> = weft_compat::RULES
        .iter()
        .map(|r| (r.id, r.summary))
        .chain(DIFF_RULES.iter().map(|r| (r.id, r.summary)))
        .collect();
    ids.sort();
    ids.dedup_by(|a, b| a.0 == b.0);
    ids
}

/// SARIF 2.1.0: every change a result; approved ones carry a suppression.
/// The rule descriptors are those of the rules reported.
pub fn sarif(tool_version: &str, r: &DiffReport) -> String {
    let used: Vec<&str> = r.all_changes().map(|c| c.rule).collect();
    let ids: Vec<_> = rule_ids()
        .into_iter()
        .filter(|(id, _)| used.contains(id))
        .collect();
    let rules: Vec<Value> = ids
        .iter()
        .map(|(id, summary)| json!({ "id": id, "name": id, "shortDescription": { "text": summary } }))
        .collect();
    let results: Vec<Value> = r
        .all_changes()
        .map(|c| {
            let mut v = json!({
                "ruleId": c.rule,
                "ruleIndex": ids.iter().position(|(id, _)| *id == c.rule),
                "level": level(c.severity.as_str()),
                "message": { "text": text(c) },
                "locations": place(c).map(|p| vec![location(p)]).unwrap_or_default(),
                "partialFingerprints": { "weftDiff/v1": c.fingerprint },
            });
            if let Some(a) = &c.approved {
                v["suppressions"] = json!([{
                    "kind": "external",
                    "justification": a.reason.clone().unwrap_or_else(|| a.by.to_string()),
                }]);
            }
            v
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "weft diff", "version": tool_version, "rules": rules } },
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The workspace root" } } },
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("sarif serializes");
    out.push('\n');
    out
}

/// JUnit: one test case per contract and per other subject; it fails on an
/// unapproved error.
pub fn junit(r: &DiffReport) -> String {
    let mut report = Report::new("weft");
    let mut suite = TestSuite::new("weft diff");
    let mut groups: Vec<(String, Vec<&Change>)> = r
        .contracts
        .iter()
        .map(|c| {
            (
                format!("contract {}", c.contract),
                c.changes.iter().collect(),
            )
        })
        .collect();
    for c in &r.changes {
        let name = format!("{} {}", c.subject.kind, c.subject.name);
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => v.push(c),
            None => groups.push((name, vec![c])),
        }
    }
    for (name, changes) in groups {
        let (failing, others): (Vec<&Change>, Vec<&Change>) =
            changes.into_iter().partition(|c| c.fails());
        let failing: Vec<String> = failing.into_iter().map(text).collect();
        let others: Vec<String> = others
            .into_iter()
            .map(|c| format!("{}: {}", c.severity.as_str(), text(c)))
            .collect();
        let case = super::junit::case(
            &name,
            "weft diff",
            "weft-diff",
            "unapproved error(s)",
            &failing,
            &others,
        );
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    report.to_string().unwrap_or_default()
}

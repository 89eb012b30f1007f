//! `weft diff` output for people: the terminal (`human`) and pull-request
//! comments (`markdown`).

use crate::diff::{Change, ContractDiff, DiffReport, Impact};
use std::fmt::Write;

fn mark(c: &Change) -> &'static str {
    if c.approved.is_some() {
        "approved"
    } else {
        c.severity.as_str()
    }
}

/// Who a change breaks, in the user's terms.
pub fn who_it_breaks(c: &Change) -> Option<String> {
    let b = c.breaks?;
    let mut parts = Vec::new();
    match b.backward {
        "incompatible" => parts.push("producers still sending the old shape"),
        "unknown" => parts.push("possibly producers still sending the old shape (unknown)"),
        _ => {}
    }
    match b.forward {
        "incompatible" => parts.push("consumers still expecting the old shape"),
        "unknown" => parts.push("possibly consumers still expecting the old shape (unknown)"),
        _ => {}
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn at(p: &Option<crate::render::Position>) -> String {
    p.as_ref().map_or("-".into(), |p| {
        format!("{}:{}:{}", p.file, p.line, p.column)
    })
}

fn impact_line(i: &Impact) -> String {
    let place =
        i.at.as_ref()
            .map(|p| format!(" ({}:{})", p.file, p.line))
            .unwrap_or_default();
    format!("{} `{}` {}: {}{place}", i.kind, i.name, i.role, i.how)
}

fn verdict(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

fn human_change(out: &mut String, c: &Change) {
    let path = if c.path.is_empty() {
        ""
    } else {
        c.path.as_str()
    };
    let _ = writeln!(
        out,
        "  {:<8} {} {}  [{}]",
        mark(c),
        c.rule,
        path,
        c.fingerprint
    );
    let _ = writeln!(out, "           {}", c.message);
    if let Some(who) = who_it_breaks(c) {
        let _ = writeln!(out, "           breaks: {who}");
    }
    if c.old.is_some() || c.new.is_some() {
        let _ = writeln!(out, "           old {}  new {}", at(&c.old), at(&c.new));
    }
    if let Some(w) = &c.witness {
        let _ = writeln!(out, "           example: {w}");
    }
    for i in &c.impact {
        let _ = writeln!(out, "           affects {}", impact_line(i));
    }
    if let Some(a) = &c.approved {
        let why = a
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        let until = a
            .expires
            .as_deref()
            .map(|e| format!(" (until {e})"))
            .unwrap_or_default();
        let _ = writeln!(out, "           approved by {}{why}{until}", a.by);
    }
}

fn contract_head(c: &ContractDiff) -> String {
    let versions = match (&c.old_version, &c.new_version) {
        (Some(a), Some(b)) if a != b => format!("{a} -> {b}"),
        (Some(a), Some(_)) => a.clone(),
        (Some(a), None) => format!("{a} -> removed"),
        (None, Some(b)) => format!("new {b}"),
        (None, None) => String::new(),
    };
    format!(
        "contract {} ({}; {versions}): backward compatible {}, forward compatible {}",
        c.contract,
        c.status,
        verdict(c.backward_compatible),
        verdict(c.forward_compatible)
    )
}

fn summary_line(r: &DiffReport) -> String {
    let s = &r.summary;
    let verdict = if r.exit_code() == 0 {
        "passes"
    } else {
        "fails"
    };
    format!(
        "{} error(s) ({} approved), {} warning(s), {} info; {} breaking: the diff {verdict}",
        s.errors, s.approved, s.warnings, s.infos, s.breaking
    )
}

/// The terminal report: grouped by contract, then other specs, then the
/// unified diff of every changed spec file.
pub fn human(r: &DiffReport) -> String {
    let mut out = format!(
        "weft diff {} -> {} (profile {})\n",
        r.base, r.head, r.profile
    );
    if r.contracts.is_empty() && r.changes.is_empty() {
        out.push_str("\nno change to contracts, flows, systems, policies, ownership or mappings\n");
    }
    for c in &r.contracts {
        let _ = writeln!(out, "\n{}", contract_head(c));
        for ch in &c.changes {
            human_change(&mut out, ch);
        }
    }
    let mut subject = None;
    for ch in &r.changes {
        if subject != Some(&ch.subject) {
            let _ = writeln!(out, "\n{} {}", ch.subject.kind, ch.subject.name);
            subject = Some(&ch.subject);
        }
        human_change(&mut out, ch);
    }
    for f in &r.files {
        let name = match (&f.old, &f.new) {
            (Some(a), Some(b)) if a != b => format!("{a} -> {b}"),
            (a, b) => a.clone().or(b.clone()).unwrap_or_default(),
        };
        let _ = writeln!(out, "\n{} {name}", f.status);
        out.push_str(&f.diff);
    }
    let _ = writeln!(out, "\n{}", summary_line(r));
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A pull-request comment: a summary table, then details per contract and
/// per spec in collapsible sections, then the spec diffs.
pub fn markdown(r: &DiffReport) -> String {
    let mut out = String::new();
    let icon = if r.exit_code() == 0 { "✅" } else { "❌" };
    let _ = writeln!(out, "### {icon} weft diff `{}` → `{}`\n", r.base, r.head);
    let _ = writeln!(out, "{} (profile `{}`)\n", summary_line(r), r.profile);
    let all: Vec<&Change> = r.all_changes().collect();
    if all.is_empty() {
        out.push_str("No change to contracts, flows, systems, policies, ownership or mappings.\n");
    } else {
        out.push_str("| | rule | subject | path | affects |\n|---|---|---|---|---|\n");
        for c in &all {
            let affects: Vec<String> = c
                .impact
                .iter()
                .map(|i| format!("{} `{}`", i.kind, i.name))
                .collect();
            let _ = writeln!(
                out,
                "| {} | `{}` | {} `{}` | `{}` | {} |",
                mark(c),
                c.rule,
                c.subject.kind,
                md_escape(&c.subject.name),
                md_escape(&c.path),
                md_escape(&affects.join(", "))
            );
        }
    }
    for c in &r.contracts {
        let _ = writeln!(
            out,
            "\n<details><summary>{}</summary>\n",
            md_escape(&contract_head(c))
        );
        for ch in &c.changes {
            md_change(&mut out, ch);
        }
        out.push_str("</details>\n");
    }
    if !r.changes.is_empty() {
        out.push_str(
            "\n<details><summary>flows, systems, policies, ownership, mappings</summary>\n\n",
        );
        for ch in &r.changes {
            md_change(&mut out, ch);
        }
        out.push_str("</details>\n");
    }
    if !r.files.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>spec files ({})</summary>\n",
            r.files.len()
        );
        for f in &r.files {
            let name = f.new.clone().or(f.old.clone()).unwrap_or_default();
            let _ = writeln!(out, "`{name}` ({})\n", f.status);
            if !f.diff.is_empty() {
                let _ = writeln!(out, "```diff\n{}```\n", f.diff);
            }
        }
        out.push_str("</details>\n");
    }
    out
}

fn md_change(out: &mut String, c: &Change) {
    let _ = writeln!(
        out,
        "- **{}** `{}` {} `{}` `{}`: {}",
        mark(c),
        c.rule,
        c.subject.kind,
        c.subject.name,
        c.path,
        c.message
    );
    if let Some(who) = who_it_breaks(c) {
        let _ = writeln!(out, "  - breaks: {who}");
    }
    if c.old.is_some() || c.new.is_some() {
        let _ = writeln!(out, "  - old `{}`, new `{}`", at(&c.old), at(&c.new));
    }
    for i in &c.impact {
        let _ = writeln!(out, "  - affects {}", impact_line(i));
    }
    if let Some(a) = &c.approved {
        let _ = writeln!(
            out,
            "  - approved by {}{}",
            a.by,
            a.reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(out, "  - fingerprint `{}`", c.fingerprint);
}

/// The JSON form (format version 1; schema in `schemas/weft-diff.schema.json`).
pub fn json(r: &DiffReport) -> String {
    let mut out = serde_json::to_string_pretty(r).expect("a diff report serializes");
    out.push('\n');
    out
}

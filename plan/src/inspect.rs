//! `weft inspect`: a plan as an operator reads it — what runs, what starts
//! it, where it delivers and under which policy — without the specs.

use serde_json::Value as Json;
use std::fmt::Write;

fn s(v: &Json) -> &str {
    v.as_str().unwrap_or("-")
}

fn count(doc: &Json, section: &str) -> usize {
    doc.get(section)
        .and_then(Json::as_object)
        .map_or(0, |m| m.len())
}

/// A policy in a few words: `erp-posting (8 attempts, dead letter)`.
fn policy(p: &Json) -> String {
    if p.is_null() {
        return "no policy".into();
    }
    let mut parts = Vec::new();
    if let Some(n) = p.pointer("/retry/max_attempts").and_then(Json::as_u64) {
        parts.push(format!("{n} attempts"));
    }
    if let Some(t) = p.get("timeout").and_then(Json::as_str) {
        parts.push(format!("timeout {t}"));
    }
    match p.get("dead_letter").and_then(Json::as_bool) {
        Some(true) => parts.push("dead letter".into()),
        Some(false) => parts.push("no dead letter".into()),
        None => {}
    }
    format!("{} ({})", s(&p["name"]), parts.join(", "))
}

fn trigger(t: &Json) -> String {
    if let Some(w) = t.get("webhook") {
        return format!(
            "webhook {} {} ({})",
            s(&w["system"]),
            s(&w["topic"]),
            s(&w["contract"])
        );
    }
    if let Some(p) = t.get("poll") {
        let e = &p["endpoint"];
        let when = match (p.get("every"), p.get("cron")) {
            (Some(Json::String(every)), _) => format!("every {every}"),
            (_, Some(Json::String(cron))) => format!("on `{cron}`"),
            _ => "on an unknown schedule".into(),
        };
        return format!(
            "poll {} {} {} {when}",
            s(&p["system"]),
            s(&e["method"]),
            s(&e["path"])
        );
    }
    if let Some(c) = t.get("schedule") {
        return format!("schedule `{}`", s(&c["cron"]));
    }
    if let Some(f) = t.get("file") {
        return format!("files from {} ({})", s(&f["system"]), s(&f["record"]));
    }
    "none".into()
}

fn step(st: &Json) -> String {
    if let Some(m) = st.get("map") {
        return format!("map {}", s(m));
    }
    if let Some(v) = st.get("validate") {
        return format!("validate {}", s(v));
    }
    if let Some(w) = st.get("filter") {
        return format!("filter when {}", s(w));
    }
    if let Some(w) = st.get("hold") {
        return format!("hold when {}", s(w));
    }
    if let Some(d) = st.get("deliver") {
        let e = &st["endpoint"];
        return format!(
            "deliver {} ({} {}, {})",
            s(d),
            s(&e["method"]),
            s(&e["path"]),
            policy(&st["policy"])
        );
    }
    "?".into()
}

/// The summary text of a loaded plan.
pub fn summary(doc: &Json) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "plan {} (format {}, made by weft {})",
        s(&doc["workspace"]),
        doc["format_version"],
        s(&doc["weft_version"])
    );
    let _ = writeln!(out, "hash {}", s(&doc["hash"]));
    match doc.get("git").filter(|g| !g.is_null()) {
        Some(g) => {
            let clean = if g["clean"] == Json::Bool(true) {
                "clean"
            } else {
                "with uncommitted changes"
            };
            let _ = writeln!(out, "git  {} ({clean})", s(&g["commit"]));
        }
        None => out.push_str("git  not a git checkout\n"),
    }
    let _ = writeln!(
        out,
        "{} flows, {} contracts, {} mappings, {} tables, {} systems, {} policies",
        count(doc, "flows"),
        count(doc, "contracts"),
        count(doc, "mappings"),
        count(doc, "tables"),
        count(doc, "systems"),
        count(doc, "policies")
    );
    if let Some(flows) = doc.get("flows").and_then(Json::as_object) {
        for (name, f) in flows {
            let _ = writeln!(out, "\n{name}");
            if let Some(d) = f.get("description").and_then(Json::as_str) {
                let _ = writeln!(out, "  {}", d.trim());
            }
            let _ = writeln!(out, "  trigger  {}", trigger(&f["trigger"]));
            let _ = writeln!(out, "  source   {}", s(&f["source"]));
            if let Some(steps) = f.get("steps").and_then(Json::as_array) {
                for (i, st) in steps.iter().enumerate() {
                    let head = if i == 0 { "steps" } else { "" };
                    let _ = writeln!(out, "  {head:<8} {}. {}", i + 1, step(st));
                }
            }
            let _ = writeln!(
                out,
                "  keys     idempotency {}, ordering {}",
                s(&f["idempotency_key"]),
                s(&f["ordering_key"])
            );
        }
    }
    if let Some(systems) = doc.get("systems").and_then(Json::as_object) {
        out.push_str("\nsystems\n");
        for (name, sys) in systems {
            let base = sys.get("base_url").map(|b| match b {
                Json::String(u) => u.clone(),
                other => format!("from {other}"),
            });
            let _ = writeln!(
                out,
                "  {name:<12} {} {}",
                s(&sys["role"]),
                base.unwrap_or_default()
            );
        }
    }
    out
}

//! `weft inspect`: a plan as an operator reads it — what runs, what starts
//! it, where it delivers and under which policy — without the specs.

use crate::model::{PlanModel, Policy, Setting, Step, Trigger};
use std::fmt::Write;

fn or_dash(v: Option<&String>) -> &str {
    v.map_or("-", String::as_str)
}

/// A policy in a few words: `erp-posting (8 attempts, timeout 10s, dead letter)`.
fn policy(p: Option<&Policy>) -> String {
    let Some(p) = p else {
        return "no policy".into();
    };
    let mut parts = Vec::new();
    if let Some(r) = &p.retry {
        parts.push(format!("{} attempts", r.max_attempts));
    }
    if let Some(t) = p.timeout {
        parts.push(format!("timeout {t}"));
    }
    match p.dead_letter {
        Some(true) => parts.push("dead letter".into()),
        Some(false) => parts.push("no dead letter".into()),
        None => {}
    }
    format!("{} ({})", p.name, parts.join(", "))
}

fn trigger(t: &Trigger) -> String {
    match t {
        Trigger::Webhook {
            system,
            topic,
            contract,
        } => format!(
            "webhook {system} {} ({})",
            or_dash(topic.as_ref()),
            or_dash(contract.as_ref())
        ),
        Trigger::Poll {
            system,
            endpoint,
            every,
            cron,
            timezone,
            ..
        } => {
            let when = match (every, cron) {
                (Some(every), _) => format!("every {every}"),
                (None, Some(cron)) => cron_text(cron, timezone.as_deref()),
                (None, None) => "every 1m (default)".into(),
            };
            format!("poll {system} {} {} {when}", endpoint.method, endpoint.path)
        }
        Trigger::Schedule {
            every,
            cron,
            timezone,
        } => match (every, cron) {
            (Some(every), _) => format!("schedule every {every}"),
            (None, Some(cron)) => format!("schedule {}", cron_text(cron, timezone.as_deref())),
            (None, None) => "schedule (none given)".into(),
        },
        Trigger::File { system, record, .. } => {
            format!("files from {system} ({})", or_dash(record.as_ref()))
        }
    }
}

fn cron_text(cron: &str, timezone: Option<&str>) -> String {
    format!("at `{cron}` ({})", timezone.unwrap_or("UTC"))
}

fn step(st: &Step) -> String {
    match st {
        Step::Map(m) => format!("map {m}"),
        Step::Validate(c) => format!("validate {c}"),
        Step::Filter(c) => format!("filter when {}", c.when),
        Step::Hold(c) => match &c.reason {
            Some(r) => format!("hold when {} ({r})", c.when),
            None => format!("hold when {}", c.when),
        },
        Step::Deliver(d) => format!(
            "deliver {} ({} {}, {})",
            d.target,
            d.endpoint.method,
            d.endpoint.path,
            policy(d.policy.as_ref())
        ),
    }
}

/// The summary text of a loaded plan.
pub fn summary(plan: &PlanModel) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "plan {} (format {}, made by weft {})",
        plan.workspace, plan.format_version, plan.weft_version
    );
    let _ = writeln!(out, "hash {}", or_dash(plan.hash.as_ref()));
    match &plan.git {
        Some(g) => {
            let clean = if g.clean {
                "clean"
            } else {
                "with uncommitted changes"
            };
            let _ = writeln!(out, "git  {} ({clean})", g.commit);
        }
        None => out.push_str("git  not a git checkout\n"),
    }
    let _ = writeln!(
        out,
        "{} flows, {} contracts, {} mappings, {} tables, {} systems, {} policies",
        plan.flows.len(),
        plan.contracts.len(),
        plan.mappings.len(),
        plan.tables.len(),
        plan.systems.len(),
        plan.policies.len()
    );
    for (name, f) in &plan.flows {
        let _ = writeln!(out, "\n{name}");
        if let Some(d) = &f.description {
            let _ = writeln!(out, "  {}", d.trim());
        }
        let _ = writeln!(out, "  trigger  {}", trigger(&f.trigger));
        let _ = writeln!(out, "  source   {}", or_dash(f.source.as_ref()));
        for (i, st) in f.steps.iter().enumerate() {
            let head = if i == 0 { "steps" } else { "" };
            let _ = writeln!(out, "  {head:<8} {}. {}", i + 1, step(st));
        }
        let _ = writeln!(
            out,
            "  keys     idempotency {}, ordering {}",
            or_dash(f.idempotency_key.as_ref()),
            or_dash(f.ordering_key.as_ref())
        );
    }
    if !plan.systems.is_empty() {
        out.push_str("\nsystems\n");
    }
    for (name, sys) in &plan.systems {
        let base = match &sys.base_url {
            Some(Setting::Text(u)) => u.clone(),
            Some(Setting::Secret(r)) => format!("from {}", serde_json::json!(r)),
            None => String::new(),
        };
        let _ = writeln!(out, "  {name:<12} {} {base}", sys.role);
    }
    out
}

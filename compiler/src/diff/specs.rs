//! Everything but contracts, compared by name: flows (trigger, endpoints,
//! keys, policies), systems (base URL, auth), policies that weaken delivery,
//! ownership (systems of record) and mappings whose lineage changed.

use super::usage::Usage;
use super::{Change, Severity, Subject};
use crate::check::Report;
use crate::render::{lineage, Position};
use crate::source::Loc;
use crate::spec::flow::{Flow, Step};
use crate::spec::policy::Policy;
use crate::spec::Meta;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// One side's view of a spec element: the report and a place in it.
#[derive(Clone, Copy)]
struct At<'a> {
    report: &'a Report,
    loc: Loc,
}

impl At<'_> {
    fn position(self) -> Position {
        Position::of(&self.report.compilation.sources, self.loc)
    }
}

/// Collects changes with their common parts filled in.
struct Changes {
    out: Vec<Change>,
}

impl Changes {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        rule: &'static str,
        severity: Severity,
        breaking: bool,
        subject: Subject,
        path: &str,
        message: String,
        old: Option<At>,
        new: Option<At>,
        values: (Option<Json>, Option<Json>),
    ) {
        self.out.push(Change {
            breaking,
            old: old.map(At::position),
            new: new.map(At::position),
            ..Change::new(rule, severity, subject, path, message, values.0, values.1)
        });
    }
}

/// A spec element with a name.
trait Named {
    fn meta(&self) -> &Meta;
}

macro_rules! named_spec {
    ($($t:ty),*) => {
        $(impl Named for $t {
            fn meta(&self) -> &Meta {
                &self.meta
            }
        })*
    };
}

named_spec!(
    Flow,
    Policy,
    crate::spec::system::System,
    crate::spec::mapping::Mapping
);

/// Workspace elements by name.
fn named<T: Named>(items: &[T]) -> BTreeMap<&str, &T> {
    items
        .iter()
        .filter(|t| t.meta().is_workspace())
        .map(|t| (t.meta().name.value.as_str(), t))
        .collect()
}

/// The value written under `key` and the place of its key (or of the name).
fn written(meta: &Meta, key: &str) -> (Option<Json>, Loc) {
    match meta.doc.as_ref().and_then(|d| d.entry(key)) {
        Some((k, v)) => (Some(v.to_json()), k.loc),
        None => (None, meta.name.loc),
    }
}

pub fn compare(old: &Usage, new: &Usage) -> Vec<Change> {
    let mut c = Changes { out: Vec::new() };
    flows(old.report, new.report, &mut c);
    systems(old.report, new.report, &mut c);
    policies(old.report, new.report, &mut c);
    ownership(old.report, new.report, &mut c);
    mappings(old, new, &mut c);
    c.out
}

/// Added and removed elements of one kind.
fn added_removed<T: Named>(
    kind: &'static str,
    old: (&Report, &BTreeMap<&str, &T>),
    new: (&Report, &BTreeMap<&str, &T>),
    removed_severity: Severity,
    c: &mut Changes,
) {
    for (name, t) in old.1 {
        if !new.1.contains_key(name) {
            let rule = match kind {
                "flow" => "flow-removed",
                "system" => "system-removed",
                "policy" => "policy-removed",
                _ => "mapping-removed",
            };
            let at = At {
                report: old.0,
                loc: t.meta().name.loc,
            };
            c.push(
                rule,
                removed_severity,
                false,
                subject(kind, name),
                "",
                format!("{kind} `{name}` was removed"),
                Some(at),
                None,
                (None, None),
            );
        }
    }
    for (name, t) in new.1 {
        if !old.1.contains_key(name) {
            let rule = match kind {
                "flow" => "flow-added",
                "system" => "system-added",
                "policy" => "policy-added",
                _ => "mapping-added",
            };
            let at = At {
                report: new.0,
                loc: t.meta().name.loc,
            };
            c.push(
                rule,
                Severity::Info,
                false,
                subject(kind, name),
                "",
                format!("new {kind} `{name}`"),
                None,
                Some(at),
                (None, None),
            );
        }
    }
}

fn subject(kind: &'static str, name: &str) -> Subject {
    Subject {
        kind,
        name: name.to_string(),
    }
}

/// The deliveries of a flow: target -> (the policy it runs under, where).
fn deliveries(f: &Flow) -> BTreeMap<&str, (Option<&str>, Loc)> {
    f.steps
        .iter()
        .filter_map(|(s, loc)| match s {
            Step::Deliver { target, policy, .. } => Some((
                target.value.as_str(),
                (
                    policy
                        .as_ref()
                        .or(f.policy.as_ref())
                        .map(|p| p.value.as_str()),
                    *loc,
                ),
            )),
            _ => None,
        })
        .collect()
}

fn flows(old: &Report, new: &Report, c: &mut Changes) {
    let (a, b) = (
        named(&old.compilation.specs.flows),
        named(&new.compilation.specs.flows),
    );
    added_removed("flow", (old, &a), (new, &b), Severity::Warning, c);
    for (name, fa) in &a {
        let Some(fb) = b.get(name) else { continue };
        let s = || subject("flow", name);
        let side = |r, loc| Some(At { report: r, loc });
        for (key, rule, severity, breaking, why) in [
            ("trigger", "flow-trigger-changed", Severity::Warning, false, "messages now start from somewhere else; the old trigger's backlog and cursor do not carry over"),
            ("idempotency_key", "flow-idempotency-key-changed", Severity::Error, true, "messages already received are no longer recognised as duplicates, so a re-sent one is delivered again"),
            ("ordering_key", "flow-ordering-key-changed", Severity::Warning, false, "messages in flight were ordered by the old key; order across the change is not guaranteed"),
        ] {
            let ((va, la), (vb, lb)) = (written(&fa.meta, key), written(&fb.meta, key));
            if va != vb {
                let show = |v: &Option<Json>| v.as_ref().map_or("nothing".to_string(), |v| format!("`{}`", compact(v)));
                c.push(rule, severity, breaking, s(), key, format!("{key} of flow `{name}` changed from {} to {}: {why}", show(&va), show(&vb)), side(old, la), side(new, lb), (va, vb));
            }
        }
        let (da, db) = (deliveries(fa), deliveries(fb));
        let targets_a: BTreeSet<&str> = da.keys().copied().collect();
        let targets_b: BTreeSet<&str> = db.keys().copied().collect();
        if targets_a != targets_b {
            let list = |t: &BTreeSet<&str>| {
                t.iter()
                    .map(|x| format!("`{x}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let (la, lb) = (
                da.values().next().map_or(fa.meta.name.loc, |d| d.1),
                db.values().next().map_or(fb.meta.name.loc, |d| d.1),
            );
            c.push(
                "flow-endpoint-changed",
                Severity::Warning,
                false,
                s(),
                "steps",
                format!(
                    "flow `{name}` delivered to {} and now delivers to {}",
                    list(&targets_a),
                    list(&targets_b)
                ),
                side(old, la),
                side(new, lb),
                (
                    Some(Json::from(targets_a.iter().copied().collect::<Vec<_>>())),
                    Some(Json::from(targets_b.iter().copied().collect::<Vec<_>>())),
                ),
            );
        }
        for (target, (pa, la)) in &da {
            let Some((pb, lb)) = db.get(target) else {
                continue;
            };
            if pa != pb {
                c.push("flow-policy-changed", Severity::Warning, false, s(), &format!("steps/deliver {target}"), format!("the delivery of flow `{name}` to `{target}` ran under policy {} and now runs under {}", pa.map_or("none".into(), |p| format!("`{p}`")), pb.map_or("none".into(), |p| format!("`{p}`"))), side(old, *la), side(new, *lb), (pa.map(Json::from), pb.map(Json::from)));
                let (Some(pa), Some(pb)) = (pa, pb) else {
                    continue;
                };
                let (Some(xa), Some(xb)) = (policy(old, pa), policy(new, pb)) else {
                    continue;
                };
                weakened(
                    xa,
                    xb,
                    s(),
                    &format!("steps/deliver {target}"),
                    side(old, *la),
                    side(new, *lb),
                    c,
                );
            }
        }
    }
}

fn compact(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A policy by name (workspace or imported).
fn policy<'r>(report: &'r Report, name: &str) -> Option<&'r Policy> {
    let i = report.index.policy(name)?;
    Some(&report.compilation.specs.policies[i])
}

/// Rules for a policy that delivers less reliably than before.
fn weakened(
    a: &Policy,
    b: &Policy,
    s: Subject,
    path: &str,
    old: Option<At>,
    new: Option<At>,
    c: &mut Changes,
) {
    let attempts = |p: &Policy| p.retry.as_ref().and_then(|r| r.max_attempts).unwrap_or(1);
    let (na, nb) = (attempts(a), attempts(b));
    if nb < na {
        c.push("policy-retries-reduced", Severity::Error, true, s.clone(), path, format!("deliveries now get {nb} attempt(s) instead of {na}: failures that used to recover now go to the dead-letter queue or are lost"), old, new, (Some(na.into()), Some(nb.into())));
    }
    let dl = |p: &Policy| p.dead_letter.unwrap_or(false);
    if dl(a) && !dl(b) {
        c.push("policy-dead-letter-disabled", Severity::Error, true, s.clone(), path, "failed deliveries no longer go to the dead-letter queue: they are dropped after the last attempt".into(), old, new, (Some(true.into()), Some(false.into())));
    }
    let timeout = |p: &Policy| {
        p.timeout
            .as_ref()
            .and_then(crate::spec::policy::duration_ms)
    };
    if let (Some(ta), Some(tb)) = (timeout(a), timeout(b)) {
        if tb < ta {
            c.push("policy-timeout-shortened", Severity::Warning, false, s, path, format!("each attempt now times out after {tb} ms instead of {ta} ms: slow answers that used to succeed now fail"), old, new, (Some(ta.into()), Some(tb.into())));
        }
    }
}

fn policies(old: &Report, new: &Report, c: &mut Changes) {
    let (a, b) = (
        named(&old.compilation.specs.policies),
        named(&new.compilation.specs.policies),
    );
    added_removed("policy", (old, &a), (new, &b), Severity::Warning, c);
    for (name, pa) in &a {
        let Some(pb) = b.get(name) else { continue };
        let side = |r, m: &Meta| {
            Some(At {
                report: r,
                loc: m.name.loc,
            })
        };
        let first = c.out.len();
        weakened(
            pa,
            pb,
            subject("policy", name),
            "",
            side(old, &pa.meta),
            side(new, &pb.meta),
            c,
        );
        // The flows whose deliveries run under the policy.
        let users = policy_users(new, name);
        for change in &mut c.out[first..] {
            change.impact = users.clone();
        }
    }
}

/// Flows with a delivery under policy `name`.
fn policy_users(report: &Report, name: &str) -> Vec<super::Impact> {
    let mut out = Vec::new();
    for f in named(&report.compilation.specs.flows).values() {
        for (target, (policy, loc)) in deliveries(f) {
            if policy == Some(name) {
                out.push(super::Impact {
                    kind: "flow",
                    name: f.meta.name.value.clone(),
                    role: "produces",
                    how: format!("delivers to `{target}` under it"),
                    at: Some(At { report, loc }.position()),
                });
            }
        }
    }
    out
}

fn systems(old: &Report, new: &Report, c: &mut Changes) {
    let (a, b) = (
        named(&old.compilation.specs.systems),
        named(&new.compilation.specs.systems),
    );
    added_removed("system", (old, &a), (new, &b), Severity::Warning, c);
    for (name, sa) in &a {
        let Some(sb) = b.get(name) else { continue };
        for (key, rule, what) in [
            ("base_url", "system-base-url-changed", "requests now go to another place"),
            ("auth", "system-auth-changed", "requests authenticate differently; the runtime needs the new credentials before this deploys"),
        ] {
            let ((va, la), (vb, lb)) = (written(&sa.meta, key), written(&sb.meta, key));
            if va != vb {
                // Values are secret references at most (literal secrets fail `weft check`).
                c.push(rule, Severity::Warning, false, subject("system", name), key, format!("`{key}` of system `{name}` changed: {what}"), Some(At { report: old, loc: la }), Some(At { report: new, loc: lb }), (va, vb));
            }
        }
    }
}

type Rules<'r> = BTreeMap<String, (String, At<'r>)>;

/// Systems of record by domain and by field.
fn ownership_rules(r: &Report) -> (Rules<'_>, Rules<'_>) {
    let (mut domains, mut fields) = (BTreeMap::new(), BTreeMap::new());
    for o in r
        .compilation
        .specs
        .ownership
        .iter()
        .filter(|o| o.meta.is_workspace())
    {
        for d in &o.domains {
            let record = d.record.as_ref().map_or(String::new(), |x| x.value.clone());
            domains.insert(
                d.domain.value.clone(),
                (
                    record,
                    At {
                        report: r,
                        loc: d.domain.loc,
                    },
                ),
            );
        }
        for f in &o.fields {
            fields.insert(
                f.path.value.clone(),
                (
                    f.system.value.clone(),
                    At {
                        report: r,
                        loc: f.path.loc,
                    },
                ),
            );
        }
    }
    (domains, fields)
}

fn ownership(old: &Report, new: &Report, c: &mut Changes) {
    let (oa, ob) = (ownership_rules(old), ownership_rules(new));
    for (what, rule, a, b) in [
        ("domain", "ownership-record-changed", &oa.0, &ob.0),
        ("field", "field-ownership-changed", &oa.1, &ob.1),
    ] {
        let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for k in keys {
            let (x, y) = (a.get(k), b.get(k));
            let show = |v: Option<&(String, At)>| {
                v.map_or("no system of record".to_string(), |v| format!("`{}`", v.0))
            };
            if x.map(|v| &v.0) != y.map(|v| &v.0) {
                c.push(rule, Severity::Warning, false, subject("ownership", k), "", format!("the system of record of {what} `{k}` changed from {} to {}: flows writing it from other systems are judged against the new record", show(x), show(y)), x.map(|v| v.1), y.map(|v| v.1), (x.map(|v| Json::from(v.0.clone())), y.map(|v| Json::from(v.0.clone()))));
            }
        }
    }
}

fn mappings(old: &Usage, new: &Usage, c: &mut Changes) {
    let (a, b) = (
        named(&old.report.compilation.specs.mappings),
        named(&new.report.compilation.specs.mappings),
    );
    added_removed(
        "mapping",
        (old.report, &a),
        (new.report, &b),
        Severity::Info,
        c,
    );
    for name in a.keys().filter(|n| b.contains_key(*n)) {
        let (Some(la), Some(lb)) = (old.lineage(name), new.lineage(name)) else {
            continue;
        };
        let fields = |l: &lineage::MappingLineage| -> BTreeMap<String, (Vec<String>, Position)> {
            l.fields
                .iter()
                .map(|f| {
                    let mut s: Vec<String> = f.sources.iter().map(|s| s.path.clone()).collect();
                    s.sort();
                    (f.target.clone(), (s, f.position.clone()))
                })
                .collect()
        };
        let (fa, fb) = (fields(la), fields(lb));
        let targets: BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
        for t in targets {
            let (x, y) = (fa.get(t), fb.get(t));
            if x.map(|v| &v.0) == y.map(|v| &v.0) {
                continue;
            }
            let show = |v: Option<&(Vec<String>, Position)>| match v {
                None => "was not assigned".to_string(),
                Some((s, _)) if s.is_empty() => "a constant".to_string(),
                Some((s, _)) => s
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let values = (
                x.map(|v| Json::from(v.0.clone())),
                y.map(|v| Json::from(v.0.clone())),
            );
            let message = format!(
                "target field `{t}` of mapping `{name}` came from {} and now comes from {}",
                show(x),
                show(y)
            );
            c.out.push(Change {
                old: x.map(|v| v.1.clone()),
                new: y.map(|v| v.1.clone()),
                ..Change::new(
                    "mapping-lineage-changed",
                    Severity::Warning,
                    subject("mapping", name),
                    t,
                    message,
                    values.0,
                    values.1,
                )
            });
        }
    }
}

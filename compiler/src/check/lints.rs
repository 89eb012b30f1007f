//! The configurable lint rules over flows, contracts, systems and policies.

use super::index::Index;
use super::mappings::CheckedMapping;
use super::paths;
use super::references::Usage;
use super::sunset::Sunset;
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::Loc;
use crate::spec::Specs;

pub fn check(
    specs: &Specs,
    idx: &Index,
    checked: &[Option<CheckedMapping>],
    usage: &Usage,
    sunset: &Sunset,
    diags: &mut Vec<Diagnostic>,
) {
    flows(specs, idx, diags);
    contracts(specs, sunset, diags);
    mapping_sunset(specs, idx, checked, sunset, diags);
    unused(specs, idx, usage, diags);
}

fn flows(specs: &Specs, idx: &Index, diags: &mut Vec<Diagnostic>) {
    for f in specs
        .flows
        .iter()
        .filter(|f| f.meta.is_workspace() && f.meta.valid)
    {
        let name = &f.meta.name;
        // A scheduled trigger's messages are keyed by their tick's time.
        let scheduled = matches!(
            f.trigger.as_ref().map(|(t, _)| t),
            Some(crate::spec::flow::Trigger::Schedule { .. })
        );
        if f.idempotency_key.is_none() && !scheduled {
            diags.push(
                Diagnostic::new(&rules::FLOW_MISSING_IDEMPOTENCY_KEY, name.loc, format!("flow `{}` has no idempotency key", name.value))
                    .label("no idempotency_key")
                    .hint("add `idempotency_key: source.id` (a path that identifies the business object) so retries never create duplicates"),
            );
        }
        let deliveries: Vec<_> = f.deliveries().collect();
        if f.policy.is_none() && deliveries.iter().any(|(_, _, p)| p.is_none()) {
            diags.push(
                Diagnostic::new(&rules::FLOW_MISSING_POLICY, name.loc, format!("flow `{}` delivers without a policy", name.value))
                    .label("no policy")
                    .hint("add `policy: NAME` (e.g. `std-erp-posting` from std/distribution@1) to set timeouts, retries and dead-lettering"),
            );
        }
        for (target, _, step_policy) in deliveries {
            let Some(policy_name) = step_policy.or(f.policy.as_ref()) else {
                continue;
            };
            let Some(pi) = idx.policy(&policy_name.value) else {
                continue;
            };
            let p = &specs.policies[pi];
            let missing = match (p.retries(), p.dead_letter == Some(true)) {
                (true, true) => continue,
                (false, true) => "does not retry",
                (true, false) => "does not dead-letter failures",
                (false, false) => "neither retries nor dead-letters failures",
            };
            diags.push(
                Diagnostic::new(
                    &rules::DELIVERY_WITHOUT_RETRY,
                    target.loc,
                    format!("delivery to `{}` uses policy `{}`, which {missing}", target.value, p.meta.name.value),
                )
                .label("unprotected delivery")
                .related(p.meta.name.loc, "policy defined here")
                .hint("give the policy `retry: { max_attempts: 5, ... }` and `dead_letter: true`, or use one that has them"),
            );
        }
    }
}

fn contracts(specs: &Specs, sunset: &Sunset, diags: &mut Vec<Diagnostic>) {
    for c in specs
        .contracts
        .iter()
        .filter(|c| c.meta.is_workspace() && c.meta.valid)
    {
        if c.owner.is_none() {
            diags.push(
                Diagnostic::new(
                    &rules::CONTRACT_MISSING_OWNER,
                    c.meta.name.loc,
                    format!("contract `{}` has no owner", c.display()),
                )
                .label("no owner")
                .hint("add `owner: TEAM` so breaking changes have someone to approve them"),
            );
        }
    }
    // A whole contract past its sunset: every reference to it is a use.
    let past: Vec<(usize, &str)> = specs
        .contracts
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, sunset.passed(c.deprecated.as_ref()?)?)))
        .collect();
    if past.is_empty() {
        return;
    }
    let mut uses: Vec<(Loc, &crate::spec::RefSlot)> = Vec::new();
    for f in specs.flows.iter().filter(|f| f.meta.is_workspace()) {
        uses.extend(f.contract_refs().into_iter().map(|r| (r.loc(), r)));
    }
    for m in specs.mappings.iter().filter(|m| m.meta.is_workspace()) {
        uses.extend(m.source.iter().chain(m.target.iter()).map(|r| (r.loc(), r)));
    }
    for (loc, slot) in uses {
        let Some(r) = slot.get() else { continue };
        for (i, date) in &past {
            let c = &specs.contracts[*i];
            if c.meta.name.value == r.name
                && r.major
                    .is_none_or(|m| c.version.as_ref().is_some_and(|v| v.major == m))
            {
                diags.push(
                    Diagnostic::new(
                        &rules::DEPRECATED_FIELD_PAST_SUNSET,
                        loc,
                        format!(
                            "contract `{}` is deprecated and its sunset date {date} has passed",
                            c.display()
                        ),
                    )
                    .label("used after sunset")
                    .related(
                        c.deprecated
                            .as_ref()
                            .map(|d| d.loc)
                            .unwrap_or(c.meta.name.loc),
                        "deprecated here",
                    )
                    .hint("move to its successor version"),
                );
            }
        }
    }
}

/// Mapping bodies that read a field past its sunset, found through the type
/// checker's lineage (so reads through lets, lambda parameters and user
/// functions' arguments count: `source.items.map(i -> i.legacy)`).
fn mapping_sunset(
    specs: &Specs,
    idx: &Index,
    checked: &[Option<CheckedMapping>],
    sunset: &Sunset,
    diags: &mut Vec<Diagnostic>,
) {
    for (m, checked) in specs.mappings.iter().zip(checked) {
        let Some(checked) = checked.as_ref().filter(|_| m.meta.is_workspace()) else {
            continue;
        };
        let (Some(src), Ok(result)) = (
            m.source.as_ref().and_then(|s| idx.contract(s.get()?)),
            &checked.result,
        ) else {
            continue;
        };
        for field in &result.lineage {
            for (path, span) in &field.sources {
                let segs: Vec<&str> = path.split('.').map(|s| s.trim_end_matches("[]")).collect();
                if let Ok(f) = paths::resolve(specs, idx, src, &segs) {
                    sunset.check_field_use(
                        f,
                        &format!("source.{path}"),
                        checked.map.loc(span.start, span.end),
                        diags,
                    );
                }
            }
        }
    }
}

/// The `unused-*` rules. A duplicate definition is reported as a duplicate only.
fn unused(specs: &Specs, idx: &Index, usage: &Usage, diags: &mut Vec<Diagnostic>) {
    let mut report = |meta: &crate::spec::Meta,
                      canonical: bool,
                      used: bool,
                      rule: &'static rules::Rule,
                      what: String,
                      hint: &str| {
        if meta.is_workspace() && meta.valid && canonical && !used {
            diags.push(
                Diagnostic::new(rule, meta.name.loc, what)
                    .label("unused")
                    .hint(hint),
            );
        }
    };
    for (i, c) in specs.contracts.iter().enumerate() {
        // A contract without a valid version cannot be referenced: invalid-version says so.
        let canonical = c.version.is_some() && idx.contract(&c.reference()) == Some(i);
        report(
            &c.meta,
            canonical,
            usage.contracts.contains(&i),
            &rules::UNUSED_CONTRACT,
            format!("contract `{}` is not used", c.display()),
            "reference it from a flow, system, mapping or contract, or delete it",
        );
    }
    for (i, s) in specs.systems.iter().enumerate() {
        report(
            &s.meta,
            idx.system(&s.meta.name.value) == Some(i),
            usage.systems.contains(&i),
            &rules::UNUSED_SYSTEM,
            format!("system `{}` is not used by any flow", s.meta.name.value),
            "use it in a flow's trigger or deliver step, or delete it (it still widens the hosts the runtime may call)",
        );
    }
    for (i, p) in specs.policies.iter().enumerate() {
        report(
            &p.meta,
            idx.policy(&p.meta.name.value) == Some(i),
            usage.policies.contains(&i),
            &rules::UNUSED_POLICY,
            format!("policy `{}` is not used", p.meta.name.value),
            "reference it with `policy: NAME` from a flow or deliver step, or delete it",
        );
    }
}

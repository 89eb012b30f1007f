//! System-of-record governance: no flow overwrites an authoritative system
//! from a non-authoritative source, and no two sources write the same field.

use super::index::Index;
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::{Loc, Spanned};
use crate::spec::ownership::DomainRule;
use crate::spec::Specs;
use std::collections::BTreeMap;

/// One flow's write of a contract into a system.
struct Write<'a> {
    flow: &'a str,
    flow_loc: Loc,
    step_loc: Loc,
    source: Option<&'a Spanned<String>>,
    target: &'a str,
    contract: usize,
    domain: Option<&'a str>,
    /// The endpoint's HTTP method: `POST` creates, `PUT`/`PATCH` update.
    method: Option<&'a str>,
}

pub fn check(specs: &Specs, idx: &Index, diags: &mut Vec<Diagnostic>) {
    let domains: BTreeMap<&str, &DomainRule> = specs
        .ownership
        .iter()
        .flat_map(|o| o.domains.iter())
        .map(|d| (d.domain.value.as_str(), d))
        .collect();
    let writes = collect_writes(specs, idx);
    for w in &writes {
        let Some(source) = w.source else { continue };
        let rule = w.domain.and_then(|d| domains.get(d));
        // An originator creating a record (POST) sets its initial values; it does not overwrite them.
        let creates_as_originator = w.method.is_none_or(|m| m.eq_ignore_ascii_case("POST"))
            && rule.is_some_and(|r| r.originators.iter().any(|o| o.value == source.value));
        if let Some(rule) = rule {
            let Some(record) = &rule.record else { continue };
            let allowed = source.value == record.value
                || rule.originators.iter().any(|o| o.value == source.value);
            if w.target == record.value && !allowed {
                diags.push(
                    Diagnostic::new(
                        &rules::RECORD_OVERWRITE,
                        w.step_loc,
                        format!(
                            "flow `{}` writes {} data into `{}`, its system of record, from `{}`, which is neither the record nor an originator",
                            w.flow, rule.domain.value, record.value, source.value
                        ),
                    )
                    .label(format!("overwrites the record system `{}`", record.value))
                    .related(rule.domain.loc, format!("ownership: `{}` is owned by `{}`", rule.domain.value, record.value))
                    .related(source.loc, "the flow's source system")
                    .hint(format!(
                        "deliver to a system that is not the record, reverse the flow, or add `{}` to `originators` of `{}` if it may create records there",
                        source.value, rule.domain.value
                    )),
                );
            }
        }
        for o in &specs.ownership {
            for f in &o.fields {
                let Some((contract, field)) = f.split() else {
                    continue;
                };
                let c = &specs.contracts[w.contract];
                if c.meta.name.value != contract
                    || c.shape
                        .field(field.split('.').next().unwrap_or(field))
                        .is_none()
                {
                    continue;
                }
                if w.target == f.system.value
                    && source.value != f.system.value
                    && !creates_as_originator
                {
                    diags.push(
                        Diagnostic::new(
                            &rules::RECORD_OVERWRITE,
                            w.step_loc,
                            format!(
                                "flow `{}` writes `{}` into `{}`, which owns that field, from `{}`",
                                w.flow, f.path.value, f.system.value, source.value
                            ),
                        )
                        .label("overwrites an owned field")
                        .related(f.path.loc, format!("ownership: `{}` is owned by `{}`", f.path.value, f.system.value))
                        .hint("the record system's value must not be overwritten from elsewhere: deliver a contract without that field, or change the field's owner"),
                    );
                }
            }
        }
    }
    conflicting_writers(specs, &writes, &domains, diags);
}

fn collect_writes<'a>(specs: &'a Specs, idx: &Index) -> Vec<Write<'a>> {
    let mut out = Vec::new();
    for f in &specs.flows {
        let source = f.trigger.as_ref().and_then(|(t, _)| t.system());
        for (step, _) in &f.steps {
            let crate::spec::flow::Step::Deliver {
                endpoint: Some(ep),
                target,
                ..
            } = step
            else {
                continue;
            };
            let Some(si) = idx.system(&ep.system) else {
                continue;
            };
            let Some(endpoint) = specs.systems[si].endpoint(&ep.endpoint) else {
                continue;
            };
            let Some(body) = endpoint.body.as_ref() else {
                continue;
            };
            let Some(contract) = body.get().and_then(|r| idx.contract(r)) else {
                continue;
            };
            let domain = f.domain.as_ref().map(|d| d.value.as_str()).or_else(|| {
                specs.contracts[contract]
                    .domain
                    .as_ref()
                    .map(|d| d.value.as_str())
            });
            out.push(Write {
                flow: &f.meta.name.value,
                flow_loc: f.meta.name.loc,
                step_loc: target.loc,
                source,
                target: &specs.systems[si].meta.name.value,
                contract,
                domain,
                method: endpoint.method.as_deref(),
            });
        }
    }
    out
}

/// Two flows delivering the same contract into the same system from different
/// sources write the same fields, unless both sources are sanctioned creators
/// (record or originators) of the domain: then they create distinct records.
fn conflicting_writers(
    specs: &Specs,
    writes: &[Write],
    domains: &BTreeMap<&str, &DomainRule>,
    diags: &mut Vec<Diagnostic>,
) {
    let sanctioned = |w: &Write| -> bool {
        let (Some(src), Some(rule)) = (w.source, w.domain.and_then(|d| domains.get(d))) else {
            return false;
        };
        rule.record.as_ref().is_some_and(|r| r.value == src.value)
            || rule.originators.iter().any(|o| o.value == src.value)
    };
    for (i, a) in writes.iter().enumerate() {
        for b in &writes[i + 1..] {
            let (Some(sa), Some(sb)) = (a.source, b.source) else {
                continue;
            };
            if a.target != b.target
                || a.contract != b.contract
                || sa.value == sb.value
                || a.flow == b.flow
            {
                continue;
            }
            if sanctioned(a) && sanctioned(b) {
                continue;
            }
            let c = &specs.contracts[a.contract];
            let fields: Vec<&str> = c.shape.names().collect();
            let shown = if fields.len() > 4 {
                format!("{}, … ({} fields)", fields[..4].join(", "), fields.len())
            } else {
                fields.join(", ")
            };
            let mut d = Diagnostic::new(
                &rules::CONFLICTING_WRITERS,
                b.step_loc,
                format!(
                    "flows `{}` (from `{}`) and `{}` (from `{}`) both write {} into `{}`: {shown}",
                    a.flow,
                    sa.value,
                    b.flow,
                    sb.value,
                    c.display(),
                    b.target
                ),
            )
            .label(format!("second source for {}", c.meta.name.value))
            .related(
                a.step_loc,
                format!("flow `{}` writes the same fields here", a.flow),
            )
            .related(a.flow_loc, format!("flow `{}`", a.flow));
            d = match b.domain.or(a.domain).and_then(|dm| domains.get(dm)) {
                Some(rule) => d
                    .related(rule.domain.loc, format!("ownership rule for `{}`", rule.domain.value))
                    .hint("make one flow the only writer of this data into that system; if both sources really create distinct records, list them as the record or `originators` of the domain"),
                None => d.hint("no ownership rule covers this data: declare its system of record (and originators) in a `kind: ownership` spec, and let one flow write it"),
            };
            diags.push(d);
        }
    }
}

//! Flow checks: the trigger matches its system, each step receives the
//! contract it expects, and key and condition paths name real fields.

use super::index::Index;
use super::paths;
use super::sunset::Sunset;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::rules;
use crate::source::{Loc, SourceMap, Spanned};
use crate::spec::flow::{Flow, Step, Trigger};
use crate::spec::system::Connector;
use crate::spec::{RefSlot, Specs};
use crate::yaml::ValueMap;

/// What the flow checks read.
struct Cx<'a> {
    specs: &'a Specs,
    idx: &'a Index,
    sources: &'a SourceMap,
    sunset: &'a Sunset,
}

/// Checks every flow.
pub fn check(
    specs: &Specs,
    idx: &Index,
    sources: &SourceMap,
    sunset: &Sunset,
    diags: &mut Vec<Diagnostic>,
) {
    let cx = Cx {
        specs,
        idx,
        sources,
        sunset,
    };
    for flow in &specs.flows {
        let source = flow.source.as_ref().and_then(|s| lookup(idx, s));
        check_trigger(specs, idx, flow, source, diags);
        check_steps(&cx, flow, source, diags);
        for key in [&flow.idempotency_key, &flow.ordering_key]
            .into_iter()
            .flatten()
        {
            check_paths(&cx, key, source, source, diags);
        }
    }
}

fn lookup(idx: &Index, slot: &RefSlot) -> Option<usize> {
    idx.contract(slot.get()?)
}

fn name_of(specs: &Specs, c: usize) -> String {
    let c = &specs.contracts[c];
    format!(
        "{}@{}",
        c.meta.name.value,
        c.version.as_ref().map(|v| v.major).unwrap_or(0)
    )
}

fn mismatch(specs: &Specs, loc: Loc, what: &str, expected: usize, actual: usize) -> Diagnostic {
    Diagnostic::new(
        &rules::STEP_CONTRACT_MISMATCH,
        loc,
        format!(
            "{what} expects `{}`, but the message here is `{}`",
            name_of(specs, expected),
            name_of(specs, actual)
        ),
    )
    .label(format!("expects {}", name_of(specs, expected)))
}

fn check_trigger(
    specs: &Specs,
    idx: &Index,
    flow: &Flow,
    source: Option<usize>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some((trigger, tloc)) = &flow.trigger else {
        return;
    };
    let Some(sys_name) = trigger.system() else {
        return;
    };
    let Some(si) = idx.system(&sys_name.value) else {
        return;
    };
    let system = &specs.systems[si];
    let needed = match trigger {
        Trigger::Webhook { .. } => Connector::Webhook,
        Trigger::Poll { .. } => Connector::Poll,
        Trigger::File { .. } => Connector::File,
        Trigger::Schedule { .. } => return,
    };
    if !system.has(needed) {
        diags.push(
            Diagnostic::new(
                &rules::CONNECTOR_MISMATCH,
                sys_name.loc,
                format!(
                    "a {} trigger needs system `{}` to have the `{}` connector",
                    trigger.kind(),
                    system.meta.name.value,
                    needed.as_str()
                ),
            )
            .label(format!("no {} connector", needed.as_str()))
            .related(system.connector_loc, "connectors declared here")
            .hint(format!(
                "add `{}` to the system's `connector:` list",
                needed.as_str()
            )),
        );
    }
    // The contract the trigger delivers, and where it is declared.
    let delivered: Option<(&RefSlot, &str)> = match trigger {
        Trigger::Webhook {
            topic: Some(topic), ..
        } => {
            let Some(webhook) = &system.webhook else {
                return;
            };
            match webhook.topics.iter().find(|(t, _)| t.value == topic.value) {
                Some((_, slot)) => slot.as_ref().map(|s| (s, "the webhook topic")),
                None => {
                    if !webhook.topics.is_empty() {
                        let names: Vec<&str> = webhook
                            .topics
                            .iter()
                            .map(|(t, _)| t.value.as_str())
                            .collect();
                        diags.push(
                            Diagnostic::new(
                                &rules::UNKNOWN_REFERENCE,
                                topic.loc,
                                format!(
                                    "system `{}` has no webhook topic `{}`",
                                    system.meta.name.value, topic.value
                                ),
                            )
                            .label("no such topic")
                            .related(webhook.loc, "topics declared here")
                            .hint(
                                did_you_mean(&topic.value, names.iter().copied())
                                    .unwrap_or_else(|| format!("topics: {}", names.join(", "))),
                            ),
                        );
                    }
                    None
                }
            }
        }
        Trigger::Poll {
            endpoint: Some(ep), ..
        } => system
            .endpoint(&ep.value)
            .and_then(|e| e.response.as_ref())
            .map(|r| (r, "the polled endpoint's response")),
        Trigger::File { .. } => system
            .files
            .as_ref()
            .and_then(|f| f.record.as_ref())
            .map(|r| (r, "the system's file records")),
        _ => None,
    };
    if let (Some((slot, what)), Some(src)) = (delivered, source) {
        if let Some(di) = lookup(idx, slot) {
            if di != src {
                diags.push(
                    Diagnostic::new(
                        &rules::STEP_CONTRACT_MISMATCH,
                        flow.source.as_ref().map(|s| s.loc()).unwrap_or(*tloc),
                        format!(
                            "the flow's source is `{}`, but {what} is `{}`",
                            name_of(specs, src),
                            name_of(specs, di)
                        ),
                    )
                    .label("source contract")
                    .related(slot.loc(), "the trigger's contract is declared here")
                    .hint(format!("set `source: {}`", name_of(specs, di))),
                );
            }
        }
    }
}

fn check_steps(cx: &Cx, flow: &Flow, source: Option<usize>, diags: &mut Vec<Diagnostic>) {
    let (specs, idx) = (cx.specs, cx.idx);
    let mut current = source;
    for (step, _) in &flow.steps {
        match step {
            Step::Validate(slot) => {
                let v = lookup(idx, slot);
                match (v, current) {
                    (Some(v), Some(c)) if v != c => diags.push(
                        mismatch(specs, slot.loc(), "this validate step", v, c)
                            .hint("validate against the contract the previous step produces, or add a `map` step first"),
                    ),
                    (Some(v), None) => current = Some(v),
                    _ => {}
                }
            }
            Step::Map(name) => {
                let Some(mi) = idx.mapping(&name.value) else {
                    current = None;
                    continue;
                };
                let mapping = &specs.mappings[mi];
                let from = mapping.source.as_ref().and_then(|s| lookup(idx, s));
                if let (Some(from), Some(c)) = (from, current) {
                    if from != c {
                        diags.push(
                            mismatch(specs, name.loc, &format!("mapping `{}`", name.value), from, c)
                                .related(mapping.meta.name.loc, "mapping defined here")
                                .hint("use a mapping whose source is the contract at this point of the flow"),
                        );
                    }
                }
                current = mapping.target.as_ref().and_then(|t| lookup(idx, t));
            }
            Step::Filter { when, .. } | Step::Hold { when, .. } => {
                if let Some(w) = when {
                    check_paths(cx, w, source, current, diags);
                }
            }
            Step::Deliver {
                target,
                endpoint: Some(ep),
                ..
            } => {
                let Some(si) = idx.system(&ep.system) else {
                    continue;
                };
                let system = &specs.systems[si];
                if !system.has(Connector::Http) {
                    diags.push(
                        Diagnostic::new(
                            &rules::CONNECTOR_MISMATCH,
                            target.loc,
                            format!("delivering to `{}` needs system `{}` to have the `http` connector", target.value, system.meta.name.value),
                        )
                        .label("no http connector")
                        .related(system.connector_loc, "connectors declared here")
                        .hint("add `http` to the system's `connector:` list (poll endpoints are only read)"),
                    );
                }
                let Some(endpoint) = system.endpoint(&ep.endpoint) else {
                    continue;
                };
                let body = endpoint.body.as_ref().and_then(|b| lookup(idx, b));
                if let (Some(body), Some(c)) = (body, current) {
                    if body != c {
                        diags.push(
                            mismatch(
                                specs,
                                target.loc,
                                &format!("endpoint `{}`", target.value),
                                body,
                                c,
                            )
                            .related(endpoint.name.loc, "endpoint defined here")
                            .hint(format!(
                                "add a `map` step that produces `{}` before delivering",
                                name_of(specs, body)
                            )),
                        );
                    }
                }
            }
            Step::Deliver { .. } => {}
        }
    }
}

/// Checks the `source.` / `current.` paths of an expression; `text` is the expression as written.
fn check_paths(
    cx: &Cx,
    text: &Spanned<String>,
    source: Option<usize>,
    current: Option<usize>,
    diags: &mut Vec<Diagnostic>,
) {
    let map = ValueMap::of(cx.sources, text);
    let expr = match weft_mapping::parse_expr(&text.value) {
        Ok(e) => e,
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    &rules::MAPPING_SYNTAX,
                    map.loc(e.span.start, e.span.end.max(e.span.start + 1)),
                    e.message,
                )
                .label("here")
                .hint("conditions and keys are expressions of the mapping language (docs/mapping-language.md), e.g. `current.total > 10000`"),
            );
            return;
        }
    };
    for (root, segs, span) in paths::paths_in(&expr) {
        let Some(contract) = (if root == "source" { source } else { current }) else {
            continue;
        };
        let loc = map.loc(span.start, span.end);
        match paths::resolve(cx.specs, cx.idx, contract, &segs) {
            Ok(field) => {
                cx.sunset
                    .check_field_use(field, &format!("{root}.{}", segs.join(".")), loc, diags)
            }
            Err(e) if e.segment != usize::MAX => diags.push(
                Diagnostic::new(
                    &rules::UNKNOWN_FIELD,
                    loc,
                    format!("{} (in `{root}.{}`)", e.message, segs.join(".")),
                )
                .label("no such field")
                .maybe_hint(e.hint),
            ),
            Err(_) => {}
        }
    }
}

//! Who uses each contract in one version of a workspace: mappings (with the
//! fields they read or write, from lineage), flows and systems, and whether
//! they produce or consume it. A change reaches a use when their paths
//! overlap.

use super::Impact;
use crate::check::Report;
use crate::render::{lineage, Position};
use crate::spec::flow::{Step, Trigger};
use crate::spec::RefSlot;
use std::collections::BTreeMap;

/// One use of a contract.
#[derive(Clone, Debug)]
pub struct Use {
    pub impact: Impact,
    /// Document paths it touches (`/customer/id`); `None`: the whole document.
    pub paths: Option<Vec<(String, Position)>>,
}

/// One version of the workspace: its uses by contract (`Name@MAJOR`) and
/// the lineage of its mappings, computed once for every rule that needs them.
pub struct Usage<'r> {
    pub report: &'r Report,
    uses: BTreeMap<String, Vec<Use>>,
    lineages: BTreeMap<String, lineage::MappingLineage>,
}

/// A lineage path (`line_items[].price`) as a document path (`/line_items/*/price`).
pub fn pointer_of(lineage_path: &str) -> String {
    if lineage_path.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    for seg in lineage_path.split('.') {
        let (name, items) = match seg.find("[]") {
            Some(i) => (&seg[..i], seg[i..].matches("[]").count()),
            None => (seg, 0),
        };
        out.push('/');
        out.push_str(name);
        for _ in 0..items {
            out.push_str("/*");
        }
    }
    out
}

/// Whether two document paths overlap: one is the other or lies inside it.
pub fn overlaps(a: &str, b: &str) -> bool {
    a.split('/')
        .skip(1)
        .zip(b.split('/').skip(1))
        .all(|(x, y)| x == y || x == "*" || y == "*")
}

impl<'r> Usage<'r> {
    /// The uses in `report`'s workspace.
    pub fn of(report: &'r Report) -> Usage<'r> {
        let mut u = Usage {
            report,
            uses: BTreeMap::new(),
            lineages: BTreeMap::new(),
        };
        let c = &report.compilation;
        let specs = &c.specs;
        let key = |slot: Option<&RefSlot>| -> Option<String> {
            let r = slot?.parsed.as_ref().ok()?;
            let i = report.index.contract(r)?;
            Some(specs.contracts[i].reference().to_string())
        };
        let pos = |loc| Position::of(&c.sources, loc);
        for m in specs.mappings.iter().filter(|m| m.meta.is_workspace()) {
            let name = &m.meta.name.value;
            let lin = lineage::of(report, name).ok();
            if let Some(k) = key(m.source.as_ref()) {
                let paths = lin.as_ref().map(|l| {
                    let mut v: Vec<(String, Position)> = l
                        .fields
                        .iter()
                        .flat_map(|f| f.sources.iter())
                        .map(|s| (pointer_of(&s.path), s.position.clone()))
                        .collect();
                    v.sort_by(|a, b| a.0.cmp(&b.0));
                    v.dedup_by(|a, b| a.0 == b.0);
                    v
                });
                u.add(
                    k,
                    Use {
                        impact: Impact {
                            kind: "mapping",
                            name: name.clone(),
                            role: "consumes",
                            how: "reads it as its source".into(),
                            at: Some(pos(m.meta.name.loc)),
                        },
                        paths,
                    },
                );
            }
            if let Some(k) = key(m.target.as_ref()) {
                let paths = lin.as_ref().map(|l| {
                    l.fields
                        .iter()
                        .map(|f| (pointer_of(&f.target), f.position.clone()))
                        .collect()
                });
                u.add(
                    k,
                    Use {
                        impact: Impact {
                            kind: "mapping",
                            name: name.clone(),
                            role: "produces",
                            how: "writes it as its target".into(),
                            at: Some(pos(m.meta.name.loc)),
                        },
                        paths,
                    },
                );
            }
            if let Some(l) = lin {
                u.lineages.insert(name.clone(), l);
            }
        }
        for f in specs.flows.iter().filter(|f| f.meta.is_workspace()) {
            let name = &f.meta.name.value;
            let flow_use = |role: &'static str, how: String, loc| Use {
                impact: Impact {
                    kind: "flow",
                    name: name.clone(),
                    role,
                    how,
                    at: Some(pos(loc)),
                },
                paths: None,
            };
            if let Some(k) = key(f.source.as_ref()) {
                let loc = f.source.as_ref().map_or(f.meta.name.loc, |s| s.text.loc);
                u.add(
                    k,
                    flow_use("consumes", "receives it as its source".into(), loc),
                );
            }
            if let Some((
                Trigger::Webhook {
                    system: Some(s),
                    topic,
                },
                loc,
            )) = &f.trigger
            {
                let contract = report
                    .index
                    .system(&s.value)
                    .and_then(|i| specs.systems[i].webhook.as_ref())
                    .and_then(|w| {
                        w.topics
                            .iter()
                            .find(|(t, _)| Some(&t.value) == topic.as_ref().map(|t| &t.value))
                    })
                    .and_then(|(_, c)| key(c.as_ref()));
                if let Some(k) = contract {
                    u.add(
                        k,
                        flow_use(
                            "consumes",
                            format!("is triggered by {}'s webhook", s.value),
                            *loc,
                        ),
                    );
                }
            }
            for (step, loc) in &f.steps {
                match step {
                    Step::Validate(r) => {
                        if let Some(k) = key(Some(r)) {
                            u.add(
                                k,
                                flow_use("consumes", "validates messages against it".into(), *loc),
                            );
                        }
                    }
                    Step::Deliver {
                        endpoint: Some(e), ..
                    } => {
                        let body = report
                            .index
                            .system(&e.system)
                            .and_then(|i| specs.systems[i].endpoint(&e.endpoint))
                            .and_then(|ep| key(ep.body.as_ref()));
                        if let Some(k) = body {
                            u.add(
                                k,
                                flow_use(
                                    "produces",
                                    format!("delivers it to {}.{}", e.system, e.endpoint),
                                    *loc,
                                ),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        for s in specs.systems.iter().filter(|s| s.meta.is_workspace()) {
            let name = &s.meta.name.value;
            let mut add = |slot: Option<&RefSlot>, role: &'static str, how: String| {
                if let Some(k) = key(slot) {
                    let at = slot.map(|r| pos(r.text.loc));
                    u.add(
                        k,
                        Use {
                            impact: Impact {
                                kind: "system",
                                name: name.clone(),
                                role,
                                how,
                                at,
                            },
                            paths: None,
                        },
                    );
                }
            };
            for e in &s.endpoints {
                add(
                    e.body.as_ref(),
                    "consumes",
                    format!("takes it as the body of `{}`", e.name.value),
                );
                add(
                    e.response.as_ref(),
                    "produces",
                    format!("answers `{}` with it", e.name.value),
                );
            }
            if let Some(w) = &s.webhook {
                for (topic, c) in &w.topics {
                    add(
                        c.as_ref(),
                        "produces",
                        format!("sends it on webhook topic `{}`", topic.value),
                    );
                }
            }
            if let Some(files) = &s.files {
                add(
                    files.record.as_ref(),
                    "produces",
                    "writes it as file records".into(),
                );
            }
        }
        u
    }

    /// The lineage of a workspace mapping that passes `weft check`.
    pub fn lineage(&self, mapping: &str) -> Option<&lineage::MappingLineage> {
        self.lineages.get(mapping)
    }

    fn add(&mut self, contract: String, u: Use) {
        self.uses.entry(contract).or_default().push(u);
    }

    /// Every use of `contract`.
    pub fn of_contract(&self, contract: &str) -> &[Use] {
        self.uses.get(contract).map_or(&[], Vec::as_slice)
    }

    /// The uses of `contract` a change at document `path` reaches; a mapping
    /// that reads the field is named with the place it reads it.
    pub fn reached(&self, contract: &str, path: &str) -> Vec<Impact> {
        let mut out = Vec::new();
        for u in self.of_contract(contract) {
            match &u.paths {
                None => out.push(u.impact.clone()),
                Some(paths) => {
                    if let Some((p, at)) = paths.iter().find(|(p, _)| overlaps(p, path)) {
                        let verb = if u.impact.role == "consumes" {
                            "reads"
                        } else {
                            "writes"
                        };
                        let field = p.trim_start_matches('/').replace('/', ".");
                        out.push(Impact {
                            how: if field.is_empty() {
                                format!("{verb} the whole document")
                            } else {
                                format!("{verb} `{field}`")
                            },
                            at: Some(at.clone()),
                            ..u.impact.clone()
                        });
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lineage_paths_become_document_paths() {
        assert_eq!(pointer_of("customer.id"), "/customer/id");
        assert_eq!(pointer_of("line_items[].price"), "/line_items/*/price");
        assert_eq!(pointer_of(""), "");
    }

    #[test]
    fn paths_overlap_when_one_contains_the_other() {
        assert!(overlaps("/customer/id", "/customer"));
        assert!(overlaps("/customer", "/customer/id"));
        assert!(overlaps("", "/anything"));
        assert!(overlaps("/lines/*/sku", "/lines/*/sku"));
        assert!(!overlaps("/lines/*/sku", "/lines/*/qty"));
        assert!(!overlaps("/customer/id", "/customer_id"));
    }
}

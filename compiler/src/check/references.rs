//! Resolves every reference (contracts, systems, endpoints, policies,
//! mappings, fixtures, ownership paths) and records what is used.

use super::index::Index;
use super::paths;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::rules;
use crate::source::{Loc, Origin, SourceMap, Spanned};
use crate::spec::shape::{FieldType, Object};
use crate::spec::test_spec::Fixture;
use crate::spec::{RefSlot, Specs};
use std::collections::HashSet;

/// What the specs use, for the `unused-*` rules.
#[derive(Debug, Default)]
pub struct Usage {
    pub contracts: HashSet<usize>,
    pub systems: HashSet<usize>,
    pub policies: HashSet<usize>,
}

struct Resolver<'a> {
    specs: &'a Specs,
    idx: &'a Index,
    sources: &'a SourceMap,
    diags: &'a mut Vec<Diagnostic>,
    usage: Usage,
}

/// Resolves all references of `specs`, reporting the ones that do not resolve.
pub fn resolve(
    specs: &Specs,
    idx: &Index,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Usage {
    let mut r = Resolver {
        specs,
        idx,
        sources,
        diags,
        usage: Usage::default(),
    };
    r.contracts();
    r.systems();
    r.flows();
    r.mappings();
    r.tests();
    r.ownership();
    r.usage
}

impl Resolver<'_> {
    fn is_workspace(&self, loc: Loc) -> bool {
        self.sources.get(loc.file).origin == Origin::Workspace
    }

    /// Resolves a contract reference, reporting a malformed, unknown or unpinned one.
    fn contract(&mut self, slot: &RefSlot) -> Option<usize> {
        let r = match &slot.parsed {
            Ok(r) => r,
            Err(message) => {
                self.diags.push(
                    Diagnostic::new(&rules::INVALID_VERSION, slot.loc(), message.clone())
                        .label("not `Name@MAJOR`"),
                );
                return None;
            }
        };
        let found = self.idx.contract(r);
        match (found, r.major) {
            (Some(i), None) if self.is_workspace(slot.loc()) => {
                let major = self.specs.contracts[i]
                    .version
                    .as_ref()
                    .map(|v| v.major)
                    .unwrap_or(1);
                self.diags.push(
                    Diagnostic::new(
                        &rules::UNPINNED_CONTRACT_REFERENCE,
                        slot.loc(),
                        format!("`{}` does not pin a major version", r.name),
                    )
                    .label("unpinned")
                    .hint(format!(
                        "write `{}@{major}` (the newest major today)",
                        r.name
                    )),
                );
            }
            (None, _) => {
                let majors = self.idx.majors_of(&r.name);
                let unversioned = majors.is_empty()
                    && self
                        .idx
                        .contract(&crate::spec::refs::ContractRef {
                            name: r.name.clone(),
                            major: None,
                        })
                        .is_some();
                let hint = if unversioned {
                    format!(
                        "contract `{}` exists but has no valid version: fix its `version:` first",
                        r.name
                    )
                } else if !majors.is_empty() {
                    let list: Vec<String> =
                        majors.iter().map(|m| format!("`{}@{m}`", r.name)).collect();
                    format!("`{}` exists as {}", r.name, list.join(", "))
                } else {
                    let keys = self.idx.contract_keys();
                    did_you_mean(&r.to_string(), keys.iter().map(String::as_str))
                        .unwrap_or_else(|| "define the contract, or import the package that has it (e.g. `std/distribution@1`)".into())
                };
                self.diags.push(
                    Diagnostic::new(
                        &rules::UNKNOWN_REFERENCE,
                        slot.loc(),
                        format!("unknown contract `{r}`"),
                    )
                    .label("no such contract")
                    .hint(hint),
                );
            }
            _ => {}
        }
        if let Some(i) = found {
            self.usage.contracts.insert(i);
        }
        found
    }

    fn named(
        &mut self,
        kind: &str,
        name: &Spanned<String>,
        found: Option<usize>,
        candidates: Vec<&str>,
    ) -> Option<usize> {
        if found.is_none() {
            let hint = did_you_mean(&name.value, candidates.iter().copied()).unwrap_or_else(|| {
                if candidates.is_empty() {
                    format!("no {kind} is defined in the workspace or its imports")
                } else {
                    format!("known: {}", candidates.join(", "))
                }
            });
            self.diags.push(
                Diagnostic::new(
                    &rules::UNKNOWN_REFERENCE,
                    name.loc,
                    format!("unknown {kind} `{}`", name.value),
                )
                .label(format!("no such {kind}"))
                .hint(hint),
            );
        }
        found
    }

    /// Resolves a system used by a flow (counts as a use).
    fn system(&mut self, name: &Spanned<String>) -> Option<usize> {
        let r = self.system_ref(name);
        if let Some(i) = r {
            self.usage.systems.insert(i);
        }
        r
    }

    /// Resolves a system named outside flows (ownership rules): not a use.
    fn system_ref(&mut self, name: &Spanned<String>) -> Option<usize> {
        let found = self.idx.system(&name.value);
        self.named("system", name, found, self.idx.system_names())
    }

    fn policy(&mut self, name: &Spanned<String>) -> Option<usize> {
        let found = self.idx.policy(&name.value);
        let r = self.named("policy", name, found, self.idx.policy_names());
        if let Some(i) = r {
            self.usage.policies.insert(i);
        }
        r
    }

    fn mapping(&mut self, name: &Spanned<String>) -> Option<usize> {
        let found = self.idx.mapping(&name.value);
        self.named("mapping", name, found, self.idx.mapping_names())
    }

    fn shape_refs(&mut self, object: &Object) {
        for (_, field) in &object.fields {
            let mut ty = &field.ty;
            while let FieldType::Array(item) = ty {
                ty = &item.ty;
            }
            match ty {
                FieldType::Ref(r) => {
                    let slot = RefSlot {
                        text: Spanned::new(r.value.to_string(), r.loc),
                        parsed: Ok(r.value.clone()),
                    };
                    self.contract(&slot);
                }
                FieldType::Object(o) => self.shape_refs(o),
                _ => {}
            }
        }
    }

    fn contracts(&mut self) {
        let specs = self.specs;
        for c in &specs.contracts {
            if let Some(e) = &c.extends {
                self.contract(e);
            }
            self.shape_refs(&c.shape);
        }
    }

    fn systems(&mut self) {
        let specs = self.specs;
        for s in &specs.systems {
            for slot in s.contract_refs() {
                self.contract(slot);
            }
        }
    }

    fn endpoint(&mut self, target: &Spanned<String>, system: usize, endpoint: &str) {
        let sys = &self.specs.systems[system];
        if sys.endpoint(endpoint).is_none() {
            let names: Vec<&str> = sys
                .endpoints
                .iter()
                .map(|e| e.name.value.as_str())
                .collect();
            self.diags.push(
                Diagnostic::new(
                    &rules::UNKNOWN_REFERENCE,
                    target.loc,
                    format!(
                        "system `{}` has no endpoint `{endpoint}`",
                        sys.meta.name.value
                    ),
                )
                .label("no such endpoint")
                .related(sys.meta.name.loc, "system defined here")
                .hint(
                    did_you_mean(endpoint, names.iter().copied()).unwrap_or_else(|| {
                        if names.is_empty() {
                            format!("`{}` declares no endpoints", sys.meta.name.value)
                        } else {
                            format!(
                                "endpoints of `{}`: {}",
                                sys.meta.name.value,
                                names.join(", ")
                            )
                        }
                    }),
                ),
            );
        }
    }

    fn flows(&mut self) {
        use crate::spec::flow::{Step, Trigger};
        let specs = self.specs;
        for f in &specs.flows {
            for slot in f.contract_refs() {
                self.contract(slot);
            }
            if let Some((trigger, _)) = &f.trigger {
                if let Some(sys) = trigger.system() {
                    let found = self.system(sys);
                    if let (
                        Some(s),
                        Trigger::Poll {
                            endpoint: Some(ep), ..
                        },
                    ) = (found, trigger)
                    {
                        self.endpoint(ep, s, &ep.value);
                    }
                }
            }
            if let Some(p) = &f.policy {
                self.policy(p);
            }
            for (step, _) in &f.steps {
                match step {
                    Step::Map(m) => {
                        self.mapping(m);
                    }
                    Step::Deliver {
                        target,
                        endpoint,
                        policy,
                    } => {
                        if let Some(ep) = endpoint {
                            let sys = Spanned::new(ep.system.clone(), target.loc);
                            if let Some(s) = self.system(&sys) {
                                self.endpoint(target, s, &ep.endpoint);
                            }
                        }
                        if let Some(p) = policy {
                            self.policy(p);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn mappings(&mut self) {
        let specs = self.specs;
        for m in &specs.mappings {
            for slot in m.source.iter().chain(m.target.iter()) {
                self.contract(slot);
            }
        }
    }

    fn tests(&mut self) {
        let specs = self.specs;
        for t in &specs.tests {
            if let Some(m) = &t.mapping {
                self.mapping(m);
            }
            let file = self.sources.get(t.meta.file);
            let Some(dir) = file.disk_path.as_ref().and_then(|p| p.parent()) else {
                continue;
            };
            for case in &t.cases {
                for fixture in [&case.input, &case.expect].into_iter().flatten() {
                    if let Fixture::File(path) = fixture {
                        if !dir.join(&path.value).is_file() {
                            self.diags.push(
                                Diagnostic::new(
                                    &rules::UNKNOWN_REFERENCE,
                                    path.loc,
                                    format!("fixture file `{}` not found", path.value),
                                )
                                .label("no such file")
                                .hint("fixture paths are relative to the folder of this test file"),
                            );
                        }
                    }
                }
            }
        }
    }

    fn ownership(&mut self) {
        let specs = self.specs;
        for o in &specs.ownership {
            for d in &o.domains {
                for s in d.record.iter().chain(d.originators.iter()) {
                    self.system_ref(s);
                }
            }
            for rule in &o.fields {
                self.system_ref(&rule.system);
                let Some((contract, path)) = rule.split() else {
                    self.diags.push(
                        Diagnostic::new(
                            &rules::UNKNOWN_FIELD,
                            rule.path.loc,
                            format!("`{}` is not `Contract.field`", rule.path.value),
                        )
                        .hint("name a contract and one of its fields, e.g. `Order.status`"),
                    );
                    continue;
                };
                let versions = self.idx.versions_of(contract);
                if versions.is_empty() {
                    let names: Vec<String> = self
                        .idx
                        .contract_keys()
                        .iter()
                        .map(|k| k.split('@').next().unwrap_or(k).to_string())
                        .collect();
                    self.diags.push(
                        Diagnostic::new(
                            &rules::UNKNOWN_REFERENCE,
                            rule.path.loc,
                            format!("unknown contract `{contract}`"),
                        )
                        .label("no such contract")
                        .maybe_hint(did_you_mean(contract, names.iter().map(String::as_str))),
                    );
                    continue;
                }
                // A field rule holds for every major of the contract: it is unknown only if no version has the field.
                let segs: Vec<&str> = path.split('.').collect();
                let mut first_error = None;
                let mut found = false;
                for &ci in versions {
                    self.usage.contracts.insert(ci);
                    match paths::resolve(specs, self.idx, ci, &segs) {
                        Ok(_) => found = true,
                        Err(e) if e.segment == usize::MAX => found = true,
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                }
                if let (false, Some(e)) = (found, first_error) {
                    self.diags.push(
                        Diagnostic::new(&rules::UNKNOWN_FIELD, rule.path.loc, e.message)
                            .label("no such field in any version")
                            .maybe_hint(e.hint),
                    );
                }
            }
        }
    }
}

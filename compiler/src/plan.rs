//! Builds the plan of a workspace that passed `weft check`: every contract
//! as JSON Schema, every mapping with the layout its payloads are read with,
//! functions and lookup tables, systems and policies as written (secrets only
//! as references), and every flow with its trigger, steps, endpoints,
//! policies and keys resolved. Maps are keyed by name, so the sealed bytes
//! (`weft_plan::canonical`) depend on the specs only, not on file order,
//! folder or time.

use crate::check::Report;
use crate::source::Spanned;
use crate::spec::flow::{Step, Trigger};
use crate::spec::refs::ContractRef;
use crate::spec::system::System;
use crate::spec::RefSlot;
use serde_json::{json, Map, Value as Json};
use weft_plan::PlanModel;

/// Where the specs came from in version control.
#[derive(Clone, Debug, PartialEq)]
pub struct GitState {
    pub commit: String,
    /// No uncommitted change under the workspace folder.
    pub clean: bool,
}

/// The plan of a workspace that passed `weft check` (not yet sealed with its
/// hash). Secrets are references only: a literal one is a `literal-secret`
/// error, which cannot be turned off or suppressed, so a workspace holding
/// one never gets here, and the plan model has no place for a secret's value.
///
/// The plan is assembled as JSON from the specs as written and read into the
/// typed [`PlanModel`]; an error names the part that does not fit (a bug in
/// weft when the workspace passed `weft check`).
pub fn build(report: &Report, git: Option<&GitState>) -> Result<PlanModel, String> {
    let c = &report.compilation;
    let specs = &c.specs;
    let mut b = Builder {
        report,
        contracts: Map::new(),
    };
    let mut mappings = Map::new();
    for (i, m) in specs.mappings.iter().enumerate() {
        let Some(checked) = report.mappings.get(i).and_then(Option::as_ref) else {
            continue;
        };
        let (Some(body), Some(ast), Some(source_ty)) = (&m.body, &checked.ast, &checked.source)
        else {
            continue;
        };
        let layout = weft_mapping::read_layout(ast, &crate::typeck::coerce(source_ty));
        mappings.insert(
            m.meta.name.value.clone(),
            json!({
                "source": b.contract(m.source.as_ref()),
                "target": b.contract(m.target.as_ref()),
                "body": body.value,
                "layout": layout,
                "checked": checked.is_clean(),
            }),
        );
    }
    let functions: Map<String, Json> = specs
        .functions
        .iter()
        .map(|f| {
            let params: Vec<&str> = f.params.iter().map(|p| p.value.as_str()).collect();
            (
                f.meta.name.value.clone(),
                json!({ "params": params, "body": f.body.value }),
            )
        })
        .collect();
    let tables: Map<String, Json> = specs
        .tables
        .iter()
        .map(|t| {
            let entries: Map<String, Json> = t
                .entries
                .iter()
                .map(|(k, v)| (k.value.clone(), v.to_json()))
                .collect();
            let layout = crate::check::mappings::table_layout(t);
            (
                t.meta.name.value.clone(),
                json!({
                    "version": t.version.as_ref().map(|v| v.value.clone()),
                    "key": t.key,
                    "value": t.value,
                    "value_layout": layout,
                    "entries": entries,
                }),
            )
        })
        .collect();
    let systems: Map<String, Json> = specs
        .systems
        .iter()
        .map(|s| (s.meta.name.value.clone(), doc(&s.meta)))
        .collect();
    let policies: Map<String, Json> = specs
        .policies
        .iter()
        .map(|p| {
            let mut d = doc(&p.meta);
            if let Json::Object(m) = &mut d {
                m.insert("name".into(), json!(p.meta.name.value));
            }
            (p.meta.name.value.clone(), d)
        })
        .collect();
    let mut flows = Map::new();
    for f in &specs.flows {
        let flow = b.flow(f);
        flows.insert(f.meta.name.value.clone(), flow);
    }
    // Every workspace contract, and every contract anything above refers to.
    for ct in specs.contracts.iter().filter(|ct| ct.meta.is_workspace()) {
        b.contract_ref(&ct.reference());
    }
    let workspace = c
        .manifest
        .as_ref()
        .map(|m| m.name.value.clone())
        .unwrap_or_default();
    let doc = json!({
        "format": weft_plan::FORMAT,
        "format_version": weft_plan::FORMAT_VERSION,
        "weft_version": env!("CARGO_PKG_VERSION"),
        "workspace": workspace,
        "git": git.map(|g| json!({ "commit": g.commit, "clean": g.clean })),
        "contracts": b.contracts,
        "mappings": mappings,
        "functions": functions,
        "tables": tables,
        "systems": systems,
        "policies": policies,
        "flows": flows,
    });
    PlanModel::from_json(&doc)
}

/// A spec document as written, without its `kind` (the plan's section says it).
fn doc(meta: &crate::spec::Meta) -> Json {
    let mut d = meta.doc.as_ref().map(|d| d.to_json()).unwrap_or(Json::Null);
    if let Json::Object(m) = &mut d {
        m.shift_remove("kind");
        m.shift_remove("name");
    }
    d
}

struct Builder<'a> {
    report: &'a Report,
    contracts: Map<String, Json>,
}

impl<'a> Builder<'a> {
    /// The system called `name`.
    fn system(&self, name: &str) -> Option<&'a System> {
        let report: &'a Report = self.report;
        let i = report.index.system(name)?;
        Some(&report.compilation.specs.systems[i])
    }

    /// `Name@MAJOR` of a resolved reference, recording the contract.
    fn contract_ref(&mut self, r: &ContractRef) -> Json {
        let report: &'a Report = self.report;
        let Some(i) = report.index.contract(r) else {
            return json!(r.to_string());
        };
        let ct = &report.compilation.specs.contracts[i];
        let reference = ct.reference();
        let key = reference.to_string();
        if !self.contracts.contains_key(&key) {
            self.contracts.insert(
                key.clone(),
                json!({
                    "version": ct.version.as_ref().map(|v| v.value.to_string()),
                    "from": ct.meta.origin.name(),
                    "schema": report.contract_schema(&reference).unwrap_or(Json::Null),
                }),
            );
        }
        json!(key)
    }

    fn contract(&mut self, slot: Option<&RefSlot>) -> Json {
        match slot.map(|s| &s.parsed) {
            Some(Ok(r)) => self.contract_ref(r),
            Some(Err(_)) | None => Json::Null,
        }
    }

    /// An endpoint of a system, resolved: where it is and what it sends.
    fn endpoint(&mut self, system: &str, endpoint: &str) -> Json {
        let Some(s) = self.system(system) else {
            return Json::Null;
        };
        let Some(e) = s.endpoints.iter().find(|e| e.name.value == endpoint) else {
            return Json::Null;
        };
        json!({
            "system": system,
            "endpoint": endpoint,
            "method": e.method,
            "path": e.path,
            "base_url": s.meta.doc.as_ref().and_then(|d| d.get("base_url")).map(|n| n.to_json()),
            "body": self.contract(e.body.as_ref()),
            "response": self.contract(e.response.as_ref()),
            "idempotency_header": e.idempotency_header,
        })
    }

    /// A policy as written, with its name.
    fn policy(&self, name: Option<&str>) -> Json {
        let specs = &self.report.compilation.specs;
        match name.and_then(|n| self.report.index.policy(n).map(|i| (n, i))) {
            Some((n, i)) => {
                let mut p = doc(&specs.policies[i].meta);
                if let Json::Object(m) = &mut p {
                    m.insert("name".into(), json!(n));
                }
                p
            }
            None => Json::Null,
        }
    }

    fn flow(&mut self, f: &crate::spec::flow::Flow) -> Json {
        let text = |s: &Option<Spanned<String>>| s.as_ref().map(|s| s.value.clone());
        // The trigger as written, with what it names resolved.
        let mut trigger = f
            .meta
            .doc
            .as_ref()
            .and_then(|d| d.get("trigger"))
            .map(|n| n.to_json())
            .unwrap_or(Json::Null);
        let resolved: Map<String, Json> = match f.trigger.as_ref().map(|(t, _)| t) {
            Some(Trigger::Webhook { system, topic }) => {
                let contract = system
                    .as_ref()
                    .and_then(|s| self.system(&s.value))
                    .and_then(|s| s.webhook.as_ref())
                    .and_then(|w| {
                        w.topics
                            .iter()
                            .find(|(t, _)| Some(&t.value) == topic.as_ref().map(|t| &t.value))
                    })
                    .and_then(|(_, c)| c.as_ref());
                [("contract".to_string(), self.contract(contract))]
                    .into_iter()
                    .collect()
            }
            Some(Trigger::Poll {
                system: Some(s),
                endpoint: Some(e),
                ..
            }) => [("endpoint".to_string(), self.endpoint(&s.value, &e.value))]
                .into_iter()
                .collect(),
            Some(Trigger::File { system: Some(s) }) => {
                let sys = self.system(&s.value);
                let record = sys
                    .and_then(|s| s.files.as_ref())
                    .and_then(|f| f.record.as_ref());
                let files = sys
                    .and_then(|s| s.meta.doc.as_ref())
                    .and_then(|d| d.get("files"))
                    .map(|n| n.to_json())
                    .unwrap_or(Json::Null);
                [
                    ("record".to_string(), self.contract(record)),
                    ("files".to_string(), files),
                ]
                .into_iter()
                .collect()
            }
            _ => Map::new(),
        };
        if let Some(Json::Object(fields)) =
            trigger.as_object_mut().and_then(|t| t.values_mut().next())
        {
            fields.extend(resolved);
        }
        let mut steps = Vec::new();
        for (step, _) in &f.steps {
            let condition = |when: &Option<Spanned<String>>, reason: &Option<Spanned<String>>| json!({ "when": text(when), "reason": text(reason) });
            steps.push(match step {
                Step::Validate(r) => json!({ "validate": self.contract(Some(r)) }),
                Step::Map(name) => json!({ "map": name.value }),
                Step::Filter { when, reason } => json!({ "filter": condition(when, reason) }),
                Step::Hold { when, reason } => json!({ "hold": condition(when, reason) }),
                Step::Deliver {
                    target,
                    endpoint,
                    policy,
                } => {
                    // The step's policy, or the flow's: resolved here, once.
                    let policy = policy
                        .as_ref()
                        .or(f.policy.as_ref())
                        .map(|p| p.value.as_str());
                    let endpoint = endpoint
                        .as_ref()
                        .map(|e| self.endpoint(&e.system, &e.endpoint));
                    json!({ "deliver": {
                        "target": target.value,
                        "endpoint": endpoint,
                        "policy": self.policy(policy),
                    }})
                }
            });
        }
        let written = |key: &str| {
            f.meta
                .doc
                .as_ref()
                .and_then(|d| d.get(key))
                .map(|n| n.to_json())
        };
        json!({
            "description": f.meta.description,
            "domain": text(&f.domain),
            "mode": written("mode"),
            "trigger": trigger,
            "source": self.contract(f.source.as_ref()),
            "steps": steps,
            // Named only: each delivery step carries the policy it runs under.
            "policy": text(&f.policy),
            "idempotency_key": text(&f.idempotency_key),
            "ordering_key": text(&f.ordering_key),
            "sla": written("sla"),
            "batch": written("batch"),
        })
    }
}

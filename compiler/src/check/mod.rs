//! `weft check`: every rule over a loaded workspace, then lint levels and
//! suppressions, giving a sorted [`Report`].

mod extends;
mod flows;
pub mod index;
mod lints;
pub mod mappings;
mod ownership;
pub mod paths;
mod references;
mod secrets;
mod settings;
mod sunset;
mod suppress;
mod systems;
mod tables;

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{load_workspace, Compilation, LoadError};
use std::path::Path;

/// Options of a check.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// `YYYY-MM-DD` against which sunset dates are compared (normally today).
    pub today: String,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            today: jiff::Zoned::now().date().to_string(),
        }
    }
}

/// The outcome of a check: the compilation (sources, specs) and its findings.
#[derive(Debug)]
pub struct Report {
    pub compilation: Compilation,
    pub index: index::Index,
    /// Every mapping parsed and type-checked, index-aligned with `specs.mappings`.
    pub mappings: Vec<Option<mappings::CheckedMapping>>,
    /// The tables and user functions mapping bodies see.
    pub mapping_env: mappings::MappingEnv,
}

impl Report {
    /// A contract as JSON Schema: as written when it is one, converted from
    /// the field syntax otherwise; `None` when it does not resolve or did
    /// not decode (its errors are reported).
    pub fn contract_schema(&self, r: &crate::spec::refs::ContractRef) -> Option<serde_json::Value> {
        use crate::spec::contract::{fields_to_json_schema, ContractBody};
        let specs = &self.compilation.specs;
        let contract = &specs.contracts[self.index.contract(r)?];
        Some(match &contract.body {
            ContractBody::Invalid => return None,
            ContractBody::JsonSchema { schema, .. } => schema.clone(),
            ContractBody::Fields => {
                let lookup = |r: &crate::spec::refs::ContractRef| {
                    self.index.contract(r).map(|j| specs.contracts[j].clone())
                };
                fields_to_json_schema(contract, &lookup)
            }
        })
    }

    /// The checked form of the mapping called `name`, and its spec.
    pub fn mapping(
        &self,
        name: &str,
    ) -> Option<(
        &crate::spec::mapping::Mapping,
        Option<&mappings::CheckedMapping>,
    )> {
        let specs = &self.compilation.specs;
        let i = specs
            .mappings
            .iter()
            .position(|m| m.meta.name.value == name)?;
        Some((
            &specs.mappings[i],
            self.mappings.get(i).and_then(Option::as_ref),
        ))
    }
}

/// Counts for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub files: usize,
}

impl Report {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.compilation.diagnostics
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            files: self
                .compilation
                .sources
                .files()
                .filter(|(_, f)| f.is_workspace())
                .count(),
            ..Summary::default()
        };
        for d in self.diagnostics() {
            if d.suppressed.is_some() {
                s.suppressed += 1;
                continue;
            }
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }

    /// 0 clean, 1 an error-level finding, 2 unreadable input.
    pub fn exit_code(&self) -> i32 {
        if self.compilation.unreadable {
            2
        } else if self.summary().errors > 0 {
            1
        } else {
            0
        }
    }
}

/// Loads and checks the workspace at `root`.
pub fn check_workspace(root: &Path, options: &CheckOptions) -> Result<Report, LoadError> {
    let mut c = load_workspace(root)?;
    let mut diags = std::mem::take(&mut c.diagnostics);
    let mut idx = index::Index::build(&c.specs, &mut diags);
    idx.sort_versions(&c.specs.contracts);
    extends::apply(&mut c.specs, &idx, &mut diags);
    let sunset = sunset::Sunset {
        today: options.today.clone(),
    };
    let usage = references::resolve(&c.specs, &idx, &c.sources, &mut diags);
    systems::check(&c.specs, &mut diags);
    flows::check(&c.specs, &idx, &c.sources, &sunset, &mut diags);
    let mapping_env = mappings::MappingEnv::of(&c.specs);
    let mut checked_mappings = mappings::check_all(&c.specs, &idx, &c.sources, &mapping_env);
    mappings::report(
        &c.specs,
        &c.sources,
        &mapping_env,
        &checked_mappings,
        &mut diags,
    );
    ownership::check(&c.specs, &idx, &mut diags);
    settings::check(&c.specs, c.manifest.as_ref(), &mut diags);
    tables::check(&c.specs, &mut diags);
    secrets::check(&c.specs, &c.sources, &mut diags);
    lints::check(
        &c.specs,
        &idx,
        &checked_mappings,
        &usage,
        &sunset,
        &mut diags,
    );
    let mut sups = suppress::collect(&c.sources, &mut diags);
    suppress::apply(&c.sources, &mut sups, &mut diags);
    apply_levels(&c, &mut diags);
    sort_and_dedupe(&c, &mut diags);
    mappings::mark_clean(&c.specs, &mut checked_mappings, &diags);
    c.diagnostics = diags;
    Ok(Report {
        compilation: c,
        index: idx,
        mappings: checked_mappings,
        mapping_env,
    })
}

/// Applies `lint:` levels from weft.yaml to configurable rules (`off` drops findings).
fn apply_levels(c: &Compilation, diags: &mut Vec<Diagnostic>) {
    let Some(m) = &c.manifest else { return };
    diags.retain_mut(|d| {
        if !d.rule.configurable {
            return true;
        }
        match m
            .lint
            .iter()
            .find(|(id, _)| id.value == d.rule.id || id.value.eq_ignore_ascii_case(d.rule.code))
        {
            Some((_, level)) => match level.value.as_str() {
                "off" => false,
                "error" => {
                    d.severity = Severity::Error;
                    true
                }
                "warn" => {
                    d.severity = Severity::Warning;
                    true
                }
                "info" => {
                    d.severity = Severity::Info;
                    true
                }
                _ => true,
            },
            None => true,
        }
    });
}

fn sort_and_dedupe(c: &Compilation, diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        let fa = &c.sources.get(a.loc.file).name;
        let fb = &c.sources.get(b.loc.file).name;
        fa.cmp(fb)
            .then(a.loc.start.cmp(&b.loc.start))
            .then(a.rule.code.cmp(b.rule.code))
            .then(a.message.cmp(&b.message))
    });
    diags.dedup_by(|a, b| a.loc == b.loc && a.rule.id == b.rule.id && a.message == b.message);
}

//! Name tables over all specs, duplicate detection, and lookups by reference.

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::Loc;
use crate::spec::contract::Contract;
use crate::spec::refs::ContractRef;
use crate::spec::Specs;
use std::collections::HashMap;

/// Lookup tables from names to positions in [`Specs`].
#[derive(Debug, Default)]
pub struct Index {
    contracts: HashMap<(String, u64), usize>,
    contract_names: HashMap<String, Vec<usize>>,
    systems: HashMap<String, usize>,
    policies: HashMap<String, usize>,
    mappings: HashMap<String, usize>,
    flows: HashMap<String, usize>,
    tables: HashMap<String, usize>,
    functions: HashMap<String, usize>,
}

impl Index {
    /// Builds the tables; reports duplicate names (keeping the first definition).
    pub fn build(specs: &Specs, diags: &mut Vec<Diagnostic>) -> Index {
        let mut idx = Index::default();
        for (i, c) in specs.contracts.iter().enumerate() {
            if c.meta.name.value.is_empty() {
                continue;
            }
            idx.contract_names
                .entry(c.meta.name.value.clone())
                .or_default()
                .push(i);
            let Some(v) = &c.version else { continue };
            let key = (c.meta.name.value.clone(), v.major);
            match idx.contracts.get(&key) {
                Some(&first) => diags.push(duplicate(
                    "contract",
                    &format!("{}@{}", key.0, key.1),
                    c.meta.name.loc,
                    specs.contracts[first].meta.name.loc,
                    "two versions with the same major are ambiguous: bump the major for a breaking change, or keep one version",
                )),
                None => {
                    idx.contracts.insert(key, i);
                }
            }
        }
        fn table<'a>(
            kind: &str,
            items: impl Iterator<Item = (&'a str, Loc)>,
            map: &mut HashMap<String, usize>,
            diags: &mut Vec<Diagnostic>,
        ) {
            let mut locs: Vec<Loc> = Vec::new();
            for (i, (name, loc)) in items.enumerate() {
                locs.push(loc);
                if name.is_empty() {
                    continue;
                }
                match map.get(name) {
                    Some(&first) => diags.push(duplicate(
                        kind,
                        name,
                        loc,
                        locs[first],
                        "rename one of them",
                    )),
                    None => {
                        map.insert(name.to_string(), i);
                    }
                }
            }
        }
        fn named(m: &crate::spec::Meta) -> (&str, Loc) {
            (m.name.value.as_str(), m.name.loc)
        }
        table(
            "system",
            specs.systems.iter().map(|s| named(&s.meta)),
            &mut idx.systems,
            diags,
        );
        table(
            "policy",
            specs.policies.iter().map(|s| named(&s.meta)),
            &mut idx.policies,
            diags,
        );
        table(
            "mapping",
            specs.mappings.iter().map(|s| named(&s.meta)),
            &mut idx.mappings,
            diags,
        );
        table(
            "flow",
            specs.flows.iter().map(|s| named(&s.meta)),
            &mut idx.flows,
            diags,
        );
        table(
            "table",
            specs.tables.iter().map(|s| named(&s.meta)),
            &mut idx.tables,
            diags,
        );
        table(
            "function",
            specs.functions.iter().map(|s| named(&s.meta)),
            &mut idx.functions,
            diags,
        );
        for f in &specs.functions {
            if weft_mapping::functions::find(&f.meta.name.value).is_some() {
                diags.push(
                    Diagnostic::new(
                        &rules::DUPLICATE_NAME,
                        f.meta.name.loc,
                        format!(
                            "function `{}` has the name of a standard function",
                            f.meta.name.value
                        ),
                    )
                    .label("shadows the standard library")
                    .hint("rename it: `weft functions` lists the standard names"),
                );
            }
        }
        idx
    }

    /// The contract a reference names: the exact major, or the highest version when unpinned.
    pub fn contract(&self, r: &ContractRef) -> Option<usize> {
        match r.major {
            Some(m) => self.contracts.get(&(r.name.clone(), m)).copied(),
            None => self
                .contract_names
                .get(&r.name)
                .and_then(|v| v.last().copied()),
        }
    }

    /// Every version of a contract name, oldest first.
    pub fn versions_of(&self, name: &str) -> &[usize] {
        self.contract_names
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Highest-versioned contract of each name, sorted, for unpinned lookups.
    pub fn sort_versions(&mut self, contracts: &[Contract]) {
        for list in self.contract_names.values_mut() {
            list.sort_by(|a, b| {
                let va = contracts[*a].version.as_ref().map(|v| &v.value);
                let vb = contracts[*b].version.as_ref().map(|v| &v.value);
                va.cmp(&vb)
            });
        }
    }

    /// All `Name@MAJOR` keys, for suggestions.
    pub fn contract_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .contracts
            .keys()
            .map(|(n, m)| format!("{n}@{m}"))
            .collect();
        keys.sort();
        keys
    }

    /// Majors that exist for a contract name.
    pub fn majors_of(&self, name: &str) -> Vec<u64> {
        let mut majors: Vec<u64> = self
            .contracts
            .keys()
            .filter(|(n, _)| n == name)
            .map(|(_, m)| *m)
            .collect();
        majors.sort();
        majors
    }

    pub fn system(&self, name: &str) -> Option<usize> {
        self.systems.get(name).copied()
    }

    pub fn policy(&self, name: &str) -> Option<usize> {
        self.policies.get(name).copied()
    }

    pub fn mapping(&self, name: &str) -> Option<usize> {
        self.mappings.get(name).copied()
    }

    pub fn table(&self, name: &str) -> Option<usize> {
        self.tables.get(name).copied()
    }

    pub fn system_names(&self) -> Vec<&str> {
        sorted_keys(&self.systems)
    }

    pub fn policy_names(&self) -> Vec<&str> {
        sorted_keys(&self.policies)
    }

    pub fn mapping_names(&self) -> Vec<&str> {
        sorted_keys(&self.mappings)
    }
}

fn sorted_keys(map: &HashMap<String, usize>) -> Vec<&str> {
    let mut v: Vec<&str> = map.keys().map(String::as_str).collect();
    v.sort();
    v
}

fn duplicate(kind: &str, name: &str, loc: Loc, first: Loc, hint: &str) -> Diagnostic {
    Diagnostic::new(
        &rules::DUPLICATE_NAME,
        loc,
        format!("{kind} `{name}` is defined twice"),
    )
    .label("second definition")
    .related(first, "first defined here")
    .hint(hint.to_string())
}

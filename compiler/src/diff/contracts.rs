//! Contracts, compared: pairs by name and major (a removed major paired with
//! the new major that replaces it), each pair compared as sets of documents
//! by `weft-compat`, then the semantic-version rules and the deprecation
//! schedule, and every change traced to the uses it reaches.

use super::locate::locate;
use super::usage::Usage;
use super::{Breaks, Change, ContractDiff, DiffOptions, Severity, Subject};
use crate::check::Report;
use crate::render::Position;
use crate::spec::contract::Contract;
use crate::spec::shape::{Deprecation, FieldType, Object};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use weft_compat::{Profile, Verdict};

/// A workspace's contracts: name -> major -> index.
fn by_name(report: &Report) -> BTreeMap<&str, BTreeMap<u64, usize>> {
    let mut out: BTreeMap<&str, BTreeMap<u64, usize>> = BTreeMap::new();
    for (i, c) in report.compilation.specs.contracts.iter().enumerate() {
        if !c.meta.is_workspace() {
            continue;
        }
        let major = c.version.as_ref().map_or(0, |v| v.major);
        out.entry(c.meta.name.value.as_str())
            .or_default()
            .insert(major, i);
    }
    out
}

/// The two sides of the comparison.
struct Sides<'a> {
    old: &'a Report,
    new: &'a Report,
    old_usage: &'a Usage<'a>,
    new_usage: &'a Usage<'a>,
    profile: Profile,
    today: &'a str,
}

pub fn compare(
    old_usage: &Usage,
    new_usage: &Usage,
    profile: Profile,
    options: &DiffOptions,
) -> Vec<ContractDiff> {
    let (old, new) = (old_usage.report, new_usage.report);
    let sides = Sides {
        old,
        new,
        old_usage,
        new_usage,
        profile,
        today: &options.today,
    };
    let (olds, news) = (by_name(old), by_name(new));
    let empty = BTreeMap::new();
    let names: BTreeSet<&str> = olds.keys().chain(news.keys()).copied().collect();
    let mut out = Vec::new();
    for name in names {
        let o = olds.get(name).unwrap_or(&empty);
        let n = news.get(name).unwrap_or(&empty);
        // Majors only on one side: the newest removed one is replaced by the
        // oldest added one above it (a major bump).
        let removed: Vec<u64> = o.keys().filter(|m| !n.contains_key(m)).copied().collect();
        let added: Vec<u64> = n.keys().filter(|m| !o.contains_key(m)).copied().collect();
        let bump = removed
            .last()
            .and_then(|&from| added.iter().find(|&&to| to > from).map(|&to| (from, to)));
        for (&major, &i) in o {
            if let Some(&j) = n.get(&major) {
                out.extend(sides.pair(i, j, false));
            } else if let Some((_, to)) = bump.filter(|(from, _)| *from == major) {
                out.extend(sides.pair(i, n[&to], true));
            } else {
                out.push(sides.removed(i));
            }
        }
        for (&major, &j) in n {
            if !o.contains_key(&major) && bump.is_none_or(|(_, to)| to != major) {
                out.push(sides.added(j, !o.is_empty()));
            }
        }
    }
    out
}

fn verdict_bool(v: Verdict) -> Option<bool> {
    match v {
        Verdict::Compatible => Some(true),
        Verdict::Incompatible => Some(false),
        Verdict::Unknown => None,
    }
}

/// The deprecation of the field at document `path` (`/a/*/b`), if any.
fn deprecation_at<'c>(shape: &'c Object, path: &str) -> Option<&'c Deprecation> {
    let mut object = shape;
    let mut segments = path.split('/').skip(1).filter(|s| *s != "*").peekable();
    while let Some(seg) = segments.next() {
        let (_, field) = object.fields.iter().find(|(n, _)| n == seg)?;
        if segments.peek().is_none() {
            return field.deprecated.as_ref();
        }
        let mut ty = &field.ty;
        while let FieldType::Array(item) = ty {
            ty = &item.ty;
        }
        match ty {
            FieldType::Object(o) => object = o,
            _ => return None,
        }
    }
    None
}

impl Sides<'_> {
    fn contract(report: &Report, i: usize) -> &Contract {
        &report.compilation.specs.contracts[i]
    }

    fn position(report: &Report, loc: crate::source::Loc) -> Position {
        Position::of(&report.compilation.sources, loc)
    }

    fn added(&self, j: usize, another_major: bool) -> ContractDiff {
        let c = Self::contract(self.new, j);
        let key = c.reference().to_string();
        let subject = Subject {
            kind: "contract",
            name: key.clone(),
        };
        let rule = if another_major {
            "contract-major-added"
        } else {
            "contract-added"
        };
        let message = if another_major {
            format!("new major `{key}` published alongside the existing ones")
        } else {
            format!("new contract `{key}`")
        };
        ContractDiff {
            contract: key.clone(),
            status: "added",
            old_version: None,
            new_version: c.version.as_ref().map(|v| v.value.to_string()),
            backward_compatible: None,
            forward_compatible: None,
            changes: vec![Change {
                new: Some(Self::position(self.new, c.meta.name.loc)),
                impact: self
                    .new_usage
                    .of_contract(&key)
                    .iter()
                    .map(|u| u.impact.clone())
                    .collect(),
                ..Change::new(rule, Severity::Info, subject, "", message, None, None)
            }],
        }
    }

    fn removed(&self, i: usize) -> ContractDiff {
        let c = Self::contract(self.old, i);
        let key = c.reference().to_string();
        let subject = Subject {
            kind: "contract",
            name: key.clone(),
        };
        let impact: Vec<_> = self
            .old_usage
            .of_contract(&key)
            .iter()
            .map(|u| u.impact.clone())
            .collect();
        let severity = if impact.is_empty() {
            Severity::Info
        } else {
            Severity::Error
        };
        let message =
            format!("contract `{key}` was removed: whoever still sends or expects it breaks");
        ContractDiff {
            contract: key.clone(),
            status: "removed",
            old_version: c.version.as_ref().map(|v| v.value.to_string()),
            new_version: None,
            backward_compatible: Some(false),
            forward_compatible: Some(false),
            changes: vec![Change {
                breaks: Some(Breaks {
                    backward: "incompatible",
                    forward: "incompatible",
                }),
                breaking: true,
                old: Some(Self::position(self.old, c.meta.name.loc)),
                impact,
                ..Change::new(
                    "contract-removed",
                    severity,
                    subject,
                    "",
                    message,
                    None,
                    None,
                )
            }],
        }
    }

    /// Compares old contract `i` with new contract `j`; `bumped` when `j` is
    /// a new major replacing `i`. `None` when nothing differs.
    fn pair(&self, i: usize, j: usize, bumped: bool) -> Option<ContractDiff> {
        let (a, b) = (Self::contract(self.old, i), Self::contract(self.new, j));
        let key = a.reference().to_string();
        let new_key = b.reference().to_string();
        let subject = Subject {
            kind: "contract",
            name: key.clone(),
        };
        let (old_v, new_v) = (
            a.version.as_ref().map(|v| v.value.clone()),
            b.version.as_ref().map(|v| v.value.clone()),
        );
        let schemas = (
            self.old.contract_schema(&a.reference()),
            self.new.contract_schema(&b.reference()),
        );
        let (Some(os), Some(ns)) = schemas else {
            return None; // a contract that does not decode: `weft check` reports it
        };
        if os == ns && old_v == new_v {
            return None; // the same schema accepts the same documents
        }
        let mut changes = Vec::new();
        let (backward, forward) = match weft_compat::compare(&os, &ns, self.profile) {
            Ok(cmp) => {
                for ch in cmp.changes {
                    changes.push(self.change(a, b, &subject, &key, &new_key, ch, bumped));
                }
                (cmp.backward, cmp.forward)
            }
            Err(e) => {
                let message = format!("the schemas cannot be compared: {e}");
                changes.push(Change {
                    breaks: Some(Breaks {
                        backward: "unknown",
                        forward: "unknown",
                    }),
                    old: Some(Self::position(self.old, a.meta.name.loc)),
                    new: Some(Self::position(self.new, b.meta.name.loc)),
                    ..Change::new(
                        "schema-not-comparable",
                        Severity::Warning,
                        subject.clone(),
                        "",
                        message,
                        None,
                        None,
                    )
                });
                (Verdict::Unknown, Verdict::Unknown)
            }
        };
        changes.sort_by(|x, y| (&x.path, x.rule).cmp(&(&y.path, y.rule)));
        // The version verdict last, after the changes it judges.
        if !bumped {
            if let (Some(ov), Some(nv)) = (&old_v, &new_v) {
                if let Some(c) = self.version_rule(a, b, &subject, ov, nv, &changes) {
                    changes.push(c);
                }
            }
        }
        if changes.is_empty() && old_v == new_v {
            return None;
        }
        Some(ContractDiff {
            contract: if bumped {
                format!("{key} -> {new_key}")
            } else {
                key
            },
            status: if bumped {
                "major-bumped"
            } else if changes.is_empty() {
                "unchanged"
            } else {
                "changed"
            },
            old_version: old_v.map(|v| v.to_string()),
            new_version: new_v.map(|v| v.to_string()),
            backward_compatible: verdict_bool(backward),
            forward_compatible: verdict_bool(forward),
            changes,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn change(
        &self,
        a: &Contract,
        b: &Contract,
        subject: &Subject,
        key: &str,
        new_key: &str,
        ch: weft_compat::Change,
        bumped: bool,
    ) -> Change {
        let breaking = ch.backward == Verdict::Incompatible || ch.forward == Verdict::Incompatible;
        let unknown = ch.backward == Verdict::Unknown || ch.forward == Verdict::Unknown;
        let mut impact = self.new_usage.reached(new_key, &ch.path);
        if impact.is_empty() {
            impact = self.old_usage.reached(key, &ch.path);
        }
        let mut rule = ch.rule;
        let mut message = ch.message.clone();
        let mut scheduled = false;
        if ch.rule == "property-removed" && !bumped {
            if let Some(d) = deprecation_at(&a.shape, &ch.path) {
                match d.sunset.as_ref().map(|s| s.value.as_str()) {
                    Some(date) if date <= self.today => {
                        rule = "property-removed-after-sunset";
                        scheduled = true;
                        message = format!(
                            "{message} (deprecated with sunset {date}, which has passed: removal on schedule)"
                        );
                    }
                    Some(date) => {
                        message = format!(
                            "{message} (deprecated, but its sunset date {date} has not come: keep it until then, or publish a new major)"
                        );
                    }
                    None => {
                        message = format!(
                            "{message} (deprecated without a sunset date: give it `sunset:` to remove it on schedule, or publish a new major)"
                        );
                    }
                }
            }
        }
        let severity = if scheduled {
            Severity::Info
        } else if breaking {
            if bumped {
                Severity::Warning
            } else if impact.is_empty() {
                Severity::Info
            } else {
                Severity::Error
            }
        } else if unknown {
            Severity::Warning
        } else {
            Severity::Info
        };
        if bumped && breaking {
            message = format!("{message} (allowed: the major version was bumped to `{new_key}`)");
        }
        Change {
            breaks: Some(Breaks {
                backward: ch.backward.as_str(),
                forward: ch.forward.as_str(),
            }),
            breaking: breaking && !scheduled,
            old: Some(Self::position(
                self.old,
                locate(a, ch.old_pointer.as_deref()),
            )),
            new: Some(Self::position(
                self.new,
                locate(b, ch.new_pointer.as_deref()),
            )),
            witness: ch.witness,
            impact,
            ..Change::new(
                rule,
                severity,
                subject.clone(),
                &ch.path,
                message,
                ch.old,
                ch.new,
            )
        }
    }

    /// Semantic versioning within one major: changes need a higher version;
    /// a break in either direction needs a new major; anything else at least
    /// a new minor.
    fn version_rule(
        &self,
        a: &Contract,
        b: &Contract,
        subject: &Subject,
        ov: &semver::Version,
        nv: &semver::Version,
        changes: &[Change],
    ) -> Option<Change> {
        if changes.is_empty() {
            return None;
        }
        let breaking = changes.iter().any(|c| c.breaking);
        let (rule, message) = if nv <= ov {
            (
                "version-not-increased",
                format!(
                    "the contract changed but its version went from {ov} to {nv}: raise it ({})",
                    if breaking {
                        format!("a breaking change needs {}.0.0", ov.major + 1)
                    } else {
                        format!("at least {}.{}.0", ov.major, ov.minor + 1)
                    }
                ),
            )
        } else if breaking {
            (
                "version-major-required",
                format!(
                    "{} change(s) break documents in a direction but the version stays in major {}: publish {}.0.0 as `{}@{}` (alongside @{} while consumers move), or undo the breaking changes",
                    changes.iter().filter(|c| c.breaking).count(),
                    ov.major,
                    ov.major + 1,
                    a.meta.name.value,
                    ov.major + 1,
                    ov.major
                ),
            )
        } else if nv.minor == ov.minor {
            (
                "version-minor-required",
                format!(
                    "the contract's accepted documents changed but only the patch version was raised ({ov} -> {nv}): use {}.{}.0",
                    ov.major,
                    ov.minor + 1
                ),
            )
        } else {
            return None;
        };
        let loc = |c: &Contract| c.version.as_ref().map_or(c.meta.name.loc, |v| v.loc);
        let values = (Some(json!(ov.to_string())), Some(json!(nv.to_string())));
        Some(Change {
            old: Some(Self::position(self.old, loc(a))),
            new: Some(Self::position(self.new, loc(b))),
            ..Change::new(
                rule,
                Severity::Error,
                subject.clone(),
                "",
                message,
                values.0,
                values.1,
            )
        })
    }
}

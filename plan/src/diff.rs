//! What deploying a plan would change, against the plan deployed now: flows,
//! contracts, mappings, systems, policies, tables and functions added,
//! removed or changed, each changed one with a unified diff of its part of
//! the plan.

use crate::canonical::pretty;
use serde::Serialize;
use serde_json::Value as Json;

/// The version of the JSON form of a plan diff.
pub const FORMAT_VERSION: u64 = 1;

/// The sections compared, in the order they are shown.
pub const SECTIONS: [&str; 7] = [
    "flows",
    "systems",
    "policies",
    "contracts",
    "mappings",
    "tables",
    "functions",
];

/// One entry that differs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Change {
    pub section: String,
    pub name: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// Unified diff (deployed → new) of the entry's JSON, for a changed entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// The differences between two plans.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PlanDiff {
    pub format_version: u64,
    pub old_hash: String,
    pub new_hash: String,
    pub changes: Vec<Change>,
}

/// Compares the deployed plan `old` with `new`.
pub fn diff(old: &Json, new: &Json) -> PlanDiff {
    let mut changes = Vec::new();
    for section in SECTIONS {
        let empty = serde_json::Map::new();
        let a = old.get(section).and_then(Json::as_object).unwrap_or(&empty);
        let b = new.get(section).and_then(Json::as_object).unwrap_or(&empty);
        let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            let (change, diff) = match (a.get(name), b.get(name)) {
                (None, Some(_)) => ("added", None),
                (Some(_), None) => ("removed", None),
                (Some(x), Some(y)) if x != y => {
                    let (x, y) = (pretty(x), pretty(y));
                    let d = similar::TextDiff::from_lines(&x, &y)
                        .unified_diff()
                        .context_radius(2)
                        .header("deployed", "new")
                        .to_string();
                    ("changed", Some(d))
                }
                _ => continue,
            };
            changes.push(Change {
                section: section.to_string(),
                name: name.clone(),
                change,
                diff,
            });
        }
    }
    let hash = |d: &Json| {
        d.get("hash")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string()
    };
    PlanDiff {
        format_version: FORMAT_VERSION,
        old_hash: hash(old),
        new_hash: hash(new),
        changes,
    }
}

impl PlanDiff {
    /// For a terminal.
    pub fn human(&self) -> String {
        if self.changes.is_empty() {
            return format!(
                "no changes: the new plan does the same as the deployed one ({})\n",
                self.new_hash
            );
        }
        let mut out = format!("deployed {}\nnew      {}\n", self.old_hash, self.new_hash);
        for section in SECTIONS {
            let in_section: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.section == section)
                .collect();
            if in_section.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{section}\n"));
            for c in in_section {
                let mark = match c.change {
                    "added" => '+',
                    "removed" => '-',
                    _ => '~',
                };
                out.push_str(&format!("  {mark} {} ({})\n", c.name, c.change));
                if let Some(d) = &c.diff {
                    for l in d.lines() {
                        out.push_str(&format!("      {l}\n"));
                    }
                }
            }
        }
        out
    }

    /// For a pull-request comment: a summary table, then each change's diff
    /// in a collapsible block.
    pub fn markdown(&self) -> String {
        let mut out = String::from("### weft plan: what deploying changes\n\n");
        if self.changes.is_empty() {
            out.push_str("No changes: the new plan does the same as the deployed one.\n");
            return out;
        }
        out.push_str("| part | name | change |\n|---|---|---|\n");
        for c in &self.changes {
            out.push_str(&format!(
                "| {} | `{}` | {} |\n",
                c.section, c.name, c.change
            ));
        }
        for c in self.changes.iter().filter(|c| c.diff.is_some()) {
            out.push_str(&format!(
                "\n<details><summary>{} <code>{}</code></summary>\n\n```diff\n{}```\n\n</details>\n",
                c.section,
                c.name,
                c.diff.as_deref().unwrap_or_default()
            ));
        }
        out.push_str(&format!(
            "\nDeployed `{}`, new `{}`.\n",
            self.old_hash, self.new_hash
        ));
        out
    }
}

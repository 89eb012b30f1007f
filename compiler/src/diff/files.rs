//! The spec files of the two versions, compared as text: added, removed,
//! renamed (same or similar content under another path) and changed, each
//! with a unified diff. Secrets are redacted in both texts.

use crate::check::Report;
use crate::source::Origin;
use serde::Serialize;
use similar::TextDiff;
use std::collections::BTreeMap;

/// A file that differs.
#[derive(Clone, Debug, Serialize)]
pub struct FileChange {
    /// `added`, `removed`, `renamed` or `changed`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Unified diff, old -> new (empty for a rename without edits).
    pub diff: String,
}

/// Files this similar or more (0..1, by lines) count as renamed.
const RENAME_SIMILARITY: f32 = 0.5;

/// Most removed × added file pairs compared for similarity; beyond it only
/// files with the same text count as renamed.
const MAX_SIMILARITY_PAIRS: usize = 2_500;

fn workspace_files(report: &Report) -> BTreeMap<String, String> {
    report
        .compilation
        .sources
        .files()
        .filter(|(_, f)| f.origin == Origin::Workspace)
        .map(|(_, f)| (f.name.clone(), f.redacted_text()))
        .collect()
}

fn unified(old_name: &str, new_name: &str, a: &str, b: &str) -> String {
    TextDiff::from_lines(a, b)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

pub fn compare(old: &Report, new: &Report) -> Vec<FileChange> {
    let (a, b) = (workspace_files(old), workspace_files(new));
    let mut out = Vec::new();
    let mut removed: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let mut added: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    // Renames: the same text first (cheap, however many files moved), then
    // the most similar pairs, compared only while their number stays small
    // (each comparison is a line diff).
    let mut pairs: Vec<(f32, &String, &String)> = Vec::new();
    let by_text: std::collections::HashMap<&str, Vec<&String>> =
        added.iter().fold(Default::default(), |mut m, n| {
            m.entry(b[*n].as_str()).or_default().push(*n);
            m
        });
    for r in &removed {
        for n in by_text.get(a[*r].as_str()).into_iter().flatten() {
            pairs.push((1.0, r, n));
        }
    }
    if removed.len() * added.len() <= MAX_SIMILARITY_PAIRS {
        for r in &removed {
            for n in &added {
                if a[*r] == b[*n] {
                    continue; // paired above
                }
                let ratio = TextDiff::from_lines(&a[*r], &b[*n]).ratio();
                if ratio >= RENAME_SIMILARITY {
                    pairs.push((ratio, r, n));
                }
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(y.1)).then(x.2.cmp(y.2)));
    for (_, r, n) in pairs {
        if removed.contains(&r) && added.contains(&n) {
            removed.retain(|x| *x != r);
            added.retain(|x| *x != n);
            out.push(FileChange {
                status: "renamed",
                old: Some(r.clone()),
                new: Some(n.clone()),
                diff: if a[r] == b[n] {
                    String::new()
                } else {
                    unified(r, n, &a[r], &b[n])
                },
            });
        }
    }
    for (name, text) in &a {
        match b.get(name) {
            Some(t) if t != text => out.push(FileChange {
                status: "changed",
                old: Some(name.clone()),
                new: Some(name.clone()),
                diff: unified(name, name, text, t),
            }),
            _ => {}
        }
    }
    for r in removed {
        out.push(FileChange {
            status: "removed",
            old: Some(r.clone()),
            new: None,
            diff: unified(r, "/dev/null", &a[r], ""),
        });
    }
    for n in added {
        out.push(FileChange {
            status: "added",
            old: None,
            new: Some(n.clone()),
            diff: unified("/dev/null", n, "", &b[n]),
        });
    }
    out.sort_by(|x, y| {
        let key = |f: &FileChange| f.new.clone().or_else(|| f.old.clone());
        key(x).cmp(&key(y))
    });
    out
}

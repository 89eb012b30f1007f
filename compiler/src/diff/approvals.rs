//! Approval of intended breaking changes: `weft-approvals.yaml` at the root
//! of the workspace (the head revision's, so the approval is reviewed with
//! the change) lists fingerprints, each with a reason and an expiry date.
//!
//! ```yaml
//! approvals:
//!   - fingerprint: wd-3f9a1c2b7e4d
//!     reason: ERP API v4 migration; the ERP team confirmed in PROJ-1432
//!     expires: 2026-12-31
//! ```
//!
//! An approved change is still shown, marked approved. Version errors
//! (`version-*`) cannot be approved: the fix is the right version. An expired
//! approval approves nothing and is reported; an unused one is reported so
//! the file does not fill up with stale entries.

use super::{Approved, Change, Severity, Subject};
use crate::source::{FileId, Origin, SourceFile};
use crate::yaml::{load_documents, Limits, Node};
use std::path::Path;

/// The approvals file's name, at the workspace root. The spec loader skips it.
pub const APPROVALS_FILE: &str = "weft-approvals.yaml";

/// One approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub fingerprint: String,
    pub reason: String,
    /// `YYYY-MM-DD`: the approval holds through this day.
    pub expires: String,
    /// `weft-approvals.yaml:LINE`.
    pub at: String,
}

/// The approvals of a workspace.
#[derive(Default)]
pub struct Approvals {
    list: Vec<Approval>,
    today: String,
}

fn is_date(s: &str) -> bool {
    s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok()
}

/// The first key of a map that is not one of `known`, with its place.
fn unknown_key<'n>(node: &'n Node, known: &[&str]) -> Option<&'n crate::yaml::Key> {
    node.as_map()?
        .iter()
        .map(|(k, _)| k)
        .find(|k| !known.contains(&k.name.as_str()))
}

/// Reads `weft-approvals.yaml` in `root` (none: no approvals). An error says
/// where and what.
pub fn read(root: &Path, today: &str) -> Result<Approvals, String> {
    let path = root.join(APPROVALS_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Approvals {
                list: Vec::new(),
                today: today.to_string(),
            })
        }
        Err(e) => return Err(format!("cannot read {APPROVALS_FILE}: {e}")),
    };
    let file = SourceFile::new(APPROVALS_FILE.into(), None, text.clone(), Origin::Workspace);
    let at = |offset: u32, what: String| {
        let (line, col) = file.line_col(offset as usize);
        format!("{APPROVALS_FILE}:{line}:{col}: {what}")
    };
    let (docs, errors) = load_documents(FileId(0), &text, Limits::default());
    if let Some(e) = errors.first() {
        return Err(at(e.loc.start, e.message.clone()));
    }
    let mut list = Vec::new();
    for doc in &docs {
        if let Some(k) = unknown_key(&doc.root, &["approvals"]) {
            return Err(at(
                k.loc.start,
                format!("unknown key `{}`: the file holds only `approvals:`", k.name),
            ));
        }
        let Some(items) = doc.root.get("approvals").and_then(Node::as_seq) else {
            return Err(at(
                doc.root.loc.start,
                "expected `approvals:` with a list of { fingerprint, reason, expires }".into(),
            ));
        };
        for item in items {
            if let Some(k) = unknown_key(item, &["fingerprint", "reason", "expires"]) {
                return Err(at(
                    k.loc.start,
                    format!(
                        "unknown key `{}`: an approval has `fingerprint`, `reason` and `expires`",
                        k.name
                    ),
                ));
            }
            let field = |key: &str| -> Result<String, String> {
                match item.get_str(key) {
                    Some(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
                    _ => Err(at(
                        item.loc.start,
                        format!("this approval needs `{key}:` (fingerprint, reason and expires are all required)"),
                    )),
                }
            };
            let (fp, reason, expires) =
                (field("fingerprint")?, field("reason")?, field("expires")?);
            if !is_date(&expires) {
                return Err(at(
                    item.get("expires").map_or(item.loc.start, |n| n.loc.start),
                    format!(
                        "`expires: {expires}` is not a date: write YYYY-MM-DD, e.g. 2026-12-31"
                    ),
                ));
            }
            let (line, _) = file.line_col(item.loc.start as usize);
            list.push(Approval {
                fingerprint: fp,
                reason,
                expires,
                at: format!("{APPROVALS_FILE}:{line}"),
            });
        }
    }
    Ok(Approvals {
        list,
        today: today.to_string(),
    })
}

/// Whether an approval can make `c` pass.
fn approvable(c: &Change) -> bool {
    c.severity == Severity::Error && !c.rule.starts_with("version-")
}

impl Approvals {
    /// Marks the approved changes and returns notes on expired and unused approvals.
    pub fn apply<'c>(
        &self,
        changes: impl Iterator<Item = &'c mut Change>,
        allow_breaking: bool,
    ) -> Vec<Change> {
        let mut used = vec![false; self.list.len()];
        let mut notes = Vec::new();
        for c in changes {
            if let Some(i) = self
                .list
                .iter()
                .position(|a| a.fingerprint == c.fingerprint)
            {
                used[i] = true;
                let a = &self.list[i];
                if a.expires.as_str() < self.today.as_str() {
                    notes.push(note(
                        "approval-expired",
                        Severity::Warning,
                        a,
                        format!(
                            "the approval of {} ({}) expired on {}: renew it with a new date or fix the change",
                            c.fingerprint, c.rule, a.expires
                        ),
                    ));
                } else if approvable(c) {
                    c.approved = Some(Approved {
                        by: "approvals file",
                        reason: Some(a.reason.clone()),
                        expires: Some(a.expires.clone()),
                    });
                    continue;
                }
            }
            if allow_breaking && approvable(c) {
                c.approved = Some(Approved {
                    by: "--allow-breaking",
                    reason: None,
                    expires: None,
                });
            }
        }
        for (a, used) in self.list.iter().zip(used) {
            if !used {
                notes.push(note(
                    "approval-unused",
                    Severity::Info,
                    a,
                    format!(
                        "no change has fingerprint {}: remove the approval ({})",
                        a.fingerprint, a.reason
                    ),
                ));
            }
        }
        notes
    }
}

fn note(rule: &'static str, severity: Severity, a: &Approval, message: String) -> Change {
    let subject = Subject {
        kind: "approval",
        name: a.fingerprint.clone(),
    };
    Change::new(rule, severity, subject, &a.at, message, None, None)
}

//! `weft diff`: what changed between two versions of a workspace, what it
//! breaks and for whom. Contracts are compared as sets of documents by
//! `weft-compat` (backward and forward); versions are held to semantic
//! versioning; every change is traced through lineage to the mappings, flows
//! and systems it reaches; flows, systems, policies, ownership and mapping
//! lineage are compared too. Each change has a rule id and a fingerprint an
//! approval can name.

mod approvals;
mod contracts;
mod files;
mod locate;
mod rules;
mod specs;
mod usage;

pub use approvals::{Approval, APPROVALS_FILE};
pub use files::FileChange;
pub use rules::{DiffRule, DIFF_RULES};

use crate::check::Report;
use crate::render::Position;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The version of the JSON form of `weft diff`.
pub const FORMAT_VERSION: u64 = 1;

/// How to compare.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// Overrides the profile of the new workspace's `weft.yaml` (`compat:`).
    pub profile: Option<weft_compat::Profile>,
    /// `YYYY-MM-DD`: sunset dates and approval expiries are compared with it.
    pub today: String,
    /// Approve every breaking change (label-driven approval in CI).
    pub allow_breaking: bool,
    /// What the two sides are, as shown (`main`, `HEAD`, a folder).
    pub base_label: String,
    pub head_label: String,
}

/// How much a change matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a change is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Subject {
    /// `contract`, `flow`, `system`, `policy`, `ownership` or `mapping`.
    pub kind: &'static str,
    /// `erp.SalesOrder@3`, `orders-to-erp`, ...
    pub name: String,
}

/// A spec or mapping that a change reaches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Impact {
    /// `mapping`, `flow` or `system`.
    pub kind: &'static str,
    pub name: String,
    /// `produces` or `consumes` the contract.
    pub role: &'static str,
    /// How, in a few words: "reads `customer.id`", "delivers to erp.create_sales_order".
    pub how: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Position>,
}

/// Whether a change keeps documents valid, in each direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Breaks {
    /// Old documents still accepted (`compatible`, `incompatible`, `unknown`).
    pub backward: &'static str,
    /// New documents accepted by the old version.
    pub forward: &'static str,
}

/// Why an error does not fail the diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Approved {
    /// `approvals file` or `--allow-breaking`.
    pub by: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// One change.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub rule: &'static str,
    pub severity: Severity,
    pub subject: Subject,
    /// Where in a document (`/lines/*/sku`) or in the spec (`steps/2/deliver`); `""` for the whole.
    pub path: String,
    pub message: String,
    /// For contract changes: what it keeps valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breaks: Option<Breaks>,
    /// Breaks a direction (or weakens delivery): needs approval unless versioned.
    pub breaking: bool,
    /// Stable across runs: what an approval names.
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved: Option<Approved>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Position>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Position>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_value: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_value: Option<serde_json::Value>,
    /// A document that shows the break, when the engine found one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<serde_json::Value>,
    pub impact: Vec<Impact>,
}

impl Change {
    /// A change without places, verdicts, witness or impact (set them with
    /// struct update syntax); its fingerprint comes from the rule, subject,
    /// path and the two values.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        subject: Subject,
        path: &str,
        message: String,
        old_value: Option<serde_json::Value>,
        new_value: Option<serde_json::Value>,
    ) -> Change {
        let text =
            |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
        let extra = format!("{}|{}", text(&old_value), text(&new_value));
        Change {
            rule,
            severity,
            fingerprint: fingerprint(rule, &subject, path, &extra),
            subject,
            path: path.to_string(),
            message,
            breaks: None,
            breaking: false,
            approved: None,
            old: None,
            new: None,
            old_value,
            new_value,
            witness: None,
            impact: Vec::new(),
        }
    }

    /// Whether this change makes the diff fail.
    pub fn fails(&self) -> bool {
        self.severity == Severity::Error && self.approved.is_none()
    }
}

/// One contract, compared.
#[derive(Clone, Debug, Serialize)]
pub struct ContractDiff {
    /// `Name@MAJOR` on the old side (or the new side when added).
    pub contract: String,
    /// `added`, `removed`, `changed`, `major-bumped` or `unchanged`.
    pub status: &'static str,
    pub old_version: Option<String>,
    pub new_version: Option<String>,
    /// `true`, `false`, or `null` when the schemas do not allow a certain answer.
    pub backward_compatible: Option<bool>,
    pub forward_compatible: Option<bool>,
    pub changes: Vec<Change>,
}

/// Counts for the summary line and the exit code.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub breaking: usize,
    pub approved: usize,
    /// Errors not approved: the diff fails when this is not 0.
    pub failing: usize,
}

/// The whole comparison.
#[derive(Clone, Debug, Serialize)]
pub struct DiffReport {
    pub format_version: u64,
    pub base: String,
    pub head: String,
    /// `lenient` or `strict`.
    pub profile: &'static str,
    pub summary: Summary,
    /// Contracts with a change, by name.
    pub contracts: Vec<ContractDiff>,
    /// Changes to flows, systems, policies, ownership and mappings; approval notes.
    pub changes: Vec<Change>,
    /// Spec files added, removed, renamed or changed, with unified diffs.
    pub files: Vec<FileChange>,
}

impl DiffReport {
    /// Every change, contracts first.
    pub fn all_changes(&self) -> impl Iterator<Item = &Change> {
        self.contracts
            .iter()
            .flat_map(|c| c.changes.iter())
            .chain(self.changes.iter())
    }

    /// 0 when nothing fails, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.summary.failing > 0)
    }
}

/// A stable id for a change: the rule, the subject, the path and the values.
pub fn fingerprint(rule: &str, subject: &Subject, path: &str, extra: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule, subject.kind, &subject.name, path, extra] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let hex: String = h.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("wd-{hex}")
}

/// Compares the workspace `old` with `new`.
/// An error is the approvals file's (`weft-approvals.yaml:3:5: ...`).
pub fn compare(old: &Report, new: &Report, options: &DiffOptions) -> Result<DiffReport, String> {
    let profile = options.profile.unwrap_or_else(|| {
        match new.compilation.manifest.as_ref().map(|m| m.compat) {
            Some(crate::spec::manifest::CompatProfile::Strict) => weft_compat::Profile::Strict,
            _ => weft_compat::Profile::Lenient,
        }
    });
    let old_usage = usage::Usage::of(old);
    let new_usage = usage::Usage::of(new);
    let mut contracts = contracts::compare(&old_usage, &new_usage, profile, options);
    let mut changes = specs::compare(&old_usage, &new_usage);
    let approvals = approvals::read(&new.compilation.root, &options.today)?;
    let mut notes = approvals.apply(
        contracts
            .iter_mut()
            .flat_map(|c| c.changes.iter_mut())
            .chain(changes.iter_mut()),
        options.allow_breaking,
    );
    changes.append(&mut notes);
    changes.sort_by(|a, b| (&a.subject, &a.path, a.rule).cmp(&(&b.subject, &b.path, b.rule)));
    let files = files::compare(old, new);
    let mut report = DiffReport {
        format_version: FORMAT_VERSION,
        base: options.base_label.clone(),
        head: options.head_label.clone(),
        profile: match profile {
            weft_compat::Profile::Strict => "strict",
            weft_compat::Profile::Lenient => "lenient",
        },
        summary: Summary::default(),
        contracts,
        changes,
        files,
    };
    let mut s = Summary::default();
    for c in report.all_changes() {
        match c.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Info => s.infos += 1,
        }
        s.breaking += usize::from(c.breaking);
        s.approved += usize::from(c.approved.is_some());
        s.failing += usize::from(c.fails());
    }
    report.summary = s;
    Ok(report)
}

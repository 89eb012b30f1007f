//! The catalogue of everything `weft check` can report.
//!
//! Every finding belongs to a [`Rule`] with a stable kebab-case id, a stable
//! code, a default severity and documentation (what, why, how to fix) from
//! which `docs/rules.md` and `weft explain` are generated. Lint rules can be
//! re-levelled in `weft.yaml`; the others cannot.

mod catalog;
pub mod docs;

pub use catalog::*;

use crate::diagnostic::Severity;

/// What a rule is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// The file could not be read or parsed.
    Syntax,
    /// A document does not have the shape of its kind.
    Structure,
    /// A name or reference does not resolve.
    Resolution,
    /// System-of-record (ownership) governance.
    Ownership,
    /// Configurable lint rules.
    Lint,
    /// Mapping bodies type-checked against their contracts.
    Mapping,
}

impl Category {
    pub fn title(self) -> &'static str {
        match self {
            Category::Syntax => "Syntax and input",
            Category::Structure => "Structure",
            Category::Resolution => "References",
            Category::Ownership => "System of record",
            Category::Lint => "Lint",
            Category::Mapping => "Mappings",
        }
    }
}

/// One kind of finding.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable kebab-case id, used in `weft.yaml` and `# weft:allow`.
    pub id: &'static str,
    /// Stable short code (`WF` and three digits).
    pub code: &'static str,
    pub category: Category,
    pub default_severity: Severity,
    /// Whether `weft.yaml` may change its severity or turn it off.
    pub configurable: bool,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix a finding.
    pub fix: &'static str,
    /// A short failing example (YAML or mapping text), shown in the docs.
    pub example: &'static str,
}

/// Finds a rule by its id or its code.
pub fn find(id_or_code: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.id == id_or_code || r.code.eq_ignore_ascii_case(id_or_code))
}

//! Machine-readable renderings of findings: JSON, GitHub Actions workflow
//! commands, SARIF 2.1.0 and JUnit XML. (Human output, with source snippets,
//! is drawn by the binary with miette.)

pub mod diff;
pub mod diff_ci;
pub mod github;
pub mod json;
pub mod junit;
pub mod lineage;
pub mod sarif;

use crate::diagnostic::Diagnostic;
use crate::source::{Loc, SourceMap};
use serde::Serialize;

/// A location resolved to file, lines and columns (1-based; end is exclusive in columns).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Position {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offsets in the file.
    pub start: usize,
    pub end: usize,
}

impl Position {
    pub fn of(sources: &SourceMap, loc: Loc) -> Position {
        let f = sources.get(loc.file);
        let (line, column) = f.line_col(loc.start as usize);
        let (end_line, end_column) = f.line_col(loc.end as usize);
        Position {
            file: f.name.clone(),
            line,
            column,
            end_line,
            end_column,
            start: loc.start as usize,
            end: loc.end as usize,
        }
    }
}

/// A finding with its positions resolved: what every machine format serializes.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub hint: Option<String>,
    #[serde(flatten)]
    pub position: Position,
    pub related: Vec<Related>,
    /// The reason of the `# weft:allow` comment, if suppressed.
    pub suppressed: Option<String>,
}

/// A secondary location of a finding.
#[derive(Clone, Debug, Serialize)]
pub struct Related {
    pub message: String,
    #[serde(flatten)]
    pub position: Position,
}

impl Finding {
    pub fn of(sources: &SourceMap, d: &Diagnostic) -> Finding {
        Finding {
            rule: d.rule.id,
            code: d.rule.code,
            severity: d.severity.as_str(),
            message: d.message.clone(),
            hint: d.hint.clone(),
            position: Position::of(sources, d.loc),
            related: d
                .related
                .iter()
                .map(|(loc, message)| Related {
                    message: message.clone(),
                    position: Position::of(sources, *loc),
                })
                .collect(),
            suppressed: d.suppressed.clone(),
        }
    }
}

/// Resolves every diagnostic.
pub fn findings(sources: &SourceMap, diags: &[Diagnostic]) -> Vec<Finding> {
    diags.iter().map(|d| Finding::of(sources, d)).collect()
}

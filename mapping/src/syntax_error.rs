//! Syntax errors of the mapping language: what was expected, where.

use crate::ast::Span;

/// A syntax error: where (byte offsets in the parsed text) and what was expected.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.span.start)
    }
}

/// Converts a pest error on `text` (which starts at `base` in the whole input)
/// into a message naming what was expected, via `rule_name` for each rule pest tried.
pub(crate) fn from_pest<R: pest::RuleType>(
    e: pest::error::Error<R>,
    text: &str,
    base: usize,
    unit: &str,
    rule_name: fn(&R) -> Option<&'static str>,
) -> SyntaxError {
    let mut at = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    // An error at the end belongs at the end of the last line, not the next one.
    let content_end = text.trim_end().len();
    if at > content_end {
        at = content_end;
    }
    let message = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().filter_map(rule_name).collect();
            names.sort();
            names.dedup();
            let found = match text[at..].chars().next() {
                None => format!("the end of the {unit}"),
                Some('\n' | '\r') => "the end of the line".to_string(),
                Some(c) => format!("`{c}`"),
            };
            if names.is_empty() {
                format!("unexpected {found}")
            } else {
                format!("expected {}, found {found}", join_or(&names))
            }
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    let end = text[at..]
        .chars()
        .next()
        .map(|c| at + c.len_utf8())
        .unwrap_or(at);
    SyntaxError {
        span: Span::new(base + at, base + end),
        message,
    }
}

fn join_or(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

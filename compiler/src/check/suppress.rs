//! In-place suppressions: `# weft:allow RULE-ID[, RULE-ID] -- REASON`.
//!
//! A comment after content applies to its own line; a comment alone on a line
//! applies to the next line that is not blank or a comment.

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::{FileId, Loc, SourceMap};

/// One parsed `# weft:allow` comment.
#[derive(Debug)]
pub struct Suppression {
    pub file: FileId,
    /// The 1-based line whose findings it suppresses.
    pub target_line: usize,
    pub rules: Vec<&'static rules::Rule>,
    pub reason: String,
    pub loc: Loc,
    pub used: bool,
}

const MARK: &str = "weft:allow";

/// Finds the suppressions in workspace files; malformed ones are reported.
pub fn collect(sources: &SourceMap, diags: &mut Vec<Diagnostic>) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (id, file) in sources.files().filter(|(_, f)| f.is_workspace()) {
        if !file.text.contains(MARK) {
            continue;
        }
        for line_no in 1..=file.line_count() {
            let line = file.line_text(line_no);
            let Some(hash) = comment_start(line) else {
                continue;
            };
            let comment = &line[hash + 1..];
            // The comment must start with the mark; prose that mentions it is not a suppression.
            let at = comment.len() - comment.trim_start().len();
            if !comment[at..].starts_with(MARK) {
                continue;
            }
            let line_start = file.line_start(line_no).unwrap_or(0);
            let start = line_start + hash + 1 + at;
            let loc = Loc::new(id, start, line_start + line.len());
            let rest = &comment[at + MARK.len()..];
            let (ids, reason) = match rest.split_once("--") {
                Some((ids, reason)) => (ids, reason.trim()),
                None => (rest, ""),
            };
            if reason.is_empty() {
                diags.push(
                    Diagnostic::new(
                        &rules::INVALID_SUPPRESSION,
                        loc,
                        "suppression without a reason",
                    )
                    .label("no `-- reason`")
                    .hint("write `# weft:allow RULE-ID -- why this is acceptable`"),
                );
                continue;
            }
            let mut found = Vec::new();
            for raw in ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match rules::find(raw) {
                    Some(r) if r.configurable => found.push(r),
                    Some(r) => diags.push(
                        Diagnostic::new(
                            &rules::INVALID_SUPPRESSION,
                            loc,
                            format!("`{}` cannot be suppressed", r.id),
                        )
                        .hint("only lint rules can be suppressed; fix the finding instead"),
                    ),
                    None => diags.push(
                        Diagnostic::new(
                            &rules::INVALID_SUPPRESSION,
                            loc,
                            format!("unknown rule `{raw}` in suppression"),
                        )
                        .maybe_hint(crate::diagnostic::did_you_mean(
                            raw,
                            rules::ALL.iter().map(|r| r.id),
                        )),
                    ),
                }
            }
            if found.is_empty() {
                if ids.trim().is_empty() {
                    diags.push(
                        Diagnostic::new(
                            &rules::INVALID_SUPPRESSION,
                            loc,
                            "suppression names no rule",
                        )
                        .hint("write `# weft:allow RULE-ID -- reason`"),
                    );
                }
                continue;
            }
            let alone = line[..hash].trim().is_empty();
            let target_line = if alone {
                (line_no + 1..=file.line_count())
                    .find(|&l| {
                        let t = file.line_text(l).trim();
                        !t.is_empty() && !t.starts_with('#')
                    })
                    .unwrap_or(line_no)
            } else {
                line_no
            };
            out.push(Suppression {
                file: id,
                target_line,
                rules: found,
                reason: reason.to_string(),
                loc,
                used: false,
            });
        }
    }
    out
}

/// Byte index of a `#` that starts a comment (not inside quotes).
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && (i == 0 || prev.is_whitespace()) => return Some(i),
            None => {}
        }
        prev = c;
    }
    None
}

/// Marks the findings that a suppression covers; reports suppressions that cover nothing.
pub fn apply(sources: &SourceMap, sups: &mut [Suppression], diags: &mut Vec<Diagnostic>) {
    for d in diags.iter_mut() {
        let (line, _) = sources.get(d.loc.file).line_col(d.loc.start as usize);
        if let Some(s) = sups.iter_mut().find(|s| {
            s.file == d.loc.file
                && s.target_line == line
                && s.rules.iter().any(|r| std::ptr::eq(*r, d.rule))
        }) {
            s.used = true;
            d.suppressed = Some(s.reason.clone());
        }
    }
    for s in sups.iter().filter(|s| !s.used) {
        let ids: Vec<&str> = s.rules.iter().map(|r| r.id).collect();
        diags.push(
            Diagnostic::new(
                &rules::UNUSED_SUPPRESSION,
                s.loc,
                format!("suppression of `{}` matches no finding", ids.join(", ")),
            )
            .label("suppresses nothing")
            .hint("delete the comment: the finding it was for is gone"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::comment_start;

    #[test]
    fn comments_outside_quotes() {
        assert_eq!(comment_start("a: b # c"), Some(5));
        assert_eq!(comment_start("color: \"#0a5\" # x"), Some(14));
        assert_eq!(comment_start("url: http://x/#frag"), None);
    }
}

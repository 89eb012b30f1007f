//! Reads mapping headers from `.weft` files (the grammar is `weft_mapping::parse_file`).

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::{FileId, Loc, Spanned};

/// A mapping as found in a `.weft` file.
pub struct MappingHeader {
    pub name: Spanned<String>,
    pub source: Spanned<String>,
    pub target: Spanned<String>,
    /// The text between the braces and where it stands.
    pub body: Spanned<String>,
    pub loc: Loc,
}

/// A user function as found in a `.weft` file.
pub struct FunctionHeader {
    pub name: Spanned<String>,
    pub params: Vec<Spanned<String>>,
    pub body: Spanned<String>,
    pub loc: Loc,
}

/// Parses a `.weft` file; on a syntax error returns nothing and the error.
pub fn parse(
    file: FileId,
    text: &str,
) -> (Vec<MappingHeader>, Vec<FunctionHeader>, Option<Diagnostic>) {
    let loc = |s: weft_mapping::ast::Span| Loc::new(file, s.start as usize, s.end as usize);
    match weft_mapping::parse_file(text) {
        Ok(items) => (
            items
                .mappings
                .into_iter()
                .map(|h| MappingHeader {
                    name: Spanned::new(h.name.0, loc(h.name.1)),
                    source: Spanned::new(h.source.0, loc(h.source.1)),
                    target: Spanned::new(h.target.0, loc(h.target.1)),
                    body: Spanned::new(h.body.0, loc(h.body.1)),
                    loc: loc(h.span),
                })
                .collect(),
            items
                .functions
                .into_iter()
                .map(|f| FunctionHeader {
                    name: Spanned::new(f.name.0, loc(f.name.1)),
                    params: f
                        .params
                        .into_iter()
                        .map(|(p, s)| Spanned::new(p, loc(s)))
                        .collect(),
                    body: Spanned::new(f.body.0, loc(f.body.1)),
                    loc: loc(f.span),
                })
                .collect(),
            None,
        ),
        Err(e) => {
            let rule = if text.len() > weft_mapping::MAX_FILE_BYTES {
                &rules::INPUT_LIMIT
            } else {
                &rules::MAPPING_SYNTAX
            };
            let d = Diagnostic::new(
                rule,
                loc(e.span),
                format!("invalid mapping file: {}", e.message),
            )
            .label(e.message)
            .hint("write each mapping as `mapping NAME: Source@MAJOR -> Target@MAJOR { ... }`");
            (Vec::new(), Vec::new(), Some(d))
        }
    }
}

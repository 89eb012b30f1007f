//! Reads mapping headers from `.weft` files.

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::{FileId, Loc, Spanned};
use pest::Parser;
use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "load/weft_file.pest"]
struct WeftFile;

/// A mapping as found in a `.weft` file.
pub struct MappingHeader {
    pub name: Spanned<String>,
    pub source: Spanned<String>,
    pub target: Spanned<String>,
    /// The text between the braces and where it stands.
    pub body: Spanned<String>,
    pub loc: Loc,
}

/// Input larger than this is refused before parsing.
const MAX_WEFT_BYTES: usize = 4 * 1024 * 1024;

/// Parses a `.weft` file; on a syntax error returns the mappings before it and the error.
pub fn parse(file: FileId, text: &str) -> (Vec<MappingHeader>, Option<Diagnostic>) {
    if text.len() > MAX_WEFT_BYTES {
        return (
            Vec::new(),
            Some(Diagnostic::new(
                &rules::INPUT_LIMIT,
                Loc::new(file, 0, 0),
                format!(
                    "file is {} bytes; mapping files may be at most {MAX_WEFT_BYTES} bytes",
                    text.len()
                ),
            )),
        );
    }
    pest::set_call_limit(std::num::NonZeroUsize::new(5_000_000));
    let pairs = match WeftFile::parse(Rule::file, text) {
        Ok(p) => p,
        Err(e) => return (Vec::new(), Some(to_diagnostic(file, text, e))),
    };
    let mut out = Vec::new();
    for pair in pairs.flatten().filter(|p| p.as_rule() == Rule::mapping) {
        let loc = Loc::new(file, pair.as_span().start(), pair.as_span().end());
        let mut inner = pair.into_inner();
        let mut next = || {
            let p = inner.next().expect("grammar guarantees mapping parts");
            Spanned::new(
                p.as_str().to_string(),
                Loc::new(file, p.as_span().start(), p.as_span().end()),
            )
        };
        let name = next();
        let _colon = next();
        let source = next();
        let _arrow = next();
        let target = next();
        let body_outer = next();
        let body = Spanned::new(
            body_outer.value[1..body_outer.value.len() - 1].to_string(),
            Loc::new(
                file,
                body_outer.loc.start as usize + 1,
                body_outer.loc.end as usize - 1,
            ),
        );
        out.push(MappingHeader {
            name,
            source,
            target,
            body,
            loc,
        });
    }
    (out, None)
}

fn to_diagnostic(file: FileId, text: &str, e: pest::error::Error<Rule>) -> Diagnostic {
    let at = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let expected = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().map(rule_name).collect();
            names.dedup();
            if names.is_empty() {
                "unexpected input".to_string()
            } else {
                format!("expected {}", names.join(" or "))
            }
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    let end = text[at..]
        .chars()
        .next()
        .map(|c| at + c.len_utf8())
        .unwrap_or(at);
    Diagnostic::new(
        &rules::MAPPING_SYNTAX,
        Loc::new(file, at, end),
        format!("invalid mapping file: {expected}"),
    )
    .label(expected)
    .hint("write each mapping as `mapping NAME: Source@MAJOR -> Target@MAJOR { ... }`")
}

fn rule_name(r: &Rule) -> &'static str {
    match r {
        Rule::mapping => "`mapping`",
        Rule::name => "a mapping name",
        Rule::contract => "a contract reference (`Name@MAJOR`)",
        Rule::body => "`{` opening the mapping body",
        Rule::colon => "`:` after the mapping name",
        Rule::arrow => "`->` between the source and target contracts",
        Rule::EOI => "end of file",
        _ => "more input",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_and_body_spans() {
        let text = "# orders\nmapping a_to_b: shopify.Order@1 -> Order@2 {\n  id = \"SHOP-{source.id}\" # }\n  x = { a: 1 }\n}\nmapping c: A@1 -> B@1 {}\n";
        let (maps, err) = parse(FileId(0), text);
        assert!(err.is_none());
        assert_eq!(maps.len(), 2);
        assert_eq!(maps[0].name.value, "a_to_b");
        assert_eq!(maps[0].source.value, "shopify.Order@1");
        assert_eq!(maps[0].target.value, "Order@2");
        assert!(maps[0].body.value.contains("x = { a: 1 }"));
        assert_eq!(&text[maps[0].body.loc.range()], maps[0].body.value);
    }

    #[test]
    fn unbalanced_body_is_an_error_with_position() {
        let (_, err) = parse(FileId(0), "mapping a: A@1 -> B@1 {\n  x = { \n");
        let err = err.unwrap();
        assert_eq!(err.rule.id, "mapping-syntax");
    }

    #[test]
    fn missing_colon() {
        let text = "mapping a A@1 -> B@1 {}";
        let (_, err) = parse(FileId(0), text);
        assert!(err.unwrap().message.contains("expected"));
    }
}

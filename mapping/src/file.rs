//! `.weft` files: mapping headers (`mapping NAME: Source@N -> Target@N { ... }`)
//! and their bodies, which `parse_body` parses.

use crate::ast::Span;
use crate::syntax_error::{from_pest, SyntaxError};
use pest::Parser;
use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "file.pest"]
struct WeftFile;

/// Input larger than this is refused before parsing.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// A mapping as written in a `.weft` file; every text comes with its span in the file.
#[derive(Debug)]
pub struct MappingHeader {
    pub name: (String, Span),
    pub source: (String, Span),
    pub target: (String, Span),
    /// The text between the braces.
    pub body: (String, Span),
    pub span: Span,
}

/// A function as written in a `.weft` file.
#[derive(Debug)]
pub struct FunctionHeader {
    pub name: (String, Span),
    pub params: Vec<(String, Span)>,
    /// The text between the braces.
    pub body: (String, Span),
    pub span: Span,
}

/// What a `.weft` file defines.
#[derive(Debug, Default)]
pub struct WeftFileItems {
    pub mappings: Vec<MappingHeader>,
    pub functions: Vec<FunctionHeader>,
}

/// Parses a `.weft` file into its mappings and functions.
pub fn parse_file(text: &str) -> Result<WeftFileItems, SyntaxError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(SyntaxError {
            span: Span::new(0, 0),
            message: format!(
                "file is {} bytes; mapping files may be at most {MAX_FILE_BYTES} bytes",
                text.len()
            ),
        });
    }
    pest::set_call_limit(std::num::NonZeroUsize::new(5_000_000));
    let pairs =
        WeftFile::parse(Rule::file, text).map_err(|e| from_pest(e, text, 0, "file", rule_name))?;
    let mut out = WeftFileItems::default();
    let text_of = |p: &pest::iterators::Pair<Rule>| {
        (
            p.as_str().to_string(),
            Span::new(p.as_span().start(), p.as_span().end()),
        )
    };
    let body_of = |p: &pest::iterators::Pair<Rule>| {
        let (body, span) = text_of(p);
        (
            body[1..body.len() - 1].to_string(),
            Span::new(span.start as usize + 1, span.end as usize - 1),
        )
    };
    for pair in pairs.flatten() {
        let span = Span::new(pair.as_span().start(), pair.as_span().end());
        match pair.as_rule() {
            Rule::mapping => {
                let parts: Vec<_> = pair
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::colon | Rule::arrow))
                    .collect();
                out.mappings.push(MappingHeader {
                    name: text_of(&parts[0]),
                    source: text_of(&parts[1]),
                    target: text_of(&parts[2]),
                    body: body_of(&parts[3]),
                    span,
                });
            }
            Rule::function => {
                let parts: Vec<_> = pair
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::open_paren | Rule::close_paren))
                    .collect();
                out.functions.push(FunctionHeader {
                    name: text_of(&parts[0]),
                    params: parts[1]
                        .clone()
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::name)
                        .map(|p| text_of(&p))
                        .collect(),
                    body: body_of(&parts[2]),
                    span,
                });
            }
            _ => {}
        }
    }
    Ok(out)
}

fn rule_name(r: &Rule) -> Option<&'static str> {
    Some(match r {
        Rule::mapping => "`mapping`",
        Rule::name => "a mapping name",
        Rule::contract => "a contract reference (`Name@MAJOR`)",
        Rule::body => "`{` opening the mapping body",
        Rule::colon => "`:` after the mapping name",
        Rule::arrow => "`->` between the source and target contracts",
        Rule::function => "`fn`",
        Rule::open_paren => "`(` after the function name",
        Rule::close_paren => "`)`",
        Rule::params => "parameter names",
        Rule::EOI => "the end of the file",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, s: Span) -> &str {
        &text[s.start as usize..s.end as usize]
    }

    #[test]
    fn reads_headers_and_body_spans() {
        let text = "# orders\nmapping a_to_b: shopify.Order@1 -> Order@2 {\n  id = \"SHOP-{source.id}\" # }\n  x = { a: 1 }\n}\nmapping c: A@1 -> B@1 {}\n";
        let maps = parse_file(text).unwrap().mappings;
        assert_eq!(maps.len(), 2);
        assert_eq!(maps[0].name.0, "a_to_b");
        assert_eq!(maps[0].source.0, "shopify.Order@1");
        assert_eq!(maps[0].target.0, "Order@2");
        assert!(maps[0].body.0.contains("x = { a: 1 }"));
        assert_eq!(at(text, maps[0].body.1), maps[0].body.0);
    }

    #[test]
    fn reads_functions() {
        let text = "fn money(text, fallback) {\n  decimal(trim(text))? \n}\nmapping a: A@1 -> B@1 { x = money(source.p, 0) }\n";
        let items = parse_file(text).unwrap();
        assert_eq!(items.mappings.len(), 1);
        let f = &items.functions[0];
        assert_eq!(f.name.0, "money");
        assert_eq!(
            f.params.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(),
            ["text", "fallback"]
        );
        assert_eq!(f.body.0.trim(), "decimal(trim(text))?");
    }

    #[test]
    fn errors_name_what_was_expected() {
        let e = parse_file("mapping a A@1 -> B@1 {}").unwrap_err();
        assert_eq!(e.message, "expected `:` after the mapping name, found `A`");
        assert_eq!(e.span.start, 10);
        assert!(parse_file("mapping a: A@1 -> B@1 {\n  x = { \n").is_err());
    }
}

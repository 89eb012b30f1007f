//! Parses a mapping body into the syntax tree, reporting every item's error.

use crate::ast::*;
use crate::split::{split_items, SplitError};
use crate::syntax_error::SyntaxError;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;
use pest_derive::Parser;
use std::sync::OnceLock;

#[derive(Parser)]
#[grammar = "grammar.pest"]
struct MappingGrammar;

/// Largest body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

fn pratt() -> &'static PrattParser<Rule> {
    static P: OnceLock<PrattParser<Rule>> = OnceLock::new();
    P.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_coalesce, Assoc::Right))
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::infix(Rule::op_eq, Assoc::Left) | Op::infix(Rule::op_ne, Assoc::Left))
            .op(Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left))
            .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
            .op(Op::infix(Rule::op_mul, Assoc::Left)
                | Op::infix(Rule::op_div, Assoc::Left)
                | Op::infix(Rule::op_rem, Assoc::Left))
            .op(Op::prefix(Rule::op_neg) | Op::prefix(Rule::op_not))
    })
}

/// Parses `body`; on errors returns every item's first error (the items that
/// parsed are dropped: a body with errors is not used).
pub fn parse_body(body: &str) -> Result<Body, Vec<SyntaxError>> {
    if body.len() > MAX_BODY_BYTES {
        return Err(vec![SyntaxError {
            span: Span::new(0, 0),
            message: format!(
                "mapping body is {} bytes; at most {MAX_BODY_BYTES} are accepted",
                body.len()
            ),
        }]);
    }
    let ranges = match split_items(body) {
        Ok(r) => r,
        Err(SplitError::TooDeep { at }) => {
            return Err(vec![SyntaxError {
                span: Span::new(at, at + 1),
                message: format!("nesting is deeper than {} levels", crate::split::MAX_DEPTH),
            }])
        }
    };
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for range in ranges {
        match guarded(Rule::item, &body[range.clone()], range.start) {
            Ok(item) => items.push(build_item(
                item.kids().next().expect("item body"),
                range.start,
            )),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(Body { items })
    } else {
        Err(errors)
    }
}

/// Parses `text` (at byte `base` of its body) as `rule`, with the guards
/// every entry point needs: nesting depth checked before pest recurses, a
/// cap on pest's calls, and number literals in range.
fn guarded(rule: Rule, text: &str, base: usize) -> Result<Pair<'_, Rule>, SyntaxError> {
    if let Err(SplitError::TooDeep { at }) = split_items(text) {
        return Err(SyntaxError {
            span: Span::new(base + at, base + at + 1),
            message: format!("nesting is deeper than {} levels", crate::split::MAX_DEPTH),
        });
    }
    pest::set_call_limit(std::num::NonZeroUsize::new(2_000_000));
    let pair = MappingGrammar::parse(rule, text)
        .map_err(|e| to_error(e, text, base))?
        .next()
        .expect("the rule matched");
    for n in pair.clone().into_inner().flatten() {
        if n.as_rule() == Rule::number && number(n.as_str()).is_none() {
            return Err(SyntaxError {
                span: span_of(&n, base),
                message: format!(
                    "the number {} is out of range: decimals hold at most 28 significant digits",
                    n.as_str()
                ),
            });
        }
    }
    Ok(pair)
}

/// Parses the body of a user function: `let` items, then one expression.
pub fn parse_function_body(text: &str) -> Result<Expr, SyntaxError> {
    Ok(build_block(guarded(Rule::fn_body, text, 0)?, 0))
}

/// Parses one expression (flow conditions and keys use the same language).
pub fn parse_expr(text: &str) -> Result<Expr, SyntaxError> {
    let expr = guarded(Rule::expr_only, text, 0)?
        .kids()
        .next()
        .expect("the grammar requires an expression");
    Ok(build_expr(expr, 0))
}

/// The direct child expressions of `e`, in source order.
pub fn children(e: &Expr) -> Vec<&Expr> {
    let mut out: Vec<&Expr> = Vec::new();
    match &e.kind {
        ExprKind::Str(parts) => out.extend(parts.iter().filter_map(|p| match p {
            StrPart::Expr(x) => Some(x),
            StrPart::Text(_) => None,
        })),
        ExprKind::Array(xs) | ExprKind::Call { args: xs, .. } => out.extend(xs),
        ExprKind::Object(entries) => out.extend(entries.iter().map(|(_, _, x)| x)),
        ExprKind::Field(x, _)
        | ExprKind::Unary(_, x)
        | ExprKind::Try(x)
        | ExprKind::Lambda { body: x, .. } => out.push(x),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => out.extend([a.as_ref(), b.as_ref()]),
        ExprKind::Method { receiver, args, .. } => {
            out.push(receiver);
            out.extend(args);
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            out.extend([cond.as_ref(), then.as_ref()]);
            out.extend(otherwise.as_deref());
        }
        ExprKind::Block { lets, value } => {
            out.extend(lets.iter().map(|(_, x)| x));
            out.push(value);
        }
        ExprKind::Match { subject, arms } => {
            out.push(subject);
            for arm in arms {
                out.extend(arm.patterns.iter().filter_map(|p| match p {
                    Pattern::Literal(x) => Some(x),
                    Pattern::Wildcard(_) => None,
                }));
                out.push(&arm.value);
            }
        }
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Integer(_)
        | ExprKind::Decimal(_)
        | ExprKind::Float(_)
        | ExprKind::Var(_) => {}
    }
    out
}

/// The children of a pair, punctuation left out.
type KidsIter<'i> = std::iter::Filter<Pairs<'i, Rule>, fn(&Pair<'i, Rule>) -> bool>;

/// Children of a pair without punctuation.
trait Kids<'i> {
    fn kids(self) -> KidsIter<'i>;
}

impl<'i> Kids<'i> for Pair<'i, Rule> {
    fn kids(self) -> KidsIter<'i> {
        fn keep(p: &Pair<'_, Rule>) -> bool {
            !matches!(
                p.as_rule(),
                Rule::close_paren
                    | Rule::close_bracket
                    | Rule::close_brace
                    | Rule::comma
                    | Rule::colon
                    | Rule::bar
                    | Rule::fat_arrow
                    | Rule::arrow
            )
        }
        self.into_inner()
            .filter(keep as fn(&Pair<'i, Rule>) -> bool)
    }
}

fn span_of(p: &Pair<Rule>, base: usize) -> Span {
    Span::new(base + p.as_span().start(), base + p.as_span().end())
}

fn build_item(pair: Pair<Rule>, base: usize) -> Item {
    match pair.as_rule() {
        Rule::let_item => {
            let mut inner = pair.kids();
            inner.next(); // `let`
            let name = inner.next().expect("name");
            Item::Let {
                name: name.as_str().to_string(),
                name_span: span_of(&name, base),
                value: build_expr(inner.next().expect("value"), base),
            }
        }
        _ => {
            let mut inner = pair.kids();
            let target = inner.next().expect("target");
            inner.next(); // `=`
            Item::Assign {
                target_span: span_of(&target, base),
                target: target.kids().map(|p| p.as_str().to_string()).collect(),
                value: build_expr(inner.next().expect("value"), base),
            }
        }
    }
}

fn build_expr(pair: Pair<Rule>, base: usize) -> Expr {
    debug_assert_eq!(pair.as_rule(), Rule::expr);
    pratt_expr(pair.into_inner(), base)
}

fn pratt_expr(pairs: Pairs<Rule>, base: usize) -> Expr {
    pratt()
        .map_primary(|p| build_postfixed(p, base))
        .map_prefix(|op, rhs| {
            let span = Span::new(base + op.as_span().start(), rhs.span.end as usize);
            let op = if op.as_rule() == Rule::op_neg {
                UnaryOp::Neg
            } else {
                UnaryOp::Not
            };
            Expr {
                kind: ExprKind::Unary(op, Box::new(rhs)),
                span,
            }
        })
        .map_infix(|lhs, op, rhs| {
            let op = match op.as_rule() {
                Rule::op_coalesce => BinaryOp::Coalesce,
                Rule::op_or => BinaryOp::Or,
                Rule::op_and => BinaryOp::And,
                Rule::op_eq => BinaryOp::Eq,
                Rule::op_ne => BinaryOp::Ne,
                Rule::op_lt => BinaryOp::Lt,
                Rule::op_le => BinaryOp::Le,
                Rule::op_gt => BinaryOp::Gt,
                Rule::op_ge => BinaryOp::Ge,
                Rule::op_add => BinaryOp::Add,
                Rule::op_sub => BinaryOp::Sub,
                Rule::op_mul => BinaryOp::Mul,
                Rule::op_div => BinaryOp::Div,
                _ => BinaryOp::Rem,
            };
            let span = Span {
                start: lhs.span.start,
                end: rhs.span.end,
            };
            Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            }
        })
        .parse(pairs)
}

fn build_postfixed(pair: Pair<Rule>, base: usize) -> Expr {
    let mut inner = pair.kids();
    let mut expr = build_primary(inner.next().expect("primary"), base);
    for post in inner {
        let end = base + post.as_span().end();
        let span = Span {
            start: expr.span.start,
            end: end as u32,
        };
        let kind = match post.as_rule() {
            Rule::field => ExprKind::Field(
                Box::new(expr),
                post.kids().next().expect("name").as_str().to_string(),
            ),
            Rule::index => ExprKind::Index(
                Box::new(expr),
                Box::new(build_expr(post.kids().next().expect("index"), base)),
            ),
            Rule::method => {
                let mut m = post.kids();
                let name_pair = m.next().expect("name");
                let name_span = span_of(&name_pair, base);
                let name = name_pair.as_str().to_string();
                let args = build_args(m.next().expect("args"), base);
                ExprKind::Method {
                    receiver: Box::new(expr),
                    name,
                    name_span,
                    args,
                }
            }
            _ => ExprKind::Try(Box::new(expr)),
        };
        expr = Expr { kind, span };
    }
    expr
}

fn build_args(pair: Pair<Rule>, base: usize) -> Vec<Expr> {
    pair.kids().map(|a| build_expr(a, base)).collect()
}

fn build_primary(pair: Pair<Rule>, base: usize) -> Expr {
    let span = span_of(&pair, base);
    let kind = match pair.as_rule() {
        Rule::null => ExprKind::Null,
        Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
        Rule::number => number(pair.as_str()).expect("checked in `guarded`"),
        Rule::string => ExprKind::Str(build_string(pair, base)),
        Rule::ident => ExprKind::Var(pair.as_str().to_string()),
        Rule::paren => return build_expr(pair.kids().next().expect("inner"), base),
        Rule::array => ExprKind::Array(pair.kids().map(|e| build_expr(e, base)).collect()),
        Rule::object => ExprKind::Object(
            pair.kids()
                .map(|entry| {
                    let mut e = entry.kids();
                    let key = e.next().expect("key");
                    let key_span = span_of(&key, base);
                    let name = if key.as_rule() == Rule::key_string {
                        build_string(key, base)
                            .into_iter()
                            .map(|p| match p {
                                StrPart::Text(t) => t,
                                StrPart::Expr(_) => String::new(),
                            })
                            .collect()
                    } else {
                        key.as_str().to_string()
                    };
                    (name, key_span, build_expr(e.next().expect("value"), base))
                })
                .collect(),
        ),
        Rule::call => {
            let mut c = pair.kids();
            let name = c.next().expect("name").as_str().to_string();
            ExprKind::Call {
                name,
                args: build_args(c.next().expect("args"), base),
            }
        }
        Rule::lambda => {
            let mut l = pair.kids();
            let params = l
                .next()
                .expect("params")
                .kids()
                .map(|p| p.as_str().to_string())
                .collect();
            ExprKind::Lambda {
                params,
                body: Box::new(build_expr(l.next().expect("body"), base)),
            }
        }
        Rule::if_expr => return build_if(pair, base),
        Rule::match_expr => {
            let mut m = pair.kids();
            m.next(); // `match`
            let subject = Box::new(build_expr(m.next().expect("subject"), base));
            let arms = m
                .map(|arm| {
                    let arm_span = span_of(&arm, base);
                    let mut patterns = Vec::new();
                    let mut value = None;
                    for part in arm.kids() {
                        match part.as_rule() {
                            Rule::pattern => {
                                let p = part.kids().next().expect("pattern");
                                patterns.push(match p.as_rule() {
                                    Rule::wildcard => Pattern::Wildcard(span_of(&p, base)),
                                    Rule::negative => {
                                        let s = span_of(&p, base);
                                        let n = p.kids().next().expect("number");
                                        let inner = Expr {
                                            kind: number(n.as_str()).expect("checked in `guarded`"),
                                            span: span_of(&n, base),
                                        };
                                        Pattern::Literal(Expr {
                                            kind: ExprKind::Unary(UnaryOp::Neg, Box::new(inner)),
                                            span: s,
                                        })
                                    }
                                    _ => Pattern::Literal(build_primary(p, base)),
                                });
                            }
                            _ => value = Some(build_expr(part, base)),
                        }
                    }
                    Arm {
                        patterns,
                        value: value.expect("arm value"),
                        span: arm_span,
                    }
                })
                .collect();
            ExprKind::Match { subject, arms }
        }
        other => unreachable!("not a primary: {other:?}"),
    };
    Expr { kind, span }
}

fn build_if(pair: Pair<Rule>, base: usize) -> Expr {
    let span = span_of(&pair, base);
    let mut parts = pair
        .kids()
        .filter(|p| !matches!(p.as_rule(), Rule::kw_if | Rule::kw_else));
    let cond = Box::new(build_expr(parts.next().expect("condition"), base));
    let then = Box::new(build_block(parts.next().expect("then"), base));
    let otherwise = parts.next().map(|p| {
        Box::new(if p.as_rule() == Rule::if_expr {
            build_if(p, base)
        } else {
            build_block(p, base)
        })
    });
    Expr {
        kind: ExprKind::If {
            cond,
            then,
            otherwise,
        },
        span,
    }
}

/// `let` items, then a value (a block in braces, or a function body): the
/// value alone when there are no `let`s.
fn build_block(pair: Pair<Rule>, base: usize) -> Expr {
    let span = span_of(&pair, base);
    let mut lets = Vec::new();
    let mut value = None;
    for p in pair.kids() {
        match p.as_rule() {
            Rule::let_item => {
                if let Item::Let { name, value, .. } = build_item(p, base) {
                    lets.push((name, value));
                }
            }
            Rule::EOI => {}
            _ => value = Some(build_expr(p, base)),
        }
    }
    let value = value.expect("the grammar requires a final expression");
    if lets.is_empty() {
        return value;
    }
    Expr {
        kind: ExprKind::Block {
            lets,
            value: Box::new(value),
        },
        span,
    }
}

/// A number literal: a float with an exponent, an integer, or an exact
/// decimal (also an integer too large for 64 bits); `None` out of range
/// (`guarded` reports it before anything is built).
fn number(text: &str) -> Option<ExprKind> {
    if text.contains(['e', 'E']) {
        return text.parse().ok().map(ExprKind::Float);
    }
    if !text.contains('.') {
        if let Ok(i) = text.parse() {
            return Some(ExprKind::Integer(i));
        }
    }
    rust_decimal::Decimal::from_str_exact(text)
        .ok()
        .map(ExprKind::Decimal)
}

fn build_string(pair: Pair<Rule>, base: usize) -> Vec<StrPart> {
    let mut parts: Vec<StrPart> = Vec::new();
    let push_text = |parts: &mut Vec<StrPart>, t: &str| match parts.last_mut() {
        Some(StrPart::Text(prev)) => prev.push_str(t),
        _ => parts.push(StrPart::Text(t.to_string())),
    };
    for p in pair.kids() {
        match p.as_rule() {
            Rule::text => push_text(&mut parts, p.as_str()),
            Rule::escape => {
                let e = &p.as_str()[1..];
                let c = match e {
                    "n" => "\n".to_string(),
                    "t" => "\t".to_string(),
                    "r" => "\r".to_string(),
                    _ if e.starts_with('u') => u32::from_str_radix(&e[1..], 16)
                        .ok()
                        .and_then(char::from_u32)
                        .map(String::from)
                        .unwrap_or_default(),
                    other => other.to_string(),
                };
                push_text(&mut parts, &c);
            }
            _ => parts.push(StrPart::Expr(build_expr(
                p.kids().next().expect("interpolated expr"),
                base,
            ))),
        }
    }
    parts
}

fn to_error(e: pest::error::Error<Rule>, text: &str, base: usize) -> SyntaxError {
    crate::syntax_error::from_pest(e, text, base, "item", rule_name)
}

fn rule_name(r: &Rule) -> Option<&'static str> {
    Some(match r {
        Rule::expr | Rule::postfixed | Rule::prefix | Rule::op_neg | Rule::op_not => {
            "an expression"
        }
        Rule::assign => "`=`",
        Rule::ident => "a name",
        Rule::target => "a target field",
        Rule::op_coalesce
        | Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::op_rem => "an operator",
        Rule::method | Rule::field => "`.`",
        Rule::index => "`[`",
        Rule::op_try => "`?`",
        Rule::block => "`{`",
        Rule::arm | Rule::pattern => "a match arm (`\"value\" => result`)",
        Rule::args => "arguments",
        Rule::entry => "an object entry (`name: value`)",
        Rule::EOI => "the end of the item (a new line starting `field =`)",
        Rule::let_item => "`let`",
        Rule::close_paren => "`)`",
        Rule::close_bracket => "`]`",
        Rule::close_brace => "`}`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::bar => "`|`",
        Rule::fat_arrow => "`=>`",
        Rule::arrow => "`->`",
        Rule::kw_else => "`else`",
        Rule::string => "a string",
        Rule::number | Rule::null | Rule::boolean | Rule::literal => "a value",
        _ => return None,
    })
}

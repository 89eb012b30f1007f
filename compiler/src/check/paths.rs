//! Field paths (`customer.id`) through contracts, nested objects and embedded contracts.

use super::index::Index;
use crate::spec::shape::{Field, FieldType, Object};
use crate::spec::Specs;
use weft_mapping::ast::{Expr, ExprKind, Span};

/// Why a path did not resolve.
pub struct PathError {
    /// The segment that failed (0-based).
    pub segment: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// Follows `segments` from the top level of contract `contract`.
pub fn resolve<'s>(
    specs: &'s Specs,
    idx: &Index,
    contract: usize,
    segments: &[&str],
) -> Result<&'s Field, PathError> {
    let mut object: &Object = &specs.contracts[contract].shape;
    let mut where_ = specs.contracts[contract].display();
    let mut depth = 0;
    for (i, seg) in segments.iter().enumerate() {
        let Some(field) = object.field(seg) else {
            if object.additional && object.fields.is_empty() {
                // A schema the field model cannot see into (e.g. `oneOf`): accept.
                return Err(PathError {
                    segment: usize::MAX,
                    message: String::new(),
                    hint: None,
                });
            }
            return Err(PathError {
                segment: i,
                message: format!("`{seg}` is not a field of {where_}"),
                hint: crate::diagnostic::did_you_mean(seg, object.names()).or_else(|| {
                    Some(format!(
                        "fields of {where_}: {}",
                        object.names().collect::<Vec<_>>().join(", ")
                    ))
                }),
            });
        };
        if i + 1 == segments.len() {
            return Ok(field);
        }
        let mut ty = &field.ty;
        loop {
            depth += 1;
            if depth > 64 {
                return Err(PathError {
                    segment: i,
                    message: "path is too deep".into(),
                    hint: None,
                });
            }
            match ty {
                FieldType::Object(o) => {
                    object = o;
                    where_ = format!("`{}`", segments[..=i].join("."));
                    break;
                }
                FieldType::Ref(r) => match idx.contract(&r.value) {
                    Some(target) => {
                        object = &specs.contracts[target].shape;
                        where_ = specs.contracts[target].display();
                        break;
                    }
                    None => {
                        return Err(PathError {
                            segment: usize::MAX,
                            message: String::new(),
                            hint: None,
                        })
                    }
                },
                FieldType::Any => {
                    return Err(PathError {
                        segment: usize::MAX,
                        message: String::new(),
                        hint: None,
                    })
                }
                FieldType::Array(item) => {
                    ty = &item.ty;
                    if !matches!(ty, FieldType::Object(_) | FieldType::Ref(_)) {
                        return Err(PathError {
                            segment: i + 1,
                            message: format!(
                                "`{}` is a list of {}; it has no fields",
                                segments[..=i].join("."),
                                item.ty.name()
                            ),
                            hint: None,
                        });
                    }
                    // A path through a list reads every element.
                }
                other => {
                    return Err(PathError {
                        segment: i + 1,
                        message: format!(
                            "`{}` is a {}; it has no fields",
                            segments[..=i].join("."),
                            other.name()
                        ),
                        hint: None,
                    })
                }
            }
        }
    }
    Err(PathError {
        segment: usize::MAX,
        message: String::new(),
        hint: None,
    })
}

/// The `source.a.b` / `current.a.b` paths a parsed flow expression reads:
/// `(root, segments, span of the path)`, outermost chains only.
pub fn paths_in(expr: &Expr) -> Vec<(&str, Vec<&str>, Span)> {
    fn chain(e: &Expr) -> Option<(&str, Vec<&str>)> {
        match &e.kind {
            ExprKind::Var(root) if root == "source" || root == "current" => {
                Some((root, Vec::new()))
            }
            ExprKind::Field(base, f) => {
                let (root, mut segs) = chain(base)?;
                segs.push(f);
                Some((root, segs))
            }
            _ => None,
        }
    }
    fn walk<'e>(e: &'e Expr, out: &mut Vec<(&'e str, Vec<&'e str>, Span)>) {
        if let Some((root, segs)) = chain(e) {
            if !segs.is_empty() {
                out.push((root, segs, e.span));
            }
            return;
        }
        for c in weft_mapping::children(e) {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    walk(expr, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Vec<String>, usize)> {
        let e = weft_mapping::parse_expr(text).expect("parses");
        paths_in(&e)
            .into_iter()
            .map(|(r, s, span)| {
                (
                    r.to_string(),
                    s.into_iter().map(String::from).collect(),
                    span.start as usize,
                )
            })
            .collect()
    }

    #[test]
    fn multibyte_text_does_not_break_positions() {
        let text = "\"réf «x» \" + source.a + string(current.b)";
        let f = found(text);
        let roots: Vec<&str> = f.iter().map(|(r, _, _)| r.as_str()).collect();
        assert_eq!(roots, ["source", "current"]);
        assert_eq!(&text[f[0].2..f[0].2 + 8], "source.a");
    }

    #[test]
    fn finds_paths_outside_strings() {
        let flat = found("current.total > 10000 && source.customer.id != \"source.x\"");
        assert_eq!(flat.len(), 2);
        assert_eq!(flat[0].0, "current");
        assert_eq!(flat[0].1, vec!["total"]);
        assert_eq!(flat[1].1, vec!["customer", "id"]);
        assert_eq!(flat[1].2, 25);
    }
}

//! Field paths (`customer.id`) through contracts, nested objects and embedded contracts.

use super::index::Index;
use crate::spec::shape::{Field, FieldType, Object};
use crate::spec::Specs;

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

/// Finds `source.a.b` / `current.a.b` paths in an expression: `(root, segments, byte offset of the match)`.
pub fn paths_in_expression(expr: &str) -> Vec<(&str, Vec<&str>, usize)> {
    let bytes = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            in_string = !in_string;
            i += 1;
            continue;
        }
        if in_string || (i > 0 && (is_ident(bytes[i - 1]) || bytes[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        if !expr.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let rest = &expr[i..];
        let root = ["source", "current"]
            .into_iter()
            .find(|r| rest.starts_with(r) && rest.as_bytes().get(r.len()) == Some(&b'.'));
        let Some(root) = root else {
            i += 1;
            continue;
        };
        let start = i;
        let mut j = i + root.len();
        let mut segs = Vec::new();
        while j < bytes.len() && bytes[j] == b'.' {
            let s = j + 1;
            let mut e = s;
            while e < bytes.len() && is_ident(bytes[e]) {
                e += 1;
            }
            if e == s {
                break;
            }
            segs.push(&expr[s..e]);
            j = e;
        }
        if !segs.is_empty() {
            out.push((root, segs, start));
        }
        i = j.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multibyte_text_does_not_break_the_scan() {
        let found = paths_in_expression("réf = source.a + «current.b» é");
        let roots: Vec<&str> = found.iter().map(|(r, _, _)| *r).collect();
        assert_eq!(roots, ["source", "current"]);
    }

    #[test]
    fn finds_paths_outside_strings() {
        let found =
            paths_in_expression("current.total > 10000 && source.customer.id != \"source.x\"");
        let flat: Vec<(String, Vec<&str>, usize)> = found
            .into_iter()
            .map(|(r, s, o)| (r.to_string(), s, o))
            .collect();
        assert_eq!(flat.len(), 2);
        assert_eq!(flat[0].0, "current");
        assert_eq!(flat[0].1, vec!["total"]);
        assert_eq!(flat[1].1, vec!["customer", "id"]);
        assert_eq!(flat[1].2, 25);
    }
}

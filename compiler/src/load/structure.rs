//! Structural validation of spec documents against `schemas/weft-spec.schema.json`.
//!
//! The same schema serves editors (hover, completion) and the compiler. Every
//! validation error is mapped back from its JSON pointer to the YAML span,
//! and rewritten into a message with a hint (unknown keys get "did you mean").

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::rules;
use crate::yaml::Node;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The spec-format schema, as shipped in the repository.
pub const SPEC_SCHEMA: &str = include_str!("../../../schemas/weft-spec.schema.json");

struct Validators {
    schema: Value,
    by_kind: HashMap<&'static str, Validator>,
}

fn validators() -> &'static Validators {
    static V: OnceLock<Validators> = OnceLock::new();
    V.get_or_init(|| {
        let schema: Value = serde_json::from_str(SPEC_SCHEMA).expect("spec schema is valid JSON");
        let mut by_kind = HashMap::new();
        for kind in std::iter::once("manifest").chain(crate::spec::KINDS) {
            let wrapper = json!({
                "$schema": schema["$schema"],
                "$id": schema["$id"],
                "$defs": schema["$defs"],
                "$ref": format!("#/$defs/{kind}"),
            });
            let v = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&wrapper)
                .expect("spec schema compiles");
            by_kind.insert(kind, v);
        }
        Validators { schema, by_kind }
    })
}

/// Validates one document of `kind` (or `manifest`); returns the findings.
pub fn validate(kind: &str, doc: &Node) -> Vec<Diagnostic> {
    let v = validators();
    let Some(validator) = v.by_kind.get(kind) else {
        return Vec::new();
    };
    let instance = doc.to_json();
    let mut out: Vec<Diagnostic> = Vec::new();
    for error in validator.iter_errors(&instance) {
        let pointer = error.instance_path().as_str().to_string();
        let keyword_pointer = error
            .absolute_keyword_location()
            .and_then(|u| u.fragment().map(|f| f.as_str().to_string()))
            .unwrap_or_default();
        let (node, key) = doc.locate(&pointer);
        let at = if pointer.is_empty() {
            "document".to_string()
        } else {
            format!("`{}`", display_path(&pointer))
        };
        let parent_schema = parent_schema(&v.schema, &keyword_pointer);
        let diags: Vec<Diagnostic> = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
                .iter()
                .map(|name| {
                    let loc = node.key_loc(name);
                    let allowed = allowed_keys(parent_schema);
                    let hint = did_you_mean(name, allowed.iter().map(String::as_str))
                        .unwrap_or_else(|| {
                            if allowed.is_empty() {
                                "remove it".to_string()
                            } else {
                                format!("allowed here: {}", allowed.join(", "))
                            }
                        });
                    Diagnostic::new(
                        &rules::INVALID_SPEC,
                        loc,
                        format!("unknown key `{name}` in {}", where_in(kind, &pointer)),
                    )
                    .label("not allowed here")
                    .hint(hint)
                })
                .collect(),
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let loc = key.map(|k| k.loc).unwrap_or_else(|| doc.key_loc("kind"));
                let what = property_description(parent_schema, name);
                vec![Diagnostic::new(
                    &rules::INVALID_SPEC,
                    loc,
                    format!(
                        "missing required key `{name}` in {}",
                        where_in(kind, &pointer)
                    ),
                )
                .label(format!("needs `{name}`"))
                .maybe_hint(what.map(|d| format!("add `{name}:` ({d})")))]
            }
            ValidationErrorKind::Type { kind: expected } => {
                let expected = type_names(expected);
                let mut d = Diagnostic::new(
                    &rules::INVALID_SPEC,
                    node.loc,
                    format!("{at} must be {expected}, found {}", node.type_name()),
                )
                .label(format!("expected {expected}"));
                if expected == "a string" && matches!(node.value, crate::yaml::NodeValue::Number(_))
                {
                    d = d.hint("YAML reads this as a number: put it in quotes");
                } else if let Some(desc) = schema_description(parent_schema) {
                    d = d.hint(desc);
                }
                vec![d]
            }
            ValidationErrorKind::Enum { options } => {
                let allowed: Vec<String> = options
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|v| {
                                v.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| v.to_string())
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let given = node.as_str().unwrap_or_default();
                vec![Diagnostic::new(
                    &rules::INVALID_SPEC,
                    node.loc,
                    format!("{at} must be one of: {}", allowed.join(", ")),
                )
                .label("not an allowed value")
                .maybe_hint(did_you_mean(given, allowed.iter().map(String::as_str)))]
            }
            ValidationErrorKind::Pattern { pattern } => {
                let (what, example) = pattern_meaning(pattern);
                vec![Diagnostic::new(
                    &rules::INVALID_SPEC,
                    node.loc,
                    format!("{at} is not {what}"),
                )
                .label(format!("not {what}"))
                .hint(example)]
            }
            ValidationErrorKind::MinProperties { .. }
            | ValidationErrorKind::MaxProperties { .. } => {
                let keys = allowed_keys(Some(keyword_parent_value(&v.schema, &keyword_pointer)));
                vec![Diagnostic::new(
                    &rules::INVALID_SPEC,
                    key.map(|k| k.loc).unwrap_or(node.loc),
                    format!("{at} takes exactly one of: {}", keys.join(", ")),
                )
                .label("exactly one key expected")]
            }
            ValidationErrorKind::Not { schema } if required_keys(schema).len() > 1 => {
                let keys = quoted(&required_keys(schema));
                vec![Diagnostic::new(
                    &rules::INVALID_SPEC,
                    key.map(|k| k.loc).unwrap_or(node.loc),
                    format!(
                        "{at} takes {}, not {}",
                        keys.join(" or "),
                        if keys.len() == 2 { "both" } else { "several" }
                    ),
                )
                .label("more than one given")
                .hint(format!("keep one of {}", keys.join(", ")))]
            }
            ValidationErrorKind::OneOfNotValid { .. }
            | ValidationErrorKind::OneOfMultipleValid { .. }
                if !alternative_keys(parent_schema).is_empty() =>
            {
                let keys = quoted(&alternative_keys(parent_schema));
                vec![Diagnostic::new(
                    &rules::INVALID_SPEC,
                    key.map(|k| k.loc).unwrap_or(node.loc),
                    format!("{at} takes exactly one of {}", keys.join(", ")),
                )
                .label("exactly one expected")]
            }
            ValidationErrorKind::OneOfNotValid { .. } if !forms(parent_schema).is_empty() => {
                let forms: Vec<String> = forms(parent_schema)
                    .into_iter()
                    .map(|(keys, name)| format!("{} ({name})", quoted(&keys).join(" and ")))
                    .collect();
                vec![Diagnostic::new(
                    &rules::INVALID_SPEC,
                    node.loc,
                    format!("{at} matches none of its forms"),
                )
                .label("not one of its forms")
                .hint(format!("give exactly {}", forms.join(", or ")))]
            }
            _ => vec![Diagnostic::new(
                &rules::INVALID_SPEC,
                node.loc,
                format!("{at}: {error}"),
            )],
        };
        for d in diags {
            if !out.iter().any(|o| o.loc == d.loc && o.message == d.message) {
                out.push(d);
            }
        }
    }
    out
}

/// `/steps/0/deliver` -> `steps[0].deliver`.
fn display_path(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.parse::<usize>().is_ok() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out
}

fn where_in(kind: &str, pointer: &str) -> String {
    if pointer.is_empty() {
        if kind == "manifest" {
            "weft.yaml".to_string()
        } else {
            format!("a {kind}")
        }
    } else {
        format!("`{}`", display_path(pointer))
    }
}

/// The schema object holding the keyword at `keyword_pointer` (`/$defs/policy/additionalProperties` -> `/$defs/policy`).
fn parent_schema<'a>(schema: &'a Value, keyword_pointer: &str) -> Option<&'a Value> {
    let (parent, _) = keyword_pointer.rsplit_once('/')?;
    schema.pointer(parent)
}

fn keyword_parent_value<'a>(schema: &'a Value, keyword_pointer: &str) -> &'a Value {
    parent_schema(schema, keyword_pointer).unwrap_or(&Value::Null)
}

fn allowed_keys(schema: Option<&Value>) -> Vec<String> {
    schema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The keys a `{"required": [...]}` schema names.
fn required_keys(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The keys of a `oneOf` whose branches each require one key (`every` or
/// `cron`); empty for any other `oneOf`.
fn alternative_keys(schema: Option<&Value>) -> Vec<&str> {
    let branches = schema
        .and_then(|s| s.get("oneOf"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let keys: Vec<&str> = branches
        .iter()
        .filter_map(|b| match required_keys(b).as_slice() {
            [one] if b.as_object().is_some_and(|o| o.len() == 1) => Some(*one),
            _ => None,
        })
        .collect();
    if keys.len() == branches.len() {
        keys
    } else {
        Vec::new()
    }
}

/// The forms of a `oneOf` whose branches are closed objects: each one's
/// keys and name (its description up to the first `:`, `(` or `,`, as in
/// "Page tokens: ..."); empty for any other `oneOf`.
fn forms(schema: Option<&Value>) -> Vec<(Vec<&str>, String)> {
    let branches = schema
        .and_then(|s| s.get("oneOf"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let forms: Vec<(Vec<&str>, String)> = branches
        .iter()
        .filter(|b| b.get("additionalProperties") == Some(&Value::Bool(false)))
        .filter_map(|b| {
            let keys: Vec<&str> = b
                .get("properties")?
                .as_object()?
                .keys()
                .map(String::as_str)
                .collect();
            let name = b.get("description")?.as_str()?;
            let name = name.split([':', '(', ',']).next()?.trim().to_lowercase();
            Some((keys, name))
        })
        .collect();
    if forms.len() == branches.len() {
        forms
    } else {
        Vec::new()
    }
}

fn quoted(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| format!("`{k}`")).collect()
}

fn property_description(schema: Option<&Value>, name: &str) -> Option<String> {
    let prop = schema?.get("properties")?.get(name)?;
    prop.get("description")
        .and_then(Value::as_str)
        .map(|d| d.trim_end_matches('.').to_string())
}

fn schema_description(schema: Option<&Value>) -> Option<String> {
    schema?
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn type_names(kind: &TypeKind) -> String {
    let one = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "object" => "a mapping".to_string(),
        "array" => "a list".to_string(),
        "integer" => "a whole number".to_string(),
        "null" => "null".to_string(),
        other => format!("a {other}"),
    };
    match kind {
        TypeKind::Single(t) => one(t),
        TypeKind::Multiple(ts) => {
            let names: Vec<String> = ts.iter().map(|t| one(&t)).collect();
            names.join(" or ")
        }
    }
}

/// What a pattern of the spec schema means, in words, with an example.
fn pattern_meaning(pattern: &str) -> (String, String) {
    let known: &[(&str, &str, &str)] = &[
        (
            "^[a-z][a-z0-9_-]*$",
            "a lowercase identifier",
            "use lowercase letters, digits, `-` and `_`, starting with a letter: `orders-to-erp`",
        ),
        (
            "^[A-Za-z_][A-Za-z0-9_]*$",
            "a symbol",
            "use letters, digits and `_`, not starting with a digit: `create_sales_order`",
        ),
        (
            "^([0-9]+(ms|s|m|h|d))+$",
            "a duration",
            "write a number and a unit (ms, s, m, h, d): `500ms`, `30s`, `5m`, `1h30m`",
        ),
        (
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "a date",
            "write YYYY-MM-DD: `2027-06-30`",
        ),
        (
            "^[0-9]+(B|KiB|MiB|GiB|KB|MB|GB)$",
            "a size",
            "write a number and a unit: `512KiB`, `1MiB`",
        ),
        (
            "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$",
            "a colour",
            "write `#rgb` or `#rrggbb`: `#0a5`",
        ),
        (
            "^[a-z][a-z0-9_-]*\\.[A-Za-z_][A-Za-z0-9_]*$",
            "an endpoint reference",
            "write SYSTEM.ENDPOINT: `erp.create_sales_order`",
        ),
        (
            "^std/[a-z][a-z0-9-]*@[0-9]+$",
            "a standard-library import",
            "write `std/NAME@MAJOR`, e.g. `std/distribution@1`, or `{ path: ../folder }`",
        ),
        (
            "^[A-Z_][A-Z0-9_]*$",
            "an environment variable name",
            "use uppercase letters, digits and `_`: `ERP_TOKEN`",
        ),
    ];
    for (p, what, hint) in known {
        if *p == pattern {
            return (what.to_string(), hint.to_string());
        }
    }
    (
        "in the expected form".to_string(),
        format!("it must match the regular expression `{pattern}`"),
    )
}

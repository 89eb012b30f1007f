//! Enumerating the subschemas of a raw schema object.

use serde_json::Value;

use crate::dialect::Dialect;

/// How a subschema relates to its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    /// Applies to the same instance (`allOf`, `anyOf`, `not`, `then`…).
    Same,
    /// Applies to a part of the instance (`properties/x`, `items`…).
    Child,
    /// Only a definition (`$defs`, `definitions`).
    Defs,
}

/// Escapes a JSON pointer token.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Every subschema of `v` with its pointer suffix (e.g. `/properties/a`).
pub fn subschemas(v: &Value, d: Dialect) -> Vec<(String, &Value, Rel)> {
    let mut out = Vec::new();
    let Some(m) = v.as_object() else {
        return out;
    };
    for (kw, val) in m {
        let rel = match kw.as_str() {
            "allOf" | "anyOf" | "oneOf" | "not" => Rel::Same,
            "if" | "then" | "else" if d.has_conditionals() => Rel::Same,
            "dependentSchemas" if d.has_2019_keywords() => Rel::Same,
            "dependencies" if d.legacy_dependencies() => Rel::Same,
            "properties"
            | "patternProperties"
            | "additionalProperties"
            | "items"
            | "additionalItems" => Rel::Child,
            "prefixItems" if d == Dialect::Draft202012 => Rel::Child,
            "contains" | "propertyNames" if d.has_draft6_keywords() => Rel::Child,
            "unevaluatedProperties" | "unevaluatedItems" if d.has_2019_keywords() => Rel::Child,
            "$defs" | "definitions" => Rel::Defs,
            _ => continue,
        };
        let base = format!("/{}", escape(kw));
        match kw.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
                if let Some(map) = val.as_object() {
                    for (k, s) in map {
                        if is_schema(s) {
                            out.push((format!("{base}/{}", escape(k)), s, rel));
                        }
                    }
                }
            }
            "dependencies" => {
                if let Some(map) = val.as_object() {
                    for (k, s) in map {
                        if is_schema(s) {
                            out.push((format!("{base}/{}", escape(k)), s, rel));
                        }
                    }
                }
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" | "items" => match val {
                Value::Array(items) => {
                    for (i, s) in items.iter().enumerate() {
                        if is_schema(s) {
                            out.push((format!("{base}/{i}"), s, rel));
                        }
                    }
                }
                s if is_schema(s) => out.push((base, s, rel)),
                _ => {}
            },
            _ => {
                if is_schema(val) {
                    out.push((base, val, rel));
                }
            }
        }
    }
    out
}

/// Whether a value can be a schema (an object or a boolean).
pub fn is_schema(v: &Value) -> bool {
    v.is_object() || v.is_boolean()
}

//! `kind: contract`: versioned data shapes in weft's field syntax or JSON Schema.

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::{Loc, Spanned};
use crate::spec::refs::ContractRef;
use crate::spec::shape::{Constraints, Deprecation, Field, FieldType, Object};
use crate::spec::{spanned_str, Meta, RefSlot};
use crate::yaml::{Node, NodeValue};
use serde_json::{json, Map, Value};

/// The JSON Schema dialects a contract may be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Draft7,
    Draft201909,
    Draft202012,
}

impl Dialect {
    /// The dialect named by a `$schema` URI (`None`: unsupported).
    pub fn from_uri(uri: &str) -> Option<Dialect> {
        let u = uri.trim_end_matches('#').trim_end_matches('/');
        if u.contains("draft-07") {
            Some(Dialect::Draft7)
        } else if u.contains("2019-09") {
            Some(Dialect::Draft201909)
        } else if u.contains("2020-12") {
            Some(Dialect::Draft202012)
        } else {
            None
        }
    }

    pub fn uri(self) -> &'static str {
        match self {
            Dialect::Draft7 => "http://json-schema.org/draft-07/schema#",
            Dialect::Draft201909 => "https://json-schema.org/draft/2019-09/schema",
            Dialect::Draft202012 => "https://json-schema.org/draft/2020-12/schema",
        }
    }
}

/// How the contract was written.
#[derive(Clone, Debug, PartialEq)]
pub enum ContractBody {
    /// weft's field syntax.
    Fields,
    /// JSON Schema, inline or from a file (`schema` holds it with `$ref` files loaded).
    JsonSchema { schema: Value, dialect: Dialect },
    /// Neither could be read (the errors are reported): no schema is known.
    Invalid,
}

/// A contract: a named, versioned data shape.
#[derive(Clone, Debug)]
pub struct Contract {
    pub meta: Meta,
    pub version: Option<Spanned<semver::Version>>,
    pub owner: Option<Spanned<String>>,
    pub domain: Option<Spanned<String>>,
    pub extends: Option<RefSlot>,
    pub deprecated: Option<Deprecation>,
    pub body: ContractBody,
    /// The normalized fields (for JSON Schema contracts: what the field model can express).
    pub shape: Object,
}

impl Contract {
    /// `Name@MAJOR` of this contract.
    pub fn reference(&self) -> ContractRef {
        ContractRef {
            name: self.meta.name.value.clone(),
            major: self.version.as_ref().map(|v| v.major),
        }
    }

    /// `Name@VERSION` for messages.
    pub fn display(&self) -> String {
        match &self.version {
            Some(v) => format!("{}@{}", self.meta.name.value, v.value),
            None => self.meta.name.value.clone(),
        }
    }
}

/// Reads a deprecation marker.
pub fn decode_deprecation(node: &Node) -> Option<Deprecation> {
    match &node.value {
        NodeValue::Bool(true) => Some(Deprecation {
            since: None,
            sunset: None,
            reason: None,
            loc: node.loc,
        }),
        NodeValue::Map(_) => Some(Deprecation {
            since: node
                .get("since")
                .map(|n| scalar_text(n).unwrap_or_default()),
            sunset: spanned_str(node, "sunset"),
            reason: node.get_str("reason").map(str::to_string),
            loc: node.loc,
        }),
        _ => None,
    }
}

fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        NodeValue::String(s) | NodeValue::Number(s) => Some(s.clone()),
        _ => None,
    }
}

/// Reads the `fields:` of a contract or nested object.
pub fn decode_fields(node: &Node, diags: &mut Vec<Diagnostic>) -> Vec<(String, Field)> {
    let Some(entries) = node.as_map() else {
        return Vec::new();
    };
    entries
        .iter()
        .map(|(key, value)| (key.name.clone(), decode_field(key.loc, value, diags)))
        .collect()
}

fn additional_of(node: &Node) -> bool {
    node.get("additional_fields")
        .and_then(Node::as_bool)
        .unwrap_or(true)
}

/// Reads one field (`{ type: string, required: true }` or the shorthand `string`).
pub fn decode_field(key_loc: Loc, node: &Node, diags: &mut Vec<Diagnostic>) -> Field {
    if let Some(shorthand) = node.as_str() {
        let ty = decode_type(shorthand, node.loc, None, diags);
        return Field::new(ty, key_loc);
    }
    if node.as_map().is_none() {
        return Field::new(FieldType::Any, key_loc);
    }
    let ty = match node.get("type") {
        Some(t) => match t.as_str() {
            Some(name) => decode_type(name, t.loc, Some(node), diags),
            None => FieldType::Any,
        },
        None if node.get("fields").is_some() => decode_type("object", node.loc, Some(node), diags),
        None => FieldType::Any,
    };
    let constraints = Constraints {
        format: node.get_str("format").map(str::to_string),
        min_length: node.get("min_length").and_then(Node::as_u64),
        max_length: node.get("max_length").and_then(Node::as_u64),
        pattern: node.get_str("pattern").map(str::to_string),
        minimum: node.get("minimum").map(Node::to_json),
        maximum: node.get("maximum").map(Node::to_json),
        exclusive_minimum: node.get("exclusive_minimum").map(Node::to_json),
        exclusive_maximum: node.get("exclusive_maximum").map(Node::to_json),
        scale: node.get("scale").and_then(Node::as_u64),
        min_items: node.get("min_items").and_then(Node::as_u64),
        max_items: node.get("max_items").and_then(Node::as_u64),
        unique_items: node
            .get("unique_items")
            .and_then(Node::as_bool)
            .unwrap_or(false),
    };
    check_keywords(&ty, node, diags);
    if let (Some(p), Some(pn)) = (&constraints.pattern, node.get("pattern")) {
        if let Err(e) = jsonschema_regex_check(p) {
            diags.push(
                Diagnostic::new(
                    &rules::INVALID_CONTRACT,
                    pn.loc,
                    format!("`pattern` is not a valid regular expression: {e}"),
                )
                .hint("patterns use ECMA-262 regular expression syntax, as in JSON Schema"),
            );
        }
    }
    Field {
        ty,
        required: node
            .get("required")
            .and_then(Node::as_bool)
            .unwrap_or(false),
        nullable: node
            .get("nullable")
            .and_then(Node::as_bool)
            .unwrap_or(false),
        description: node.get_str("description").map(str::to_string),
        default: node.get("default").map(Node::to_json),
        deprecated: node.get("deprecated").and_then(decode_deprecation),
        constraints,
        loc: key_loc,
    }
}

fn jsonschema_regex_check(pattern: &str) -> Result<(), String> {
    jsonschema::validator_for(&json!({ "pattern": pattern }))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn decode_type(
    name: &str,
    loc: Loc,
    node: Option<&Node>,
    diags: &mut Vec<Diagnostic>,
) -> FieldType {
    match name {
        "string" => FieldType::String,
        "integer" => FieldType::Integer,
        "decimal" => FieldType::Decimal,
        "number" => FieldType::Number,
        "boolean" => FieldType::Boolean,
        "date" => FieldType::Date,
        "datetime" => FieldType::DateTime,
        "any" => FieldType::Any,
        "enum" => FieldType::Enum(
            node.and_then(|n| n.get("values"))
                .and_then(Node::as_seq)
                .map(|vs| vs.iter().filter_map(scalar_text).collect())
                .unwrap_or_default(),
        ),
        "object" => FieldType::Object(Object {
            fields: node
                .and_then(|n| n.get("fields"))
                .map(|f| decode_fields(f, diags))
                .unwrap_or_default(),
            additional: node.map(additional_of).unwrap_or(true),
        }),
        "array" => {
            let item = match node.and_then(|n| n.entry("items")) {
                Some((k, v)) => decode_field(k.loc, v, diags),
                None => Field::new(FieldType::Any, loc),
            };
            FieldType::Array(Box::new(item))
        }
        other => match ContractRef::parse(other) {
            Ok(r)
                if other.contains('@') || other.chars().next().is_some_and(char::is_uppercase) =>
            {
                FieldType::Ref(Spanned::new(r, loc))
            }
            _ => {
                const TYPES: [&str; 11] = [
                    "string", "integer", "decimal", "number", "boolean", "date", "datetime",
                    "enum", "object", "array", "any",
                ];
                diags.push(
                    Diagnostic::new(
                        &rules::INVALID_CONTRACT,
                        loc,
                        format!("unknown field type `{other}`"),
                    )
                    .label("not a type")
                    .hint(
                        crate::diagnostic::did_you_mean(other, TYPES).unwrap_or_else(|| {
                            format!(
                                "use one of {}, or a contract reference such as `Address@1`",
                                TYPES.join(", ")
                            )
                        }),
                    ),
                );
                FieldType::Any
            }
        },
    }
}

/// Keywords that only make sense for some types.
fn check_keywords(ty: &FieldType, node: &Node, diags: &mut Vec<Diagnostic>) {
    let allowed: &[&str] = match ty {
        FieldType::String => &["format", "min_length", "max_length", "pattern"],
        FieldType::Integer | FieldType::Number => &[
            "minimum",
            "maximum",
            "exclusive_minimum",
            "exclusive_maximum",
        ],
        FieldType::Decimal => &[
            "minimum",
            "maximum",
            "exclusive_minimum",
            "exclusive_maximum",
            "scale",
        ],
        FieldType::Enum(_) => &["values"],
        FieldType::Object(_) => &["fields", "additional_fields"],
        FieldType::Array(_) => &["items", "min_items", "max_items", "unique_items"],
        FieldType::Any => return,
        _ => &[],
    };
    /// Keywords that belong to some types only.
    const TYPED: [&str; 16] = [
        "format",
        "min_length",
        "max_length",
        "pattern",
        "minimum",
        "maximum",
        "exclusive_minimum",
        "exclusive_maximum",
        "scale",
        "values",
        "fields",
        "additional_fields",
        "items",
        "min_items",
        "max_items",
        "unique_items",
    ];
    for (key, _) in node.as_map().unwrap_or_default() {
        let k = key.name.as_str();
        if TYPED.contains(&k) && !allowed.contains(&k) {
            diags.push(
                Diagnostic::new(
                    &rules::INVALID_CONTRACT,
                    key.loc,
                    format!("`{k}` does not apply to a field of type {}", ty.name()),
                )
                .label("not for this type")
                .hint(if allowed.is_empty() {
                    format!(
                        "a {} field takes no type-specific keywords; remove `{k}`",
                        ty.name()
                    )
                } else {
                    format!("a {} field takes: {}", ty.name(), allowed.join(", "))
                }),
            );
        }
    }
}

/// Normalizes a JSON Schema into the field model, as far as the field model can
/// express it (the rest becomes `any`; the schema itself stays authoritative for validation).
pub fn object_from_schema(schema: &Value, loc: Loc) -> Object {
    match field_type_from_schema(schema, schema, loc, 0) {
        (FieldType::Object(o), _) => o,
        _ => Object::unknown(),
    }
}

fn resolve_local<'a>(root: &'a Value, schema: &'a Value, depth: usize) -> &'a Value {
    if depth > 32 {
        return schema;
    }
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) if r.starts_with('#') => match root.pointer(&r[1..]) {
            Some(target) => resolve_local(root, target, depth + 1),
            None => schema,
        },
        _ => schema,
    }
}

fn field_type_from_schema(
    root: &Value,
    schema: &Value,
    loc: Loc,
    depth: usize,
) -> (FieldType, bool) {
    if depth > 32 {
        return (FieldType::Any, false);
    }
    let schema = resolve_local(root, schema, depth);
    let mut types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let nullable = types.contains(&"null");
    types.retain(|t| *t != "null");
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let strings: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        if !strings.is_empty()
            && strings.len() + usize::from(values.contains(&Value::Null)) == values.len()
        {
            return (
                FieldType::Enum(strings),
                nullable || values.contains(&Value::Null),
            );
        }
    }
    let format = schema.get("format").and_then(Value::as_str);
    let ty = match types.as_slice() {
        ["string"] => match format {
            Some("date-time") => FieldType::DateTime,
            Some("date") => FieldType::Date,
            Some("decimal") => FieldType::Decimal,
            _ => FieldType::String,
        },
        ["integer"] => FieldType::Integer,
        ["number"] => FieldType::Number,
        ["boolean"] => FieldType::Boolean,
        ["array"] => {
            let items = schema.get("items").filter(|i| i.is_object()).map(|i| {
                let (ty, nullable) = field_type_from_schema(root, i, loc, depth + 1);
                let mut f = Field::new(ty, loc);
                f.nullable = nullable;
                f
            });
            FieldType::Array(Box::new(
                items.unwrap_or_else(|| Field::new(FieldType::Any, loc)),
            ))
        }
        ["object"] | [] if schema.get("properties").is_some() || types == ["object"] => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let fields = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .map(|(name, sub)| {
                            let (ty, nullable) = field_type_from_schema(root, sub, loc, depth + 1);
                            let mut f = Field::new(ty, loc);
                            f.nullable = nullable;
                            f.required = required.contains(&name.as_str());
                            f.description = sub
                                .get("description")
                                .and_then(Value::as_str)
                                .map(str::to_string);
                            if sub.get("deprecated") == Some(&Value::Bool(true)) {
                                f.deprecated = Some(Deprecation {
                                    since: None,
                                    sunset: None,
                                    reason: None,
                                    loc,
                                });
                            }
                            (name.clone(), f)
                        })
                        .collect()
                })
                .unwrap_or_default();
            FieldType::Object(Object {
                fields,
                additional: schema.get("additionalProperties") != Some(&Value::Bool(false)),
            })
        }
        _ => FieldType::Any,
    };
    (ty, nullable)
}

/// Emits a field-syntax contract as JSON Schema 2020-12. `lookup` resolves
/// embedded contract references; embedded contracts go under `$defs`.
pub fn fields_to_json_schema(
    contract: &Contract,
    lookup: &dyn Fn(&ContractRef) -> Option<Contract>,
) -> Value {
    let mut defs = Map::new();
    let mut body = object_schema(&contract.shape, lookup, &mut defs);
    let obj = body.as_object_mut().expect("object schema");
    let mut out = Map::new();
    out.insert("$schema".into(), json!(Dialect::Draft202012.uri()));
    out.insert(
        "$id".into(),
        json!(format!("weft:contract/{}", contract.display())),
    );
    out.insert("title".into(), json!(contract.meta.name.value));
    if let Some(d) = &contract.meta.description {
        out.insert("description".into(), json!(d));
    }
    if contract.deprecated.is_some() {
        out.insert("deprecated".into(), json!(true));
    }
    out.append(obj);
    if !defs.is_empty() {
        out.insert("$defs".into(), Value::Object(defs));
    }
    Value::Object(out)
}

fn object_schema(
    object: &Object,
    lookup: &dyn Fn(&ContractRef) -> Option<Contract>,
    defs: &mut Map<String, Value>,
) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for (name, field) in &object.fields {
        props.insert(name.clone(), field_schema(field, lookup, defs));
        if field.required {
            required.push(json!(name));
        }
    }
    let mut out = Map::new();
    out.insert("type".into(), json!("object"));
    out.insert("properties".into(), Value::Object(props));
    if !required.is_empty() {
        out.insert("required".into(), Value::Array(required));
    }
    if !object.additional {
        out.insert("additionalProperties".into(), json!(false));
    }
    Value::Object(out)
}

/// The pattern a decimal string must match (`scale` limits the fraction digits).
pub fn decimal_pattern(scale: Option<u64>) -> String {
    match scale {
        Some(0) => "^-?[0-9]+$".to_string(),
        Some(s) => format!("^-?[0-9]+(\\.[0-9]{{1,{s}}})?$"),
        None => "^-?[0-9]+(\\.[0-9]+)?$".to_string(),
    }
}

fn field_schema(
    field: &Field,
    lookup: &dyn Fn(&ContractRef) -> Option<Contract>,
    defs: &mut Map<String, Value>,
) -> Value {
    let c = &field.constraints;
    let mut s = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            s.insert(k.to_string(), v);
        }
    };
    let base_type = match &field.ty {
        FieldType::String => {
            put("format", c.format.as_ref().map(|f| json!(f)));
            put("minLength", c.min_length.map(|v| json!(v)));
            put("maxLength", c.max_length.map(|v| json!(v)));
            put("pattern", c.pattern.as_ref().map(|p| json!(p)));
            Some("string")
        }
        FieldType::Integer | FieldType::Number => {
            put("minimum", c.minimum.clone());
            put("maximum", c.maximum.clone());
            put("exclusiveMinimum", c.exclusive_minimum.clone());
            put("exclusiveMaximum", c.exclusive_maximum.clone());
            Some(if field.ty == FieldType::Integer {
                "integer"
            } else {
                "number"
            })
        }
        FieldType::Decimal => {
            put("format", Some(json!("decimal")));
            put("pattern", Some(json!(decimal_pattern(c.scale))));
            // Bounds of decimals cannot be JSON Schema keywords (the value is a string);
            // they travel as extension keywords and are enforced by the runtime.
            put("x-weft-minimum", c.minimum.clone());
            put("x-weft-maximum", c.maximum.clone());
            put("x-weft-exclusive-minimum", c.exclusive_minimum.clone());
            put("x-weft-exclusive-maximum", c.exclusive_maximum.clone());
            Some("string")
        }
        FieldType::Boolean => Some("boolean"),
        FieldType::Date => {
            put("format", Some(json!("date")));
            Some("string")
        }
        FieldType::DateTime => {
            put("format", Some(json!("date-time")));
            Some("string")
        }
        FieldType::Enum(values) => {
            let mut vs: Vec<Value> = values.iter().map(|v| json!(v)).collect();
            if field.nullable {
                vs.push(Value::Null);
            }
            put("enum", Some(Value::Array(vs)));
            Some("string")
        }
        FieldType::Object(o) => {
            if let Value::Object(mut m) = object_schema(o, lookup, defs) {
                m.remove("type");
                s.append(&mut m);
            }
            Some("object")
        }
        FieldType::Array(item) => {
            put("items", Some(field_schema(item, lookup, defs)));
            put("minItems", c.min_items.map(|v| json!(v)));
            put("maxItems", c.max_items.map(|v| json!(v)));
            if c.unique_items {
                put("uniqueItems", Some(json!(true)));
            }
            Some("array")
        }
        FieldType::Ref(r) => {
            let key = r.value.to_string();
            if !defs.contains_key(&key) {
                defs.insert(key.clone(), json!({}));
                if let Some(target) = lookup(&r.value) {
                    let mut body = match &target.body {
                        ContractBody::JsonSchema { schema, .. } => schema.clone(),
                        ContractBody::Fields => object_schema(&target.shape, lookup, defs),
                        ContractBody::Invalid => json!(true),
                    };
                    if let Some(m) = body.as_object_mut() {
                        m.remove("$schema");
                        m.remove("$id");
                    }
                    defs.insert(key.clone(), body);
                }
            }
            let reference = json!({ "$ref": format!("#/$defs/{key}") });
            let mut out = Map::new();
            if field.nullable {
                out.insert("anyOf".into(), json!([reference, { "type": "null" }]));
            } else {
                out.insert("$ref".into(), json!(format!("#/$defs/{key}")));
            }
            annotate(&mut out, field);
            return Value::Object(out);
        }
        FieldType::Any => None,
    };
    let mut out = Map::new();
    if let Some(t) = base_type {
        if field.nullable && !matches!(field.ty, FieldType::Any) {
            out.insert("type".into(), json!([t, "null"]));
        } else {
            out.insert("type".into(), json!(t));
        }
    }
    out.append(&mut s);
    annotate(&mut out, field);
    Value::Object(out)
}

fn annotate(out: &mut Map<String, Value>, field: &Field) {
    if let Some(d) = &field.description {
        out.insert("description".into(), json!(d));
    }
    if let Some(d) = &field.default {
        out.insert("default".into(), d.clone());
    }
    if field.deprecated.is_some() {
        out.insert("deprecated".into(), json!(true));
    }
}

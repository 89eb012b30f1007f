//! The normalized data model of a contract: one tree of typed fields, whether
//! the contract was written in weft's field syntax or in JSON Schema.

use crate::source::{Loc, Spanned};
use crate::spec::refs::ContractRef;
use serde_json::Value;

/// A `deprecated:` marker.
#[derive(Clone, Debug, PartialEq)]
pub struct Deprecation {
    pub since: Option<String>,
    /// `YYYY-MM-DD`: after this day, using the field is an error.
    pub sunset: Option<Spanned<String>>,
    pub reason: Option<String>,
    pub loc: Loc,
}

/// The type of a field.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldType {
    String,
    Integer,
    /// Exact decimal (money, quantities): a JSON string such as `"19.99"`.
    Decimal,
    /// A binary floating-point JSON number.
    Number,
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    /// RFC 3339 with an offset.
    DateTime,
    Enum(Vec<String>),
    Object(Object),
    Array(Box<Field>),
    /// Another contract embedded here.
    Ref(Spanned<ContractRef>),
    /// Anything (also used for JSON Schema constructs the field model does not express).
    Any,
}

impl FieldType {
    /// The name users write (`string`, `decimal`, `Address@1`, ...).
    pub fn name(&self) -> String {
        match self {
            FieldType::String => "string".into(),
            FieldType::Integer => "integer".into(),
            FieldType::Decimal => "decimal".into(),
            FieldType::Number => "number".into(),
            FieldType::Boolean => "boolean".into(),
            FieldType::Date => "date".into(),
            FieldType::DateTime => "datetime".into(),
            FieldType::Enum(_) => "enum".into(),
            FieldType::Object(_) => "object".into(),
            FieldType::Array(_) => "array".into(),
            FieldType::Ref(r) => r.value.to_string(),
            FieldType::Any => "any".into(),
        }
    }
}

/// Validation keywords that narrow a type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub format: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub minimum: Option<Value>,
    pub maximum: Option<Value>,
    pub exclusive_minimum: Option<Value>,
    pub exclusive_maximum: Option<Value>,
    pub scale: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
}

/// One field of a contract.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub ty: FieldType,
    pub required: bool,
    pub nullable: bool,
    pub description: Option<String>,
    pub default: Option<Value>,
    pub deprecated: Option<Deprecation>,
    pub constraints: Constraints,
    /// Where the field is declared (its key, or the schema node).
    pub loc: Loc,
}

impl Field {
    pub fn new(ty: FieldType, loc: Loc) -> Self {
        Field {
            ty,
            required: false,
            nullable: false,
            description: None,
            default: None,
            deprecated: None,
            constraints: Constraints::default(),
            loc,
        }
    }
}

/// An object: named fields, in declaration order.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    pub fields: Vec<(String, Field)>,
    /// Whether documents may carry fields not listed (an open content model).
    pub additional: bool,
}

impl Object {
    /// A shape the field model cannot see into (a contract that did not
    /// decode, a JSON Schema construct it does not model): open and without
    /// fields, so reads of it are not reported as unknown fields.
    pub fn unknown() -> Object {
        Object {
            fields: Vec::new(),
            additional: true,
        }
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, f)| f)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(n, _)| n.as_str())
    }
}

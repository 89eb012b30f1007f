//! Types of mapping expressions, derived from contracts.

use crate::check::index::Index;
use crate::spec::shape::{FieldType, Object};
use crate::spec::Specs;

/// The type of an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// Unknown (a JSON Schema construct the field model cannot see into): never an error.
    Any,
    /// Does not produce a value (`fail(...)`).
    Never,
    Null,
    Bool,
    Int,
    Decimal,
    Float,
    Str,
    /// A string known to be one of these values (literals, enums).
    Enum(Vec<String>),
    Date,
    DateTime,
    Array(Box<Ty>),
    Object(Vec<FieldTy>),
    /// The value may be null (or absent).
    Nullable(Box<Ty>),
    /// A lookup table: its keys and the type of its values.
    Table {
        keys: Vec<String>,
        value: Box<Ty>,
    },
}

/// A field of an object type.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldTy {
    pub name: String,
    /// The type when present and not null.
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
}

impl FieldTy {
    /// The type of reading the field: nullable unless required and not nullable.
    pub fn read(&self) -> Ty {
        if self.required && !self.nullable {
            self.ty.clone()
        } else {
            self.ty.clone().nullable()
        }
    }
}

impl Ty {
    pub fn nullable(self) -> Ty {
        match self {
            Ty::Nullable(_) | Ty::Any | Ty::Null => self,
            Ty::Never => Ty::Null,
            t => Ty::Nullable(Box::new(t)),
        }
    }

    pub fn is_nullable(&self) -> bool {
        matches!(self, Ty::Nullable(_) | Ty::Null)
    }

    /// The type without null.
    pub fn non_null(&self) -> &Ty {
        match self {
            Ty::Nullable(t) => t,
            t => t,
        }
    }

    pub fn name(&self) -> String {
        match self {
            Ty::Any => "any".into(),
            Ty::Never => "never".into(),
            Ty::Null => "null".into(),
            Ty::Bool => "boolean".into(),
            Ty::Int => "integer".into(),
            Ty::Decimal => "decimal".into(),
            Ty::Float => "number".into(),
            Ty::Str => "string".into(),
            Ty::Enum(vs) if vs.len() == 1 => format!("\"{}\"", vs[0]),
            Ty::Enum(vs) => {
                let shown: Vec<String> = vs.iter().take(6).map(|v| format!("\"{v}\"")).collect();
                let more = if vs.len() > 6 { ", …" } else { "" };
                format!("enum {{{}{more}}}", shown.join(", "))
            }
            Ty::Date => "date".into(),
            Ty::DateTime => "datetime".into(),
            Ty::Array(t) => format!("array of {}", t.name()),
            Ty::Object(_) => "object".into(),
            Ty::Nullable(t) => format!("{} or null", t.name()),
            Ty::Table { .. } => "lookup table".into(),
        }
    }

    /// The least type holding both (for `if` and `match` results).
    pub fn unify(a: Ty, b: Ty) -> Ty {
        match (a, b) {
            (a, b) if a == b => a,
            (Ty::Never, t) | (t, Ty::Never) => t,
            (Ty::Any, _) | (_, Ty::Any) => Ty::Any,
            (Ty::Null, t) | (t, Ty::Null) => t.nullable(),
            (Ty::Nullable(a), b) | (b, Ty::Nullable(a)) => Ty::unify(*a, b).nullable(),
            (Ty::Enum(mut a), Ty::Enum(b)) => {
                for v in b {
                    if !a.contains(&v) {
                        a.push(v);
                    }
                }
                Ty::Enum(a)
            }
            (Ty::Enum(_), Ty::Str) | (Ty::Str, Ty::Enum(_)) => Ty::Str,
            (Ty::Int, Ty::Decimal) | (Ty::Decimal, Ty::Int) => Ty::Decimal,
            (Ty::Int, Ty::Float) | (Ty::Float, Ty::Int) => Ty::Float,
            (Ty::Array(a), Ty::Array(b)) => Ty::Array(Box::new(Ty::unify(*a, *b))),
            _ => Ty::Any,
        }
    }

    /// Whether values of this type are numbers of some kind.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Decimal | Ty::Float)
    }
}

/// Converts contract fields to an object type (embedded contracts resolved,
/// depth-bounded); a shape the field model cannot see into is `any`.
pub fn object_ty(specs: &Specs, idx: &Index, object: &Object, depth: usize) -> Ty {
    if *object == Object::unknown() {
        return Ty::Any;
    }
    Ty::Object(
        object
            .fields
            .iter()
            .map(|(name, f)| FieldTy {
                name: name.clone(),
                ty: field_ty(specs, idx, &f.ty, depth + 1),
                required: f.required,
                nullable: f.nullable,
            })
            .collect(),
    )
}

fn field_ty(specs: &Specs, idx: &Index, ty: &FieldType, depth: usize) -> Ty {
    if depth > 32 {
        return Ty::Any;
    }
    match ty {
        FieldType::String => Ty::Str,
        FieldType::Integer => Ty::Int,
        FieldType::Decimal => Ty::Decimal,
        FieldType::Number => Ty::Float,
        FieldType::Boolean => Ty::Bool,
        FieldType::Date => Ty::Date,
        FieldType::DateTime => Ty::DateTime,
        FieldType::Enum(vs) => Ty::Enum(vs.clone()),
        FieldType::Object(o) => object_ty(specs, idx, o, depth),
        FieldType::Array(item) => {
            let t = field_ty(specs, idx, &item.ty, depth + 1);
            Ty::Array(Box::new(if item.nullable { t.nullable() } else { t }))
        }
        FieldType::Ref(r) => match idx.contract(&r.value) {
            Some(i) if !specs.contracts[i].shape.fields.is_empty() => {
                object_ty(specs, idx, &specs.contracts[i].shape, depth)
            }
            _ => Ty::Any,
        },
        FieldType::Any => Ty::Any,
    }
}

/// How the evaluator should read JSON of this type (decimals, dates and
/// datetimes arrive as strings).
pub fn coerce(ty: &Ty) -> weft_mapping::Coerce {
    use weft_mapping::Coerce;
    match ty.non_null() {
        Ty::Decimal => Coerce::Decimal,
        Ty::Date => Coerce::Date,
        Ty::DateTime => Coerce::DateTime,
        Ty::Array(item) => Coerce::Array(Box::new(coerce(item))),
        Ty::Object(fields) => Coerce::Object(
            fields
                .iter()
                .map(|f| (f.name.clone(), coerce(&f.ty)))
                .collect(),
        ),
        _ => Coerce::Keep,
    }
}

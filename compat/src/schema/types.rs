//! The seven disjoint kinds of JSON value a schema can admit.

use serde_json::Value;

/// A set of value kinds, as bits.
pub type TypeSet = u8;

pub const NULL: TypeSet = 1;
pub const BOOL: TypeSet = 2;
/// Numbers with an integral value (1 and 1.0 alike).
pub const INT: TypeSet = 4;
/// Numbers with a fractional part.
pub const FRAC: TypeSet = 8;
pub const STR: TypeSet = 16;
pub const ARR: TypeSet = 32;
pub const OBJ: TypeSet = 64;
pub const NUM: TypeSet = INT | FRAC;
pub const ALL: TypeSet = 127;

/// The set named by a `type` keyword entry.
pub fn from_name(name: &str) -> Option<TypeSet> {
    Some(match name {
        "null" => NULL,
        "boolean" => BOOL,
        "integer" => INT,
        "number" => NUM,
        "string" => STR,
        "array" => ARR,
        "object" => OBJ,
        _ => return None,
    })
}

/// The kind of a value.
pub fn of_value(v: &Value) -> TypeSet {
    match v {
        Value::Null => NULL,
        Value::Bool(_) => BOOL,
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                INT
            } else {
                FRAC
            }
        }
        Value::String(_) => STR,
        Value::Array(_) => ARR,
        Value::Object(_) => OBJ,
    }
}

/// Plain-English list of the kinds in a set.
pub fn describe(t: TypeSet) -> String {
    let mut names: Vec<&str> = Vec::new();
    let num = if t & NUM == NUM {
        vec![(NUM, "number")]
    } else {
        vec![(INT, "integer"), (FRAC, "non-integer number")]
    };
    let all = [(NULL, "null"), (BOOL, "boolean")]
        .into_iter()
        .chain(num)
        .chain([(STR, "string"), (ARR, "array"), (OBJ, "object")]);
    for (bit, name) in all {
        if t & bit != 0 {
            names.push(name);
        }
    }
    if names.is_empty() {
        "nothing".to_string()
    } else {
        names.join(", ")
    }
}

/// The single kinds in a set, one bit each.
pub fn atoms(t: TypeSet) -> impl Iterator<Item = TypeSet> {
    [NULL, BOOL, INT, FRAC, STR, ARR, OBJ]
        .into_iter()
        .filter(move |b| t & b != 0)
}

/// The value kinds as `type` keyword names (for documents and messages).
pub fn to_json(t: TypeSet) -> Value {
    let mut out = Vec::new();
    for (bit, name) in [
        (NULL, "null"),
        (BOOL, "boolean"),
        (STR, "string"),
        (ARR, "array"),
        (OBJ, "object"),
    ] {
        if bit == NULL && t & NULL != 0 || bit != NULL && t & bit != 0 {
            out.push(Value::from(name));
        }
    }
    if t & NUM == NUM {
        out.push("number".into());
    } else if t & INT != 0 {
        out.push("integer".into());
    }
    Value::Array(out)
}

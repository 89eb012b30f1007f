//! Run-time values of the mapping language: money stays an exact decimal,
//! dates and times are real dates and times, and JSON goes in and out.

use rust_decimal::Decimal;
use serde_json::Value as Json;

/// Text in values and object keys: up to 24 bytes stored inline, so the
/// short strings payloads are made of (ids, SKUs, codes, field names) cost
/// no allocation to read, copy or build.
pub type Text = compact_str::CompactString;

/// A value during evaluation.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Dec(Decimal),
    Float(f64),
    Str(Text),
    Date(jiff::civil::Date),
    /// An instant and the offset it was written with (kept on output).
    DateTime(jiff::Timestamp, jiff::tz::Offset),
    Array(Vec<Value>),
    Object(Vec<(Text, Value)>),
}

/// How to read a JSON input given its contract: which strings are decimals,
/// dates or datetimes. Serializable: the plan carries each mapping's layout,
/// so the runtime needs no contracts to read payloads.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coerce {
    Keep,
    Decimal,
    Date,
    DateTime,
    Array(Box<Coerce>),
    Object(Vec<(String, Coerce)>),
    /// An object of which only these fields are read (the mapping's
    /// projection): each is kept at its place, null when absent, and every
    /// other field is skipped unread.
    Record(Vec<(String, Coerce)>),
}

impl Value {
    /// Reads JSON as the contract describes it. Fails on a string that should be a
    /// decimal, date or datetime and is not (the input does not match its contract).
    pub fn from_json(json: &Json, coerce: &Coerce) -> Result<Value, String> {
        use serde::de::DeserializeSeed;
        crate::json::Reader(coerce)
            .deserialize(json)
            .map_err(|e| e.to_string())
    }

    /// The JSON form: decimals as strings (exact), dates and times as RFC 3339 strings;
    /// object fields that are null are left out.
    pub fn to_json(&self) -> Json {
        serde_json::to_value(self).expect("a value always converts")
    }

    /// Text for interpolation and `string()`.
    pub fn to_text(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            Value::Null => String::new(),
            other => match other.to_json() {
                Json::String(s) => s,
                j => j.to_string(),
            },
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Dec(_) => "decimal",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Date(_) => "date",
            Value::DateTime(..) => "datetime",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// The field `name` of an object (null when absent or not an object).
    pub fn field(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        match self {
            Value::Object(fields) => fields
                .iter()
                .find(|(k, _)| k == name)
                .map_or(&NULL, |(_, v)| v),
            _ => &NULL,
        }
    }
}

/// Whether two names are equal, compared eight bytes at a time, then byte
/// by byte: field names are short, and a call to `memcmp` costs more than
/// the comparison.
#[inline]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.as_bytes().chunks_exact(8), b.as_bytes().chunks_exact(8));
    let word = |c: &[u8]| u64::from_le_bytes(c.try_into().expect("eight bytes"));
    for (p, q) in (&mut x).zip(&mut y) {
        if word(p) != word(q) {
            return false;
        }
    }
    x.remainder().iter().zip(y.remainder()).all(|(p, q)| p == q)
}

#[cfg(test)]
#[test]
fn names_are_equal_when_their_bytes_are() {
    let names = [
        "",
        "a",
        "b",
        "ab",
        "id",
        "sku",
        "customer",
        "customes",
        "financial_status",
        "financial_statuz",
        "shipping_address_x",
    ];
    for a in names {
        for b in names {
            assert_eq!(same_name(a, b), a == b, "{a} {b}");
        }
    }
}

/// Parses an RFC 3339 date-time, keeping its offset (`Z` is UTC).
pub fn parse_rfc3339(s: &str) -> Option<Value> {
    let t: jiff::Timestamp = s.parse().ok()?;
    let offset = if s.ends_with(['Z', 'z']) {
        jiff::tz::Offset::UTC
    } else {
        let tail = s.get(s.len().checked_sub(6)?..)?;
        let sign = match tail.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let hours: i32 = tail.get(1..3)?.parse().ok()?;
        let minutes: i32 = tail.get(4..6)?.parse().ok()?;
        jiff::tz::Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()?
    };
    Some(Value::DateTime(t, offset))
}

/// An object's fields being built, where a repeated key replaces the earlier
/// value in its place (as JSON parsers do). Small objects are searched
/// linearly; past 16 fields a hash index keeps a hostile payload with many
/// keys linear in time.
pub(crate) struct Fields {
    fields: Vec<(Text, Value)>,
    index: Option<std::collections::HashMap<Text, usize>>,
}

impl Fields {
    const INDEXED_FROM: usize = 16;

    pub(crate) fn new(fields: Vec<(Text, Value)>) -> Fields {
        let mut f = Fields {
            fields: Vec::with_capacity(fields.len()),
            index: None,
        };
        for (k, v) in fields {
            f.set(&k, v);
        }
        f
    }

    pub(crate) fn set(&mut self, key: &str, value: Value) {
        let slot = match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.fields.iter().position(|(n, _)| n == key),
        };
        match slot {
            Some(i) => self.fields[i].1 = value,
            None => {
                if let Some(index) = &mut self.index {
                    index.insert(key.into(), self.fields.len());
                }
                self.fields.push((key.into(), value));
                if self.index.is_none() && self.fields.len() > Self::INDEXED_FROM {
                    self.index = Some(
                        self.fields
                            .iter()
                            .enumerate()
                            .map(|(i, (k, _))| (k.clone(), i))
                            .collect(),
                    );
                }
            }
        }
    }

    pub(crate) fn finish(self) -> Value {
        Value::Object(self.fields)
    }
}

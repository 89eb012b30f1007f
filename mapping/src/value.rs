//! Run-time values of the mapping language: money stays an exact decimal,
//! dates and times are real dates and times, and JSON goes in and out.

use rust_decimal::Decimal;
use serde_json::{Map, Number, Value as Json};
use std::str::FromStr;

/// A value during evaluation.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Dec(Decimal),
    Float(f64),
    Str(String),
    Date(jiff::civil::Date),
    /// An instant and the offset it was written with (kept on output).
    DateTime(jiff::Timestamp, jiff::tz::Offset),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// How to read a JSON input given its contract: which strings are decimals,
/// dates or datetimes.
#[derive(Clone, Debug, PartialEq)]
pub enum Coerce {
    Keep,
    Decimal,
    Date,
    DateTime,
    Array(Box<Coerce>),
    Object(Vec<(String, Coerce)>),
}

impl Value {
    /// Reads JSON as the contract describes it. Fails on a string that should be a
    /// decimal, date or datetime and is not (the input does not match its contract).
    pub fn from_json(json: &Json, coerce: &Coerce) -> Result<Value, String> {
        Ok(match (json, coerce) {
            (Json::Null, _) => Value::Null,
            (Json::String(s), Coerce::Decimal) => {
                Value::Dec(Decimal::from_str(s).map_err(|_| format!("`{s}` is not a decimal"))?)
            }
            (Json::Number(n), Coerce::Decimal) => Value::Dec(
                Decimal::from_str(&n.to_string()).map_err(|_| format!("`{n}` is not a decimal"))?,
            ),
            (Json::String(s), Coerce::Date) => Value::Date(
                s.parse()
                    .map_err(|_| format!("`{s}` is not a date (YYYY-MM-DD)"))?,
            ),
            (Json::String(s), Coerce::DateTime) => {
                parse_rfc3339(s).ok_or_else(|| format!("`{s}` is not an RFC 3339 date-time"))?
            }
            (Json::Bool(b), _) => Value::Bool(*b),
            (Json::Number(n), _) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            (Json::String(s), _) => Value::Str(s.clone()),
            (Json::Array(items), c) => {
                let item = match c {
                    Coerce::Array(i) => i.as_ref(),
                    _ => &Coerce::Keep,
                };
                Value::Array(
                    items
                        .iter()
                        .map(|i| Value::from_json(i, item))
                        .collect::<Result<_, _>>()?,
                )
            }
            (Json::Object(map), c) => {
                let fields: &[(String, Coerce)] = match c {
                    Coerce::Object(f) => f,
                    _ => &[],
                };
                Value::Object(
                    map.iter()
                        .map(|(k, v)| {
                            let c = fields
                                .iter()
                                .find(|(n, _)| n == k)
                                .map(|(_, c)| c)
                                .unwrap_or(&Coerce::Keep);
                            Ok((k.clone(), Value::from_json(v, c)?))
                        })
                        .collect::<Result<_, String>>()?,
                )
            }
        })
    }

    /// The JSON form: decimals as strings (exact), dates and times as RFC 3339 strings;
    /// object fields that are null are left out.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::Dec(d) => Json::String(d.to_string()),
            Value::Float(f) => Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
            Value::Str(s) => Json::String(s.clone()),
            Value::Date(d) => Json::String(d.to_string()),
            Value::DateTime(t, offset) => Json::String(t.display_with_offset(*offset).to_string()),
            Value::Array(items) => Json::Array(items.iter().map(Value::to_json).collect()),
            Value::Object(fields) => {
                let mut m = Map::new();
                for (k, v) in fields {
                    if *v != Value::Null {
                        m.insert(k.clone(), v.to_json());
                    }
                }
                Json::Object(m)
            }
        }
    }

    /// Text for interpolation and `string()`.
    pub fn to_text(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
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

    pub fn field(&self, name: &str) -> Value {
        match self {
            Value::Object(fields) => fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null),
            _ => Value::Null,
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

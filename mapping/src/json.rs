//! JSON in and out without an intermediate tree: text is read straight into
//! [`Value`]s as the contract's layout ([`Coerce`]) says (decimals, dates,
//! and, for a projected layout, only the fields the mapping reads), and values
//! are written straight to text.

use crate::value::{parse_rfc3339, same_name, Coerce, Fields, Text, Value};
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserializer, Serialize};
use std::fmt;
use std::str::FromStr;

/// Reads one JSON value with a layout.
pub(crate) struct Reader<'c>(pub &'c Coerce);

impl<'de> DeserializeSeed<'de> for Reader<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

static KEEP: Coerce = Coerce::Keep;

impl Reader<'_> {
    fn text<E: de::Error>(&self, s: &str) -> Result<Value, E> {
        Ok(match self.0 {
            Coerce::Decimal => Value::Dec(
                parse_decimal(s)
                    .map_or_else(|| Decimal::from_str(s), Ok)
                    .map_err(|_| E::custom(format!("`{s}` is not a decimal")))?,
            ),
            Coerce::Date => Value::Date(
                s.parse()
                    .map_err(|_| E::custom(format!("`{s}` is not a date (YYYY-MM-DD)")))?,
            ),
            Coerce::DateTime => parse_rfc3339(s)
                .ok_or_else(|| E::custom(format!("`{s}` is not an RFC 3339 date-time")))?,
            _ => Value::Str(s.into()),
        })
    }

    fn number<E: de::Error>(&self, n: impl fmt::Display, plain: Value) -> Result<Value, E> {
        match self.0 {
            Coerce::Decimal => {
                let s = n.to_string();
                Decimal::from_str(&s)
                    .or_else(|_| Decimal::from_scientific(&s))
                    .map(Value::Dec)
                    .map_err(|_| E::custom(format!("`{s}` is not a decimal")))
            }
            _ => Ok(plain),
        }
    }
}

impl<'de> Visitor<'de> for Reader<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        self.number(i, Value::Int(i))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        let plain = i64::try_from(u).map_or(Value::Float(u as f64), Value::Int);
        self.number(u, plain)
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        self.number(f, Value::Float(f))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.text(s)
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        match self.0 {
            Coerce::Decimal | Coerce::Date | Coerce::DateTime => self.text(&s),
            _ => Ok(Value::Str(s.into())),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let item = match self.0 {
            Coerce::Array(i) => i.as_ref(),
            _ => &KEEP,
        };
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element_seed(Reader(item))? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        match self.0 {
            // Only the named fields, each at its place (null when absent).
            Coerce::Record(fields) => {
                let mut out: Vec<(Text, Value)> = fields
                    .iter()
                    .map(|(n, _)| (Text::from(n.as_str()), Value::Null))
                    .collect();
                while let Some(key) = map.next_key::<Key>()? {
                    match fields.iter().position(|(n, _)| same_name(n, &key.0)) {
                        Some(i) => out[i].1 = map.next_value_seed(Reader(&fields[i].1))?,
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Value::Object(out))
            }
            c => {
                let fields: &[(String, Coerce)] = match c {
                    Coerce::Object(f) => f,
                    _ => &[],
                };
                let mut out = Fields::new(Vec::new());
                while let Some(key) = map.next_key::<Key>()? {
                    let c = fields
                        .iter()
                        .find(|(n, _)| *n == key.0)
                        .map_or(&KEEP, |(_, c)| c);
                    let v = map.next_value_seed(Reader(c))?;
                    out.set(&key.0, v);
                }
                Ok(out.finish())
            }
        }
    }
}

/// A plain decimal (`-?digits(.digits)?`, up to 18 digits) read directly;
/// `None` leaves anything else to `Decimal::from_str`, which gives the same
/// value (mantissa and scale) for what this accepts.
pub(crate) fn parse_decimal(s: &str) -> Option<Decimal> {
    let (negative, digits) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    let mut mantissa: i64 = 0;
    let mut count = 0;
    let mut scale = None;
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + i64::from(c - b'0');
                count += 1;
                if count > 18 {
                    return None;
                }
            }
            b'.' if scale.is_none() && i > 0 && i + 1 < digits.len() => {
                scale = Some((digits.len() - i - 1) as u32)
            }
            _ => return None,
        }
    }
    // Negative zero keeps its sign through `from_str`.
    if count == 0 || (negative && mantissa == 0) {
        return None;
    }
    let mantissa = if negative { -mantissa } else { mantissa };
    Some(Decimal::new(mantissa, scale.unwrap_or(0)))
}

/// An object key, borrowed from the input text when it can be.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(s.into()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(s.to_string().into()))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(s.into()))
            }
        }
        d.deserialize_str(V)
    }
}

/// Written as JSON: decimals as strings (exact), dates and times as RFC 3339
/// strings (a date-time with the offset it was read with), non-finite numbers
/// as null; object fields that are null are left out.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Dec(d) => s.collect_str(d),
            Value::Float(f) if f.is_finite() => s.serialize_f64(*f),
            Value::Float(_) => s.serialize_unit(),
            Value::Str(x) => s.serialize_str(x),
            Value::Date(d) => s.collect_str(d),
            Value::DateTime(t, offset) => s.collect_str(&t.display_with_offset(*offset)),
            Value::Array(items) => s.collect_seq(items),
            Value::Object(fields) => {
                let mut m = s.serialize_map(None)?;
                for (k, v) in fields {
                    if *v != Value::Null {
                        m.serialize_entry(k, v)?;
                    }
                }
                m.end()
            }
        }
    }
}

impl Value {
    /// Reads JSON text as the contract describes it (see [`Value::from_json`]).
    pub fn from_json_text(text: &str, coerce: &Coerce) -> Result<Value, String> {
        match crate::json_fast::read(text, coerce) {
            Some(v) => Ok(v),
            None => read_with_serde(text, coerce),
        }
    }

    /// The JSON text of this value (see [`Value::to_json`]).
    pub fn to_json_text(&self) -> String {
        let mut out = String::new();
        crate::json_write::write(&mut out, self);
        out
    }
}

/// Reads JSON text with serde_json: what the one-pass reader in
/// `json_fast` hands over (and what the tests hold it to).
fn read_with_serde(text: &str, coerce: &Coerce) -> Result<Value, String> {
    let mut d = serde_json::Deserializer::from_str(text);
    let v = Reader(coerce)
        .deserialize(&mut d)
        .map_err(|e| e.to_string())?;
    d.end().map_err(|e| e.to_string())?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_reader_reads_what_serde_json_reads() {
        let item = Coerce::Record(vec![
            ("price".into(), Coerce::Decimal),
            ("sku".into(), Coerce::Keep),
        ]);
        let layouts = [
            Coerce::Keep,
            Coerce::Record(vec![
                ("a".into(), Coerce::Keep),
                ("at".into(), Coerce::DateTime),
                ("d".into(), Coerce::Date),
                ("items".into(), Coerce::Array(Box::new(item))),
                ("n".into(), Coerce::Decimal),
            ]),
            Coerce::Object(vec![("n".into(), Coerce::Decimal)]),
        ];
        let long = "x".repeat(40);
        let texts = [
            r#"{"a": 1, "n": "19.990", "skip": {"deep": [1, -2.5e3, "q\"\n", true, null, {}]}, "items": [{"sku": "A", "price": "2.50", "x": 0}, {"price": 7}]}"#.to_string(),
            r#" { "a" : [ ] , "a" : { } , "n" : -12 , "d" : "2024-05-02", "at": "2024-05-02T09:41:17-05:00" } "#.to_string(),
            format!(r#"{{"a": "{long}", "z": "{long}	"}}"#),
            r#"{"a": "x"y"}"#.to_string(),
            r#"{"a": "é", "b": "é"}"#.to_string(),
            r#"{"a": -0, "b": 0.5, "c": 123456789012345678901, "d": 01}"#.to_string(),
            r#"{"n": "lots"}"#.to_string(),
            r#"{"d": "2024-13-01"}"#.to_string(),
            r#"{"a": 1,}"#.to_string(),
            r#"{"a": 1} x"#.to_string(),
            r#"{"a": tru}"#.to_string(),
            r#"{"skip": [1, 2,]}"#.to_string(),
            r#"{"skip": 1.}"#.to_string(),
            r#"{"skip": -}"#.to_string(),
            "{\"a\": \"ctl\u{1}\"}".to_string(),
            format!("{}1{}", "[".repeat(120), "]".repeat(120)),
            format!("{}1{}", "[".repeat(20), "]".repeat(20)),
            "[1, 2, [3, {\"a\": [true, false, null]}]]".to_string(),
            "".to_string(),
            "7".to_string(),
            "\"s\"".to_string(),
        ];
        for text in &texts {
            for layout in &layouts {
                let fast = Value::from_json_text(text, layout);
                assert_eq!(fast, read_with_serde(text, layout), "{text} as {layout:?}");
            }
        }
        // The common case really is read without serde_json.
        assert!(crate::json_fast::read(&texts[0], &layouts[1]).is_some());
    }

    #[test]
    fn plain_decimals_read_as_from_str_reads_them() {
        for s in [
            "0",
            "1",
            "-1",
            "19.99",
            "19.990",
            "0.00",
            "007.50",
            "-3.25",
            "123456789012345678",
            "12345678901234567.8",
            "-0.001",
        ] {
            let d = parse_decimal(s).expect(s);
            let want = Decimal::from_str(s).unwrap();
            assert_eq!((d, d.scale()), (want, want.scale()), "{s}");
            assert_eq!(d.to_string(), want.to_string(), "{s}");
        }
        for s in [
            "",
            "-",
            ".5",
            "5.",
            "1.2.3",
            "-0.00",
            "1e5",
            "+1",
            "1_000",
            " 1",
            "1234567890123456789",
            "١",
        ] {
            assert_eq!(parse_decimal(s), None, "{s}");
        }
    }
}

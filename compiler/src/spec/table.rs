//! `kind: table`: a versioned lookup table that mappings read with `lookup(table, key)`.

use crate::source::Spanned;
use crate::spec::{spanned_str, Meta};
use crate::yaml::{Node, NodeValue};

/// A lookup table.
#[derive(Clone, Debug)]
pub struct Table {
    pub meta: Meta,
    pub version: Option<Spanned<String>>,
    /// `string` or `integer`.
    pub key: String,
    /// `string`, `integer`, `decimal` or `boolean`.
    pub value: String,
    /// Keys (as text) and values, in document order.
    pub entries: Vec<(Spanned<String>, Node)>,
}

impl Table {
    pub fn decode(doc: &Node, meta: Meta) -> Table {
        Table {
            version: spanned_str(doc, "version"),
            key: doc.get_str("key").unwrap_or("string").to_string(),
            value: doc.get_str("value").unwrap_or("string").to_string(),
            entries: doc
                .get("entries")
                .and_then(Node::as_map)
                .unwrap_or_default()
                .iter()
                .map(|(k, v)| (Spanned::new(k.name.clone(), k.loc), v.clone()))
                .collect(),
            meta,
        }
    }

    /// Whether an entry's value has the table's value type.
    pub fn value_fits(&self, value: &Node) -> bool {
        match (self.value.as_str(), &value.value) {
            ("string", NodeValue::String(_)) | ("boolean", NodeValue::Bool(_)) => true,
            ("integer", NodeValue::Number(n)) => n.parse::<i64>().is_ok(),
            ("decimal", NodeValue::Number(n) | NodeValue::String(n)) => is_decimal_text(n),
            _ => false,
        }
    }
}

/// `-12.50`-style text: an optional sign, digits, and at most one point.
fn is_decimal_text(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac)
}

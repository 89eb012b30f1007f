//! A YAML value with the exact source span of every node and key.

use crate::source::Loc;
use serde_json::Value;

/// One YAML node.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    /// The node's text: for scalars the scalar (quotes included), for
    /// collections from the first entry to the last.
    pub loc: Loc,
}

/// The value of a [`Node`], resolved with the YAML 1.2 core schema.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    /// An integer or float, kept as written so nothing is rounded.
    Number(String),
    String(String),
    Seq(Vec<Node>),
    /// Entries in document order; keys are unique (duplicates are rejected when loading).
    Map(Vec<(Key, Node)>),
}

/// A mapping key and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub loc: Loc,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            NodeValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match &self.value {
            NodeValue::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            NodeValue::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            NodeValue::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key`, if this is a mapping holding it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key and value under `key`.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, v)| (k, v))
    }

    /// The string under `key`.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key)?.as_str()
    }

    /// The location of the key `key` (falls back to the node itself).
    pub fn key_loc(&self, key: &str) -> Loc {
        self.entry(key).map(|(k, _)| k.loc).unwrap_or(self.loc)
    }

    /// A short description of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Number(_) => "a number",
            NodeValue::String(_) => "a string",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }

    /// The node as JSON (numbers that JSON cannot hold become strings).
    pub fn to_json(&self) -> Value {
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Number(n) => number_to_json(n),
            NodeValue::String(s) => Value::String(s.clone()),
            NodeValue::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Follows a JSON pointer (`/a/0/b`) as far as it goes and returns the
    /// deepest node reached together with the key that leads to it, if any.
    pub fn locate(&self, pointer: &str) -> (&Node, Option<&Key>) {
        let mut node = self;
        let mut via = None;
        for raw in pointer.split('/').skip(1) {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            let next = match &node.value {
                NodeValue::Map(entries) => entries.iter().find(|(k, _)| k.name == segment),
                NodeValue::Seq(items) => {
                    match segment.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        Some(item) => {
                            node = item;
                            via = None;
                            continue;
                        }
                        None => None,
                    }
                }
                _ => None,
            };
            match next {
                Some((k, v)) => {
                    node = v;
                    via = Some(k);
                }
                None => break,
            }
        }
        (node, via)
    }
}

fn number_to_json(raw: &str) -> Value {
    if let Ok(i) = raw.parse::<i64>() {
        return Value::from(i);
    }
    if let Ok(u) = raw.parse::<u64>() {
        return Value::from(u);
    }
    let cleaned = raw.trim_start_matches('+');
    if let Some(hex) = cleaned.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Value::from(i);
        }
    }
    if let Some(oct) = cleaned.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Value::from(i);
        }
    }
    match cleaned.parse::<f64>() {
        Ok(f) if f.is_finite() => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(raw.to_string())),
        _ => Value::String(raw.to_string()),
    }
}

//! The canonical text of a JSON document: object keys sorted by their UTF-8
//! bytes, no insignificant whitespace, strings and numbers as serde_json
//! writes them. The plan's hash is taken over this form, so it does not
//! depend on how the document was built or pretty-printed.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value as Json;

/// Serializes a JSON value with every object's keys sorted, without copying
/// it; at the top level, the member named `skip` is left out.
struct Sorted<'a> {
    value: &'a Json,
    skip: Option<&'a str>,
}

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Json::Object(m) => {
                let mut entries: Vec<(&String, &Json)> = m
                    .iter()
                    .filter(|(k, _)| Some(k.as_str()) != self.skip)
                    .collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, &sorted(v))?;
                }
                map.end()
            }
            Json::Array(items) => s.collect_seq(items.iter().map(sorted)),
            other => other.serialize(s),
        }
    }
}

fn sorted(value: &Json) -> Sorted<'_> {
    Sorted { value, skip: None }
}

/// The canonical bytes of `v`.
pub fn canonical_bytes(v: &Json) -> Vec<u8> {
    serde_json::to_vec(&sorted(v)).expect("JSON values serialize")
}

/// The canonical bytes of `v` without its top-level member `key`.
pub fn canonical_bytes_without(v: &Json, key: &str) -> Vec<u8> {
    serde_json::to_vec(&Sorted {
        value: v,
        skip: Some(key),
    })
    .expect("JSON values serialize")
}

/// The file form: keys sorted, indented by two spaces, ending in a newline.
pub fn pretty(v: &Json) -> String {
    let mut s = serde_json::to_string_pretty(&sorted(v)).expect("JSON values serialize");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth_and_arrays_keep_their_order() {
        let v = json!({ "b": [ { "z": 1, "a": 2 }, 3 ], "a": { "y": null, "x": "é" } });
        assert_eq!(
            String::from_utf8(canonical_bytes(&v)).unwrap(),
            r#"{"a":{"x":"é","y":null},"b":[{"a":2,"z":1},3]}"#
        );
        assert_eq!(
            String::from_utf8(canonical_bytes_without(&v, "b")).unwrap(),
            r#"{"a":{"x":"é","y":null}}"#
        );
    }
}

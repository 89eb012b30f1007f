//! The canonical text of a JSON document: object keys sorted by their UTF-8
//! bytes, no insignificant whitespace, strings and numbers as serde_json
//! writes them. The plan's hash is taken over this form, so it does not
//! depend on how the document was built or pretty-printed.

use serde_json::{Map, Value as Json};

/// `v` with every object's keys sorted (recursively).
fn sorted(v: &Json) -> Json {
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sorted(&m[k]));
            }
            Json::Object(out)
        }
        Json::Array(items) => Json::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The canonical bytes of `v`.
pub fn canonical_bytes(v: &Json) -> Vec<u8> {
    serde_json::to_vec(&sorted(v)).expect("JSON values serialize")
}

/// The file form: keys sorted, indented by two spaces, ending in a newline.
pub fn pretty(v: &Json) -> String {
    let mut s = serde_json::to_string_pretty(&sorted(v)).expect("JSON values serialize");
    s.push('\n');
    s
}

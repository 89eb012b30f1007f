//! Places: every subschema that applies at one location of a document, for the lenient profile.
//!
//! A place is the set of subschemas reached from the root by following the document's own
//! structure (`properties/x`, `items`…) and, at each location, every same-level applicator
//! (`allOf`, `anyOf`, `oneOf`, `not`, `if`, `then`, `else`, dependent schemas, references).
//! The names a place declares are the `properties` keys of all those subschemas.

use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::Value;

use super::doc::Doc;
use super::walk::{subschemas, Rel};

/// One place: its subschemas and the property names they declare.
#[derive(Debug)]
pub struct Place {
    pub ptrs: Vec<u32>,
    pub declared: BTreeSet<String>,
}

impl Doc<'_> {
    /// The place made of these subschemas and everything applying alongside them.
    pub fn place(&mut self, start: &[u32]) -> u32 {
        let mut seen: BTreeSet<u32> = BTreeSet::new();
        let mut todo = start.to_vec();
        while let Some(id) = todo.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some(v) = self.value(id) else { continue };
            for r in self.refs_of(v) {
                if let Some(t) = self.resolve(&r) {
                    todo.push(self.id(&t));
                }
            }
            if self.overridden(v) {
                continue;
            }
            let base = self.ptr(id).to_string();
            for (suffix, _, rel) in subschemas(v, self.dialect) {
                if rel == Rel::Same {
                    todo.push(self.id(&format!("{base}{suffix}")));
                }
            }
        }
        let ptrs: Vec<u32> = seen.into_iter().collect();
        if let Some(p) = self.place_ids.get(&ptrs) {
            return *p;
        }
        let mut declared = BTreeSet::new();
        for &id in &ptrs {
            let Some(v) = self.value(id) else { continue };
            if self.overridden(v) {
                continue;
            }
            if let Some(Value::Object(p)) = v.get("properties") {
                declared.extend(p.keys().cloned());
            }
        }
        let pid = self.places.len() as u32;
        self.places.push(Rc::new(Place {
            ptrs: ptrs.clone(),
            declared,
        }));
        self.place_ids.insert(ptrs, pid);
        pid
    }

    /// The place of the document's root.
    pub fn root_place(&mut self) -> u32 {
        let r = self.id("");
        self.place(&[r])
    }

    /// A place by id.
    pub fn place_info(&self, id: u32) -> Rc<Place> {
        self.places.get(id as usize).cloned().unwrap_or_else(|| {
            Rc::new(Place {
                ptrs: vec![],
                declared: BTreeSet::new(),
            })
        })
    }

    /// The place of property `name` of objects at `place`.
    pub fn place_prop(&mut self, place: u32, name: &str) -> u32 {
        let info = self.place_info(place);
        let mut next = Vec::new();
        for &id in &info.ptrs {
            let Some(v) = self.value(id) else { continue };
            if self.overridden(v) || !v.is_object() {
                continue;
            }
            let mut matched = false;
            if v.get("properties").and_then(|p| p.get(name)).is_some() {
                let base = self.child_id(id, "properties");
                next.push(self.child_id(base, name));
                matched = true;
            }
            if let Some(Value::Object(pats)) = v.get("patternProperties") {
                for pat in pats.keys() {
                    if self.regex(pat).is_some_and(|r| r.is_match(name)) {
                        let base = self.child_id(id, "patternProperties");
                        next.push(self.child_id(base, pat));
                        matched = true;
                    }
                }
            }
            if !matched && v.get("additionalProperties").is_some() {
                next.push(self.child_id(id, "additionalProperties"));
            }
        }
        self.place(&next)
    }

    /// The place of item `index` of arrays at `place`.
    pub fn place_item(&mut self, place: u32, index: usize) -> u32 {
        let info = self.place_info(place);
        let tuple = self.dialect.tuple_items();
        let mut next = Vec::new();
        for &id in &info.ptrs {
            let Some(v) = self.value(id) else { continue };
            if self.overridden(v) || !v.is_object() {
                continue;
            }
            let (prefix_kw, rest_kw) = if tuple {
                ("items", "additionalItems")
            } else {
                ("prefixItems", "items")
            };
            match v.get(prefix_kw) {
                Some(Value::Array(p)) if index < p.len() => {
                    let base = self.child_id(id, prefix_kw);
                    next.push(self.child_id(base, &index.to_string()));
                }
                Some(Value::Array(_)) => {
                    if v.get(rest_kw).is_some() {
                        next.push(self.child_id(id, rest_kw));
                    }
                }
                _ => {
                    let kw = if tuple { "items" } else { rest_kw };
                    if v.get(kw).is_some_and(|s| !s.is_array()) {
                        next.push(self.child_id(id, kw));
                    }
                }
            }
            if v.get("contains").is_some() && self.dialect.has_draft6_keywords() {
                next.push(self.child_id(id, "contains"));
            }
        }
        self.place(&next)
    }

    /// Whether every object in `value` carries only names its place declares.
    pub fn in_domain(&mut self, place: u32, value: &Value) -> bool {
        match value {
            Value::Object(m) => {
                let declared = self.place_info(place);
                for (k, v) in m {
                    if !declared.declared.contains(k) {
                        return false;
                    }
                    let p = self.place_prop(place, k);
                    if !self.in_domain(p, v) {
                        return false;
                    }
                }
                true
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let p = self.place_item(place, i);
                    if !self.in_domain(p, v) {
                        return false;
                    }
                }
                true
            }
            _ => true,
        }
    }
}

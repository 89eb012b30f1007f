//! One schema document: interned pointers, reference resolution, conjunction keys.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use serde_json::Value;

use super::node::Node;
use super::places::Place;
use super::walk::{escape, subschemas, Rel};
use crate::dialect::Dialect;
use crate::error::SchemaError;

/// A conjunction of subschemas: the sorted ids of every pointer reached through `allOf` and `$ref`.
pub type Key = Rc<[u32]>;

/// A schema document and the caches built from it.
pub struct Doc<'a> {
    pub root: &'a Value,
    pub dialect: Dialect,
    pub side: &'static str,
    ptrs: Vec<String>,
    ids: HashMap<String, u32>,
    anchors: HashMap<String, String>,
    root_id: Option<String>,
    closures: HashMap<Vec<u32>, Key>,
    nodes: HashMap<Key, Rc<Node>>,
    pub(crate) places: Vec<Rc<Place>>,
    pub(crate) place_ids: HashMap<Vec<u32>, u32>,
    pub(crate) regexes: HashMap<String, Option<Rc<regex::Regex>>>,
}

impl<'a> Doc<'a> {
    /// Reads and checks a schema document (`side` names it in errors: "old" or "new").
    pub fn new(root: &'a Value, side: &'static str) -> Result<Doc<'a>, SchemaError> {
        if !root.is_object() && !root.is_boolean() {
            return Err(SchemaError::NotASchema { side });
        }
        let dialect =
            Dialect::detect(root).map_err(|uri| SchemaError::UnsupportedDialect { side, uri })?;
        dialect
            .meta_check(root)
            .map_err(|message| SchemaError::Invalid { side, message })?;
        let root_id = root
            .get(dialect.id_keyword())
            .and_then(Value::as_str)
            .map(|s| s.split('#').next().unwrap_or("").to_string())
            .filter(|s| !s.is_empty());
        let mut doc = Doc {
            root,
            dialect,
            side,
            ptrs: Vec::new(),
            ids: HashMap::new(),
            anchors: HashMap::new(),
            root_id,
            closures: HashMap::new(),
            nodes: HashMap::new(),
            places: Vec::new(),
            place_ids: HashMap::new(),
            regexes: HashMap::new(),
        };
        doc.check()?;
        Ok(doc)
    }

    /// Every schema position in the document, with its same-level edges.
    fn all_schemas(&self) -> Vec<(String, &'a Value)> {
        let mut out = vec![(String::new(), self.root)];
        let mut i = 0;
        while i < out.len() {
            let (p, v) = out[i].clone();
            for (suffix, s, _) in subschemas(v, self.dialect) {
                out.push((format!("{p}{suffix}"), s));
            }
            i += 1;
        }
        out
    }

    fn check(&mut self) -> Result<(), SchemaError> {
        let all = self.all_schemas();
        for (p, v) in &all {
            let Some(m) = v.as_object() else { continue };
            if self.dialect.has_2019_keywords() {
                for kw in ["$anchor", "$dynamicAnchor", "$recursiveAnchor"] {
                    if let Some(a) = m.get(kw).and_then(Value::as_str) {
                        self.anchors
                            .entry(a.to_string())
                            .or_insert_with(|| p.clone());
                    }
                }
            }
            if let Some(id) = m.get(self.dialect.id_keyword()).and_then(Value::as_str) {
                if let Some(a) = id.strip_prefix('#') {
                    self.anchors
                        .entry(a.to_string())
                        .or_insert_with(|| p.clone());
                }
            }
        }
        let side = self.side;
        // Every reference resolves inside the document.
        let mut edges: HashMap<String, Vec<String>> = HashMap::new();
        for (p, v) in &all {
            let mut out = Vec::new();
            for (suffix, _, rel) in subschemas(v, self.dialect) {
                if rel == Rel::Same {
                    out.push(format!("{p}{suffix}"));
                }
            }
            for r in self.refs_of(v) {
                match self.resolve(&r) {
                    Some(t) => out.push(t),
                    None => return Err(SchemaError::BadRef { side, reference: r }),
                }
            }
            edges.insert(p.clone(), out);
        }
        // No loop of same-level edges.
        let mut state: HashMap<&str, u8> = HashMap::new();
        for (start, _) in &all {
            if state.contains_key(start.as_str()) {
                continue;
            }
            let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
            state.insert(start.as_str(), 1);
            while let Some((p, i)) = stack.pop() {
                let next = edges.get(p).and_then(|e| e.get(i));
                match next {
                    Some(n) => {
                        stack.push((p, i + 1));
                        match state.get(n.as_str()) {
                            Some(1) => {
                                return Err(SchemaError::Cycle {
                                    side,
                                    pointer: n.clone(),
                                });
                            }
                            Some(_) => {}
                            None => {
                                state.insert(n.as_str(), 1);
                                stack.push((n.as_str(), 0));
                            }
                        }
                    }
                    None => {
                        state.insert(p, 2);
                    }
                }
            }
        }
        Ok(())
    }

    /// The references a schema object makes (`$ref`, `$recursiveRef`, `$dynamicRef`).
    pub fn refs_of(&self, v: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let Some(m) = v.as_object() else { return out };
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            out.push(r.to_string());
        }
        if self.dialect == Dialect::Draft201909 {
            if let Some(r) = m.get("$recursiveRef").and_then(Value::as_str) {
                out.push(r.to_string());
            }
        }
        if self.dialect == Dialect::Draft202012 {
            if let Some(r) = m.get("$dynamicRef").and_then(Value::as_str) {
                out.push(r.to_string());
            }
        }
        out
    }

    /// The pointer a local reference names, if it resolves.
    pub fn resolve(&self, reference: &str) -> Option<String> {
        let (base, frag) = match reference.find('#') {
            Some(i) => (&reference[..i], &reference[i + 1..]),
            None => (reference, ""),
        };
        if !base.is_empty() && self.root_id.as_deref() != Some(base) {
            return None;
        }
        let frag = percent_decode(frag)?;
        if frag.is_empty() || frag.starts_with('/') {
            let t = self.root.pointer(&frag)?;
            if super::walk::is_schema(t) {
                return Some(frag);
            }
            return None;
        }
        self.anchors.get(&frag).cloned()
    }

    /// The id of a pointer.
    pub fn id(&mut self, ptr: &str) -> u32 {
        if let Some(i) = self.ids.get(ptr) {
            return *i;
        }
        let i = self.ptrs.len() as u32;
        self.ptrs.push(ptr.to_string());
        self.ids.insert(ptr.to_string(), i);
        i
    }

    /// The pointer of an id.
    pub fn ptr(&self, id: u32) -> &str {
        self.ptrs.get(id as usize).map(String::as_str).unwrap_or("")
    }

    /// The raw value at a pointer id.
    pub fn value(&self, id: u32) -> Option<&'a Value> {
        self.root.pointer(self.ptr(id))
    }

    /// The id of `ptr` + `/` + `token`.
    pub fn child_id(&mut self, parent: u32, token: &str) -> u32 {
        let p = format!("{}/{}", self.ptr(parent), escape(token));
        self.id(&p)
    }

    /// The conjunction key of a set of subschemas (following `allOf` and references).
    pub fn closure(&mut self, start: &[u32]) -> Key {
        let mut start_sorted = start.to_vec();
        start_sorted.sort_unstable();
        start_sorted.dedup();
        if let Some(k) = self.closures.get(&start_sorted) {
            return k.clone();
        }
        let mut seen: BTreeSet<u32> = BTreeSet::new();
        let mut todo = start_sorted.clone();
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
            if let Some(items) = v.get("allOf").and_then(Value::as_array) {
                for i in 0..items.len() {
                    let base = self.child_id(id, "allOf");
                    todo.push(self.child_id(base, &i.to_string()));
                }
            }
        }
        let key: Key = seen.into_iter().collect::<Vec<_>>().into();
        self.closures.insert(start_sorted, key.clone());
        key
    }

    /// The key that combines `key` with more subschemas.
    pub fn combine(&mut self, key: &Key, more: &[u32]) -> Key {
        let mut all = key.to_vec();
        all.extend_from_slice(more);
        self.closure(&all)
    }

    /// Whether a schema object's other keywords are ignored because of `$ref` (draft-07 and earlier).
    pub fn overridden(&self, v: &Value) -> bool {
        self.dialect.ref_overrides() && v.get("$ref").is_some_and(Value::is_string)
    }

    /// The normalized node of a key.
    pub fn node(&mut self, key: &Key) -> Rc<Node> {
        if let Some(n) = self.nodes.get(key) {
            return n.clone();
        }
        let n = Rc::new(Node::build(self, key));
        self.nodes.insert(key.clone(), n.clone());
        n
    }

    /// A compiled regular expression, or None when the engine cannot read it.
    pub fn regex(&mut self, pattern: &str) -> Option<Rc<regex::Regex>> {
        if let Some(r) = self.regexes.get(pattern) {
            return r.clone();
        }
        let r = crate::regexes::compile(pattern).map(Rc::new);
        self.regexes.insert(pattern.to_string(), r.clone());
        r
    }
}

fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

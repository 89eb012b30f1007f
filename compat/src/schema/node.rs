//! The normalized model of a conjunction of subschemas, partitioned by value kind.

use std::collections::BTreeMap;

use serde_json::Value;

use super::doc::{Doc, Key};
use super::types::{self, TypeSet};
use crate::decimal::Decimal;

/// A numeric bound (`minimum`, `exclusiveMaximum`…), `at` is the keyword's pointer id.
#[derive(Clone, Debug)]
pub struct Bound {
    pub v: f64,
    pub excl: bool,
    pub at: u32,
}

/// A decimal-string bound (`x-weft-minimum`…).
#[derive(Clone, Debug)]
pub struct DecBound {
    pub v: Decimal,
    pub excl: bool,
    pub at: u32,
}

/// Constraints on numbers.
#[derive(Clone, Debug, Default)]
pub struct Num {
    pub lo: Option<Bound>,
    pub hi: Option<Bound>,
    /// `multipleOf` values: exact decimal, float, pointer id.
    pub mults: Vec<(Decimal, f64, u32)>,
}

/// Constraints on strings.
#[derive(Clone, Debug, Default)]
pub struct Str {
    pub min: Option<(u64, u32)>,
    pub max: Option<(u64, u32)>,
    pub patterns: Vec<(String, u32)>,
    pub formats: Vec<(String, u32)>,
    pub dlo: Option<DecBound>,
    pub dhi: Option<DecBound>,
}

/// One subschema's item keywords: per-position schemas, then the schema of the rest.
#[derive(Clone, Debug, Default)]
pub struct ArrPart {
    pub prefix: Vec<u32>,
    pub rest: Option<u32>,
}

/// A `contains` with its counts.
#[derive(Clone, Debug)]
pub struct Contains {
    pub schema: u32,
    pub min: u64,
    pub max: Option<u64>,
    pub at: u32,
}

/// Constraints on arrays.
#[derive(Clone, Debug, Default)]
pub struct Arr {
    pub parts: Vec<ArrPart>,
    pub min: Option<(u64, u32)>,
    pub max: Option<(u64, u32)>,
    pub unique: Option<u32>,
    pub contains: Vec<Contains>,
}

/// One subschema's property keywords (`additionalProperties` only sees its own siblings).
#[derive(Clone, Debug, Default)]
pub struct ObjPart {
    pub props: Vec<(String, u32)>,
    pub pats: Vec<(String, u32)>,
    pub addl: Option<u32>,
}

/// Constraints on objects.
#[derive(Clone, Debug, Default)]
pub struct Obj {
    pub parts: Vec<ObjPart>,
    pub required: BTreeMap<String, u32>,
    pub min: Option<(u64, u32)>,
    pub max: Option<(u64, u32)>,
    pub names: Vec<u32>,
    /// `dependentRequired`: trigger → (required name → pointer id).
    pub dep_req: BTreeMap<String, BTreeMap<String, u32>>,
}

/// An `anyOf` or `oneOf`.
#[derive(Clone, Debug)]
pub struct Group {
    pub at: u32,
    pub one: bool,
    pub branches: Vec<u32>,
}

/// The condition of a conditional.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CondIf {
    Schema(u32),
    /// `dependentSchemas`: the object has this property.
    Has(String),
}

/// `if`/`then`/`else`, or a `dependentSchemas` entry.
#[derive(Clone, Debug)]
pub struct Cond {
    pub at: u32,
    pub iff: CondIf,
    pub then: Option<u32>,
    pub els: Option<u32>,
}

/// A conjunction of subschemas in normal form.
#[derive(Clone, Debug, Default)]
pub struct Node {
    /// Pointer ids of the schema objects merged here.
    pub parts: Vec<u32>,
    /// Kinds of value admitted, after emptiness and `enum` are taken into account.
    pub types: TypeSet,
    pub type_at: Option<u32>,
    pub values: Option<(Vec<Value>, u32)>,
    pub num: Num,
    pub str: Str,
    pub arr: Arr,
    pub obj: Obj,
    pub groups: Vec<Group>,
    pub nots: Vec<u32>,
    pub conds: Vec<Cond>,
    /// Keywords the engine does not reason about.
    pub opaque: Vec<(u32, &'static str)>,
}

fn tighter_lo(cur: &Option<Bound>, new: &Bound) -> bool {
    match cur {
        None => true,
        Some(c) => new.v > c.v || (new.v == c.v && new.excl && !c.excl),
    }
}

fn tighter_hi(cur: &Option<Bound>, new: &Bound) -> bool {
    match cur {
        None => true,
        Some(c) => new.v < c.v || (new.v == c.v && new.excl && !c.excl),
    }
}

fn set_min(cur: &mut Option<(u64, u32)>, v: Option<u64>, at: u32) {
    if let Some(v) = v {
        if cur.is_none_or(|(c, _)| v > c) {
            *cur = Some((v, at));
        }
    }
}

fn set_max(cur: &mut Option<(u64, u32)>, v: Option<u64>, at: u32) {
    if let Some(v) = v {
        if cur.is_none_or(|(c, _)| v < c) {
            *cur = Some((v, at));
        }
    }
}

fn count(v: Option<&Value>) -> Option<u64> {
    let v = v?;
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0)
            .map(|f| f.min(u64::MAX as f64) as u64)
    })
}

impl Node {
    /// Merges the subschemas of a key into one node.
    pub fn build(doc: &mut Doc<'_>, key: &Key) -> Node {
        let mut n = Node {
            types: types::ALL,
            ..Node::default()
        };
        let d = doc.dialect;
        for &id in key.iter() {
            let Some(v) = doc.value(id) else { continue };
            let m = match v {
                Value::Bool(false) => {
                    n.types = 0;
                    continue;
                }
                Value::Object(m) if !doc.overridden(v) => m,
                _ => continue,
            };
            n.parts.push(id);
            let kw = |doc: &mut Doc<'_>, k: &str| doc.child_id(id, k);
            if let Some(t) = m.get("type") {
                let mut mask = 0;
                match t {
                    Value::String(s) => mask = types::from_name(s).unwrap_or(0),
                    Value::Array(a) => {
                        for s in a.iter().filter_map(Value::as_str) {
                            mask |= types::from_name(s).unwrap_or(0);
                        }
                    }
                    _ => mask = types::ALL,
                }
                n.types &= mask;
                if n.type_at.is_none() {
                    n.type_at = Some(kw(doc, "type"));
                }
            }
            let restrict = |vals: Vec<Value>, at: u32, n: &mut Node| {
                n.values = Some(match n.values.take() {
                    None => (vals, at),
                    Some((old, old_at)) => (
                        old.into_iter()
                            .filter(|x| vals.iter().any(|y| crate::eval::json_eq(x, y)))
                            .collect(),
                        old_at.min(at),
                    ),
                });
            };
            if let Some(Value::Array(vals)) = m.get("enum") {
                let at = kw(doc, "enum");
                let mut uniq: Vec<Value> = Vec::new();
                for x in vals {
                    if !uniq.iter().any(|y| crate::eval::json_eq(x, y)) {
                        uniq.push(x.clone());
                    }
                }
                restrict(uniq, at, &mut n);
            }
            if d.has_draft6_keywords() {
                if let Some(c) = m.get("const") {
                    let at = kw(doc, "const");
                    restrict(vec![c.clone()], at, &mut n);
                }
            }
            // Numbers.
            let bool_excl = d.boolean_exclusive();
            for (name, is_lo) in [("minimum", true), ("maximum", false)] {
                if let Some(x) = m.get(name).and_then(Value::as_f64) {
                    let excl_kw = if is_lo {
                        "exclusiveMinimum"
                    } else {
                        "exclusiveMaximum"
                    };
                    let excl = bool_excl && m.get(excl_kw).and_then(Value::as_bool) == Some(true);
                    let at = if excl {
                        kw(doc, excl_kw)
                    } else {
                        kw(doc, name)
                    };
                    let b = Bound { v: x, excl, at };
                    n.put_bound(is_lo, b);
                }
            }
            if !bool_excl {
                for (name, is_lo) in [("exclusiveMinimum", true), ("exclusiveMaximum", false)] {
                    if let Some(x) = m.get(name).and_then(Value::as_f64) {
                        let b = Bound {
                            v: x,
                            excl: true,
                            at: kw(doc, name),
                        };
                        n.put_bound(is_lo, b);
                    }
                }
            }
            if let Some(x) = m.get("multipleOf") {
                if let (Some(dec), Some(f)) = (Decimal::from_json(x), x.as_f64()) {
                    let at = kw(doc, "multipleOf");
                    n.num.mults.push((dec, f, at));
                }
            }
            // Strings.
            let at = kw(doc, "minLength");
            set_min(&mut n.str.min, count(m.get("minLength")), at);
            let at = kw(doc, "maxLength");
            set_max(&mut n.str.max, count(m.get("maxLength")), at);
            if let Some(p) = m.get("pattern").and_then(Value::as_str) {
                let at = kw(doc, "pattern");
                n.str.patterns.push((p.to_string(), at));
            }
            if let Some(f) = m.get("format").and_then(Value::as_str) {
                let at = kw(doc, "format");
                n.str.formats.push((f.to_string(), at));
            }
            for (name, is_lo, excl) in [
                ("x-weft-minimum", true, false),
                ("x-weft-exclusive-minimum", true, true),
                ("x-weft-maximum", false, false),
                ("x-weft-exclusive-maximum", false, true),
            ] {
                if let Some(x) = m.get(name).and_then(Decimal::from_json) {
                    let b = DecBound {
                        v: x,
                        excl,
                        at: kw(doc, name),
                    };
                    let slot = if is_lo {
                        &mut n.str.dlo
                    } else {
                        &mut n.str.dhi
                    };
                    let tighter = match slot {
                        None => true,
                        Some(c) if is_lo => b.v > c.v || (b.v == c.v && b.excl && !c.excl),
                        Some(c) => b.v < c.v || (b.v == c.v && b.excl && !c.excl),
                    };
                    if tighter {
                        *slot = Some(b);
                    }
                }
            }
            // Arrays.
            let mut part = ArrPart::default();
            let mut has_items = false;
            if d == crate::dialect::Dialect::Draft202012 {
                if let Some(Value::Array(p)) = m.get("prefixItems") {
                    for i in 0..p.len() {
                        let base = kw(doc, "prefixItems");
                        part.prefix.push(doc.child_id(base, &i.to_string()));
                    }
                    has_items = true;
                }
                if m.get("items").is_some_and(super::walk::is_schema) {
                    part.rest = Some(kw(doc, "items"));
                    has_items = true;
                }
            } else {
                match m.get("items") {
                    Some(Value::Array(p)) => {
                        for i in 0..p.len() {
                            let base = kw(doc, "items");
                            part.prefix.push(doc.child_id(base, &i.to_string()));
                        }
                        if m.get("additionalItems").is_some_and(super::walk::is_schema) {
                            part.rest = Some(kw(doc, "additionalItems"));
                        }
                        has_items = true;
                    }
                    Some(s) if super::walk::is_schema(s) => {
                        part.rest = Some(kw(doc, "items"));
                        has_items = true;
                    }
                    _ => {}
                }
            }
            if has_items {
                n.arr.parts.push(part);
            }
            let at = kw(doc, "minItems");
            set_min(&mut n.arr.min, count(m.get("minItems")), at);
            let at = kw(doc, "maxItems");
            set_max(&mut n.arr.max, count(m.get("maxItems")), at);
            if m.get("uniqueItems").and_then(Value::as_bool) == Some(true) && n.arr.unique.is_none()
            {
                n.arr.unique = Some(kw(doc, "uniqueItems"));
            }
            if d.has_draft6_keywords() && m.get("contains").is_some_and(super::walk::is_schema) {
                let (min, max) = if d.has_2019_keywords() {
                    (
                        count(m.get("minContains")).unwrap_or(1),
                        count(m.get("maxContains")),
                    )
                } else {
                    (1, None)
                };
                let schema = kw(doc, "contains");
                n.arr.contains.push(Contains {
                    schema,
                    min,
                    max,
                    at: schema,
                });
            }
            // Objects.
            let mut op = ObjPart::default();
            if let Some(Value::Object(p)) = m.get("properties") {
                for k in p.keys() {
                    let base = kw(doc, "properties");
                    let pid = doc.child_id(base, k);
                    op.props.push((k.clone(), pid));
                }
            }
            if let Some(Value::Object(p)) = m.get("patternProperties") {
                for k in p.keys() {
                    let base = kw(doc, "patternProperties");
                    let pid = doc.child_id(base, k);
                    op.pats.push((k.clone(), pid));
                }
            }
            if m.get("additionalProperties")
                .is_some_and(super::walk::is_schema)
            {
                op.addl = Some(kw(doc, "additionalProperties"));
            }
            if !op.props.is_empty() || !op.pats.is_empty() || op.addl.is_some() {
                n.obj.parts.push(op);
            }
            if let Some(Value::Array(r)) = m.get("required") {
                let at = kw(doc, "required");
                for name in r.iter().filter_map(Value::as_str) {
                    n.obj.required.entry(name.to_string()).or_insert(at);
                }
            }
            let at = kw(doc, "minProperties");
            set_min(&mut n.obj.min, count(m.get("minProperties")), at);
            let at = kw(doc, "maxProperties");
            set_max(&mut n.obj.max, count(m.get("maxProperties")), at);
            if d.has_draft6_keywords() && m.get("propertyNames").is_some_and(super::walk::is_schema)
            {
                n.obj.names.push(kw(doc, "propertyNames"));
            }
            let mut deps: Vec<(&str, &Value, u32)> = Vec::new();
            if d.legacy_dependencies() {
                if let Some(Value::Object(dm)) = m.get("dependencies") {
                    let at = kw(doc, "dependencies");
                    for (k, v) in dm {
                        deps.push((k, v, at));
                    }
                }
            } else {
                for name in ["dependentRequired", "dependentSchemas"] {
                    if let Some(Value::Object(dm)) = m.get(name) {
                        let at = kw(doc, name);
                        for (k, v) in dm {
                            deps.push((k, v, at));
                        }
                    }
                }
            }
            for (k, v, at) in deps {
                match v {
                    Value::Array(names) => {
                        let entry = n.obj.dep_req.entry(k.to_string()).or_default();
                        let pid = doc.child_id(at, k);
                        for name in names.iter().filter_map(Value::as_str) {
                            entry.entry(name.to_string()).or_insert(pid);
                        }
                    }
                    s if super::walk::is_schema(s) => {
                        let pid = doc.child_id(at, k);
                        n.conds.push(Cond {
                            at: pid,
                            iff: CondIf::Has(k.to_string()),
                            then: Some(pid),
                            els: None,
                        });
                    }
                    _ => {}
                }
            }
            // Logic.
            for (name, one) in [("anyOf", false), ("oneOf", true)] {
                if let Some(Value::Array(bs)) = m.get(name) {
                    let at = kw(doc, name);
                    let branches = (0..bs.len())
                        .map(|i| doc.child_id(at, &i.to_string()))
                        .collect();
                    n.groups.push(Group { at, one, branches });
                }
            }
            let trivially_true =
                |v: &Value| v == &Value::Bool(true) || v.as_object().is_some_and(|o| o.is_empty());
            if m.get("not").is_some_and(trivially_true) {
                n.types = 0;
            }
            if m.get("not").is_some_and(super::walk::is_schema) {
                n.nots.push(kw(doc, "not"));
            }
            if d.has_conditionals() && m.get("if").is_some_and(super::walk::is_schema) {
                let iff = kw(doc, "if");
                let then = m
                    .get("then")
                    .is_some_and(super::walk::is_schema)
                    .then(|| kw(doc, "then"));
                let els = m
                    .get("else")
                    .is_some_and(super::walk::is_schema)
                    .then(|| kw(doc, "else"));
                if then.is_some() || els.is_some() {
                    n.conds.push(Cond {
                        at: iff,
                        iff: CondIf::Schema(iff),
                        then,
                        els,
                    });
                }
            }
            let mut opaque = vec![];
            if d.has_2019_keywords() {
                opaque.extend(["unevaluatedProperties", "unevaluatedItems"]);
            } else {
                opaque.extend(["contentMediaType", "contentEncoding"]);
            }
            for name in opaque {
                if m.contains_key(name) {
                    let at = kw(doc, name);
                    n.opaque.push((at, name));
                }
            }
        }
        // Groups already decided by a branch in this conjunction are dropped.
        n.groups
            .retain(|g| !g.branches.iter().any(|b| key.contains(b)));
        n.normalize();
        n
    }

    fn put_bound(&mut self, is_lo: bool, b: Bound) {
        if is_lo {
            if tighter_lo(&self.num.lo, &b) {
                self.num.lo = Some(b);
            }
        } else if tighter_hi(&self.num.hi, &b) {
            self.num.hi = Some(b);
        }
    }

    /// Removes kinds that no value can satisfy, and applies `enum`.
    fn normalize(&mut self) {
        if self.num.mults.iter().any(|(d, _, _)| d.is_integer()) {
            self.types &= !types::FRAC;
        }
        if let (Some(lo), Some(hi)) = (&self.num.lo, &self.num.hi) {
            if lo.v > hi.v || (lo.v == hi.v && (lo.excl || hi.excl)) {
                self.types &= !types::NUM;
            } else if lo.v == hi.v {
                self.types &= if lo.v.fract() == 0.0 {
                    !types::FRAC
                } else {
                    !types::INT
                };
            }
        }
        if let (Some(lo), Some(hi)) = (self.int_lo(), self.int_hi()) {
            if lo > hi {
                self.types &= !types::INT;
            }
        }
        if let (Some((lo, _)), Some((hi, _))) = (self.str.min, self.str.max) {
            if lo > hi {
                self.types &= !types::STR;
            }
        }
        if let (Some((lo, _)), Some((hi, _))) = (self.arr.min, self.arr.max) {
            if lo > hi {
                self.types &= !types::ARR;
            }
        }
        if let Some((hi, _)) = self.obj.max {
            if self.obj.min.is_some_and(|(lo, _)| lo > hi) || self.obj.required.len() as u64 > hi {
                self.types &= !types::OBJ;
            }
        }
        if let Some((vals, _)) = &mut self.values {
            let t = self.types;
            vals.retain(|v| types::of_value(v) & t != 0);
            let seen = vals.iter().fold(0, |acc, v| acc | types::of_value(v));
            self.types &= seen;
        }
    }

    /// The least integer the numeric bounds admit.
    pub fn int_lo(&self) -> Option<f64> {
        self.num.lo.as_ref().map(|b| {
            if b.excl && b.v.fract() == 0.0 {
                b.v + 1.0
            } else {
                b.v.ceil()
            }
        })
    }

    /// The greatest integer the numeric bounds admit.
    pub fn int_hi(&self) -> Option<f64> {
        self.num.hi.as_ref().map(|b| {
            if b.excl && b.v.fract() == 0.0 {
                b.v - 1.0
            } else {
                b.v.floor()
            }
        })
    }

    /// The property names declared (in `properties`) by this conjunction.
    pub fn declared(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .obj
            .parts
            .iter()
            .flat_map(|p| p.props.iter().map(|(k, _)| k.clone()))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

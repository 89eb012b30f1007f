//! A three-valued validator over the normalized model: valid, invalid, or cannot tell.

use serde_json::Value;

use crate::decimal::Decimal;
use crate::schema::node::{CondIf, Node};
use crate::schema::types::{self, ARR, NUM, OBJ, STR};
use crate::schema::{Doc, Key};
use crate::verdict::Verdict;

const VALID: Verdict = Verdict::Compatible;
const INVALID: Verdict = Verdict::Incompatible;
const UNKNOWN: Verdict = Verdict::Unknown;

/// JSON equality as JSON Schema sees it (1 equals 1.0).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x == y {
                return true;
            }
            match (Decimal::from_json(a), Decimal::from_json(b)) {
                (Some(p), Some(q)) => p == q,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Combines validity answers: invalid wins, then unknown.
fn all(a: Verdict, b: Verdict) -> Verdict {
    a.and(b)
}

/// The subschemas applying to property `name` of objects in this node, and whether some
/// pattern could not be read (the list is then incomplete).
pub fn name_schemas(doc: &mut Doc<'_>, node: &Node, name: &str) -> (Vec<u32>, bool) {
    let mut out = Vec::new();
    let mut unsure = false;
    for part in &node.obj.parts {
        let mut matched = false;
        for (k, id) in &part.props {
            if k == name {
                out.push(*id);
                matched = true;
            }
        }
        for (p, id) in &part.pats {
            match doc.regex(p) {
                Some(r) => {
                    if r.is_match(name) {
                        out.push(*id);
                        matched = true;
                    }
                }
                None => unsure = true,
            }
        }
        if !matched {
            if let Some(a) = part.addl {
                out.push(a);
            }
        }
    }
    (out, unsure)
}

/// The subschemas applying to item `index` of arrays in this node.
pub fn item_schemas(node: &Node, index: usize) -> Vec<u32> {
    let mut out = Vec::new();
    for part in &node.arr.parts {
        if let Some(p) = part.prefix.get(index) {
            out.push(*p);
        } else if let Some(r) = part.rest {
            out.push(r);
        }
    }
    out
}

/// Evaluates `v` against the conjunction `ptrs` (a fresh key).
pub fn eval_ptrs(doc: &mut Doc<'_>, ptrs: &[u32], v: &Value) -> Verdict {
    let key = doc.closure(ptrs);
    eval(doc, &key, types::ALL, v)
}

/// Whether `v` is valid under the node of `key` restricted to the kinds in `mask`.
pub fn eval(doc: &mut Doc<'_>, key: &Key, mask: u8, v: &Value) -> Verdict {
    let node = doc.node(key);
    let t = types::of_value(v);
    if node.types & mask & t == 0 {
        return INVALID;
    }
    if let Some((vals, _)) = &node.values {
        if !vals.iter().any(|x| json_eq(x, v)) {
            return INVALID;
        }
    }
    let mut r = VALID;
    if t & NUM != 0 {
        r = all(r, eval_num(&node, v));
    } else if t & STR != 0 {
        r = all(r, eval_str(doc, &node, v));
    } else if t & ARR != 0 {
        r = all(r, eval_arr(doc, &node, v));
    } else if t & OBJ != 0 {
        r = all(r, eval_obj(doc, &node, v));
    }
    if r == INVALID {
        return r;
    }
    for g in &node.groups {
        let mut valid = 0;
        let mut unknown = 0;
        for b in &g.branches {
            match eval_ptrs(doc, &[*b], v) {
                VALID => valid += 1,
                UNKNOWN => unknown += 1,
                _ => {}
            }
        }
        let gr = if g.one {
            if unknown > 0 {
                if valid > 1 {
                    INVALID
                } else {
                    UNKNOWN
                }
            } else if valid == 1 {
                VALID
            } else {
                INVALID
            }
        } else if valid > 0 {
            VALID
        } else if unknown > 0 {
            UNKNOWN
        } else {
            INVALID
        };
        r = all(r, gr);
    }
    for n in &node.nots {
        let nr = match eval_ptrs(doc, &[*n], v) {
            VALID => INVALID,
            INVALID => VALID,
            _ => UNKNOWN,
        };
        r = all(r, nr);
    }
    for c in &node.conds {
        let cond = match &c.iff {
            CondIf::Schema(i) => eval_ptrs(doc, &[*i], v),
            CondIf::Has(name) => match v {
                Value::Object(m) if m.contains_key(name) => VALID,
                _ => INVALID,
            },
        };
        let then = c.then.map_or(VALID, |t| eval_ptrs(doc, &[t], v));
        let els = c.els.map_or(VALID, |e| eval_ptrs(doc, &[e], v));
        let cr = match cond {
            VALID => then,
            INVALID => els,
            _ if then == els => then,
            _ => UNKNOWN,
        };
        r = all(r, cr);
    }
    if !node.opaque.is_empty() && r == VALID {
        r = UNKNOWN;
    }
    r
}

fn eval_num(node: &Node, v: &Value) -> Verdict {
    let Some(x) = v.as_f64() else { return UNKNOWN };
    if let Some(lo) = &node.num.lo {
        if x < lo.v || (lo.excl && x == lo.v) {
            return INVALID;
        }
    }
    if let Some(hi) = &node.num.hi {
        if x > hi.v || (hi.excl && x == hi.v) {
            return INVALID;
        }
    }
    let mut r = VALID;
    for (m, _, _) in &node.num.mults {
        match Decimal::from_json(v).and_then(|d| d.is_multiple_of(m)) {
            Some(true) => {}
            Some(false) => return INVALID,
            None => r = UNKNOWN,
        }
    }
    r
}

/// Whether a string satisfies a `x-weft-*` bound pair (strings that are not decimals pass).
pub fn dec_in_bounds(node: &Node, s: &str) -> bool {
    let Some(d) = Decimal::parse(s) else {
        return true;
    };
    if let Some(lo) = &node.str.dlo {
        if d < lo.v || (lo.excl && d == lo.v) {
            return false;
        }
    }
    if let Some(hi) = &node.str.dhi {
        if d > hi.v || (hi.excl && d == hi.v) {
            return false;
        }
    }
    true
}

fn eval_str(doc: &mut Doc<'_>, node: &Node, v: &Value) -> Verdict {
    let Some(s) = v.as_str() else { return UNKNOWN };
    let len = s.chars().count() as u64;
    if node.str.min.is_some_and(|(m, _)| len < m) || node.str.max.is_some_and(|(m, _)| len > m) {
        return INVALID;
    }
    if !dec_in_bounds(node, s) {
        return INVALID;
    }
    let mut r = VALID;
    for (p, _) in &node.str.patterns {
        match doc.regex(p) {
            Some(re) => {
                if !re.is_match(s) {
                    return INVALID;
                }
            }
            None => r = UNKNOWN,
        }
    }
    for (f, _) in &node.str.formats {
        r = all(r, crate::formats::check(f, s));
        if r == INVALID {
            return r;
        }
    }
    r
}

fn eval_arr(doc: &mut Doc<'_>, node: &Node, v: &Value) -> Verdict {
    let Some(items) = v.as_array() else {
        return UNKNOWN;
    };
    let n = items.len() as u64;
    if node.arr.min.is_some_and(|(m, _)| n < m) || node.arr.max.is_some_and(|(m, _)| n > m) {
        return INVALID;
    }
    if node.arr.unique.is_some() {
        for i in 0..items.len() {
            for j in i + 1..items.len() {
                if json_eq(&items[i], &items[j]) {
                    return INVALID;
                }
            }
        }
    }
    let mut r = VALID;
    for (i, item) in items.iter().enumerate() {
        let ptrs = item_schemas(node, i);
        if ptrs.is_empty() {
            continue;
        }
        r = all(r, eval_ptrs(doc, &ptrs, item));
        if r == INVALID {
            return r;
        }
    }
    for c in &node.arr.contains {
        let mut yes = 0u64;
        let mut maybe = 0u64;
        for item in items {
            match eval_ptrs(doc, &[c.schema], item) {
                VALID => yes += 1,
                UNKNOWN => maybe += 1,
                _ => {}
            }
        }
        let lo_ok = yes >= c.min;
        let lo_maybe = yes + maybe >= c.min;
        let hi_ok = c.max.is_none_or(|m| yes + maybe <= m);
        let hi_maybe = c.max.is_none_or(|m| yes <= m);
        let cr = if lo_ok && hi_ok {
            VALID
        } else if lo_maybe && hi_maybe {
            UNKNOWN
        } else {
            INVALID
        };
        r = all(r, cr);
    }
    r
}

fn eval_obj(doc: &mut Doc<'_>, node: &Node, v: &Value) -> Verdict {
    let Some(m) = v.as_object() else {
        return UNKNOWN;
    };
    let n = m.len() as u64;
    if node.obj.min.is_some_and(|(x, _)| n < x) || node.obj.max.is_some_and(|(x, _)| n > x) {
        return INVALID;
    }
    if node.obj.required.keys().any(|k| !m.contains_key(k)) {
        return INVALID;
    }
    for (k, names) in &node.obj.dep_req {
        if m.contains_key(k) && names.keys().any(|x| !m.contains_key(x)) {
            return INVALID;
        }
    }
    let mut r = VALID;
    for (k, val) in m {
        let (ptrs, unsure) = name_schemas(doc, node, k);
        if unsure {
            r = UNKNOWN;
        }
        if !ptrs.is_empty() {
            r = all(r, eval_ptrs(doc, &ptrs, val));
        }
        for pn in &node.obj.names {
            r = all(r, eval_ptrs(doc, &[*pn], &Value::String(k.clone())));
        }
        if r == INVALID {
            return r;
        }
    }
    r
}

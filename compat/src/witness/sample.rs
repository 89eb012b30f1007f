//! Building values that satisfy a node, optionally bent one way (a length, a missing property…).

use serde_json::{Map, Value};

use crate::eval::{eval, item_schemas, name_schemas};
use crate::formats;
use crate::schema::types::{self, ARR, BOOL, FRAC, INT, NULL, OBJ, STR};
use crate::schema::{Doc, Node};
use crate::verdict::Verdict;
use crate::walk::{NRef, Step};

/// How to bend a sample.
#[derive(Clone, Debug)]
pub enum Tweak {
    None,
    /// A value of this kind.
    Type(u8),
    /// This exact string (if strings are admitted).
    Str(String),
    /// A string of this many characters.
    StrLen(u64),
    /// This number.
    Num(f64),
    /// An object with these properties (sampled when None) and without those.
    Obj {
        with: Vec<(String, Option<Value>)>,
        omit: Vec<String>,
    },
    /// An array of this many items.
    Items(usize),
    /// An array with two equal items.
    Dup,
    /// A container holding this value at this step.
    Child(Step, Value),
}

const MAX_DEPTH: usize = 12;

/// A value of `r` bent by `t`, or None.
pub fn sample(doc: &mut Doc<'_>, r: &NRef, t: &Tweak, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let node = doc.node(&r.key);
    let allowed = node.types & r.mask;
    if allowed == 0 {
        return None;
    }
    if let Some(g) = node.groups.first() {
        for br in g.branches.clone() {
            let c = NRef {
                key: doc.combine(&r.key, &[br]),
                mask: r.mask,
                place: r.place,
            };
            if let Some(v) = sample(doc, &c, t, depth + 1) {
                return Some(v);
            }
        }
        return None;
    }
    let kind = match t {
        Tweak::None => pick_kind(allowed),
        Tweak::Type(k) => pick_kind(allowed & k),
        Tweak::Str(_) | Tweak::StrLen(_) => STR,
        Tweak::Num(x) => {
            if x.fract() == 0.0 {
                INT
            } else {
                FRAC
            }
        }
        Tweak::Obj { .. } | Tweak::Child(Step::Prop(_), _) => OBJ,
        Tweak::Items(_) | Tweak::Dup | Tweak::Child(_, _) => ARR,
    };
    if kind == 0 || (allowed & kind == 0 && !matches!(t, Tweak::Num(_) | Tweak::Str(_))) {
        return None;
    }
    if let Some((vals, _)) = &node.values {
        if matches!(t, Tweak::None | Tweak::Type(_)) {
            return vals
                .iter()
                .find(|v| types::of_value(v) & kind != 0)
                .cloned();
        }
    }
    let v = match kind {
        NULL => Some(Value::Null),
        BOOL => Some(Value::Bool(false)),
        INT | FRAC => Some(number(&node, kind, t)),
        STR => string(doc, &node, t),
        ARR => array(doc, r, &node, t, depth),
        OBJ => object(doc, r, &node, t, depth),
        _ => None,
    }?;
    // With conditionals, prefer a value that meets them.
    if !node.conds.is_empty()
        && matches!(t, Tweak::None | Tweak::Type(_))
        && eval(doc, &r.key, r.mask, &v) == Verdict::Incompatible
    {
        for c in node.conds.clone() {
            for more in [c.then, c.els].into_iter().flatten() {
                let mut ptrs = vec![more];
                if let (crate::schema::node::CondIf::Schema(i), true) =
                    (&c.iff, Some(more) == c.then)
                {
                    ptrs.push(*i);
                }
                let k = doc.combine(&r.key, &ptrs);
                let mut nn = (*doc.node(&k)).clone();
                nn.conds.clear();
                let alt = NRef {
                    key: k,
                    mask: r.mask,
                    place: r.place,
                };
                let w = match kind {
                    OBJ => object(doc, &alt, &nn, t, depth + 1),
                    ARR => array(doc, &alt, &nn, t, depth + 1),
                    STR => string(doc, &nn, t),
                    _ => None,
                };
                if let Some(w) = w {
                    if eval(doc, &r.key, r.mask, &w) != Verdict::Incompatible {
                        return Some(w);
                    }
                }
            }
        }
    }
    Some(v)
}

fn pick_kind(allowed: u8) -> u8 {
    for k in [OBJ, STR, INT, ARR, BOOL, NULL, FRAC] {
        if allowed & k != 0 {
            return k;
        }
    }
    0
}

fn number(node: &Node, kind: u8, t: &Tweak) -> Value {
    if let Tweak::Num(x) = t {
        return crate::walk::num_value(*x);
    }
    let int_mult = node
        .num
        .mults
        .iter()
        .filter(|m| m.0.is_integer())
        .map(|m| m.1)
        .fold(1.0_f64, |acc, m| if acc % m == 0.0 { acc } else { acc * m });
    if kind == INT {
        let lo = node.int_lo();
        let hi = node.int_hi();
        let mut x = match (lo, hi) {
            (Some(l), _) => l,
            (None, Some(h)) if h < 0.0 => h,
            _ => 0.0,
        };
        if int_mult > 1.0 {
            x = (x / int_mult).ceil() * int_mult;
        }
        crate::walk::num_value(x)
    } else {
        let x = match (&node.num.lo, &node.num.hi) {
            (Some(l), Some(h)) => (l.v + h.v) / 2.0,
            (Some(l), None) => l.v + 0.5,
            (None, Some(h)) => h.v - 0.5,
            _ => 0.5,
        };
        let x = if x.fract() == 0.0 { x + 0.25 } else { x };
        crate::walk::num_value(x)
    }
}

fn string(doc: &mut Doc<'_>, node: &Node, t: &Tweak) -> Option<Value> {
    if let Tweak::Str(s) = t {
        return Some(Value::String(s.clone()));
    }
    let min = node.str.min.map_or(0, |m| m.0);
    let want = match t {
        Tweak::StrLen(n) => *n,
        _ => min,
    };
    if want > 100_000 {
        return None;
    }
    let fits = |s: &str| s.chars().count() as u64 == want || !matches!(t, Tweak::StrLen(_));
    let mut cands: Vec<String> = Vec::new();
    if node.str.dlo.is_some()
        || node.str.dhi.is_some()
        || node.str.formats.iter().any(|f| f.0 == "decimal")
    {
        let x = match (&node.str.dlo, &node.str.dhi) {
            (Some(l), _) if l.excl => crate::walk::dec_text(l.v.to_f64() + 1.0),
            (Some(l), _) => l.v.to_string(),
            (None, Some(h)) if h.excl => crate::walk::dec_text(h.v.to_f64() - 1.0),
            (None, Some(h)) => h.v.to_string(),
            _ => "1".to_string(),
        };
        cands.push(x);
    }
    for (f, _) in &node.str.formats {
        if let Some(s) = formats::sample(f) {
            cands.push(s.to_string());
        }
    }
    for (p, _) in &node.str.patterns {
        for extra in [0usize, want as usize, (want as usize).saturating_sub(1)] {
            if let Some(s) = crate::regexes::sample(p, extra) {
                let len = s.chars().count() as u64;
                if len < want && matches!(t, Tweak::StrLen(_)) {
                    if let Some(s2) = crate::regexes::sample(p, extra + (want - len) as usize) {
                        cands.push(s2);
                    }
                }
                cands.push(s);
            }
        }
    }
    cands.push("a".repeat(want as usize));
    for s in &cands {
        if !fits(s) {
            continue;
        }
        let v = Value::String(s.clone());
        if str_ok(doc, node, &v) {
            return Some(v);
        }
    }
    cands.into_iter().find(|s| fits(s)).map(Value::String)
}

fn str_ok(doc: &mut Doc<'_>, node: &Node, v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    let len = s.chars().count() as u64;
    if node.str.min.is_some_and(|m| len < m.0) || node.str.max.is_some_and(|m| len > m.0) {
        return false;
    }
    if !crate::eval::dec_in_bounds(node, s) {
        return false;
    }
    node.str
        .patterns
        .iter()
        .all(|(p, _)| doc.regex(p).is_none_or(|r| r.is_match(s)))
}

fn array(doc: &mut Doc<'_>, r: &NRef, node: &Node, t: &Tweak, depth: usize) -> Option<Value> {
    let min = node.arr.min.map_or(0, |m| m.0 as usize);
    let need_contains: usize = node
        .arr
        .contains
        .iter()
        .map(|c| c.min as usize)
        .max()
        .unwrap_or(0);
    let (mut n, slot) = match t {
        Tweak::Items(n) => (*n, None),
        Tweak::Dup => (min.max(2), None),
        Tweak::Child(Step::Index(i), v) | Tweak::Child(Step::Rest(i), v) => {
            (min.max(i + 1), Some((*i, v.clone())))
        }
        _ => (min.max(need_contains), None),
    };
    if n > 10_000 {
        return None;
    }
    let mut items = Vec::with_capacity(n);
    for i in 0..n {
        if let Some((k, v)) = &slot {
            if *k == i {
                items.push(v.clone());
                continue;
            }
        }
        let ptrs = item_schemas(node, i);
        let key = doc.closure(&ptrs);
        let place = r.place.map(|p| doc.place_item(p, i));
        let ir = NRef {
            key,
            mask: types::ALL,
            place,
        };
        let mut v = sample(doc, &ir, &Tweak::None, depth + 1)?;
        if node.arr.unique.is_some() && items.iter().any(|x| crate::eval::json_eq(x, &v)) {
            v = distinct(&v, i);
        }
        items.push(v);
    }
    if matches!(t, Tweak::Dup) && n >= 2 {
        items[1] = items[0].clone();
    }
    if !matches!(t, Tweak::Items(_)) {
        for c in node.arr.contains.clone() {
            let hits = items
                .iter()
                .filter(|x| crate::eval::eval_ptrs(doc, &[c.schema], x) == Verdict::Compatible)
                .count();
            if (hits as u64) < c.min {
                let mut ptrs = vec![c.schema];
                ptrs.extend(item_schemas(node, n));
                let key = doc.closure(&ptrs);
                let cr = NRef {
                    key,
                    mask: types::ALL,
                    place: None,
                };
                for _ in hits as u64..c.min {
                    items.push(sample(doc, &cr, &Tweak::None, depth + 1)?);
                    n += 1;
                }
            }
        }
    }
    Some(Value::Array(items))
}

/// A value unlike `v` of the same kind, for unique items.
fn distinct(v: &Value, i: usize) -> Value {
    match v {
        Value::Number(n) => crate::walk::num_value(n.as_f64().unwrap_or(0.0) + i as f64),
        Value::String(s) => Value::String(format!("{s}{i}")),
        Value::Bool(b) => Value::Bool(!b),
        other => other.clone(),
    }
}

fn object(doc: &mut Doc<'_>, r: &NRef, node: &Node, t: &Tweak, depth: usize) -> Option<Value> {
    let (mut with, omit): (Vec<(String, Option<Value>)>, Vec<String>) = match t {
        Tweak::Obj { with, omit } => (with.clone(), omit.clone()),
        Tweak::Child(Step::Prop(n), v) => (vec![(n.clone(), Some(v.clone()))], vec![]),
        _ => (vec![], vec![]),
    };
    let mut names: Vec<String> = node.obj.required.keys().cloned().collect();
    // Dependent requirements of names that will be present.
    let mut i = 0;
    let present: Vec<String> = with.iter().map(|w| w.0.clone()).collect();
    let mut all: Vec<String> = names.iter().chain(present.iter()).cloned().collect();
    while i < all.len() {
        if let Some(deps) = node.obj.dep_req.get(&all[i]) {
            for d in deps.keys() {
                if !all.contains(d) {
                    all.push(d.clone());
                    names.push(d.clone());
                }
            }
        }
        i += 1;
    }
    let min = node.obj.min.map_or(0, |m| m.0 as usize);
    for d in node.declared() {
        if names.len() + with.len() >= min {
            break;
        }
        if !names.contains(&d) && !with.iter().any(|w| w.0 == d) {
            names.push(d);
        }
    }
    let mut m = Map::new();
    for n in names.iter().filter(|n| !omit.contains(n)) {
        if with.iter().any(|w| &w.0 == n) {
            continue;
        }
        with.push((n.clone(), None));
    }
    for (n, v) in with {
        if omit.contains(&n) {
            continue;
        }
        let v = match v {
            Some(v) => v,
            None => {
                let (ptrs, _) = name_schemas(doc, node, &n);
                let key = doc.closure(&ptrs);
                let place = r.place.map(|p| doc.place_prop(p, &n));
                let pr = NRef {
                    key,
                    mask: types::ALL,
                    place,
                };
                sample(doc, &pr, &Tweak::None, depth + 1)?
            }
        };
        m.insert(n, v);
    }
    Some(Value::Object(m))
}

/// A few varied values of `r`, none of them shown invalid under it.
pub fn variety(doc: &mut Doc<'_>, r: &NRef) -> Vec<Value> {
    let node = doc.node(&r.key);
    let allowed = node.types & r.mask;
    let mut out: Vec<Value> = Vec::new();
    if let Some((vals, _)) = &node.values {
        out.extend(
            vals.iter()
                .filter(|v| types::of_value(v) & allowed != 0)
                .take(8)
                .cloned(),
        );
    }
    for k in types::atoms(allowed) {
        if let Some(v) = sample(doc, r, &Tweak::Type(k), 0) {
            out.push(v);
        }
    }
    let mut extra: Vec<Value> = Vec::new();
    if allowed & STR != 0 {
        let min = node.str.min.map_or(0, |m| m.0);
        for l in [
            min,
            min.saturating_add(1),
            node.str.max.map_or(min.saturating_add(3), |m| m.0),
        ] {
            extra.extend(sample(doc, r, &Tweak::StrLen(l), 0));
        }
        for s in ["", "x", "0", "a b", "zz-9", "2024-01-31"] {
            extra.push(Value::from(s));
        }
    }
    if allowed & INT != 0 {
        for x in [0.0, 1.0, -1.0, 2.0, 7.0, 100.0] {
            extra.push(crate::walk::num_value(x));
        }
        if let Some(l) = node.int_lo() {
            extra.push(crate::walk::num_value(l));
            extra.push(crate::walk::num_value(l + 1.0));
        }
        if let Some(h) = node.int_hi() {
            extra.push(crate::walk::num_value(h));
        }
    }
    if allowed & FRAC != 0 {
        extra.extend([0.5, -0.5, 1.25].map(crate::walk::num_value));
    }
    if allowed & BOOL != 0 {
        extra.push(Value::Bool(true));
    }
    if allowed & ARR != 0 {
        extra.extend(sample(doc, r, &Tweak::Items(0), 0));
        extra.extend(sample(doc, r, &Tweak::Items(1), 0));
    }
    if allowed & OBJ != 0 {
        let all: Vec<(String, Option<Value>)> =
            node.declared().into_iter().map(|k| (k, None)).collect();
        extra.extend(sample(
            doc,
            r,
            &Tweak::Obj {
                with: all,
                omit: vec![],
            },
            0,
        ));
        extra.push(Value::Object(Map::new()));
    }
    for v in extra {
        if out.len() >= 16 {
            break;
        }
        if out.iter().any(|x| x == &v) {
            continue;
        }
        if eval(doc, &r.key, r.mask, &v) != Verdict::Incompatible {
            out.push(v);
        }
    }
    out
}

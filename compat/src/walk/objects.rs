//! Object keywords: properties under open, closed and partly open models, `required`,
//! dependent requirements, property counts and `propertyNames`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{pv, subject, upper_within, Acc, Cmp, Cx, NRef, Spec, Step, C, U};
use crate::eval::name_schemas;
use crate::schema::doc_escape;
use crate::schema::types::{ALL, OBJ, STR};
use crate::verdict::Verdict;
use crate::witness::sample::Tweak;

fn obj_ref(r: &NRef) -> NRef {
    let mut m = r.clone();
    m.mask &= OBJ;
    m
}

fn with(name: &str, v: Option<Value>) -> Tweak {
    Tweak::Obj {
        with: vec![(name.to_string(), v)],
        omit: vec![],
    }
}

fn omit(names: &[&str], with: Vec<(String, Option<Value>)>) -> Tweak {
    Tweak::Obj {
        with,
        omit: names.iter().map(|s| s.to_string()).collect(),
    }
}

/// Whether names matching `p` may also match `q` (false only when provably disjoint).
fn maybe_overlap(p: &str, q: &str) -> bool {
    fn prefix(p: &str) -> Option<String> {
        let rest = p.strip_prefix('^')?;
        Some(
            rest.chars()
                .take_while(|c| !".[]()*+?{}|\\$^".contains(*c))
                .collect(),
        )
    }
    match (prefix(p), prefix(q)) {
        (Some(x), Some(y)) => x.starts_with(&y) || y.starts_with(&x),
        _ => true,
    }
}

/// Objects of side `side` that carry property `name` with values the other side rejects.
fn carrying(
    c: &mut Cmp<'_>,
    side: usize,
    r: &NRef,
    name: &str,
    own: &NRef,
    other: &NRef,
) -> Vec<Value> {
    let vals = c.escaping(side, own, other);
    vals.into_iter()
        .take(6)
        .filter_map(|v| c.sample(side, r, &with(name, Some(v))))
        .collect()
}

/// The pointer id of `name` inside the `required` array at `at`.
fn required_entry(cmp: &mut Cmp<'_>, side: usize, at: u32, name: &str) -> u32 {
    let idx = cmp.docs[side]
        .value(at)
        .and_then(Value::as_array)
        .and_then(|a| a.iter().position(|x| x.as_str() == Some(name)));
    match idx {
        Some(i) => cmp.docs[side].child_id(at, &i.to_string()),
        None => at,
    }
}

/// Compares the object keywords of both sides.
pub fn compare(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc) {
    let subj = subject(&cx.loc.path);
    let (a, b) = (obj_ref(cx.a), obj_ref(cx.b));
    let decl_a: BTreeSet<String> = cx.na.declared().into_iter().collect();
    let decl_b: BTreeSet<String> = cx.nb.declared().into_iter().collect();
    let place_a = cx.a.place.map(|p| cmp.docs[0].place_info(p));
    let place_b = cx.b.place.map(|p| cmp.docs[1].place_info(p));
    let mut names: BTreeSet<String> = decl_a.union(&decl_b).cloned().collect();
    if let Some(p) = &place_a {
        names.extend(p.declared.iter().cloned());
    }
    if let Some(p) = &place_b {
        names.extend(p.declared.iter().cloned());
    }
    let mut unsure = false;
    for n in &names {
        let (pa, ua) = name_schemas(&mut cmp.docs[0], cx.na, n);
        let (pb, ub) = name_schemas(&mut cmp.docs[1], cx.nb, n);
        unsure |= ua || ub;
        let pl_a = cx.a.place.map(|p| cmp.docs[0].place_prop(p, n));
        let pl_b = cx.b.place.map(|p| cmp.docs[1].place_prop(p, n));
        let ca = cmp.nref(0, &pa, ALL, pl_a);
        let cb = cmp.nref(1, &pb, ALL, pl_b);
        let (in_a, in_b) = (decl_a.contains(n), decl_b.contains(n));
        if in_a == in_b {
            let loc = cx.loc.child(&a, &b, Step::Prop(n.clone()));
            let r = cmp.walk(&ca, &cb, &loc, cx.emit);
            acc.add(r);
            continue;
        }
        let strict_a = NRef {
            place: None,
            ..ca.clone()
        };
        let strict_b = NRef {
            place: None,
            ..cb.clone()
        };
        let (sbw, sfw) = cmp.sub(&strict_a, &strict_b);
        if sbw == C && sfw == C {
            continue;
        }
        let (mut bw, mut fw) = if cx.a.place.is_some() || cx.b.place.is_some() {
            cmp.sub(&ca, &cb)
        } else {
            (sbw, sfw)
        };
        if place_a.as_ref().is_some_and(|p| !p.declared.contains(n)) {
            bw = C;
        }
        if place_b.as_ref().is_some_and(|p| !p.declared.contains(n)) {
            fw = C;
        }
        if cx.a_vals_ok {
            bw = C;
        }
        if cx.b_vals_ok {
            fw = C;
        }
        // Where the property is declared in a side's schema document.
        let decl_ptr = |node: &crate::schema::Node| -> Option<u32> {
            node.obj
                .parts
                .iter()
                .flat_map(|p| p.props.iter())
                .find(|(k, _)| k == n)
                .map(|(_, id)| *id)
        };
        let (rule, at_a, at_b) = if in_b {
            ("property-added", pa.first().copied(), decl_ptr(cx.nb))
        } else {
            ("property-removed", decl_ptr(cx.na), pb.first().copied())
        };
        let effect = match (bw == C, fw == C) {
            (false, true) => "old documents may carry it with values the new schema rejects",
            (true, false) => "new producers may send it with values old consumers reject",
            (true, true) => "tolerated in an open model under the lenient profile",
            _ => "each side may carry it with values the other rejects",
        };
        let message = format!(
            "property `{n}` {} {subj}: {effect}",
            if in_b { "added to" } else { "removed from" }
        );
        let spec = Spec::new(rule, bw, fw, message)
            .always()
            .path(format!("{}/{}", cx.loc.path, doc_escape(n)))
            .at(at_a, at_b)
            .vals(
                cmp.raw(0, at_a).filter(|_| in_a),
                cmp.raw(1, at_b).filter(|_| in_b),
            );
        let (a2, b2, n2) = (a.clone(), b.clone(), n.clone());
        let (ca2, cb2) = (strict_a.clone(), strict_b.clone());
        cmp.report(
            cx,
            spec,
            acc,
            |c| carrying(c, 0, &a2, &n2, &ca2, &cb2),
            |c| carrying(c, 1, &b2, &n2, &cb2, &ca2),
        );
    }
    if unsure {
        let spec = Spec::new(
            "unsupported-keyword",
            U,
            U,
            format!("a `patternProperties` pattern of {subj} cannot be read by the engine"),
        );
        cmp.report(cx, spec, acc, |_| vec![], |_| vec![]);
    }
    required(cmp, cx, acc, &a, &b, &subj);
    if cx.a.place.is_none() || cx.b.place.is_none() {
        rest(cmp, cx, acc, &a, &b, &subj, &decl_a, &decl_b);
    }
    counts(cmp, cx, acc, &a, &b, &subj);
    property_names(cmp, cx, acc, &a, &b, &subj);
}

fn required(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc, a: &NRef, b: &NRef, subj: &str) {
    let ra = cx.na.obj.required.clone();
    let rb = cx.nb.obj.required.clone();
    for (n, at) in &rb {
        if ra.contains_key(n) {
            continue;
        }
        let at = required_entry(cmp, 1, *at, n);
        let spec = Spec::new(
            "required-added",
            pv(cx.a_vals_ok),
            C,
            format!("`{n}` is now required in {subj}: old producers that omit it are rejected"),
        )
        .path(format!("{}/{}", cx.loc.path, doc_escape(n)))
        .at(None, Some(at))
        .vals(None, Some(n.clone().into()));
        let (a2, n2) = (a.clone(), n.clone());
        cmp.report(
            cx,
            spec,
            acc,
            |c| {
                c.sample(0, &a2, &omit(&[&n2], vec![]))
                    .into_iter()
                    .collect()
            },
            |_| vec![],
        );
    }
    for (n, at) in &ra {
        if rb.contains_key(n) {
            continue;
        }
        let at = required_entry(cmp, 0, *at, n);
        let spec = Spec::new(
            "required-removed",
            C,
            pv(cx.b_vals_ok),
            format!("`{n}` is no longer required in {subj}: new producers may omit it and old consumers reject that"),
        )
        .path(format!("{}/{}", cx.loc.path, doc_escape(n)))
        .at(Some(at), None)
        .vals(Some(n.clone().into()), None);
        let (b2, n2) = (b.clone(), n.clone());
        cmp.report(
            cx,
            spec,
            acc,
            |_| vec![],
            |c| {
                c.sample(1, &b2, &omit(&[&n2], vec![]))
                    .into_iter()
                    .collect()
            },
        );
    }
    // dependentRequired / dependencies (array form)
    for (side, src, dst) in [(0usize, &cx.na, &cx.nb), (1usize, &cx.nb, &cx.na)] {
        for (k, xs) in &dst.obj.dep_req {
            for (x, at) in xs {
                let implied = src.obj.dep_req.get(k).is_some_and(|s| s.contains_key(x))
                    || src.obj.required.contains_key(x);
                let present_in_src = src.obj.dep_req.get(k).is_some_and(|s| s.contains_key(x));
                if present_in_src {
                    continue;
                }
                // side 0: new (dst) has a dependency old lacks → added; side 1: removed.
                let added = side == 0;
                let ok = implied || if added { cx.a_vals_ok } else { cx.b_vals_ok };
                let (rule, bw, fw, at_a, at_b) = if added {
                    ("dependent-required-added", pv(ok), C, None, Some(*at))
                } else {
                    ("dependent-required-removed", C, pv(ok), Some(*at), None)
                };
                let spec = Spec::new(
                    rule,
                    bw,
                    fw,
                    format!(
                        "`{x}` is {} required in {subj} when `{k}` is present",
                        if added { "now" } else { "no longer" }
                    ),
                )
                .path(format!("{}/{}", cx.loc.path, doc_escape(x)))
                .at(at_a, at_b);
                let (src_side, r) = if added {
                    (0, a.clone())
                } else {
                    (1, b.clone())
                };
                let (k2, x2) = (k.clone(), x.clone());
                let cands = move |c: &mut Cmp<'_>| -> Vec<Value> {
                    c.sample(src_side, &r, &omit(&[&x2], vec![(k2.clone(), None)]))
                        .into_iter()
                        .collect()
                };
                if added {
                    cmp.report(cx, spec, acc, cands, |_| vec![]);
                } else {
                    cmp.report(cx, spec, acc, |_| vec![], cands);
                }
            }
        }
    }
}

/// Pattern-property and additional-property schemas for names declared by neither side.
#[allow(clippy::too_many_arguments)]
fn rest(
    cmp: &mut Cmp<'_>,
    cx: &Cx<'_>,
    acc: &mut Acc,
    a: &NRef,
    b: &NRef,
    subj: &str,
    decl_a: &BTreeSet<String>,
    decl_b: &BTreeSet<String>,
) {
    let lenient_a = cx.a.place.is_some();
    let lenient_b = cx.b.place.is_some();
    let pats = |n: &crate::schema::Node| -> Vec<(String, u32)> {
        n.obj
            .parts
            .iter()
            .flat_map(|p| p.pats.iter().cloned())
            .collect()
    };
    let (pa, pb) = (pats(cx.na), pats(cx.nb));
    let mut regions: BTreeSet<String> = pa.iter().map(|p| p.0.clone()).collect();
    regions.extend(pb.iter().map(|p| p.0.clone()));
    let fresh = fresh_name(cmp, &pa, &pb, decl_a, decl_b);
    // Schemas for names matching `p`: as a source (fewer constraints) and as a target (all that may apply).
    let sides = |n: &crate::schema::Node, p: &str| -> (Vec<u32>, Vec<u32>) {
        let mut src = Vec::new();
        let mut tgt = Vec::new();
        let exact: Vec<u32> = n
            .obj
            .parts
            .iter()
            .flat_map(|q| q.pats.iter())
            .filter(|(x, _)| x == p)
            .map(|x| x.1)
            .collect();
        src.extend(&exact);
        for part in &n.obj.parts {
            let overl = part.pats.iter().any(|(x, _)| maybe_overlap(x, p));
            let has_exact = part.pats.iter().any(|(x, _)| x == p);
            for (x, id) in &part.pats {
                if maybe_overlap(x, p) {
                    tgt.push(*id);
                }
            }
            if let Some(ad) = part.addl {
                if exact.is_empty() && !overl {
                    src.push(ad);
                }
                if !has_exact {
                    tgt.push(ad);
                }
            }
        }
        (src, tgt)
    };
    for p in &regions {
        let (sa, ta) = sides(cx.na, p);
        let (sb, tb) = sides(cx.nb, p);
        let (ra_s, ra_t) = (cmp.nref(0, &sa, ALL, None), cmp.nref(0, &ta, ALL, None));
        let (rb_s, rb_t) = (cmp.nref(1, &sb, ALL, None), cmp.nref(1, &tb, ALL, None));
        let bw = if lenient_a {
            C
        } else {
            cmp.sub(&ra_s, &rb_t).0
        };
        let fw = if lenient_b {
            C
        } else {
            cmp.sub(&ra_t, &rb_s).1
        };
        let bw = if cx.a_vals_ok { C } else { bw };
        let fw = if cx.b_vals_ok { C } else { fw };
        let at_a = pa.iter().find(|x| &x.0 == p).map(|x| x.1);
        let at_b = pb.iter().find(|x| &x.0 == p).map(|x| x.1);
        let spec = Spec::new(
            "pattern-properties-changed",
            bw,
            fw,
            format!("properties of {subj} whose names match `{p}` are constrained differently"),
        )
        .path(format!("{}/*", cx.loc.path))
        .at(at_a, at_b)
        .vals(cmp.raw(0, at_a), cmp.raw(1, at_b));
        let name =
            crate::regexes::sample(p, 2).filter(|n| !decl_a.contains(n) && !decl_b.contains(n));
        let (a2, b2) = (a.clone(), b.clone());
        let (n1, n2) = (name.clone(), name);
        cmp.report(
            cx,
            spec,
            acc,
            |c| {
                n1.map(|n| carrying(c, 0, &a2, &n, &ra_s, &rb_t))
                    .unwrap_or_default()
            },
            |c| {
                n2.map(|n| carrying(c, 1, &b2, &n, &rb_s, &ra_t))
                    .unwrap_or_default()
            },
        );
    }
    // Names matching no pattern on either side.
    let addl = |n: &crate::schema::Node| -> Vec<u32> {
        n.obj.parts.iter().filter_map(|p| p.addl).collect()
    };
    let (xa, xb) = (addl(cx.na), addl(cx.nb));
    if xa.is_empty() && xb.is_empty() {
        return;
    }
    let ka = cmp.nref(0, &xa, ALL, None);
    let kb = cmp.nref(1, &xb, ALL, None);
    let plain = |cmp: &Cmp<'_>, side: usize, xs: &[u32]| {
        !xs.is_empty()
            && xs
                .iter()
                .all(|x| cmp.docs[side].value(*x).is_some_and(Value::is_object))
    };
    if plain(cmp, 0, &xa) && plain(cmp, 1, &xb) && !lenient_a && !lenient_b {
        let Some(fresh) = fresh else { return };
        let loc = cx.loc.child_as(a, b, Step::Prop(fresh), "*");
        let r = cmp.walk(&ka, &kb, &loc, cx.emit);
        acc.add(r);
        return;
    }
    let (x, y) = cmp.sub(&ka, &kb);
    let bw = if lenient_a || cx.a_vals_ok { C } else { x };
    let fw = if lenient_b || cx.b_vals_ok { C } else { y };
    let (sx, sy) = if lenient_a || lenient_b {
        (x, y)
    } else {
        (bw, fw)
    };
    let rule = match (sx == C, sy == C) {
        (true, true) => return,
        (false, true) => "additional-properties-narrowed",
        (true, false) => "additional-properties-widened",
        (false, false) => "additional-properties-changed",
    };
    let effect = match rule {
        "additional-properties-narrowed" => {
            "undeclared properties old producers send may now be rejected"
        }
        "additional-properties-widened" => {
            "undeclared properties new producers send may be rejected by old consumers"
        }
        _ => "undeclared properties accepted by one side may be rejected by the other",
    };
    let at_a = xa.first().copied();
    let at_b = xb.first().copied();
    let spec = Spec::new(
        rule,
        bw,
        fw,
        format!("additionalProperties of {subj} changed: {effect}"),
    )
    .path(format!("{}/*", cx.loc.path))
    .at(at_a, at_b)
    .vals(cmp.raw(0, at_a), cmp.raw(1, at_b));
    let (a2, b2) = (a.clone(), b.clone());
    let (f1, f2) = (fresh.clone(), fresh);
    cmp.report(
        cx,
        spec,
        acc,
        |c| {
            f1.map(|n| carrying(c, 0, &a2, &n, &ka, &kb))
                .unwrap_or_default()
        },
        |c| {
            f2.map(|n| carrying(c, 1, &b2, &n, &kb, &ka))
                .unwrap_or_default()
        },
    );
}

/// A property name declared by neither side and matching no pattern of either.
fn fresh_name(
    cmp: &mut Cmp<'_>,
    pa: &[(String, u32)],
    pb: &[(String, u32)],
    decl_a: &BTreeSet<String>,
    decl_b: &BTreeSet<String>,
) -> Option<String> {
    'next: for cand in ["extra", "x_extra", "zz", "extra_1", "Q"] {
        if decl_a.contains(cand) || decl_b.contains(cand) {
            continue;
        }
        for (side, pats) in [(0, pa), (1, pb)] {
            for (p, _) in pats {
                match cmp.docs[side].regex(p) {
                    Some(r) if !r.is_match(cand) => {}
                    _ => continue 'next,
                }
            }
        }
        return Some(cand.to_string());
    }
    None
}

fn counts(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc, a: &NRef, b: &NRef, subj: &str) {
    let (mina, minb) = (cx.na.obj.min, cx.nb.obj.min);
    let eff = |n: &crate::schema::Node| {
        n.obj
            .min
            .map_or(0, |m| m.0)
            .max(n.obj.required.len() as u64)
    };
    if mina.map(|x| x.0) != minb.map(|x| x.0) {
        let (ea, eb) = (eff(cx.na), eff(cx.nb));
        let up = minb.map_or(0, |x| x.0) > mina.map_or(0, |x| x.0);
        let spec = Spec::new(
            if up {
                "min-properties-increased"
            } else {
                "min-properties-decreased"
            },
            pv(ea >= minb.map_or(0, |x| x.0) || cx.a_vals_ok),
            pv(eb >= mina.map_or(0, |x| x.0) || cx.b_vals_ok),
            format!(
                "minProperties of {subj} changed from {} to {}",
                mina.map_or(0, |x| x.0),
                minb.map_or(0, |x| x.0)
            ),
        )
        .at(mina.map(|x| x.1), minb.map(|x| x.1))
        .vals(mina.map(|x| x.0.into()), minb.map(|x| x.0.into()));
        let (a2, b2) = (a.clone(), b.clone());
        cmp.report(
            cx,
            spec,
            acc,
            |c| c.sample(0, &a2, &omit(&[], vec![])).into_iter().collect(),
            |c| c.sample(1, &b2, &omit(&[], vec![])).into_iter().collect(),
        );
    }
    let (maxa, maxb) = (cx.na.obj.max, cx.nb.obj.max);
    if maxa.map(|x| x.0) != maxb.map(|x| x.0) {
        let bound =
            |cmp: &Cmp<'_>, side: usize, r: &NRef, n: &crate::schema::Node| -> Option<u64> {
                let mut best = n.obj.max.map(|m| m.0);
                for p in &n.obj.parts {
                    if p.pats.is_empty()
                        && p.addl
                            .is_some_and(|x| cmp.docs[side].value(x) == Some(&Value::Bool(false)))
                    {
                        let k = p.props.len() as u64;
                        best = Some(best.map_or(k, |b| b.min(k)));
                    }
                }
                if let Some(pl) = r.place {
                    let k = cmp.docs[side].place_info(pl).declared.len() as u64;
                    best = Some(best.map_or(k, |b| b.min(k)));
                }
                best
            };
        let le = upper_within;
        let ba = bound(cmp, 0, cx.a, cx.na);
        let bb = bound(cmp, 1, cx.b, cx.nb);
        let down = le(maxb.map(|x| x.0), maxa.map(|x| x.0));
        let show = |x: Option<(u64, u32)>| x.map_or("unbounded".to_string(), |v| v.0.to_string());
        let spec = Spec::new(
            if down {
                "max-properties-decreased"
            } else {
                "max-properties-increased"
            },
            pv(le(ba, maxb.map(|x| x.0)) || cx.a_vals_ok),
            pv(le(bb, maxa.map(|x| x.0)) || cx.b_vals_ok),
            format!(
                "maxProperties of {subj} changed from {} to {}",
                show(maxa),
                show(maxb)
            ),
        )
        .at(maxa.map(|x| x.1), maxb.map(|x| x.1))
        .vals(maxa.map(|x| x.0.into()), maxb.map(|x| x.0.into()));
        let many = |c: &mut Cmp<'_>,
                    side: usize,
                    r: &NRef,
                    own: Option<(u64, u32)>,
                    other: Option<(u64, u32)>|
         -> Vec<Value> {
            let n = c.node(side, r);
            let declared = n.declared();
            let mut out = Vec::new();
            let mut ks: Vec<u64> = other.map(|o| o.0.saturating_add(1)).into_iter().collect();
            ks.extend(own.map(|o| o.0));
            for k in ks.into_iter().filter(|k| *k <= 1000) {
                let mut w: Vec<(String, Option<Value>)> = declared
                    .iter()
                    .take(k as usize)
                    .map(|d| (d.clone(), None))
                    .collect();
                let mut i = 0;
                while (w.len() as u64) < k {
                    let name = format!("extra_{i}");
                    if !declared.contains(&name) {
                        w.push((name, None));
                    }
                    i += 1;
                }
                out.extend(c.sample(
                    side,
                    r,
                    &Tweak::Obj {
                        with: w,
                        omit: vec![],
                    },
                ));
            }
            out
        };
        let (a2, b2) = (a.clone(), b.clone());
        cmp.report(
            cx,
            spec,
            acc,
            |c| many(c, 0, &a2, maxa, maxb),
            |c| many(c, 1, &b2, maxb, maxa),
        );
    }
}

fn property_names(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc, a: &NRef, b: &NRef, subj: &str) {
    let (na, nb) = (cx.na.obj.names.clone(), cx.nb.obj.names.clone());
    if na.is_empty() && nb.is_empty() {
        return;
    }
    let ka = cmp.nref(0, &na, STR, None);
    let kb = cmp.nref(1, &nb, STR, None);
    let (x, y) = cmp.sub(&ka, &kb);
    let finite_ok =
        |cmp: &mut Cmp<'_>, side: usize, r: &NRef, n: &crate::schema::Node, other: &NRef| -> bool {
            let Some(pl) = r.place else { return false };
            let names = cmp.docs[side].place_info(pl).declared.clone();
            let _ = n;
            names.iter().all(|k| {
                crate::eval::eval(
                    &mut cmp.docs[1 - side],
                    &other.key,
                    other.mask,
                    &Value::String(k.clone()),
                ) == Verdict::Compatible
            })
        };
    let bw = x == C || cx.a_vals_ok || finite_ok(cmp, 0, cx.a, cx.na, &kb);
    let fw = y == C || cx.b_vals_ok || finite_ok(cmp, 1, cx.b, cx.nb, &ka);
    if x == C && y == C {
        return;
    }
    let (at_a, at_b) = (na.first().copied(), nb.first().copied());
    let spec = Spec::new(
        "property-names-changed",
        pv(bw),
        pv(fw),
        format!("the allowed property names of {subj} changed"),
    )
    .at(at_a, at_b)
    .vals(cmp.raw(0, at_a), cmp.raw(1, at_b));
    let names_of =
        |c: &mut Cmp<'_>, side: usize, r: &NRef, own: &NRef, other: &NRef| -> Vec<Value> {
            let bad = c.escaping(side, own, other);
            bad.into_iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .filter_map(|n| c.sample(side, r, &with(&n, None)))
                .collect()
        };
    let (a2, b2) = (a.clone(), b.clone());
    cmp.report(
        cx,
        spec,
        acc,
        |c| names_of(c, 0, &a2, &ka, &kb),
        |c| names_of(c, 1, &b2, &kb, &ka),
    );
}

//! Array items (per position and the rest), counts, uniqueness and `contains`.

use serde_json::Value;

use super::{pv, subject, upper_within, Acc, Cmp, Cx, NRef, Spec, Step, C};
use crate::eval::item_schemas;
use crate::schema::types::{ALL, ARR};
use crate::witness::sample::Tweak;

fn arr_ref(r: &NRef) -> NRef {
    let mut m = r.clone();
    m.mask &= ARR;
    m
}

/// Compares the array keywords of both sides.
pub fn compare(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc) {
    let subj = subject(&cx.loc.path);
    let (a, b) = (arr_ref(cx.a), arr_ref(cx.b));
    // Items, position by position, then the rest.
    let k = cx
        .na
        .arr
        .parts
        .iter()
        .chain(&cx.nb.arr.parts)
        .map(|p| p.prefix.len())
        .max()
        .unwrap_or(0);
    for i in 0..=k {
        let ia = item_schemas(cx.na, i);
        let ib = item_schemas(cx.nb, i);
        if ia.is_empty() && ib.is_empty() {
            continue;
        }
        let pa = cx.a.place.map(|p| cmp.docs[0].place_item(p, i));
        let pb = cx.b.place.map(|p| cmp.docs[1].place_item(p, i));
        let ca = cmp.nref(0, &ia, ALL, pa);
        let cb = cmp.nref(1, &ib, ALL, pb);
        let step = if i < k { Step::Index(i) } else { Step::Rest(k) };
        let loc = cx.loc.child(&a, &b, step);
        let r = cmp.walk(&ca, &cb, &loc, cx.emit);
        acc.add(r);
    }
    // minItems / maxItems
    let (mina, minb) = (cx.na.arr.min, cx.nb.arr.min);
    let (la, lb) = (mina.map_or(0, |x| x.0), minb.map_or(0, |x| x.0));
    if la != lb {
        let up = lb > la;
        let spec = Spec::new(
            if up {
                "min-items-increased"
            } else {
                "min-items-decreased"
            },
            pv(la >= lb || cx.a_vals_ok),
            pv(lb >= la || cx.b_vals_ok),
            format!(
                "minItems of {subj} {} from {la} to {lb}: {}",
                if up { "increased" } else { "decreased" },
                if up {
                    "shorter arrays old producers send are now rejected"
                } else {
                    "shorter arrays new producers send are rejected by old consumers"
                }
            ),
        )
        .at(mina.map(|x| x.1), minb.map(|x| x.1))
        .vals(mina.map(|x| x.0.into()), minb.map(|x| x.0.into()));
        let (a2, b2) = (a.clone(), b.clone());
        cmp.report(
            cx,
            spec,
            acc,
            |c| counts(c, 0, &a2, &[la, lb.saturating_sub(1)]),
            |c| counts(c, 1, &b2, &[lb, la.saturating_sub(1)]),
        );
    }
    let (maxa, maxb) = (cx.na.arr.max, cx.nb.arr.max);
    if maxa.map(|x| x.0) != maxb.map(|x| x.0) {
        let le = |x: Option<(u64, u32)>, y: Option<(u64, u32)>| {
            upper_within(x.map(|v| v.0), y.map(|v| v.0))
        };
        let down = le(maxb, maxa);
        let show = |x: Option<(u64, u32)>| x.map_or("unbounded".to_string(), |v| v.0.to_string());
        let spec = Spec::new(
            if down {
                "max-items-decreased"
            } else {
                "max-items-increased"
            },
            pv(le(maxa, maxb) || cx.a_vals_ok),
            pv(le(maxb, maxa) || cx.b_vals_ok),
            format!(
                "maxItems of {subj} {} from {} to {}: {}",
                if down { "decreased" } else { "increased" },
                show(maxa),
                show(maxb),
                if down {
                    "longer arrays old producers send are now rejected"
                } else {
                    "longer arrays new producers send are rejected by old consumers"
                }
            ),
        )
        .at(maxa.map(|x| x.1), maxb.map(|x| x.1))
        .vals(maxa.map(|x| x.0.into()), maxb.map(|x| x.0.into()));
        let over = |own: Option<(u64, u32)>, other: Option<(u64, u32)>| {
            let mut v = Vec::new();
            if let Some(o) = other {
                v.push(o.0.saturating_add(1));
            }
            if let Some(o) = own {
                v.push(o.0);
            }
            v
        };
        let (a2, b2) = (a.clone(), b.clone());
        cmp.report(
            cx,
            spec,
            acc,
            |c| counts(c, 0, &a2, &over(maxa, maxb)),
            |c| counts(c, 1, &b2, &over(maxb, maxa)),
        );
    }
    // uniqueItems
    let ua = cx.na.arr.unique.is_some() || cx.na.arr.max.is_some_and(|m| m.0 <= 1);
    let ub = cx.nb.arr.unique.is_some() || cx.nb.arr.max.is_some_and(|m| m.0 <= 1);
    if ua != ub {
        let spec = Spec::new(
            if ub { "unique-items-added" } else { "unique-items-removed" },
            pv(ua || cx.a_vals_ok),
            pv(ub || cx.b_vals_ok),
            if ub {
                format!("items of {subj} must now be unique: arrays with repeated items old producers send are rejected")
            } else {
                format!("items of {subj} no longer have to be unique: new producers may repeat items old consumers reject")
            },
        )
        .at(cx.na.arr.unique, cx.nb.arr.unique)
        .vals(cmp.raw(0, cx.na.arr.unique), cmp.raw(1, cx.nb.arr.unique));
        let (a2, b2) = (a.clone(), b.clone());
        cmp.report(
            cx,
            spec,
            acc,
            |c| c.sample(0, &a2, &Tweak::Dup).into_iter().collect(),
            |c| c.sample(1, &b2, &Tweak::Dup).into_iter().collect(),
        );
    }
    // contains
    let (lca, lcb) = (cx.na.arr.contains.clone(), cx.nb.arr.contains.clone());
    if lca.is_empty() && lcb.is_empty() {
        return;
    }
    let mut bw = true;
    let mut fw = true;
    let mut same = lca.len() == lcb.len();
    for cb in &lcb {
        let rb = cmp.nref(1, &[cb.schema], ALL, None);
        let mut ok = cb.min == 0 && cb.max.is_none();
        for ca in &lca {
            let ra = cmp.nref(0, &[ca.schema], ALL, None);
            let (x, y) = cmp.sub(&ra, &rb);
            if x == C
                && ca.min >= cb.min
                && (cb.max.is_none()
                    || (y == C && ca.max.is_some_and(|m| cb.max.is_some_and(|n| m <= n))))
            {
                ok = true;
            }
        }
        bw &= ok;
    }
    for ca in &lca {
        let ra = cmp.nref(0, &[ca.schema], ALL, None);
        let mut ok = ca.min == 0 && ca.max.is_none();
        let mut eq = false;
        for cb in &lcb {
            let rb = cmp.nref(1, &[cb.schema], ALL, None);
            let (x, y) = cmp.sub(&ra, &rb);
            if y == C
                && cb.min >= ca.min
                && (ca.max.is_none()
                    || (x == C && cb.max.is_some_and(|m| ca.max.is_some_and(|n| m <= n))))
            {
                ok = true;
            }
            if x == C && y == C && ca.min == cb.min && ca.max == cb.max {
                eq = true;
            }
        }
        fw &= ok;
        same &= eq;
    }
    if same {
        return;
    }
    let rule = match (lca.is_empty(), lcb.is_empty()) {
        (true, _) => "contains-added",
        (_, true) => "contains-removed",
        _ => "contains-changed",
    };
    let at_a = lca.first().map(|c| c.at);
    let at_b = lcb.first().map(|c| c.at);
    let spec = Spec::new(
        rule,
        pv(bw || cx.a_vals_ok),
        pv(fw || cx.b_vals_ok),
        format!("what {subj} must contain changed: arrays accepted by one side may lack the items the other requires"),
    )
    .at(at_a, at_b)
    .vals(cmp.raw(0, at_a), cmp.raw(1, at_b));
    let (a2, b2) = (a.clone(), b.clone());
    let mins = |c: &mut Cmp<'_>, side: usize, r: &NRef| {
        let n = c.node(side, r);
        let lo = n.arr.min.map_or(0, |m| m.0);
        let mut out: Vec<Value> = c.sample(side, r, &Tweak::None).into_iter().collect();
        out.extend(counts(
            c,
            side,
            r,
            &[lo, lo.saturating_add(1), lo.saturating_add(2)],
        ));
        out
    };
    cmp.report(cx, spec, acc, |c| mins(c, 0, &a2), |c| mins(c, 1, &b2));
}

/// Arrays of the given lengths sampled from a side.
fn counts(c: &mut Cmp<'_>, side: usize, r: &NRef, ns: &[u64]) -> Vec<Value> {
    ns.iter()
        .filter(|n| **n <= 10_000)
        .filter_map(|n| c.sample(side, r, &Tweak::Items(*n as usize)))
        .collect()
}

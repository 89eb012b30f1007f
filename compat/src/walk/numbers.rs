//! Numeric bounds and `multipleOf`.

use serde_json::Value;

use super::{pv, subject, Acc, Cmp, Cx, NRef, Spec};
use crate::decimal::Decimal;
use crate::schema::node::{Bound, Node};
use crate::schema::types::{FRAC, INT, NUM};
use crate::witness::sample::Tweak;

/// A bound as compared: value, exclusive, pointer id.
type B = Option<(f64, bool, u32)>;

fn lo_of(n: &Node, ints: bool) -> B {
    if ints {
        let at = n.num.lo.as_ref()?.at;
        n.int_lo().map(|v| (v, false, at))
    } else {
        n.num.lo.as_ref().map(|b: &Bound| (b.v, b.excl, b.at))
    }
}

fn hi_of(n: &Node, ints: bool) -> B {
    if ints {
        let at = n.num.hi.as_ref()?.at;
        n.int_hi().map(|v| (v, false, at))
    } else {
        n.num.hi.as_ref().map(|b: &Bound| (b.v, b.excl, b.at))
    }
}

/// Whether lower bound `x` is at least as tight as `y`.
fn lo_ge(x: B, y: B) -> bool {
    match (x, y) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some((xv, xe, _)), Some((yv, ye, _))) => xv > yv || (xv == yv && (xe || !ye)),
    }
}

/// Whether upper bound `x` is at least as tight as `y`.
fn hi_le(x: B, y: B) -> bool {
    match (x, y) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some((xv, xe, _)), Some((yv, ye, _))) => xv < yv || (xv == yv && (xe || !ye)),
    }
}

fn show(b: B) -> String {
    match b {
        None => "unbounded".to_string(),
        Some((v, e, _)) => {
            let n = num(v);
            if e {
                format!("{n} (exclusive)")
            } else {
                n.to_string()
            }
        }
    }
}

/// A JSON number for a float (integral values as integers).
pub fn num(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

/// Numbers near a bound, as candidates.
fn near(b: B, below: bool, ints: bool) -> Vec<f64> {
    let Some((v, e, _)) = b else { return vec![] };
    let step = if ints { 1.0 } else { 0.5 };
    let mut out = Vec::new();
    if e {
        out.push(v);
    }
    out.push(if below { v - step } else { v + step });
    if !ints {
        out.push(if below { v - 1.0 } else { v + 1.0 });
    }
    if ints {
        out.iter_mut().for_each(|x| *x = x.round());
    }
    out
}

/// Compares the bounds and `multipleOf`s of the numbers both sides admit.
pub fn compare(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc) {
    let ints = cx.common & NUM == INT;
    let subj = subject(&cx.loc.path);
    let (a, b) = (cx.a.clone(), cx.b.clone());
    let mask = cx.common & NUM;
    for is_lo in [true, false] {
        let (ba, bb) = if is_lo {
            (lo_of(cx.na, ints), lo_of(cx.nb, ints))
        } else {
            (hi_of(cx.na, ints), hi_of(cx.nb, ints))
        };
        let tight = |x: B, y: B| if is_lo { lo_ge(x, y) } else { hi_le(x, y) };
        let bw = tight(ba, bb) || cx.a_vals_ok;
        let fw = tight(bb, ba) || cx.b_vals_ok;
        if tight(ba, bb) && tight(bb, ba) {
            continue;
        }
        let narrowed = tight(bb, ba);
        let (kw, rule) = match (is_lo, narrowed) {
            (true, true) => ("minimum", "minimum-increased"),
            (true, false) => ("minimum", "minimum-decreased"),
            (false, true) => ("maximum", "maximum-decreased"),
            (false, false) => ("maximum", "maximum-increased"),
        };
        let verb = &rule[kw.len() + 1..];
        let effect = match (is_lo, narrowed) {
            (true, true) => "smaller values old producers send are now rejected",
            (false, true) => "larger values old producers send are now rejected",
            (true, false) => "smaller values new producers send are rejected by old consumers",
            (false, false) => "larger values new producers send are rejected by old consumers",
        };
        let spec = Spec::new(
            rule,
            pv(bw),
            pv(fw),
            format!(
                "{kw} of {subj} {verb} from {} to {}: {effect}",
                show(ba),
                show(bb)
            ),
        )
        .at(ba.map(|x| x.2), bb.map(|x| x.2))
        .vals(cmp.raw(0, ba.map(|x| x.2)), cmp.raw(1, bb.map(|x| x.2)));
        let cands = move |c: &mut Cmp<'_>, side: usize, r: &NRef, own: B, other: B| -> Vec<Value> {
            let mut xs = near(other, is_lo, ints);
            if let Some((v, false, _)) = own {
                xs.push(v);
            }
            let mut m = r.clone();
            m.mask &= mask;
            xs.into_iter()
                .filter_map(|x| c.sample(side, &m, &Tweak::Num(x)))
                .collect()
        };
        cmp.report(
            cx,
            spec,
            acc,
            |c| cands(c, 0, &a, ba, bb),
            |c| cands(c, 1, &b, bb, ba),
        );
    }
    // multipleOf
    let ma: Vec<&(Decimal, f64, u32)> = cx.na.num.mults.iter().collect();
    let mb: Vec<&(Decimal, f64, u32)> = cx.nb.num.mults.iter().collect();
    let one = Decimal::parse("1");
    let implied = |src: &[&(Decimal, f64, u32)], m: &Decimal| {
        src.iter()
            .any(|(x, _, _)| x.is_multiple_of(m) == Some(true))
            || (ints
                && one
                    .as_ref()
                    .is_some_and(|o| o.is_multiple_of(m) == Some(true)))
    };
    let bw = mb.iter().all(|(m, _, _)| implied(&ma, m)) || cx.a_vals_ok;
    let fw = ma.iter().all(|(m, _, _)| implied(&mb, m)) || cx.b_vals_ok;
    let same = ma.len() == mb.len() && ma.iter().zip(&mb).all(|(x, y)| x.0 == y.0);
    if same {
        return;
    }
    let rule = match (ma.is_empty(), mb.is_empty()) {
        (true, _) => "multiple-of-added",
        (_, true) => "multiple-of-removed",
        _ => "multiple-of-changed",
    };
    let at_a = ma.first().map(|x| x.2);
    let at_b = mb.first().map(|x| x.2);
    let spec = Spec::new(
        rule,
        pv(bw),
        pv(fw),
        format!(
            "multipleOf of {subj} changed from {} to {}",
            ma.first().map_or("none".to_string(), |x| x.0.to_string()),
            mb.first().map_or("none".to_string(), |x| x.0.to_string())
        ),
    )
    .at(at_a, at_b)
    .vals(cmp.raw(0, at_a), cmp.raw(1, at_b));
    let frac = cx.common & FRAC != 0;
    let pool = move |c: &mut Cmp<'_>, side: usize, r: &NRef, own: &[f64]| -> Vec<Value> {
        let mut xs: Vec<f64> = own.to_vec();
        xs.extend([1.0, 2.0, 3.0, 5.0, 7.0]);
        if frac {
            xs.extend([0.5, 1.5]);
        }
        let mut m = r.clone();
        m.mask &= mask;
        xs.into_iter()
            .filter_map(|x| c.sample(side, &m, &Tweak::Num(x)))
            .collect()
    };
    let own_a: Vec<f64> = ma.iter().map(|x| x.1).collect();
    let own_b: Vec<f64> = mb.iter().map(|x| x.1).collect();
    cmp.report(
        cx,
        spec,
        acc,
        |c| pool(c, 0, &a, &own_a),
        |c| pool(c, 1, &b, &own_b),
    );
}

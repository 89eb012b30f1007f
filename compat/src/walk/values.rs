//! `enum` and `const`.

use serde_json::Value;

use super::{subject, Acc, Cmp, Cx, Spec, C, U};
use crate::eval::{eval, json_eq};
use crate::verdict::Verdict;

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// Compares the fixed value sets of both sides.
pub fn compare(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc) {
    let subj = subject(&cx.loc.path);
    let (a, b) = (cx.a.clone(), cx.b.clone());
    match (&cx.na.values, &cx.nb.values) {
        (None, None) => {}
        (Some((_, at)), None) => {
            let fw = if cx.b_vals_ok { C } else { U };
            let spec = Spec::new(
                "enum-removed",
                if cx.a_vals_ok { C } else { U },
                fw,
                format!("{subj} is no longer limited to a fixed list of values: new producers may send values old consumers reject"),
            )
            .at(Some(*at), None)
            .vals(cmp.raw(0, Some(*at)), None);
            cmp.report(
                cx,
                spec,
                acc,
                |c| fixed_escaping(c, 0, &a, &b),
                |c| c.escaping(1, &b, &a),
            );
        }
        (None, Some((_, at))) => {
            let spec = Spec::new(
                "enum-added",
                if cx.a_vals_ok { C } else { U },
                if cx.b_vals_ok { C } else { U },
                format!("{subj} is now limited to a fixed list of values: other values old producers send are rejected"),
            )
            .at(None, Some(*at))
            .vals(None, cmp.raw(1, Some(*at)));
            cmp.report(
                cx,
                spec,
                acc,
                |c| c.escaping(0, &a, &b),
                |c| fixed_escaping(c, 1, &b, &a),
            );
        }
        (Some((va, at_a)), Some((vb, at_b))) => {
            let (at_a, at_b) = (Some(*at_a), Some(*at_b));
            let mask_a = cx.a.mask & cx.na.types;
            let mask_b = cx.b.mask & cx.nb.types;
            let live = |vals: &Vec<Value>, mask: u8| -> Vec<Value> {
                vals.iter()
                    .filter(|v| crate::schema::types::of_value(v) & mask != 0)
                    .cloned()
                    .collect()
            };
            let (va, vb) = (live(va, mask_a), live(vb, mask_b));
            let removed: Vec<Value> = va
                .iter()
                .filter(|v| !vb.iter().any(|w| json_eq(v, w)))
                .cloned()
                .collect();
            let added: Vec<Value> = vb
                .iter()
                .filter(|v| !va.iter().any(|w| json_eq(v, w)))
                .cloned()
                .collect();
            if removed.is_empty() && added.is_empty() {
                return;
            }
            if va.len() == 1 && vb.len() == 1 {
                let bw = value_verdict(cmp, 0, &a, 1, &b, &va[0]);
                let fw = value_verdict(cmp, 1, &b, 0, &a, &vb[0]);
                let spec = Spec::new(
                    "const-changed",
                    bw,
                    fw,
                    format!(
                        "the only value of {subj} changed from {} to {}",
                        short(&va[0]),
                        short(&vb[0])
                    ),
                )
                .at(at_a, at_b)
                .vals(Some(va[0].clone()), Some(vb[0].clone()));
                let (x, y) = (va[0].clone(), vb[0].clone());
                cmp.report(cx, spec, acc, |_| vec![x], |_| vec![y]);
                return;
            }
            for v in removed {
                let bw = value_verdict(cmp, 0, &a, 1, &b, &v);
                let spec = Spec::new(
                    "enum-value-removed",
                    bw,
                    C,
                    format!(
                        "value {} of {subj} was removed: old producers sending it are now rejected",
                        short(&v)
                    ),
                )
                .at(at_a, at_b)
                .vals(Some(v.clone()), None);
                let x = v.clone();
                cmp.report(cx, spec, acc, |_| vec![x], |_| vec![]);
            }
            for v in added {
                let fw = value_verdict(cmp, 1, &b, 0, &a, &v);
                let spec = Spec::new(
                    "enum-value-added",
                    C,
                    fw,
                    format!(
                        "value {} of {subj} was added: old consumers reject it",
                        short(&v)
                    ),
                )
                .at(at_a, at_b)
                .vals(None, Some(v.clone()));
                let x = v.clone();
                cmp.report(cx, spec, acc, |_| vec![], |_| vec![x]);
            }
        }
    }
}

/// Whether value `v` of side `s` (when valid there) is valid on side `t`.
fn value_verdict(
    cmp: &mut Cmp<'_>,
    s: usize,
    sr: &super::NRef,
    t: usize,
    tr: &super::NRef,
    v: &Value,
) -> Verdict {
    if eval(&mut cmp.docs[s], &sr.key, sr.mask, v) == Verdict::Incompatible {
        return C;
    }
    match eval(&mut cmp.docs[t], &tr.key, tr.mask, v) {
        Verdict::Compatible => C,
        _ => U,
    }
}

/// Fixed values of side `s` that side `t` does not accept for sure.
fn fixed_escaping(cmp: &mut Cmp<'_>, s: usize, sr: &super::NRef, tr: &super::NRef) -> Vec<Value> {
    let node = cmp.node(s, sr);
    let Some((vals, _)) = &node.values else {
        return vec![];
    };
    let t = 1 - s;
    vals.iter()
        .filter(|v| eval(&mut cmp.docs[t], &tr.key, tr.mask, v) != Verdict::Compatible)
        .cloned()
        .collect()
}

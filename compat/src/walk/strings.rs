//! String lengths, `pattern`, `format` and weft's decimal-string bounds.

use serde_json::Value;

use super::{pv, subject, upper_within, Acc, Cmp, Cx, NRef, Spec};
use crate::decimal::Decimal;
use crate::formats;
use crate::schema::node::DecBound;
use crate::schema::types::STR;
use crate::witness::sample::Tweak;

fn str_ref(r: &NRef) -> NRef {
    let mut m = r.clone();
    m.mask &= STR;
    m
}

/// Strings of the given lengths sampled from a side.
fn lengths(c: &mut Cmp<'_>, side: usize, r: &NRef, ls: &[u64]) -> Vec<Value> {
    let r = str_ref(r);
    ls.iter()
        .filter_map(|l| c.sample(side, &r, &Tweak::StrLen(*l)))
        .collect()
}

/// Varied strings of a side that another pattern or format may reject.
fn strings(c: &mut Cmp<'_>, side: usize, r: &NRef, extra: &[&str]) -> Vec<Value> {
    let r = str_ref(r);
    let mut out = c.variety(side, &r);
    for s in extra.iter().copied().chain([
        "",
        "x",
        "0",
        "a b",
        "-1.5",
        "2024-01-31",
        "a@example.com",
        "~",
    ]) {
        let v = Value::from(s);
        if crate::eval::eval(&mut c.docs[side], &r.key, r.mask, &v)
            != crate::verdict::Verdict::Incompatible
        {
            out.push(v);
        }
    }
    out
}

/// Compares the string keywords of both sides.
pub fn compare(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc) {
    let subj = subject(&cx.loc.path);
    let (a, b) = (cx.a.clone(), cx.b.clone());
    // minLength
    let (mina, minb) = (cx.na.str.min, cx.nb.str.min);
    let (la, lb) = (mina.map_or(0, |x| x.0), minb.map_or(0, |x| x.0));
    if la != lb {
        let rule = if lb > la {
            "min-length-increased"
        } else {
            "min-length-decreased"
        };
        let spec = Spec::new(
            rule,
            pv(la >= lb || cx.a_vals_ok),
            pv(lb >= la || cx.b_vals_ok),
            if lb > la {
                format!("minLength of {subj} increased from {la} to {lb}: shorter values old producers send are now rejected")
            } else {
                format!("minLength of {subj} decreased from {la} to {lb}: shorter values new producers send are rejected by old consumers")
            },
        )
        .at(mina.map(|x| x.1), minb.map(|x| x.1))
        .vals(mina.map(|x| x.0.into()), minb.map(|x| x.0.into()));
        cmp.report(
            cx,
            spec,
            acc,
            |c| lengths(c, 0, &a, &[la, lb.saturating_sub(1)]),
            |c| lengths(c, 1, &b, &[lb, la.saturating_sub(1)]),
        );
    }
    // maxLength
    let (maxa, maxb) = (cx.na.str.max, cx.nb.str.max);
    if maxa.map(|x| x.0) != maxb.map(|x| x.0) {
        let le = |x: Option<(u64, u32)>, y: Option<(u64, u32)>| {
            upper_within(x.map(|v| v.0), y.map(|v| v.0))
        };
        let narrowed = le(maxb, maxa);
        let rule = if narrowed {
            "max-length-decreased"
        } else {
            "max-length-increased"
        };
        let show = |x: Option<(u64, u32)>| x.map_or("unbounded".to_string(), |v| v.0.to_string());
        let spec = Spec::new(
            rule,
            pv(le(maxa, maxb) || cx.a_vals_ok),
            pv(le(maxb, maxa) || cx.b_vals_ok),
            if narrowed {
                format!("maxLength of {subj} decreased from {} to {}: longer values old producers send are now rejected", show(maxa), show(maxb))
            } else {
                format!("maxLength of {subj} increased from {} to {}: longer values new producers send are rejected by old consumers", show(maxa), show(maxb))
            },
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
        cmp.report(
            cx,
            spec,
            acc,
            |c| lengths(c, 0, &a, &over(maxa, maxb)),
            |c| lengths(c, 1, &b, &over(maxb, maxa)),
        );
    }
    // pattern
    let pa: Vec<(String, u32)> = cx.na.str.patterns.clone();
    let pb: Vec<(String, u32)> = cx.nb.str.patterns.clone();
    let in_list = |l: &[(String, u32)], p: &str| l.iter().any(|(q, _)| q == p);
    let added: Vec<&(String, u32)> = pb.iter().filter(|(p, _)| !in_list(&pa, p)).collect();
    let removed: Vec<&(String, u32)> = pa.iter().filter(|(p, _)| !in_list(&pb, p)).collect();
    if added.len() == 1 && removed.len() == 1 {
        let (old, new) = (removed[0], added[0]);
        let spec = Spec::new(
            "pattern-changed",
            pv(cx.a_vals_ok),
            pv(cx.b_vals_ok),
            format!("pattern of {subj} changed from `{}` to `{}`: values matching only one of them are rejected by the other side", old.0, new.0),
        )
        .at(Some(old.1), Some(new.1))
        .vals(Some(old.0.clone().into()), Some(new.0.clone().into()));
        let (po, pn) = (old.0.clone(), new.0.clone());
        cmp.report(
            cx,
            spec,
            acc,
            |c| pattern_cands(c, 0, &a, &po),
            |c| pattern_cands(c, 1, &b, &pn),
        );
    } else {
        for (p, at) in added {
            let spec = Spec::new(
                "pattern-added",
                pv(cx.a_vals_ok),
                pv(true),
                format!("{subj} must now match pattern `{p}`: other values old producers send are rejected"),
            )
            .at(None, Some(*at))
            .vals(None, Some(p.clone().into()));
            cmp.report(cx, spec, acc, |c| strings(c, 0, &a, &[]), |_| vec![]);
        }
        for (p, at) in removed {
            let spec = Spec::new(
                "pattern-removed",
                pv(true),
                pv(cx.b_vals_ok),
                format!("{subj} no longer has to match pattern `{p}`: new producers may send values old consumers reject"),
            )
            .at(Some(*at), None)
            .vals(Some(p.clone().into()), None);
            cmp.report(cx, spec, acc, |_| vec![], |c| strings(c, 1, &b, &[]));
        }
    }
    // format
    let fa: Vec<(String, u32)> = cx.na.str.formats.clone();
    let fb: Vec<(String, u32)> = cx.nb.str.formats.clone();
    let implied = |src: &[(String, u32)], f: &str| src.iter().any(|(g, _)| formats::implies(g, f));
    let bw = fb.iter().all(|(f, _)| implied(&fa, f)) || cx.a_vals_ok;
    let fw = fa.iter().all(|(f, _)| implied(&fb, f)) || cx.b_vals_ok;
    let same = fa.len() == fb.len() && fa.iter().zip(&fb).all(|(x, y)| x.0 == y.0);
    if !same {
        let (rule, message) = match (fa.first(), fb.first()) {
            (None, Some((f, _))) => ("format-added", format!("{subj} must now be a valid `{f}`: other strings old producers send are rejected")),
            (Some((f, _)), None) => ("format-removed", format!("{subj} no longer has to be a valid `{f}`: new producers may send strings old consumers reject")),
            (Some((f, _)), Some((g, _))) => ("format-changed", format!("format of {subj} changed from `{f}` to `{g}`")),
            (None, None) => ("format-changed", format!("format of {subj} changed")),
        };
        let at_a = fa.first().map(|x| x.1);
        let at_b = fb.first().map(|x| x.1);
        let spec = Spec::new(rule, pv(bw), pv(fw), message)
            .at(at_a, at_b)
            .vals(cmp.raw(0, at_a), cmp.raw(1, at_b));
        let samples = |fs: &[(String, u32)]| -> Vec<&'static str> {
            fs.iter().filter_map(|(f, _)| formats::sample(f)).collect()
        };
        let (sa, sb) = (samples(&fa), samples(&fb));
        cmp.report(
            cx,
            spec,
            acc,
            |c| strings(c, 0, &a, &sa),
            |c| strings(c, 1, &b, &sb),
        );
    }
    // x-weft decimal bounds
    for is_lo in [true, false] {
        let (da, db) = if is_lo {
            (cx.na.str.dlo.clone(), cx.nb.str.dlo.clone())
        } else {
            (cx.na.str.dhi.clone(), cx.nb.str.dhi.clone())
        };
        let tight = |x: &Option<DecBound>, y: &Option<DecBound>| match (x, y) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(p), Some(q)) => {
                let ord = if is_lo { p.v > q.v } else { p.v < q.v };
                ord || (p.v == q.v && (p.excl || !q.excl))
            }
        };
        if tight(&da, &db) && tight(&db, &da) {
            continue;
        }
        let narrowed = tight(&db, &da);
        let rule = match (is_lo, narrowed) {
            (true, true) => "decimal-minimum-increased",
            (true, false) => "decimal-minimum-decreased",
            (false, true) => "decimal-maximum-decreased",
            (false, false) => "decimal-maximum-increased",
        };
        let show = |x: &Option<DecBound>| match x {
            None => "unbounded".to_string(),
            Some(d) if d.excl => format!("{} (exclusive)", d.v),
            Some(d) => d.v.to_string(),
        };
        let kw = if is_lo {
            "decimal minimum"
        } else {
            "decimal maximum"
        };
        let spec = Spec::new(
            rule,
            pv(tight(&da, &db) || cx.a_vals_ok),
            pv(tight(&db, &da) || cx.b_vals_ok),
            format!("{kw} of {subj} changed from {} to {}", show(&da), show(&db)),
        )
        .at(da.as_ref().map(|d| d.at), db.as_ref().map(|d| d.at))
        .vals(
            cmp.raw(0, da.as_ref().map(|d| d.at)),
            cmp.raw(1, db.as_ref().map(|d| d.at)),
        );
        let near = move |c: &mut Cmp<'_>,
                         side: usize,
                         r: &NRef,
                         own: &Option<DecBound>,
                         other: &Option<DecBound>| {
            let mut xs: Vec<String> = Vec::new();
            if let Some(o) = other {
                let f = o.v.to_f64();
                let step = if is_lo { -1.0 } else { 1.0 };
                if o.excl {
                    xs.push(o.v.to_string());
                }
                xs.push(dec_text(f + step));
                xs.push(dec_text(f + step / 100.0));
            }
            if let Some(o) = own {
                if !o.excl {
                    xs.push(o.v.to_string());
                }
            }
            let r = str_ref(r);
            xs.into_iter()
                .filter_map(|s| c.sample(side, &r, &Tweak::Str(s)))
                .collect::<Vec<_>>()
        };
        cmp.report(
            cx,
            spec,
            acc,
            |c| near(c, 0, &a, &da, &db),
            |c| near(c, 1, &b, &db, &da),
        );
    }
}

/// A decimal string for a float (plain notation, trimmed).
pub fn dec_text(f: f64) -> String {
    let s = format!("{f:.6}");
    Decimal::parse(&s).map_or(s, |d| d.to_string())
}

/// Strings of a side that may not match `pattern`'s counterpart.
fn pattern_cands(c: &mut Cmp<'_>, side: usize, r: &NRef, own: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for extra in [0, 1, 5] {
        if let Some(s) = crate::regexes::sample(own, extra) {
            if let Some(v) = c.sample(side, &str_ref(r), &Tweak::Str(s)) {
                out.push(v);
            }
        }
    }
    out.extend(strings(c, side, r, &[]));
    out
}

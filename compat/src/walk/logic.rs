//! `not`, `if`/`then`/`else` (and dependent schemas), and keywords the engine does not model.

use serde_json::Value;

use super::{pv, subject, Acc, Cmp, Cx, NRef, Spec, C, U};
use crate::schema::node::{Cond, CondIf};
use crate::schema::types::ALL;
use crate::verdict::Verdict;

/// Whether side `side`'s `r` and the schema `x` (same side) admit no common value (sure answers only).
fn disjoint_kinds(cmp: &mut Cmp<'_>, side: usize, r: &NRef, x: &NRef) -> bool {
    cmp.types(side, r) & cmp.types(side, x) == 0
}

/// Compares `not`s, conditionals and unmodelled keywords.
pub fn compare(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc) {
    nots(cmp, cx, acc);
    conds(cmp, cx, acc);
    opaque(cmp, cx, acc);
}

fn nots(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc) {
    let (la, lb) = (cx.na.nots.clone(), cx.nb.nots.clone());
    if la.is_empty() && lb.is_empty() {
        return;
    }
    let subj = subject(&cx.loc.path);
    let ra: Vec<NRef> = la.iter().map(|p| cmp.nref(0, &[*p], ALL, None)).collect();
    let rb: Vec<NRef> = lb.iter().map(|p| cmp.nref(1, &[*p], ALL, None)).collect();
    // Old satisfies new's `not N` when some old `not M` has N ⊆ M, or old and N share no kind.
    let mut bw = true;
    let mut fw = true;
    let mut same = la.len() == lb.len();
    let mut eq = vec![false; ra.len()];
    for (j, nb) in rb.iter().enumerate() {
        let mut ok = false;
        let mut found_eq = false;
        for (i, na) in ra.iter().enumerate() {
            let (x, y) = cmp.sub(na, nb);
            ok |= y == C;
            if x == C && y == C && !eq[i] {
                eq[i] = true;
                found_eq = true;
            }
        }
        let a_ref = NRef {
            place: None,
            ..cx.a.clone()
        };
        let nb_as_new = nb.clone();
        ok |= cmp.types(0, &a_ref) & cmp.types(1, &nb_as_new) == 0;
        bw &= ok;
        same &= found_eq;
        let _ = j;
    }
    for na in &ra {
        let mut ok = false;
        for nb in &rb {
            ok |= cmp.sub(na, nb).0 == C;
        }
        let b_ref = NRef {
            place: None,
            ..cx.b.clone()
        };
        ok |= cmp.types(1, &b_ref) & cmp.types(0, na) == 0;
        fw &= ok;
    }
    if same {
        return;
    }
    let rule = match (la.is_empty(), lb.is_empty()) {
        (true, _) => "not-added",
        (_, true) => "not-removed",
        _ => "not-changed",
    };
    let (at_a, at_b) = (la.first().copied(), lb.first().copied());
    let spec = Spec::new(
        rule,
        pv(bw || cx.a_vals_ok),
        pv(fw || cx.b_vals_ok),
        format!("the values {subj} must not match (`not`) changed"),
    )
    .at(at_a, at_b)
    .vals(cmp.raw(0, at_a), cmp.raw(1, at_b));
    let (a, b) = (cx.a.clone(), cx.b.clone());
    let (rb2, ra2) = (rb.clone(), ra.clone());
    cmp.report(
        cx,
        spec,
        acc,
        |c| {
            let mut out = Vec::new();
            for n in &rb2 {
                out.extend(c.variety(1, n));
            }
            out.extend(c.variety(0, &a));
            out
        },
        |c| {
            let mut out = Vec::new();
            for n in &ra2 {
                out.extend(c.variety(0, n));
            }
            out.extend(c.variety(1, &b));
            out
        },
    );
}

/// Whether two conditions are the same (equivalent schemas, or the same dependent property).
fn same_if(cmp: &mut Cmp<'_>, x: &Cond, y: &Cond) -> bool {
    match (&x.iff, &y.iff) {
        (CondIf::Has(p), CondIf::Has(q)) => p == q,
        (CondIf::Schema(p), CondIf::Schema(q)) => {
            let ra = cmp.nref(0, &[*p], ALL, None);
            let rb = cmp.nref(1, &[*q], ALL, None);
            cmp.sub(&ra, &rb) == (C, C)
        }
        _ => false,
    }
}

fn cond_ptrs(c: &Cond, then: bool) -> Vec<u32> {
    let mut v = Vec::new();
    if then {
        if let CondIf::Schema(i) = c.iff {
            v.push(i);
        }
        v.extend(c.then);
    } else {
        v.extend(c.els);
    }
    v
}

/// Whether all of side `side`'s `r` satisfies conditional `c` of the other side, unconditionally.
fn satisfies(cmp: &mut Cmp<'_>, side: usize, r: &NRef, c: &Cond, required: bool) -> bool {
    let other = 1 - side;
    let ok_branch = |cmp: &mut Cmp<'_>, p: Option<u32>| -> bool {
        let Some(p) = p else { return true };
        let t = cmp.nref(other, &[p], ALL, None);
        let r = NRef {
            place: None,
            ..r.clone()
        };
        let (x, y) = if side == 0 {
            cmp.sub(&r, &t)
        } else {
            cmp.sub(&t, &r)
        };
        if side == 0 {
            x == C
        } else {
            y == C
        }
    };
    let then_ok = ok_branch(cmp, c.then);
    if required && then_ok {
        return true;
    }
    if let CondIf::Schema(i) = c.iff {
        let ir = cmp.nref(other, &[i], ALL, None);
        if cmp.types(side, r) & cmp.types(other, &ir) == 0 {
            return ok_branch(cmp, c.els);
        }
    }
    then_ok && ok_branch(cmp, c.els)
}

fn conds(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc) {
    let (ca, cb) = (cx.na.conds.clone(), cx.nb.conds.clone());
    if ca.is_empty() && cb.is_empty() {
        return;
    }
    let subj = subject(&cx.loc.path);
    let mut used = vec![false; ca.len()];
    let mut unpaired_b = Vec::new();
    for y in &cb {
        let mut paired = None;
        for (i, x) in ca.iter().enumerate() {
            if !used[i] && same_if(cmp, x, y) {
                paired = Some(i);
                break;
            }
        }
        match paired {
            Some(i) => {
                used[i] = true;
                let x = &ca[i];
                for then in [true, false] {
                    let pa = cond_ptrs(x, then);
                    let pb = cond_ptrs(y, then);
                    if pa.is_empty() && pb.is_empty() {
                        continue;
                    }
                    let ra = cmp.combine(0, cx.a, &pa);
                    let rb = cmp.combine(1, cx.b, &pb);
                    let r = cmp.walk(&ra, &rb, cx.loc, cx.emit);
                    acc.add(r);
                }
            }
            None => unpaired_b.push(y.clone()),
        }
    }
    let a_ref = NRef {
        place: None,
        ..cx.a.clone()
    };
    let b_ref = NRef {
        place: None,
        ..cx.b.clone()
    };
    for y in unpaired_b {
        let req = matches!(&y.iff, CondIf::Has(k) if cx.na.obj.required.contains_key(k));
        let bw = satisfies(cmp, 0, &a_ref, &y, req) || cx.a_vals_ok;
        let spec = Spec::new(
            "conditional-added",
            pv(bw),
            C,
            format!("{subj} gained a conditional requirement (`if`/`then`/`else` or a dependent schema): old producers' values may not meet it"),
        )
        .at(None, Some(y.at))
        .vals(None, cmp.raw(1, Some(y.at)));
        let a = cx.a.clone();
        let names = cond_names(cmp, 1, &y);
        cmp.report(cx, spec, acc, |c| cond_cands(c, 0, &a, &names), |_| vec![]);
    }
    for (i, x) in ca.iter().enumerate() {
        if used[i] {
            continue;
        }
        let req = matches!(&x.iff, CondIf::Has(k) if cx.nb.obj.required.contains_key(k));
        let fw = satisfies(cmp, 1, &b_ref, x, req) || cx.b_vals_ok;
        let spec = Spec::new(
            "conditional-removed",
            C,
            pv(fw),
            format!("{subj} lost a conditional requirement (`if`/`then`/`else` or a dependent schema): new producers' values may break it"),
        )
        .at(Some(x.at), None)
        .vals(cmp.raw(0, Some(x.at)), None);
        let b = cx.b.clone();
        let names = cond_names(cmp, 0, x);
        cmp.report(cx, spec, acc, |_| vec![], |c| cond_cands(c, 1, &b, &names));
    }
}

fn opaque(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc) {
    if cx.na.opaque.is_empty() && cx.nb.opaque.is_empty() {
        return;
    }
    let raw = |cmp: &Cmp<'_>, side: usize, parts: &[u32]| -> Vec<Value> {
        parts
            .iter()
            .filter_map(|p| cmp.docs[side].value(*p).cloned())
            .collect()
    };
    if raw(cmp, 0, &cx.na.parts) == raw(cmp, 1, &cx.nb.parts) {
        return;
    }
    let name = cx
        .na
        .opaque
        .first()
        .or(cx.nb.opaque.first())
        .map_or("", |x| x.1);
    let bw = if cx.nb.opaque.is_empty() {
        Verdict::Compatible
    } else {
        U
    };
    let fw = if cx.na.opaque.is_empty() {
        Verdict::Compatible
    } else {
        U
    };
    let spec = Spec::new(
        "unsupported-keyword",
        if cx.a_vals_ok { C } else { bw },
        if cx.b_vals_ok { C } else { fw },
        format!(
            "{} uses `{name}`, which the engine does not compare",
            subject(&cx.loc.path)
        ),
    )
    .at(
        cx.na.opaque.first().map(|x| x.0),
        cx.nb.opaque.first().map(|x| x.0),
    );
    cmp.report(cx, spec, acc, |_| vec![], |_| vec![]);
    let _ = disjoint_kinds;
}

/// Property names a condition mentions (the dependent property, or `required`/`properties` of `if`).
fn cond_names(cmp: &Cmp<'_>, side: usize, c: &Cond) -> Vec<String> {
    match &c.iff {
        CondIf::Has(k) => vec![k.clone()],
        CondIf::Schema(i) => {
            let mut out = Vec::new();
            if let Some(v) = cmp.docs[side].value(*i) {
                if let Some(Value::Array(r)) = v.get("required") {
                    out.extend(r.iter().filter_map(Value::as_str).map(str::to_string));
                }
                if let Some(Value::Object(p)) = v.get("properties") {
                    out.extend(p.keys().cloned());
                }
            }
            out.sort();
            out.dedup();
            out
        }
    }
}

/// Values of a side that may trigger (or not) a condition of the other side.
fn cond_cands(c: &mut Cmp<'_>, side: usize, r: &NRef, names: &[String]) -> Vec<Value> {
    use crate::witness::sample::Tweak;
    let mut out = c.variety(side, r);
    let all: Vec<(String, Option<Value>)> = names.iter().map(|n| (n.clone(), None)).collect();
    out.extend(c.sample(
        side,
        r,
        &Tweak::Obj {
            with: all,
            omit: vec![],
        },
    ));
    for n in names {
        out.extend(c.sample(
            side,
            r,
            &Tweak::Obj {
                with: vec![(n.clone(), None)],
                omit: vec![],
            },
        ));
    }
    out
}

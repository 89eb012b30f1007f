//! `anyOf` and `oneOf`: the branches of both sides are paired up and compared.

// Pairing works on indices into several parallel tables.
#![allow(clippy::needless_range_loop)]

use super::{pv, subject, Acc, Cmp, Loc, NRef, Spec, C, U};
use crate::eval::json_eq;
use crate::schema::types;
use crate::verdict::Verdict;

/// The alternatives of one side: each branch combined with the rest of the conjunction.
struct Alts {
    combos: Vec<NRef>,
    branch_ptrs: Vec<Option<u32>>,
    one: bool,
    at: Option<u32>,
}

fn alts(cmp: &mut Cmp<'_>, side: usize, r: &NRef) -> Alts {
    let n = cmp.node(side, r);
    let Some(g) = n.groups.first().cloned() else {
        return Alts {
            combos: vec![r.clone()],
            branch_ptrs: vec![None],
            one: false,
            at: None,
        };
    };
    let mut combos = Vec::new();
    let mut ptrs = Vec::new();
    for br in &g.branches {
        let c = cmp.combine(side, r, &[*br]);
        if cmp.types(side, &c) != 0 {
            combos.push(c);
            ptrs.push(Some(*br));
        }
    }
    Alts {
        combos,
        branch_ptrs: ptrs,
        one: g.one,
        at: Some(g.at),
    }
}

fn pairwise_kind_disjoint(cmp: &mut Cmp<'_>, side: usize, cs: &[NRef]) -> bool {
    let ts: Vec<u8> = cs.iter().map(|c| cmp.types(side, c)).collect();
    for i in 0..ts.len() {
        for j in i + 1..ts.len() {
            if ts[i] & ts[j] != 0 {
                return false;
            }
        }
    }
    true
}

/// Whether two alternatives of one side can never both hold (sure answers only).
fn disjoint(cmp: &mut Cmp<'_>, side: usize, x: &NRef, y: &NRef, depth: usize) -> bool {
    let (tx, ty) = (cmp.types(side, x), cmp.types(side, y));
    let common = tx & ty;
    if common == 0 {
        return true;
    }
    let (nx, ny) = (cmp.node(side, x), cmp.node(side, y));
    if let (Some((vx, _)), Some((vy, _))) = (&nx.values, &ny.values) {
        if !vx.iter().any(|v| vy.iter().any(|w| json_eq(v, w))) {
            return true;
        }
    }
    if common == types::OBJ && depth < 3 {
        for k in nx.obj.required.keys() {
            if !ny.obj.required.contains_key(k) {
                continue;
            }
            let (px, _) = crate::eval::name_schemas(&mut cmp.docs[side], &nx, k);
            let (py, _) = crate::eval::name_schemas(&mut cmp.docs[side], &ny, k);
            let cx = cmp.nref(side, &px, types::ALL, None);
            let cy = cmp.nref(side, &py, types::ALL, None);
            if disjoint(cmp, side, &cx, &cy, depth + 1) {
                return true;
            }
        }
    }
    false
}

/// Whether a `oneOf`'s alternatives exclude each other (so it behaves like `anyOf`).
fn exclusive(cmp: &mut Cmp<'_>, side: usize, al: &Alts) -> bool {
    if !al.one {
        return true;
    }
    for i in 0..al.combos.len() {
        for j in i + 1..al.combos.len() {
            if !disjoint(cmp, side, &al.combos[i].clone(), &al.combos[j].clone(), 0) {
                return false;
            }
        }
    }
    true
}

/// Every alternative of `xs` (side `s`) fits within some alternative of `ys`, kind by kind.
fn covered(cmp: &mut Cmp<'_>, s: usize, xs: &[NRef], ys: &[NRef]) -> bool {
    for x in xs {
        let tx = cmp.types(s, x);
        for t in types::atoms(tx) {
            let xm = NRef {
                mask: x.mask & t,
                ..x.clone()
            };
            let mut ok = false;
            for y in ys {
                if cmp.types(1 - s, y) & t == 0 {
                    continue;
                }
                let ym = NRef {
                    mask: y.mask & t,
                    ..y.clone()
                };
                let r = if s == 0 {
                    cmp.sub(&xm, &ym).0
                } else {
                    cmp.sub(&ym, &xm).1
                };
                if r == C {
                    ok = true;
                    break;
                }
            }
            if !ok {
                return false;
            }
        }
    }
    true
}

/// Both sides' branches match one for one with equivalent branch schemas.
fn same_branches(cmp: &mut Cmp<'_>, aa: &Alts, ab: &Alts) -> bool {
    if aa.branch_ptrs.len() != ab.branch_ptrs.len() || aa.at.is_none() || ab.at.is_none() {
        return false;
    }
    let mut used = vec![false; ab.branch_ptrs.len()];
    for pa in aa.branch_ptrs.iter().flatten() {
        let ra = cmp.nref(0, &[*pa], types::ALL, None);
        let mut found = false;
        for (j, pb) in ab.branch_ptrs.iter().enumerate() {
            let Some(pb) = pb else { continue };
            if used[j] {
                continue;
            }
            let rb = cmp.nref(1, &[*pb], types::ALL, None);
            if cmp.sub(&ra, &rb) == (C, C) {
                used[j] = true;
                found = true;
                break;
            }
        }
        if !found {
            return false;
        }
    }
    true
}

impl Cmp<'_> {
    /// Compares a pair where at least one side has an `anyOf`/`oneOf` left to decide.
    pub(super) fn groups(
        &mut self,
        a: &NRef,
        b: &NRef,
        loc: &Loc,
        emit: bool,
    ) -> (Verdict, Verdict) {
        let aa = alts(self, 0, a);
        let ab = alts(self, 1, b);
        let same = self.same_branches_cached(&aa, &ab);
        let excl_b = same || exclusive(self, 1, &ab);
        let excl_a = same || exclusive(self, 0, &aa);
        let bw = covered(self, 0, &aa.combos, &ab.combos) && excl_b;
        let fw = covered(self, 1, &ab.combos, &aa.combos) && excl_a;
        let (bw, fw) = (pv(bw), pv(fw));
        if !emit {
            return (bw, fw);
        }
        let start = self.findings.len();
        self.explain(a, b, &aa, &ab, loc);
        if !excl_b || !excl_a {
            let spec = Spec::new(
                "one-of-changed",
                if excl_b { C } else { U },
                if excl_a { C } else { U },
                format!("the `oneOf` branches of {} may overlap, so a value matching several of them is rejected", subject(&loc.path)),
            )
            .at(aa.at, ab.at);
            self.report_whole(a, b, loc, spec, true, true);
        }
        // Whatever the pairing could not pin down is reported as a whole.
        let open_bw = self.findings[start..].iter().any(|f| f.bw != C);
        let open_fw = self.findings[start..].iter().any(|f| f.fw != C);
        if (bw != C && !open_bw) || (fw != C && !open_fw) {
            let spec = Spec::new(
                "any-of-changed",
                if open_bw { C } else { bw },
                if open_fw { C } else { fw },
                format!("the alternatives (`anyOf`/`oneOf`) of {} changed in a way the engine compares only as a whole", subject(&loc.path)),
            )
            .at(aa.at, ab.at);
            self.report_whole(a, b, loc, spec, true, true);
        }
        // The explanation may be stricter than the proof: align it with what was proven.
        for f in &mut self.findings[start..] {
            if bw == C {
                f.bw = C;
                f.cands_bw.clear();
            }
            if fw == C {
                f.fw = C;
                f.cands_fw.clear();
            }
        }
        let mut i = start;
        while i < self.findings.len() {
            if self.findings[i].bw == C && self.findings[i].fw == C {
                self.findings.remove(i);
            } else {
                i += 1;
            }
        }
        (bw, fw)
    }

    /// Reports `spec` about `a` and `b` as a whole; varied values of side
    /// `a` (`b`) are the witness candidates when `cand_a` (`cand_b`).
    fn report_whole(
        &mut self,
        a: &NRef,
        b: &NRef,
        loc: &Loc,
        spec: Spec,
        cand_a: bool,
        cand_b: bool,
    ) {
        let (na, nb) = (self.node(0, a), self.node(1, b));
        let cx = super::Cx {
            a,
            b,
            na: &na,
            nb: &nb,
            loc,
            emit: true,
            common: 0,
            a_vals_ok: false,
            b_vals_ok: false,
        };
        let mut acc = Acc(C, C);
        let (a2, b2) = (a.clone(), b.clone());
        let candidates = |c: &mut Cmp<'_>, side: usize, r: &NRef, on: bool| {
            if on {
                c.variety(side, r)
            } else {
                vec![]
            }
        };
        self.report(
            &cx,
            spec,
            &mut acc,
            |c| candidates(c, 0, &a2, cand_a),
            |c| candidates(c, 1, &b2, cand_b),
        );
    }

    fn same_branches_cached(&mut self, aa: &Alts, ab: &Alts) -> bool {
        (aa.one || ab.one) && same_branches(self, aa, ab)
    }

    /// Pairs branches and walks each pair; unpaired branches become findings.
    fn explain(&mut self, a: &NRef, b: &NRef, aa: &Alts, ab: &Alts, loc: &Loc) {
        let (na_n, nb_n) = (aa.combos.len(), ab.combos.len());
        let mut pairs: Vec<(usize, usize, u8)> = Vec::new();
        let dis_a = pairwise_kind_disjoint(self, 0, &aa.combos);
        let dis_b = pairwise_kind_disjoint(self, 1, &ab.combos);
        let mut used_a = vec![false; na_n];
        let mut used_b = vec![false; nb_n];
        if dis_a && dis_b {
            for i in 0..na_n {
                for j in 0..nb_n {
                    let t = self.types(0, &aa.combos[i]) & self.types(1, &ab.combos[j]);
                    if t != 0 {
                        pairs.push((i, j, t));
                        used_a[i] = true;
                        used_b[j] = true;
                    }
                }
            }
        } else {
            // Same branch text first, then same kinds, then position.
            let raw = |c: &Cmp<'_>, side: usize, p: Option<u32>| {
                p.and_then(|p| c.docs[side].value(p)).cloned()
            };
            for i in 0..na_n {
                let ri = raw(self, 0, aa.branch_ptrs[i]);
                for j in 0..nb_n {
                    if !used_b[j] && ri.is_some() && ri == raw(self, 1, ab.branch_ptrs[j]) {
                        pairs.push((i, j, types::ALL));
                        used_a[i] = true;
                        used_b[j] = true;
                        break;
                    }
                }
            }
            for i in 0..na_n {
                if used_a[i] {
                    continue;
                }
                let ti = self.types(0, &aa.combos[i]);
                let cands: Vec<usize> = (0..nb_n)
                    .filter(|j| !used_b[*j] && self.types(1, &ab.combos[*j]) == ti)
                    .collect();
                let same_kind_a = (0..na_n)
                    .filter(|k| !used_a[*k] && self.types(0, &aa.combos[*k]) == ti)
                    .count();
                if cands.len() == 1 && same_kind_a == 1 {
                    pairs.push((i, cands[0], types::ALL));
                    used_a[i] = true;
                    used_b[cands[0]] = true;
                }
            }
            let rest_a: Vec<usize> = (0..na_n).filter(|i| !used_a[*i]).collect();
            let rest_b: Vec<usize> = (0..nb_n).filter(|j| !used_b[*j]).collect();
            if rest_a.len() == rest_b.len() {
                for (i, j) in rest_a.into_iter().zip(rest_b) {
                    pairs.push((i, j, types::ALL));
                    used_a[i] = true;
                    used_b[j] = true;
                }
            }
        }
        for (i, j, t) in pairs {
            let x = NRef {
                mask: aa.combos[i].mask & t,
                ..aa.combos[i].clone()
            };
            let y = NRef {
                mask: ab.combos[j].mask & t,
                ..ab.combos[j].clone()
            };
            self.walk(&x, &y, loc, true);
        }
        let subj = subject(&loc.path);
        for i in (0..na_n).filter(|i| !used_a[*i]) {
            let x = aa.combos[i].clone();
            let (bw, _) = self.walk(&x, b, loc, false);
            let rule = if aa.one {
                "one-of-branch-removed"
            } else {
                "any-of-branch-removed"
            };
            let spec = Spec::new(
                rule,
                bw,
                C,
                format!(
                    "a `{}` branch of {subj} was removed: values only it accepted are now rejected",
                    if aa.one { "oneOf" } else { "anyOf" }
                ),
            )
            .at(aa.branch_ptrs[i], ab.at)
            .vals(
                aa.branch_ptrs[i]
                    .and_then(|p| self.docs[0].value(p))
                    .cloned(),
                None,
            );
            self.report_whole(&x, b, loc, spec, true, false);
        }
        for j in (0..nb_n).filter(|j| !used_b[*j]) {
            let y = ab.combos[j].clone();
            let (_, fw) = self.walk(a, &y, loc, false);
            let rule = if ab.one {
                "one-of-branch-added"
            } else {
                "any-of-branch-added"
            };
            let spec = Spec::new(rule, C, fw, format!("a `{}` branch was added to {subj}: values only it accepts are rejected by old consumers", if ab.one { "oneOf" } else { "anyOf" }))
                .at(aa.at, ab.branch_ptrs[j])
                .vals(None, ab.branch_ptrs[j].and_then(|p| self.docs[1].value(p)).cloned());
            self.report_whole(a, &y, loc, spec, false, true);
        }
    }
}

//! The comparison walk: pairs old and new subschemas by document location, and names the
//! differences with a verdict for each direction.
//!
//! A walk over a pair returns `(backward, forward)`: `Compatible` when the keyword checks
//! prove old ⊆ new (resp. new ⊆ old), `Unknown` otherwise. In emitting mode every check that is
//! not proven in both directions becomes a [`Finding`]; witnesses are searched afterwards.

mod arrays;
mod groups;
mod logic;
mod numbers;
mod objects;
mod strings;
mod typeset;
mod values;

pub use numbers::num as num_value;
pub use strings::dec_text;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde_json::Value;

use crate::schema::node::Node;
use crate::schema::types;
use crate::schema::{Doc, Key};
use crate::verdict::Verdict;
use crate::witness::sample::{self, Tweak};

const C: Verdict = Verdict::Compatible;
const U: Verdict = Verdict::Unknown;

/// A subschema conjunction in one document, restricted to some value kinds, at a place.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NRef {
    pub key: Key,
    pub mask: u8,
    /// The lenient-profile place (None under the strict profile).
    pub place: Option<u32>,
}

/// One step from a value to a part of it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    Prop(String),
    Index(usize),
    /// Any item from this index on.
    Rest(usize),
}

/// The way from the root to a location: parent nodes on both sides and the step taken.
#[derive(Debug)]
pub struct Trail {
    pub parent: Option<Rc<Trail>>,
    pub a: NRef,
    pub b: NRef,
    pub step: Step,
}

/// A location in the document.
#[derive(Clone, Debug, Default)]
pub struct Loc {
    pub path: String,
    pub trail: Option<Rc<Trail>>,
}

impl Loc {
    /// The location one step further.
    pub fn child(&self, a: &NRef, b: &NRef, step: Step) -> Loc {
        let seg = match &step {
            Step::Prop(n) => crate::schema::doc_escape(n),
            Step::Index(i) => i.to_string(),
            Step::Rest(_) => "*".to_string(),
        };
        self.child_as(a, b, step, &seg)
    }

    /// The location one step further, shown as path segment `seg`.
    pub fn child_as(&self, a: &NRef, b: &NRef, step: Step, seg: &str) -> Loc {
        Loc {
            path: format!("{}/{}", self.path, seg),
            trail: Some(Rc::new(Trail {
                parent: self.trail.clone(),
                a: a.clone(),
                b: b.clone(),
                step,
            })),
        }
    }
}

/// A named difference found by the walk, before witnesses are searched.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    pub path: String,
    pub old_at: Option<u32>,
    pub new_at: Option<u32>,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub bw: Verdict,
    pub fw: Verdict,
    pub message: String,
    /// Where candidate values embed.
    pub loc: Loc,
    pub cands_bw: Vec<Value>,
    pub cands_fw: Vec<Value>,
}

/// The comparison of two documents.
pub struct Cmp<'a> {
    pub docs: [Doc<'a>; 2],
    pub lenient: bool,
    memo: HashMap<(NRef, NRef), (Verdict, Verdict)>,
    stack: HashSet<(NRef, NRef)>,
    pub findings: Vec<Finding>,
    budget: usize,
}

/// The pair being compared and what is known about it.
pub struct Cx<'c> {
    pub a: &'c NRef,
    pub b: &'c NRef,
    pub na: &'c Node,
    pub nb: &'c Node,
    pub loc: &'c Loc,
    pub emit: bool,
    /// Kinds both sides admit: the keyword checks only concern these.
    pub common: u8,
    /// Every value of the old side's `enum` is valid under the new side.
    pub a_vals_ok: bool,
    pub b_vals_ok: bool,
}

/// What a check found, to be reported.
pub struct Spec {
    pub rule: &'static str,
    pub path: Option<String>,
    pub old_at: Option<u32>,
    pub new_at: Option<u32>,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub bw: Verdict,
    pub fw: Verdict,
    pub message: String,
    /// Reported even when compatible both ways (a tolerated addition or
    /// removal is still a change a version must announce).
    pub always: bool,
}

impl Spec {
    /// A finding of `rule` with the given verdicts.
    pub fn new(rule: &'static str, bw: Verdict, fw: Verdict, message: String) -> Spec {
        Spec {
            rule,
            path: None,
            old_at: None,
            new_at: None,
            old: None,
            new: None,
            bw,
            fw,
            message,
            always: false,
        }
    }

    /// Reports the change even when it is compatible both ways.
    pub fn always(mut self) -> Spec {
        self.always = true;
        self
    }
    /// Sets the pointers (ids in the old and new documents).
    pub fn at(mut self, old_at: Option<u32>, new_at: Option<u32>) -> Spec {
        self.old_at = old_at;
        self.new_at = new_at;
        self
    }
    /// Sets the old and new values shown.
    pub fn vals(mut self, old: Option<Value>, new: Option<Value>) -> Spec {
        self.old = old;
        self.new = new;
        self
    }
    /// Sets a path other than the pair's.
    pub fn path(mut self, p: String) -> Spec {
        self.path = Some(p);
        self
    }
}

/// Accumulated verdicts.
#[derive(Clone, Copy)]
pub struct Acc(pub Verdict, pub Verdict);

impl Acc {
    pub fn add(&mut self, v: (Verdict, Verdict)) {
        self.0 = self.0.and(v.0);
        self.1 = self.1.and(v.1);
    }
}

/// A readable name for the value at a path.
pub fn subject(path: &str) -> String {
    if path.is_empty() {
        return "the document".to_string();
    }
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    let last = segs.last().copied().unwrap_or("");
    let unesc = |s: &str| s.replace("~1", "/").replace("~0", "~");
    if last == "*" || last.parse::<usize>().is_ok() {
        let parent = segs
            .iter()
            .rev()
            .skip(1)
            .find(|s| **s != "*" && s.parse::<usize>().is_err());
        match parent {
            Some(p) => format!("items of `{}`", unesc(p)),
            None => "the document's items".to_string(),
        }
    } else {
        format!("`{}`", unesc(last))
    }
}

impl<'a> Cmp<'a> {
    /// A comparison of two documents (old first).
    pub fn new(old: Doc<'a>, new: Doc<'a>, lenient: bool) -> Cmp<'a> {
        Cmp {
            docs: [old, new],
            lenient,
            memo: HashMap::new(),
            stack: HashSet::new(),
            findings: Vec::new(),
            budget: 20_000,
        }
    }

    /// The root pair.
    pub fn roots(&mut self) -> (NRef, NRef) {
        let mut out = Vec::new();
        for d in &mut self.docs {
            let r = d.id("");
            let key = d.closure(&[r]);
            let place = if self.lenient {
                Some(d.root_place())
            } else {
                None
            };
            out.push(NRef {
                key,
                mask: types::ALL,
                place,
            });
        }
        let b = out.pop().unwrap_or_else(|| NRef {
            key: Rc::from(vec![]),
            mask: 0,
            place: None,
        });
        let a = out.pop().unwrap_or_else(|| NRef {
            key: Rc::from(vec![]),
            mask: 0,
            place: None,
        });
        (a, b)
    }

    /// A reference to the conjunction of `ptrs` in document `side`.
    pub fn nref(&mut self, side: usize, ptrs: &[u32], mask: u8, place: Option<u32>) -> NRef {
        let key = self.docs[side].closure(ptrs);
        NRef { key, mask, place }
    }

    /// `r` combined with more subschemas of the same document.
    pub fn combine(&mut self, side: usize, r: &NRef, more: &[u32]) -> NRef {
        let key = self.docs[side].combine(&r.key, more);
        NRef {
            key,
            mask: r.mask,
            place: r.place,
        }
    }

    /// The node of a reference.
    pub fn node(&mut self, side: usize, r: &NRef) -> Rc<Node> {
        self.docs[side].node(&r.key)
    }

    /// The kinds a reference admits.
    pub fn types(&mut self, side: usize, r: &NRef) -> u8 {
        self.node(side, r).types & r.mask
    }

    /// Proves (or not) old ⊆ new and new ⊆ old without reporting.
    pub fn sub(&mut self, a: &NRef, b: &NRef) -> (Verdict, Verdict) {
        self.walk(a, b, &Loc::default(), false)
    }

    /// Compares a pair; reports findings when `emit`.
    pub fn walk(&mut self, a: &NRef, b: &NRef, loc: &Loc, emit: bool) -> (Verdict, Verdict) {
        let pair = (a.clone(), b.clone());
        if self.stack.contains(&pair) {
            return (C, C);
        }
        let emit = emit && self.budget > 0;
        if emit {
            self.budget -= 1;
        } else if let Some(v) = self.memo.get(&pair) {
            return *v;
        }
        self.stack.insert(pair.clone());
        let r = self.walk_inner(a, b, loc, emit);
        self.stack.remove(&pair);
        if !emit {
            self.memo.insert(pair, r);
        }
        r
    }

    fn walk_inner(&mut self, a: &NRef, b: &NRef, loc: &Loc, emit: bool) -> (Verdict, Verdict) {
        let na = self.node(0, a);
        let nb = self.node(1, b);
        let ta = na.types & a.mask;
        let tb = nb.types & b.mask;
        let mut acc = Acc(C, C);
        if ta == 0 && tb == 0 {
            return (C, C);
        }
        let has_groups = |n: &Node, t: u8| !n.groups.is_empty() && t != 0;
        if ta != 0 && tb != 0 && (has_groups(&na, ta) || has_groups(&nb, tb)) {
            return self.groups(a, b, loc, emit);
        }
        let a_vals_ok = self.vals_ok(0, a, &na, b);
        let b_vals_ok = self.vals_ok(1, b, &nb, a);
        let cx = Cx {
            a,
            b,
            na: &na,
            nb: &nb,
            loc,
            emit,
            common: ta & tb,
            a_vals_ok,
            b_vals_ok,
        };
        if typeset::compare(self, &cx, &mut acc) {
            return (acc.0, acc.1);
        }
        values::compare(self, &cx, &mut acc);
        if cx.common & types::NUM != 0 {
            numbers::compare(self, &cx, &mut acc);
        }
        if cx.common & types::STR != 0 {
            strings::compare(self, &cx, &mut acc);
        }
        if cx.common & types::ARR != 0 {
            arrays::compare(self, &cx, &mut acc);
        }
        if cx.common & types::OBJ != 0 {
            objects::compare(self, &cx, &mut acc);
        }
        logic::compare(self, &cx, &mut acc);
        (acc.0, acc.1)
    }

    /// Whether the `enum` of `r` (side `side`) is entirely valid on the other side.
    fn vals_ok(&mut self, side: usize, r: &NRef, n: &Node, other: &NRef) -> bool {
        let Some((vals, _)) = &n.values else {
            return false;
        };
        for v in vals {
            if types::of_value(v) & r.mask == 0 {
                continue;
            }
            if crate::eval::eval(&mut self.docs[side], &r.key, r.mask, v) == Verdict::Incompatible {
                continue;
            }
            if crate::eval::eval(&mut self.docs[1 - side], &other.key, other.mask, v) != C {
                return false;
            }
        }
        true
    }

    /// Reports a finding (emitting mode) and folds its verdicts in.
    pub fn report(
        &mut self,
        cx: &Cx<'_>,
        spec: Spec,
        acc: &mut Acc,
        cands_bw: impl FnOnce(&mut Cmp<'a>) -> Vec<Value>,
        cands_fw: impl FnOnce(&mut Cmp<'a>) -> Vec<Value>,
    ) {
        acc.add((spec.bw, spec.fw));
        if !cx.emit || (spec.bw == C && spec.fw == C && !spec.always) {
            return;
        }
        let cbw = if spec.bw == C { vec![] } else { cands_bw(self) };
        let cfw = if spec.fw == C { vec![] } else { cands_fw(self) };
        self.findings.push(Finding {
            rule: spec.rule,
            path: spec.path.unwrap_or_else(|| cx.loc.path.clone()),
            old_at: spec.old_at,
            new_at: spec.new_at,
            old: spec.old,
            new: spec.new,
            bw: spec.bw,
            fw: spec.fw,
            message: spec.message,
            loc: cx.loc.clone(),
            cands_bw: cbw,
            cands_fw: cfw,
        });
    }

    /// The raw value at a pointer id of a document.
    pub fn raw(&self, side: usize, at: Option<u32>) -> Option<Value> {
        at.and_then(|id| self.docs[side].value(id)).cloned()
    }

    /// A sample of `r` with a tweak (None when the engine cannot build one).
    pub fn sample(&mut self, side: usize, r: &NRef, t: &Tweak) -> Option<Value> {
        sample::sample(&mut self.docs[side], r, t, 0)
    }

    /// A few varied values of `r` (each valid under it, or at least not shown invalid).
    pub fn variety(&mut self, side: usize, r: &NRef) -> Vec<Value> {
        sample::variety(&mut self.docs[side], r)
    }

    /// Values of side `side` that the other side rejects (by the engine's own validator).
    pub fn escaping(&mut self, side: usize, r: &NRef, other: &NRef) -> Vec<Value> {
        let vs = self.variety(side, r);
        vs.into_iter()
            .filter(|v| {
                crate::eval::eval(&mut self.docs[1 - side], &other.key, other.mask, v)
                    != Verdict::Compatible
            })
            .collect()
    }
}

/// Whether the upper bound `x` is within the upper bound `y` (`None`: unbounded).
pub fn upper_within(x: Option<u64>, y: Option<u64>) -> bool {
    match (x, y) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(p), Some(q)) => p <= q,
    }
}

/// `Compatible` if `p`, else `Unknown`.
pub fn pv(p: bool) -> Verdict {
    if p {
        C
    } else {
        U
    }
}

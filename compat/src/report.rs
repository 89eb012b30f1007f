//! Turning findings into changes: witness search, merging duplicates, ordering.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::walk::{Cmp, Finding, Step, Trail};
use crate::witness::sample::{sample, Tweak};
use crate::witness::verify;
use crate::{Change, Verdict};

/// Identifies a change for merging: path, rule, old pointer, new pointer.
type ChangeKey = (String, &'static str, Option<String>, Option<String>);

/// Embeds a local value into a whole document of side `side`, following the trail upwards.
fn embed(
    cmp: &mut Cmp<'_>,
    side: usize,
    trail: &Option<std::rc::Rc<Trail>>,
    v: Value,
) -> Option<Value> {
    let mut cur = v;
    let mut t = trail.clone();
    while let Some(n) = t {
        let parent = if side == 0 { &n.a } else { &n.b };
        let step: Step = n.step.clone();
        cur = sample(&mut cmp.docs[side], parent, &Tweak::Child(step, cur), 0)?;
        t = n.parent.clone();
    }
    Some(cur)
}

/// Searches witnesses for the open directions and builds the final, ordered changes.
pub fn finish(cmp: &mut Cmp<'_>) -> Vec<Change> {
    let findings = std::mem::take(&mut cmp.findings);
    let mut validators: [Option<Option<jsonschema::Validator>>; 2] = [None, None];
    // Each change with its backward and forward witnesses, merged over duplicate findings.
    let mut out: BTreeMap<ChangeKey, (Change, [Option<Value>; 2])> = BTreeMap::new();
    for f in findings {
        let mut verdicts = [f.bw, f.fw];
        let mut witnesses: [Option<Value>; 2] = [None, None];
        for src in 0..2 {
            if verdicts[src] != Verdict::Unknown {
                continue;
            }
            let cands = if src == 0 { &f.cands_bw } else { &f.cands_fw };
            if let Some(w) = find_witness(cmp, &mut validators, src, &f, cands) {
                verdicts[src] = Verdict::Incompatible;
                witnesses[src] = Some(w);
            }
        }
        let old_pointer = f.old_at.map(|i| cmp.docs[0].ptr(i).to_string());
        let new_pointer = f.new_at.map(|i| cmp.docs[1].ptr(i).to_string());
        let key = (
            f.path.clone(),
            f.rule,
            old_pointer.clone(),
            new_pointer.clone(),
        );
        let change = Change {
            rule: f.rule,
            path: f.path,
            old_pointer,
            new_pointer,
            old: f.old.filter(small),
            new: f.new.filter(small),
            backward: verdicts[0],
            forward: verdicts[1],
            message: f.message,
            witness: None,
        };
        match out.get_mut(&key) {
            Some((prev, ws)) => {
                prev.backward = prev.backward.and(change.backward);
                prev.forward = prev.forward.and(change.forward);
                for (slot, w) in ws.iter_mut().zip(witnesses) {
                    if slot.is_none() {
                        *slot = w;
                    }
                }
            }
            None => {
                out.insert(key, (change, witnesses));
            }
        }
    }
    out.into_values()
        .map(|(mut c, [bw, fw])| {
            c.witness = if c.backward == Verdict::Incompatible {
                bw
            } else {
                fw
            };
            c
        })
        .collect()
}

fn small(v: &Value) -> bool {
    v.to_string().len() <= 2000
}

fn find_witness(
    cmp: &mut Cmp<'_>,
    validators: &mut [Option<Option<jsonschema::Validator>>; 2],
    src: usize,
    f: &Finding,
    cands: &[Value],
) -> Option<Value> {
    for (slot, d) in validators.iter_mut().zip(cmp.docs.iter()) {
        if slot.is_none() {
            *slot = Some(verify::validator(d.root, d.dialect));
        }
    }
    for c in cands.iter().take(24) {
        let Some(doc) = embed(cmp, src, &f.loc.trail, c.clone()) else {
            continue;
        };
        let ok_src = validators[src]
            .as_ref()
            .and_then(|v| v.as_ref())
            .is_some_and(|v| v.is_valid(&doc));
        let ok_dst = validators[1 - src]
            .as_ref()
            .and_then(|v| v.as_ref())
            .is_none_or(|v| v.is_valid(&doc));
        if !ok_src || ok_dst {
            continue;
        }
        if cmp.lenient {
            let root = cmp.docs[src].root_place();
            if !cmp.docs[src].in_domain(root, &doc) {
                continue;
            }
        }
        return Some(doc);
    }
    None
}

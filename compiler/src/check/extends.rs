//! `extends:` — a contract starts from another contract's fields and may only add to them.

use super::index::Index;
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::spec::Specs;

/// Merges the fields of extended contracts into their extensions (parents first).
pub fn apply(specs: &mut Specs, idx: &Index, diags: &mut Vec<Diagnostic>) {
    let n = specs.contracts.len();
    let mut done = vec![false; n];
    for i in 0..n {
        let mut chain = Vec::new();
        merge(specs, idx, i, &mut done, &mut chain, diags);
    }
}

fn merge(
    specs: &mut Specs,
    idx: &Index,
    i: usize,
    done: &mut [bool],
    chain: &mut Vec<usize>,
    diags: &mut Vec<Diagnostic>,
) {
    if done[i] {
        return;
    }
    let Some(parent) = specs.contracts[i]
        .extends
        .as_ref()
        .and_then(|e| idx.contract(e.get()?))
    else {
        done[i] = true;
        return;
    };
    if chain.contains(&i) || parent == i {
        let c = &specs.contracts[i];
        diags.push(
            Diagnostic::new(
                &rules::INVALID_CONTRACT,
                c.extends
                    .as_ref()
                    .map(|e| e.loc())
                    .unwrap_or(c.meta.name.loc),
                format!("contract `{}` extends itself through a cycle", c.display()),
            )
            .hint("an extension chain must end at a contract that extends nothing"),
        );
        done[i] = true;
        return;
    }
    chain.push(i);
    merge(specs, idx, parent, done, chain, diags);
    chain.pop();
    let parent_shape = specs.contracts[parent].shape.clone();
    let parent_name = specs.contracts[parent].display();
    let child = &mut specs.contracts[i];
    let own = std::mem::take(&mut child.shape.fields);
    let mut merged = parent_shape.fields.clone();
    for (name, field) in own {
        if let Some((_, pf)) = parent_shape.fields.iter().find(|(n, _)| *n == name) {
            diags.push(
                Diagnostic::new(&rules::INVALID_CONTRACT, field.loc, format!("`{name}` is already a field of `{parent_name}`, which this contract extends"))
                    .label("redefined")
                    .related(pf.loc, "defined here")
                    .hint("an extension may only add fields; rename this one, or change the base contract in a new version"),
            );
            continue;
        }
        merged.push((name, field));
    }
    child.shape.fields = merged;
    child.shape.additional = child.shape.additional && parent_shape.additional;
    done[i] = true;
}

//! Value kinds: `type`, and schemas that became (un)satisfiable.

use super::{pv, subject, Acc, Cmp, Cx, Spec, C, U};
use crate::schema::types;
use crate::witness::sample::Tweak;

/// Compares the admitted kinds; returns true when nothing else needs comparing.
pub fn compare(cmp: &mut Cmp<'_>, cx: &Cx<'_>, acc: &mut Acc) -> bool {
    let ta = cx.na.types & cx.a.mask;
    let tb = cx.nb.types & cx.b.mask;
    let subj = subject(&cx.loc.path);
    let old_at = cx.na.type_at.or(cx.na.parts.first().copied());
    let new_at = cx.nb.type_at.or(cx.nb.parts.first().copied());
    if tb == 0 {
        let spec = Spec::new(
            "schema-became-false",
            U,
            C,
            format!("{subj} no longer admits any value: everything old producers send there is now rejected"),
        )
        .at(old_at, cx.nb.parts.first().copied());
        let (a, _) = (cx.a.clone(), ());
        cmp.report(cx, spec, acc, |c| c.variety(0, &a), |_| vec![]);
        return true;
    }
    if ta == 0 {
        let spec = Spec::new(
            "schema-became-satisfiable",
            C,
            U,
            format!("{subj} admitted no value and now admits some: new producers' values there are rejected by old consumers"),
        )
        .at(cx.na.parts.first().copied(), new_at);
        let b = cx.b.clone();
        cmp.report(cx, spec, acc, |_| vec![], |c| c.variety(1, &b));
        return true;
    }
    if ta == tb || (cx.na.values.is_some() && cx.nb.values.is_some()) {
        return false;
    }
    let added = tb & !ta;
    let removed = ta & !tb;
    let (rule, what) = if removed == 0 {
        ("type-widened", "widened")
    } else if added == 0 {
        ("type-narrowed", "narrowed")
    } else {
        ("type-changed", "changed")
    };
    let effect = match rule {
        "type-widened" => "new producers may send kinds old consumers reject",
        "type-narrowed" => "old producers' values of the removed kinds are now rejected",
        _ => "each side may send kinds the other rejects",
    };
    let spec = Spec::new(
        rule,
        pv(removed == 0),
        pv(added == 0),
        format!(
            "type of {subj} {what} from {} to {}: {effect}",
            types::describe(ta),
            types::describe(tb)
        ),
    )
    .at(old_at, new_at)
    .vals(
        cmp.raw(0, cx.na.type_at)
            .or_else(|| Some(types::to_json(ta))),
        cmp.raw(1, cx.nb.type_at)
            .or_else(|| Some(types::to_json(tb))),
    );
    let (a, b) = (cx.a.clone(), cx.b.clone());
    cmp.report(
        cx,
        spec,
        acc,
        |c| {
            types::atoms(removed)
                .filter_map(|t| c.sample(0, &a, &Tweak::Type(t)))
                .collect()
        },
        |c| {
            types::atoms(added)
                .filter_map(|t| c.sample(1, &b, &Tweak::Type(t)))
                .collect()
        },
    );
    false
}

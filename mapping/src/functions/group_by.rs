//! `group_by`: a list split into groups sharing a key.
use super::{Example, Function, Run};

pub static FUNCTION: Function = Function {
    name: "group_by",
    signature: "group_by(list: array of T, key: T -> K) -> array of { key: K, items: array of T }",
    fails: None,
    doc: "One group per distinct key, in order of first appearance, each with its elements in order (order lines by warehouse, say).",
    examples: &[Example {
        call: "[{ w: \"DAL\", q: 1 }, { w: \"RNO\", q: 2 }, { w: \"DAL\", q: 3 }].group_by(l -> l.w).map(g -> { w: g.key, total: sum(g.items.map(l -> l.q)) })",
        result: "[{\"w\":\"DAL\",\"total\":4},{\"w\":\"RNO\",\"total\":2}]",
    }],
    run: Run::Special,
};

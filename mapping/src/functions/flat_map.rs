//! `flat_map`: a list of lists, produced per element and joined.
use super::{Example, Function, Run};

pub static FUNCTION: Function = Function {
    name: "flat_map",
    signature: "flat_map(list: array of T, f: T -> array of U) -> array of U",
    fails: None,
    doc: "Applies `f` to every element and joins the lists it returns, in order (packages to their items, say).",
    examples: &[Example { call: "[\"a:b\", \"c\"].flat_map(s -> split(s, \":\"))", result: "[\"a\",\"b\",\"c\"]" }],
    run: Run::Special,
};

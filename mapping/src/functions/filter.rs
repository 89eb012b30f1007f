//! `filter`: the elements of a list for which a condition holds.
use super::{Example, Function, Run};

pub static FUNCTION: Function = Function {
    name: "filter",
    signature: "filter(list: array of T, keep: T -> boolean) -> array of T",
    fails: None,
    doc: "Keeps the elements for which `keep` is `true`, in order (a failure inside `keep` is checked, and handled, inside the lambda).",
    examples: &[Example { call: "[1, 5, 12].filter(n -> n > 3)", result: "[5,12]" }],
    run: Run::Special,
};

//! `all`: whether a condition holds for every element.
use super::{Example, Function, Run};

pub static FUNCTION: Function = Function {
    name: "all",
    signature: "all(list: array of T, test: T -> boolean) -> boolean",
    fails: None,
    doc: "`true` when `test` is true for every element (`true` for an empty list).",
    examples: &[Example {
        call: "[1, 5].all(n -> n > 3)",
        result: "false",
    }],
    run: Run::Special,
};

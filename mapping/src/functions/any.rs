//! `any`: whether a condition holds for some element.
use super::{Example, Function, Run};

pub static FUNCTION: Function = Function {
    name: "any",
    signature: "any(list: array of T, test: T -> boolean) -> boolean",
    fails: None,
    doc: "`true` when `test` is true for at least one element (`false` for an empty list).",
    examples: &[Example {
        call: "[1, 5].any(n -> n > 3)",
        result: "true",
    }],
    run: Run::Special,
};

//! `contains`: whether a string contains another, or a list an element.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "contains",
    signature: "contains(haystack: string | array, needle: any) -> boolean",
    fails: None,
    doc: "For a string: whether `needle` (as text) occurs in it. For a list: whether an element equals `needle` as `==` does (numbers by value: `2` equals `2.00`).",
    examples: &[
        Example { call: "contains(\"WID-1001\", \"WID\")", result: "true" },
        Example { call: "contains([\"a\", \"b\"], \"c\")", result: "false" },
        Example { call: "contains([1, 2], 2.00)", result: "true" },
    ],
    run: Run::Plain(|args| {
        Ok(Value::Bool(match arg(args, 0) {
            Value::Array(items) => items.iter().any(|i| crate::eval::equal(i, arg(args, 1))),
            v => text(v).contains(&*text(arg(args, 1))),
        }))
    }),
};

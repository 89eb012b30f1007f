//! `contains`: whether a string contains another, or a list an element.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "contains",
    signature: "contains(haystack: string | array, needle: any) -> boolean",
    fails: None,
    doc: "For a string: whether `needle` (as text) occurs in it. For a list: whether an element equals `needle`.",
    examples: &[
        Example { call: "contains(\"WID-1001\", \"WID\")", result: "true" },
        Example { call: "contains([\"a\", \"b\"], \"c\")", result: "false" },
    ],
    run: Run::Plain(|args| {
        Ok(Value::Bool(match arg(args, 0) {
            Value::Array(items) => items.contains(arg(args, 1)),
            v => text(v).contains(&text(arg(args, 1))),
        }))
    }),
};

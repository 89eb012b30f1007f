//! `starts_with`: whether a string starts with a prefix.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "starts_with",
    signature: "starts_with(value: string, prefix: string) -> boolean",
    fails: None,
    doc: "Whether `value` starts with `prefix` (case-sensitive).",
    examples: &[Example {
        call: "starts_with(\"SHOP-1001\", \"SHOP-\")",
        result: "true",
    }],
    run: Run::Plain(|args| {
        Ok(Value::Bool(
            text(arg(args, 0)).starts_with(&*text(arg(args, 1))),
        ))
    }),
};

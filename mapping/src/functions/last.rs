//! `last`: the last element of a list.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "last",
    signature: "last(list: array of T) -> T or null",
    fails: None,
    doc: "The last element, or null for an empty list.",
    examples: &[Example {
        call: "last([\"a\", \"b\"])",
        result: "\"b\"",
    }],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Array(items) => Ok(items.last().cloned().unwrap_or(Value::Null)),
        v => Err(format!("`last` needs a list, found a {}", v.type_name())),
    }),
};

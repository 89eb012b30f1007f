//! `first`: the first element of a list.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "first",
    signature: "first(list: array of T) -> T or null",
    fails: None,
    doc: "The first element, or null for an empty list.",
    examples: &[
        Example {
            call: "first([\"a\", \"b\"])",
            result: "\"a\"",
        },
        Example {
            call: "first([])",
            result: "null",
        },
    ],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Array(items) => Ok(items.first().cloned().unwrap_or(Value::Null)),
        v => Err(format!("`first` needs a list, found a {}", v.type_name())),
    }),
};

//! `count`: the number of elements of a list.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "count",
    signature: "count(list: array) -> integer",
    fails: None,
    doc: "How many elements the list has.",
    examples: &[
        Example {
            call: "count([1, 2, 3])",
            result: "3",
        },
        Example {
            call: "[].count()",
            result: "0",
        },
    ],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Array(items) => Ok(Value::Int(items.len() as i64)),
        v => Err(format!("`count` needs a list, found a {}", v.type_name())),
    }),
};

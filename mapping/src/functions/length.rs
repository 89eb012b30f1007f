//! `length`: the number of characters of a string.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "length",
    signature: "length(value: string) -> integer",
    fails: None,
    doc: "The number of characters (Unicode scalar values, not bytes).",
    examples: &[Example {
        call: "length(\"Größe\")",
        result: "5",
    }],
    run: Run::Plain(|args| Ok(Value::Int(text(arg(args, 0)).chars().count() as i64))),
};

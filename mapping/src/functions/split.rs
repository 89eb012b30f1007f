//! `split`: a string cut at a separator.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "split",
    signature: "split(value: string, separator: string) -> array of string",
    fails: None,
    doc: "The pieces between occurrences of `separator` (plain text). Tags in one string, CSV-packed items.",
    examples: &[Example { call: "split(\"red, large\", \", \")", result: "[\"red\",\"large\"]" }],
    run: Run::Plain(|args| {
        let sep = text(arg(args, 1));
        Ok(Value::Array(text(arg(args, 0)).split(&*sep).map(|s| Value::Str(s.into())).collect()))
    }),
};

//! `lower`: a string in lower case.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "lower",
    signature: "lower(value: string) -> string",
    fails: None,
    doc: "Lower case, by Unicode rules.",
    examples: &[Example {
        call: "lower(\"UPS Ground\")",
        result: "\"ups ground\"",
    }],
    run: Run::Plain(|args| Ok(Value::Str(text(arg(args, 0)).to_lowercase().into()))),
};

//! `upper`: a string in upper case.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "upper",
    signature: "upper(value: string) -> string",
    fails: None,
    doc: "Upper case, by Unicode rules (`ß` becomes `SS`).",
    examples: &[Example {
        call: "upper(\"ea\")",
        result: "\"EA\"",
    }],
    run: Run::Plain(|args| Ok(Value::Str(text(arg(args, 0)).to_uppercase().into()))),
};

//! `trim`: a string without surrounding white space.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "trim",
    signature: "trim(value: string) -> string",
    fails: None,
    doc: "Removes leading and trailing white space.",
    examples: &[Example {
        call: "trim(\"  WID-1001 \")",
        result: "\"WID-1001\"",
    }],
    run: Run::Plain(|args| Ok(Value::Str(text(arg(args, 0)).trim().into()))),
};

//! `string`: any value as text.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "string",
    signature: "string(value: any) -> string",
    fails: None,
    doc: "The value's text: decimals exactly as they are, datetimes in RFC 3339, lists and objects as JSON.",
    examples: &[Example { call: "string(42)", result: "\"42\"" }, Example { call: "string(decimal(\"1.50\")?)", result: "\"1.50\"" }],
    run: Run::Plain(|args| Ok(Value::Str(text(arg(args, 0)).into()))),
};

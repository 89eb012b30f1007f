//! `ends_with`: whether a string ends with a suffix.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "ends_with",
    signature: "ends_with(value: string, suffix: string) -> boolean",
    fails: None,
    doc: "Whether `value` ends with `suffix` (case-sensitive).",
    examples: &[Example {
        call: "ends_with(\"order.csv\", \".csv\")",
        result: "true",
    }],
    run: Run::Plain(|args| {
        Ok(Value::Bool(
            text(arg(args, 0)).ends_with(&*text(arg(args, 1))),
        ))
    }),
};

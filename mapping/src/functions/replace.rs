//! `replace`: every occurrence of a text replaced.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "replace",
    signature: "replace(value: string, from: string, to: string) -> string",
    fails: None,
    doc: "Replaces every occurrence of `from` (plain text, not a pattern) with `to`.",
    examples: &[Example {
        call: "replace(\"WID 1001\", \" \", \"-\")",
        result: "\"WID-1001\"",
    }],
    run: Run::Plain(|args| {
        Ok(Value::Str(
            text(arg(args, 0))
                .replace(&*text(arg(args, 1)), &text(arg(args, 2)))
                .into(),
        ))
    }),
};

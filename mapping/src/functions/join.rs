//! `join`: the elements of a list as one string.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "join",
    signature: "join(list: array, separator: string) -> string",
    fails: None,
    doc: "The elements' text, separated by `separator`; null elements are skipped.",
    examples: &[Example {
        call: "join([\"red\", null, \"large\"], \", \")",
        result: "\"red, large\"",
    }],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Array(items) => {
            let sep = text(arg(args, 1));
            Ok(Value::Str(
                items
                    .iter()
                    .filter(|i| **i != Value::Null)
                    .map(text)
                    .collect::<Vec<_>>()
                    .join(&sep)
                    .into(),
            ))
        }
        v => Err(format!("`join` needs a list, found a {}", v.type_name())),
    }),
};

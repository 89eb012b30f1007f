//! `distinct`: a list without repeated elements.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "distinct",
    signature: "distinct(list: array of T) -> array of T",
    fails: None,
    doc: "The elements in order of first appearance, each once (equal as `==` sees it: `1` and `1.0` are one element).",
    examples: &[
        Example {
            call: "distinct([\"a\", \"b\", \"a\"])",
            result: "[\"a\",\"b\"]",
        },
        Example {
            call: "distinct([1, 1.0, 2])",
            result: "[1,2]",
        },
    ],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Array(items) => {
            let mut out: Vec<Value> = Vec::new();
            for i in items {
                if !out.iter().any(|o| crate::eval::equal(o, i)) {
                    out.push(i.clone());
                }
            }
            Ok(Value::Array(out))
        }
        v => Err(format!(
            "`distinct` needs a list, found a {}",
            v.type_name()
        )),
    }),
};

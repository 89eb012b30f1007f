//! `distinct`: a list without repeated elements.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "distinct",
    signature: "distinct(list: array of T) -> array of T",
    fails: None,
    doc: "The elements in order of first appearance, each once.",
    examples: &[Example {
        call: "distinct([\"a\", \"b\", \"a\"])",
        result: "[\"a\",\"b\"]",
    }],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Array(items) => {
            let mut out: Vec<Value> = Vec::new();
            for i in items {
                if !out.contains(i) {
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

//! `keys`: the field names of an object.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "keys",
    signature: "keys(object: object) -> array of string",
    fails: None,
    doc: "The names of the object's fields, in document order.",
    examples: &[Example {
        call: "keys({ sku: \"A\", qty: 2 })",
        result: "[\"sku\",\"qty\"]",
    }],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Object(fields) => Ok(Value::Array(
            fields.iter().map(|(k, _)| Value::Str(k.clone())).collect(),
        )),
        v => Err(format!("`keys` needs an object, found a {}", v.type_name())),
    }),
};

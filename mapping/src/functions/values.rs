//! `values`: the field values of an object.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "values",
    signature: "values(object: object) -> array",
    fails: None,
    doc: "The values of the object's fields, in document order.",
    examples: &[Example {
        call: "values({ sku: \"A\", qty: 2 })",
        result: "[\"A\",2]",
    }],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Object(fields) => Ok(Value::Array(
            fields.iter().map(|(_, v)| v.clone()).collect(),
        )),
        v => Err(format!(
            "`values` needs an object, found a {}",
            v.type_name()
        )),
    }),
};

//! `abs`: the absolute value of a number.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "abs",
    signature: "abs(value: integer | decimal | number) -> same type",
    fails: None,
    doc: "The absolute value; a decimal keeps its scale.",
    examples: &[
        Example {
            call: "abs(-3)",
            result: "3",
        },
        Example {
            call: "abs(decimal(\"-2.50\")?)",
            result: "\"2.50\"",
        },
    ],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Int(i) => i
            .checked_abs()
            .map(Value::Int)
            .ok_or_else(|| "integer overflow".to_string()),
        Value::Dec(d) => Ok(Value::Dec(d.abs())),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        v => Err(format!("`abs` needs a number, found a {}", v.type_name())),
    }),
};

//! `float`: a binary floating-point number, converted explicitly.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;
use rust_decimal::prelude::ToPrimitive;

pub static FUNCTION: Function = Function {
    name: "float",
    signature: "float(value: string | integer | decimal | number) -> number",
    fails: Some("when a string is not a number"),
    doc: "Converts to a binary float. Only for fields typed `number` (measurements, scores): money stays decimal.",
    examples: &[Example { call: "float(3)", result: "3.0" }, Example { call: "float(\"2.5\")?", result: "2.5" }],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Int(i) => Ok(Value::Float(*i as f64)),
        Value::Dec(d) => Ok(Value::Float(d.to_f64().unwrap_or(f64::NAN))),
        Value::Float(f) => Ok(Value::Float(*f)),
        v => text(v).trim().parse().map(Value::Float).map_err(|_| format!("`{}` is not a number", text(v))),
    }),
};

//! `integer`: a whole number from a string or a number.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;
use rust_decimal::prelude::ToPrimitive;

pub static FUNCTION: Function = Function {
    name: "integer",
    signature: "integer(value: string | integer | decimal | number) -> integer",
    fails: Some(
        "when the value is not a whole number (`\"12.5\"`, `\"12 units\"`) or does not fit 64 bits",
    ),
    doc: "Parses a quantity or a count. Never rounds: a fraction is a failure.",
    examples: &[
        Example {
            call: "integer(\"12\")?",
            result: "12",
        },
        Example {
            call: "integer(decimal(\"4.00\")?)?",
            result: "4",
        },
        Example {
            call: "integer(\"12.5\")?",
            result: "error: `12.5` is not a whole number",
        },
    ],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Dec(d) if d.fract().is_zero() => d
            .to_i64()
            .map(Value::Int)
            .ok_or_else(|| format!("{d} is too large")),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Value::Int(*f as i64)),
        v => text(v)
            .trim()
            .parse()
            .map(Value::Int)
            .map_err(|_| format!("`{}` is not a whole number", text(v))),
    }),
};

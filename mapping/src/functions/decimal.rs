//! `decimal`: an exact decimal from a string or a number.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use std::str::FromStr;

pub static FUNCTION: Function = Function {
    name: "decimal",
    signature: "decimal(value: string | integer | decimal | number) -> decimal",
    fails: Some("when a string is not a decimal number (`\"12,50\"`), or a float is not finite"),
    doc: "Parses money and quantities exactly. The scale is kept: `decimal(\"20.00\")` is `20.00`, not `20`. Surrounding spaces are ignored.",
    examples: &[
        Example { call: "decimal(\"19.99\")?", result: "\"19.99\"" },
        Example { call: "decimal(\"0.1\")? + decimal(\"0.2\")?", result: "\"0.3\"" },
        Example { call: "decimal(\"12,50\")?", result: "error: `12,50` is not a decimal" },
    ],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::Int(i) => Ok(Value::Dec(Decimal::from(*i))),
        Value::Dec(d) => Ok(Value::Dec(*d)),
        Value::Float(f) => Decimal::from_f64(*f).map(Value::Dec).ok_or_else(|| format!("{f} cannot be a decimal")),
        v => Decimal::from_str(text(v).trim()).map(Value::Dec).map_err(|_| format!("`{}` is not a decimal", text(v))),
    }),
};

//! `sum`: the total of a list of numbers.
use super::{arg, Example, Function, Run};
use crate::value::Value;
use rust_decimal::Decimal;

pub static FUNCTION: Function = Function {
    name: "sum",
    signature: "sum(list: array of integer | decimal) -> integer | decimal",
    fails: None,
    doc: "Adds the elements exactly; an empty list sums to 0. Null elements are skipped. (An overflow beyond 28 significant digits stops the mapping, as any arithmetic overflow does.)",
    examples: &[
        Example { call: "sum([1, 2, 3])", result: "6" },
        Example { call: "sum([decimal(\"0.10\")?, decimal(\"0.20\")?])", result: "\"0.30\"" },
    ],
    run: Run::Plain(|args| {
        let Value::Array(items) = arg(args, 0) else {
            return Err(format!("`sum` needs a list, found a {}", arg(args, 0).type_name()));
        };
        let mut int: i64 = 0;
        let mut dec: Option<Decimal> = None;
        for item in items {
            match item {
                Value::Null => {}
                Value::Int(i) => match &mut dec {
                    Some(d) => *d = d.checked_add(Decimal::from(*i)).ok_or("decimal overflow")?,
                    None => int = int.checked_add(*i).ok_or("integer overflow")?,
                },
                Value::Dec(x) => {
                    let base = dec.unwrap_or(Decimal::from(int));
                    dec = Some(base.checked_add(*x).ok_or("decimal overflow")?);
                }
                v => return Err(format!("`sum` cannot add a {}", v.type_name())),
            }
        }
        Ok(dec.map(Value::Dec).unwrap_or(Value::Int(int)))
    }),
};

//! `add_days`: a date or datetime moved by whole days.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "add_days",
    signature: "add_days(value: date | datetime, days: integer) -> same type",
    fails: None,
    doc: "Moves by `days` (negative to go back). A datetime moves by days of 24 hours and keeps its offset.",
    examples: &[
        Example { call: "add_days(parse_date(\"2024-02-28\")?, 2)", result: "\"2024-03-01\"" },
        Example { call: "add_days(parse_datetime(\"2024-05-02T09:00:00-05:00\")?, -1)", result: "\"2024-05-01T09:00:00-05:00\"" },
    ],
    run: Run::Plain(|args| {
        let Value::Int(n) = arg(args, 1) else {
            return Err("`add_days` needs a whole number of days".into());
        };
        match arg(args, 0) {
            Value::Date(d) => d.checked_add(jiff::Span::new().days(*n)).map(Value::Date).map_err(|e| e.to_string()),
            Value::DateTime(t, o) => t
                .checked_add(jiff::SignedDuration::from_hours(n.saturating_mul(24)))
                .map(|t| Value::DateTime(t, *o))
                .map_err(|e| e.to_string()),
            v => Err(format!("`add_days` needs a date or datetime, found a {}", v.type_name())),
        }
    }),
};

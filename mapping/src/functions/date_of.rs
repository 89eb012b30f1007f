//! `date_of`: the calendar date of a datetime, in its own offset.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "date_of",
    signature: "date_of(value: datetime) -> date",
    fails: None,
    doc: "The date on the wall clock of the datetime's offset (convert first with `to_timezone` for another zone's date).",
    examples: &[Example { call: "date_of(parse_datetime(\"2024-05-02T23:30:00-05:00\")?)", result: "\"2024-05-02\"" }],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::DateTime(t, o) => Ok(Value::Date(t.to_zoned(jiff::tz::TimeZone::fixed(*o)).date())),
        v => Err(format!("`date_of` needs a datetime, found a {}", v.type_name())),
    }),
};

//! `to_timezone`: the same instant, expressed in a named time zone.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "to_timezone",
    signature: "to_timezone(value: datetime, zone: string) -> datetime",
    fails: Some("when `zone` is not an IANA time zone name"),
    doc: "Keeps the instant and changes the offset to the one `zone` (an IANA name such as `America/Chicago`, or `UTC`) has at that instant, daylight saving included.",
    examples: &[
        Example { call: "to_timezone(parse_datetime(\"2024-07-01T12:00:00Z\")?, \"America/Chicago\")?", result: "\"2024-07-01T07:00:00-05:00\"" },
        Example { call: "to_timezone(parse_datetime(\"2024-01-01T12:00:00Z\")?, \"America/Chicago\")?", result: "\"2024-01-01T06:00:00-06:00\"" },
        Example { call: "to_timezone(parse_datetime(\"2024-01-01T12:00:00Z\")?, \"Mars/Olympus\")?", result: "error: `Mars/Olympus` is not a time zone" },
    ],
    run: Run::Plain(|args| match arg(args, 0) {
        Value::DateTime(t, _) => {
            let name = text(arg(args, 1));
            let tz = jiff::tz::TimeZone::get(&name).map_err(|_| format!("`{name}` is not a time zone"))?;
            Ok(Value::DateTime(*t, tz.to_offset(*t)))
        }
        v => Err(format!("`to_timezone` needs a datetime, found a {}", v.type_name())),
    }),
};

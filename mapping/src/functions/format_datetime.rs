//! `format_datetime`: a date or datetime as text in a given format.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "format_datetime",
    signature: "format_datetime(value: datetime | date, format: string) -> string",
    fails: None,
    doc: "Formats with strftime-style directives (`%Y-%m-%d`, `%d/%m/%Y %H:%M`, `%Y%m%d` for EDI). A datetime is shown in the offset it carries (see `to_timezone`).",
    examples: &[
        Example { call: "format_datetime(parse_datetime(\"2024-05-02T09:41:17-05:00\")?, \"%Y%m%d %H%M\")", result: "\"20240502 0941\"" },
        Example { call: "format_datetime(parse_date(\"2024-05-02\")?, \"%d/%m/%Y\")", result: "\"02/05/2024\"" },
    ],
    run: Run::Plain(|args| {
        let fmt = text(arg(args, 1));
        let out = match arg(args, 0) {
            Value::DateTime(t, offset) => jiff::fmt::strtime::format(&*fmt, &t.to_zoned(jiff::tz::TimeZone::fixed(*offset))),
            Value::Date(d) => jiff::fmt::strtime::format(&*fmt, *d),
            v => return Err(format!("`format_datetime` needs a date or datetime, found a {}", v.type_name())),
        };
        out.map(|s| Value::Str(s.into())).map_err(|e| format!("cannot format with `{fmt}`: {e}"))
    }),
};

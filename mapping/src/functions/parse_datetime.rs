//! `parse_datetime`: an instant from text, keeping its offset.
use super::{arg, text, Example, Function, Run};
use crate::value::{parse_rfc3339, Value};

pub static FUNCTION: Function = Function {
    name: "parse_datetime",
    signature: "parse_datetime(value: string, format?: string) -> datetime",
    fails: Some("when the text is not a date-time with an offset (or does not match the format)"),
    doc: "Without a format, expects RFC 3339 with an offset (`2024-05-02T09:41:17-05:00`, or `Z`). With one, uses strftime-style directives and needs an offset directive (`%z`). The offset is kept on output.",
    examples: &[
        Example { call: "parse_datetime(\"2024-05-02T09:41:17-05:00\")?", result: "\"2024-05-02T09:41:17-05:00\"" },
        Example { call: "parse_datetime(\"02.05.2024 16:41 +0200\", \"%d.%m.%Y %H:%M %z\")?", result: "\"2024-05-02T16:41:00+02:00\"" },
        Example { call: "parse_datetime(\"2024-05-02 09:41\")?", result: "error: `2024-05-02 09:41` is not an RFC 3339 date-time with an offset" },
    ],
    run: Run::Plain(|args| {
        let v = text(arg(args, 0));
        match args.get(1) {
            Some(fmt) => {
                let z = jiff::Zoned::strptime(&*text(fmt), &*v).map_err(|e| format!("`{v}` does not match `{}`: {e}", text(fmt)))?;
                Ok(Value::DateTime(z.timestamp(), z.offset()))
            }
            None => parse_rfc3339(&v).ok_or_else(|| format!("`{v}` is not an RFC 3339 date-time with an offset")),
        }
    }),
};

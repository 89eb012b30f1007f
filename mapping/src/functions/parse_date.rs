//! `parse_date`: a calendar date from text.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "parse_date",
    signature: "parse_date(value: string, format?: string) -> date",
    fails: Some("when the text is not a valid date in the format"),
    doc: "Without a format, expects `YYYY-MM-DD`. With one, uses strftime-style directives (`%d/%m/%Y`, `%Y%m%d` for EDI).",
    examples: &[
        Example { call: "parse_date(\"2024-05-02\")?", result: "\"2024-05-02\"" },
        Example { call: "parse_date(\"02/05/2024\", \"%d/%m/%Y\")?", result: "\"2024-05-02\"" },
        Example { call: "parse_date(\"2024-02-30\")?", result: "error: `2024-02-30` is not a date" },
    ],
    run: Run::Plain(|args| {
        let v = text(arg(args, 0));
        match args.get(1) {
            Some(fmt) => jiff::civil::Date::strptime(&*text(fmt), &*v)
                .map(Value::Date)
                .map_err(|e| format!("`{v}` does not match `{}`: {e}", text(fmt))),
            None => v.parse().map(Value::Date).map_err(|_| format!("`{v}` is not a date (YYYY-MM-DD)")),
        }
    }),
};

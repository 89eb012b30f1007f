//! `lookup`: the value of a key in a lookup table.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "lookup",
    signature: "lookup(table: lookup table, key: string | integer) -> value or null",
    fails: None,
    doc: "The entry of `key` in a `kind: table` of the workspace, named directly: `lookup(warehouse_names, source.warehouse)`. A key without an entry gives null; handle it with `?? ...` (`?? fail(\"unknown warehouse\")`). When the key is an enum, the checker requires an entry for every value.",
    examples: &[
        Example { call: "lookup({ DAL: \"Dallas\", ATL: \"Atlanta\" }, \"DAL\")", result: "\"Dallas\"" },
        Example { call: "lookup({ DAL: \"Dallas\" }, \"RNO\")", result: "null" },
    ],
    run: Run::Plain(|args| {
        Ok(match (arg(args, 0), arg(args, 1)) {
            (_, Value::Null) => Value::Null,
            (table @ Value::Object(_), key) => table.field(&text(key)).clone(),
            (v, _) => return Err(format!("`lookup` needs a lookup table, found a {}", v.type_name())),
        })
    }),
};

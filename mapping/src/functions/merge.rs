//! `merge`: two objects combined, the second winning.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "merge",
    signature: "merge(base: object, overrides: object) -> object",
    fails: None,
    doc:
        "The fields of `base`, with those of `overrides` added or replacing them (a shallow merge). Like every function, a null argument gives null: write `merge(base, source.extra ?? {})` to merge an optional object.",
    examples: &[Example {
        call: "merge({ a: 1, b: 2 }, { b: 3, c: 4 })",
        result: "{\"a\":1,\"b\":3,\"c\":4}",
    }],
    run: Run::Plain(|args| match (arg(args, 0), arg(args, 1)) {
        (Value::Object(base), Value::Object(over)) => {
            let mut out = crate::value::Fields::new(base.clone());
            for (k, v) in over {
                out.set(k, v.clone());
            }
            Ok(out.finish())
        }
        (a, b) => Err(format!(
            "`merge` needs two objects, found a {} and a {}",
            a.type_name(),
            b.type_name()
        )),
    }),
};

//! `merge`: two objects combined, the second winning.
use super::{arg, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "merge",
    signature: "merge(base: object, overrides: object) -> object",
    fails: None,
    doc:
        "The fields of `base`, with those of `overrides` added or replacing them (a shallow merge).",
    examples: &[Example {
        call: "merge({ a: 1, b: 2 }, { b: 3, c: 4 })",
        result: "{\"a\":1,\"b\":3,\"c\":4}",
    }],
    run: Run::Plain(|args| match (arg(args, 0), arg(args, 1)) {
        (Value::Object(base), Value::Object(over)) => {
            let mut out = base.clone();
            for (k, v) in over {
                match out.iter_mut().find(|(n, _)| n == k) {
                    Some(slot) => slot.1 = v.clone(),
                    None => out.push((k.clone(), v.clone())),
                }
            }
            Ok(Value::Object(out))
        }
        (b, Value::Null) => Ok(b.clone()),
        (a, b) => Err(format!(
            "`merge` needs two objects, found a {} and a {}",
            a.type_name(),
            b.type_name()
        )),
    }),
};

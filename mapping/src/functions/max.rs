//! `max`: the largest element of a list.
use super::{arg, ordered, Example, Function, Run};

pub static FUNCTION: Function = Function {
    name: "max",
    signature: "max(list: array of number | string | date | datetime) -> element or null",
    fails: None,
    doc: "The largest element; null for an empty list. Null elements are skipped.",
    examples: &[Example {
        call: "max([decimal(\"1.50\")?, decimal(\"12.00\")?])",
        result: "\"12.00\"",
    }],
    run: Run::Plain(|args| ordered(arg(args, 0), std::cmp::Ordering::Greater)),
};

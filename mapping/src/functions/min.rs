//! `min`: the smallest element of a list.
use super::{arg, ordered, Example, Function, Run};

pub static FUNCTION: Function = Function {
    name: "min",
    signature: "min(list: array of number | string | date | datetime) -> element or null",
    fails: None,
    doc: "The smallest element (numbers by value, decimals exactly, strings by code point, dates and instants in time); null for an empty list. Null elements are skipped.",
    examples: &[Example { call: "min([3, 1, 2])", result: "1" }, Example { call: "min([])", result: "null" }],
    run: Run::Plain(|args| ordered(arg(args, 0), std::cmp::Ordering::Less)),
};

//! `sort_by`: a list ordered by a key.
use super::{Example, Function, Run};

pub static FUNCTION: Function = Function {
    name: "sort_by",
    signature: "sort_by(list: array of T, key: T -> number | string | date | datetime) -> array of T",
    fails: None,
    doc: "The elements ordered by `key`, ascending; equal keys keep their order (a stable sort). Elements whose key is null come last.",
    examples: &[Example { call: "[{ n: 2 }, { n: 1 }].sort_by(x -> x.n)", result: "[{\"n\":1},{\"n\":2}]" }],
    run: Run::Special,
};

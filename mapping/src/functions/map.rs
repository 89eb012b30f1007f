//! `map`: a list with a function applied to every element.
use super::{Example, Function, Run};

pub static FUNCTION: Function = Function {
    name: "map",
    signature: "map(list: array of T, f: T -> U) -> array of U",
    fails: None,
    doc: "Applies `f` to every element, in order (a failure inside `f` is checked, and handled, inside the lambda). Lambdas may build objects: `lines.map(l -> { sku: l.sku, quantity: l.qty })`.",
    examples: &[Example { call: "[1, 2].map(n -> n * 10)", result: "[10,20]" }],
    run: Run::Special,
};

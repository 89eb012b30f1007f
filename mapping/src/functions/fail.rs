//! `fail`: stop the mapping with a reason.
use super::{Example, Function, Run};

pub static FUNCTION: Function = Function {
    name: "fail",
    signature: "fail(reason: string) -> never",
    fails: Some("always: that is its purpose"),
    doc: "Stops the mapping for this message with `reason`; the runtime sends the message to the dead-letter queue with it. Typically after `??`: `source.customer.id ?? fail(\"order has no customer\")`.",
    examples: &[Example { call: "fail(\"order has no customer\")", result: "error: order has no customer" }],
    run: Run::Special,
};

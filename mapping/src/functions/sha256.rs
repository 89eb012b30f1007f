//! `sha256`: the SHA-256 digest of a text, in hex.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;
use sha2::{Digest, Sha256};

pub static FUNCTION: Function = Function {
    name: "sha256",
    signature: "sha256(value: string) -> string",
    fails: None,
    doc: "The SHA-256 digest of the UTF-8 text, as 64 lowercase hex digits: a stable fingerprint (for idempotency keys built from several fields, say).",
    examples: &[Example {
        call: "sha256(\"abc\")",
        result: "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"",
    }],
    run: Run::Plain(|args| {
        let digest = Sha256::digest(text(arg(args, 0)).as_bytes());
        Ok(Value::Str(digest.iter().map(|b| format!("{b:02x}")).collect()))
    }),
};

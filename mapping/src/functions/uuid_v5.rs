//! `uuid_v5`: a deterministic UUID from a namespace and a name.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;

pub static FUNCTION: Function = Function {
    name: "uuid_v5",
    signature: "uuid_v5(namespace: string, name: string) -> string",
    fails: Some("when `namespace` is not a UUID (or `dns`, `url`, `oid`, `x500`)"),
    doc: "The RFC 9562 version-5 UUID of `name` in `namespace`: the same inputs always give the same UUID, so it serves as an idempotency key a target system accepts as an id. `namespace` is a UUID, or one of the standard names `dns`, `url`, `oid`, `x500`.",
    examples: &[
        Example { call: "uuid_v5(\"dns\", \"weft.dev\")?", result: "\"b2af3780-f0e5-5cdd-a51f-4f8149215ed4\"" },
        Example { call: "uuid_v5(\"not-a-uuid\", \"x\")?", result: "error: `not-a-uuid` is not a UUID" },
    ],
    run: Run::Plain(|args| {
        let ns = text(arg(args, 0));
        let namespace = match &*ns {
            "dns" => uuid::Uuid::NAMESPACE_DNS,
            "url" => uuid::Uuid::NAMESPACE_URL,
            "oid" => uuid::Uuid::NAMESPACE_OID,
            "x500" => uuid::Uuid::NAMESPACE_X500,
            other => uuid::Uuid::parse_str(other).map_err(|_| format!("`{other}` is not a UUID"))?,
        };
        Ok(Value::Str(uuid::Uuid::new_v5(&namespace, text(arg(args, 1)).as_bytes()).to_string().into()))
    }),
};

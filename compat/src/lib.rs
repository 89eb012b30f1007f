//! Compatibility of two versions of a JSON Schema, as sets of JSON documents.
//!
//! A schema denotes the set of documents it accepts. Comparing an OLD and a NEW version:
//!
//! - **backward compatible**: every document OLD accepts, NEW accepts. Producers still
//!   sending the old shape keep working. Example: making a required property optional.
//! - **forward compatible**: every document NEW accepts, OLD accepts. Consumers still
//!   expecting the old shape keep working. Example: making an optional property required.
//!
//! Each direction gets a [`Verdict`]: `Compatible` only when the engine has proven it,
//! `Incompatible` only when it has a witness (a whole document valid under one version and
//! invalid under the other, checked by a real validator), and `Unknown` when the schemas do
//! not let it decide either way (for instance a changed `pattern` or an overlapping `oneOf`).
//! The [`Change`]s name each difference with its own verdicts; the contract verdicts are the
//! worst of them (`Compatible` when there is no change at all).
//!
//! Two profiles:
//!
//! - [`Profile::Strict`]: exact set semantics. In an open object model (no
//!   `additionalProperties: false`) adding a typed optional property `b` is not backward
//!   compatible: old documents may already carry `b` with any value, e.g. `{"b": true}`.
//! - [`Profile::Lenient`]: the same semantics restricted to documents whose objects carry
//!   only property names that the *source* version declares (in `properties`) at that place:
//!   backward looks at old documents carrying names the old schema declares, forward at new
//!   documents carrying names the new schema declares. A place is a location in the
//!   document; the names declared there are the `properties` keys of every subschema that
//!   applies at it (through `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`,
//!   dependent schemas and `$ref`). So adding or removing an optional property in an open
//!   model is compatible both ways, e.g. `{"properties":{"a":{}}}` to
//!   `{"properties":{"a":{},"b":{"type":"string"}}}`.
//!
//! Formats are asserted (weft validates them); `x-weft-minimum`, `x-weft-maximum`,
//! `x-weft-exclusive-minimum` and `x-weft-exclusive-maximum` bound the decimal value of
//! strings. Other annotations (`title`, `description`, `default`, `examples`, other `x-`
//! keywords…) do not change the set. Refactorings that keep the set, such as moving a
//! subschema behind a local `$ref`, reordering `anyOf`/`enum`/`required`, or splitting a
//! schema into an `allOf` of parts, produce no change.

mod decimal;
mod dialect;
mod error;
mod eval;
mod formats;
mod regexes;
mod report;
mod rules;
mod schema;
mod verdict;
mod walk;
mod witness;

use serde_json::Value;

pub use dialect::Dialect;
pub use error::SchemaError;
pub use rules::{rule, RuleInfo, RULES};
pub use verdict::Verdict;

/// How to treat properties an object model does not declare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Exact set semantics.
    Strict,
    /// Set semantics over documents whose objects only carry names the source version declares.
    Lenient,
}

/// One named difference between the two versions.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Stable kebab-case id, one of [`RULES`].
    pub rule: &'static str,
    /// Where in a document, e.g. `/lines/*/sku` (`*` for any item or any other property).
    pub path: String,
    /// JSON pointer to the changed keyword or subschema in the old schema document.
    pub old_pointer: Option<String>,
    /// JSON pointer to the changed keyword or subschema in the new schema document.
    pub new_pointer: Option<String>,
    /// The old keyword value or subschema, when small.
    pub old: Option<Value>,
    /// The new keyword value or subschema, when small.
    pub new: Option<Value>,
    /// Whether old documents stay valid as far as this change goes.
    pub backward: Verdict,
    /// Whether new documents stay valid under the old version as far as this change goes.
    pub forward: Verdict,
    /// One plain-English sentence.
    pub message: String,
    /// A whole document proving the break, when known (backward witness first).
    pub witness: Option<Value>,
}

/// The outcome of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub backward: Verdict,
    pub forward: Verdict,
    /// Sorted by path, then rule.
    pub changes: Vec<Change>,
}

/// Compares two versions of a schema.
pub fn compare(old: &Value, new: &Value, profile: Profile) -> Result<Comparison, SchemaError> {
    let old_doc = schema::Doc::new(old, "old")?;
    let new_doc = schema::Doc::new(new, "new")?;
    let mut cmp = walk::Cmp::new(old_doc, new_doc, profile == Profile::Lenient);
    let (a, b) = cmp.roots();
    cmp.walk(&a, &b, &walk::Loc::default(), true);
    let changes = report::finish(&mut cmp);
    let mut backward = Verdict::Compatible;
    let mut forward = Verdict::Compatible;
    for c in &changes {
        backward = backward.and(c.backward);
        forward = forward.and(c.forward);
    }
    Ok(Comparison {
        backward,
        forward,
        changes,
    })
}

/// Reads one schema as [`compare`] reads each side: its dialect, its
/// meta-schema, references that resolve inside it, and no loop of
/// references or `allOf`/`anyOf` that never descends into the document.
/// `side` names the schema in the error ("the {side} schema ...").
pub fn check(schema: &Value, side: &'static str) -> Result<(), SchemaError> {
    schema::Doc::new(schema, side).map(|_| ())
}

/// A validator with weft's semantics (formats asserted, `decimal`, `x-weft-*` bounds), for a
/// schema whose dialect is detected from `$schema`.
pub fn validator(schema: &Value) -> Option<jsonschema::Validator> {
    let d = Dialect::detect(schema).ok()?;
    witness::verify::validator(schema, d)
}

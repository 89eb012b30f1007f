//! `kind: mapping` headers (name, source, target) and their bodies as text.
//!
//! Mappings come from `.weft` files (`mapping NAME: A@1 -> B@2 { ... }`) or
//! YAML documents (`kind: mapping` with a `body: |` block). The body is kept
//! as text with its exact location so the mapping language can report into it.

use crate::source::Spanned;
use crate::spec::{contract_ref, spanned_str, Meta, RefSlot};
use crate::yaml::Node;

#[derive(Clone, Debug)]
pub struct Mapping {
    pub meta: Meta,
    pub source: Option<RefSlot>,
    pub target: Option<RefSlot>,
    /// The body text and where it stands in its file.
    pub body: Option<Spanned<String>>,
}

impl Mapping {
    pub fn decode(doc: &Node, meta: Meta) -> Mapping {
        Mapping {
            source: contract_ref(doc, "source"),
            target: contract_ref(doc, "target"),
            body: spanned_str(doc, "body"),
            meta,
        }
    }
}

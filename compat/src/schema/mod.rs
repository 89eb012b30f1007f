//! Reading schema documents: pointers, references and the normalized model.

pub mod doc;
pub mod node;
pub mod places;
pub mod types;
mod walk;

pub use doc::{Doc, Key};
pub use node::Node;

/// Escapes a JSON pointer token.
pub fn doc_escape(token: &str) -> String {
    walk::escape(token)
}

//! YAML loading with exact spans, duplicate-key rejection and limits on hostile input.

mod load;
mod node;

pub use load::{load_documents, Document, Limits, YamlError, YamlErrorKind};
pub use node::{Key, Node, NodeValue};

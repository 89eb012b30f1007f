//! YAML loading with exact spans, duplicate-key rejection and limits on hostile input.

mod load;
mod node;
mod value_map;

pub use load::{load_documents, Document, Limits, YamlError, YamlErrorKind};
pub use node::{Key, Node, NodeValue};
pub use value_map::ValueMap;

//! Static type checking of mapping bodies against their contracts.

mod functions;
mod infer;
pub mod types;

pub use infer::{check_body, Checked, FieldLineage, TypeError};
pub use types::{coerce, object_ty, Ty};

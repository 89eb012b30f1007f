//! Static type checking of mapping bodies against their contracts.

mod functions;
mod infer;
pub mod types;

pub use infer::{check_body, check_function, Checked, FieldLineage, TypeError};
pub use types::{coerce, object_ty, Ty};

//! weft's compiler: loads a workspace of specs, resolves references, enforces
//! governance rules and reports diagnostics with exact source spans.

pub mod source;
pub mod yaml;
pub mod diagnostic;
pub mod load;
pub mod rules;
pub mod spec;
pub mod check;

pub use check::{check_workspace, CheckOptions, Report, Summary};
pub use diagnostic::{Diagnostic, Severity};
pub mod render;

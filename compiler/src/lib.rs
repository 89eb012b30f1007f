//! weft's compiler: loads a workspace of specs, resolves references, enforces
//! governance rules and reports diagnostics with exact source spans.

pub mod check;
pub mod diagnostic;
pub mod diff;
pub mod load;
pub mod plan;
pub mod rules;
pub mod source;
pub mod spec;
pub mod testing;
pub mod typeck;
pub mod yaml;

pub use check::{check_workspace, CheckOptions, Report, Summary};
pub use diagnostic::{Diagnostic, Severity};
pub mod render;

//! weft's compiler: loads a workspace of specs, resolves references, enforces
//! governance rules and reports diagnostics with exact source spans.

pub mod source;
pub mod yaml;

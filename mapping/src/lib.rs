//! weft's mapping language: the grammar (pest), a syntax tree free of pest
//! types, and a parser that reports every item's error with its span.
//! The type checker lives in the compiler (it needs contracts); the
//! evaluator will live here so the runtime can use it without the compiler.

pub mod ast;
mod compiled;
mod eval;
mod file;
pub mod functions;
mod json;
mod json_fast;
mod json_write;
mod parse;
mod program;
mod reads;
mod split;
mod syntax_error;
pub mod value;

pub use compiled::{CompiledMapping, RunError};
pub use eval::{
    evaluate, evaluate_expr, evaluate_with, evaluate_within, CompiledExpr, Limits, MappingError,
};
pub use file::{parse_file, FunctionHeader, MappingHeader, WeftFileItems, MAX_FILE_BYTES};
pub use parse::{children, parse_body, parse_expr, parse_function_body, MAX_BODY_BYTES};
pub use reads::{read_layout, source_need, Need};
pub use split::MAX_DEPTH;
pub use syntax_error::SyntaxError;
pub use value::{Coerce, Text, Value};

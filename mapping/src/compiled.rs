//! A mapping ready to run on many messages: parsed once, with the workspace's
//! functions and lookup tables, and the layout its payloads are read with
//! (the source contract's types, narrowed to the fields the mapping reads).

use crate::ast::{Body, Function};
use crate::eval::{run, run_json, Limits, MappingError};
use crate::program::Program;
use crate::reads::read_layout;
use crate::value::{Coerce, Value};
use std::fmt;

/// A mapping prepared for the runtime.
#[derive(Clone, Debug)]
pub struct CompiledMapping {
    /// The body and the functions it calls, compiled (see [`crate::program`]).
    program: Program,
    globals: Vec<(String, Value)>,
    layout: Coerce,
    limits: Limits,
}

/// Why one message could not be mapped.
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    /// The payload is not JSON, or does not match the source contract's types.
    Input(String),
    /// The mapping failed (`fail`, a `?`, a value that did not parse, a limit).
    Mapping(MappingError),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            RunError::Input(m) => write!(f, "the payload cannot be read: {m}"),
            RunError::Mapping(e) => f.write_str(&e.message),
        }
    }
}

impl CompiledMapping {
    /// Prepares `body`, whose source contract reads as `source`.
    pub fn new(
        body: Body,
        functions: Vec<Function>,
        globals: Vec<(String, Value)>,
        source: &Coerce,
    ) -> CompiledMapping {
        let layout = read_layout(&body, source);
        let program = Program::body(&body, &[("source", Some(&layout))], &globals, &functions);
        CompiledMapping {
            program,
            globals,
            layout,
            limits: Limits::default(),
        }
    }

    /// The same mapping with other limits.
    pub fn with_limits(mut self, limits: Limits) -> CompiledMapping {
        self.limits = limits;
        self
    }

    /// How payloads are read: only the fields the mapping reads.
    pub fn layout(&self) -> &Coerce {
        &self.layout
    }

    /// Maps a payload already read with [`CompiledMapping::layout`] (or with the full
    /// source layout).
    pub fn run(&self, payload: &Value) -> Result<Value, MappingError> {
        run(&self.program, &[payload], &self.globals, self.limits)
    }

    /// JSON text in, JSON text out.
    pub fn run_json(&self, payload: &str) -> Result<String, RunError> {
        let source = Value::from_json_text(payload, &self.layout).map_err(RunError::Input)?;
        let mut text = String::with_capacity(payload.len());
        run_json(
            &self.program,
            &[&source],
            &self.globals,
            self.limits,
            &mut text,
        )
        .map_err(RunError::Mapping)?;
        Ok(text)
    }
}

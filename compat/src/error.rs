//! Errors for schemas the engine cannot read at all.

/// Why a schema could not be compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaError {
    /// The value is neither a JSON object nor a boolean.
    NotASchema { side: &'static str },
    /// `$schema` names a dialect the engine does not know.
    UnsupportedDialect { side: &'static str, uri: String },
    /// The schema violates its dialect's meta-schema.
    Invalid { side: &'static str, message: String },
    /// A `$ref` that does not point inside the schema document.
    BadRef {
        side: &'static str,
        reference: String,
    },
    /// References or `allOf`/`anyOf` that loop back without descending into the document.
    Cycle { side: &'static str, pointer: String },
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaError::NotASchema { side } => {
                write!(f, "the {side} schema is neither an object nor a boolean")
            }
            SchemaError::UnsupportedDialect { side, uri } => {
                write!(f, "the {side} schema uses an unsupported dialect `{uri}`")
            }
            SchemaError::Invalid { side, message } => {
                write!(f, "the {side} schema is invalid: {message}")
            }
            SchemaError::BadRef { side, reference } => {
                write!(f, "the {side} schema has a reference `{reference}` that does not resolve inside it")
            }
            SchemaError::Cycle { side, pointer } => write!(
                f,
                "the {side} schema loops at `{pointer}` without descending into the document"
            ),
        }
    }
}

impl std::error::Error for SchemaError {}

//! One module per `weft` command.

pub mod check;
pub mod demo;
pub mod diff;
pub mod explain;
pub mod functions;
pub mod init;
pub mod lineage;
pub mod operate;
pub mod plan;
pub mod run;
pub mod schema;
pub mod sign;
pub mod test;

/// Why a command stopped, and its exit code: 1 when weft refuses what it
/// was given (a plan that does not verify, a workspace with errors), 2 when
/// it could not be read or written at all (docs/formats.md).
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    /// Refused: exit code 1.
    pub fn refused(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }

    /// Unreadable input, unwritable output, bad usage: exit code 2.
    pub fn input(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    /// A bug in weft: exit code 101, with a request to report it.
    pub fn internal(message: impl Into<String>) -> Failure {
        Failure {
            code: 101,
            message: format!(
                "internal error: {} (this is a bug in weft; please report it with the specs that cause it)",
                message.into()
            ),
        }
    }
}

/// Prints a failure (if any) and gives the exit code.
pub fn exit_code(result: Result<(), Failure>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(f) => {
            eprintln!("error: {}", f.message);
            f.code
        }
    }
}

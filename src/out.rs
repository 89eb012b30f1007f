//! Writing results to standard output. A reader that stops early
//! (`weft plan | head`) closes the pipe: weft then stops quietly, as other
//! command-line tools do, instead of reporting an internal error.

use std::io::{ErrorKind, Write};

/// Writes `text` to standard output.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(2);
    }
}

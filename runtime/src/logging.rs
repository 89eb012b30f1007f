//! Structured logs on standard error: JSON lines by default (for log
//! shippers), or text for a terminal. The level comes from `WEFT_LOG`
//! (`info` unless set). Log lines name messages by id and flow, never by
//! content: payloads hold personal data.

use tracing_subscriber::EnvFilter;

/// Installs the process-wide logger (once; later calls do nothing).
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_env("WEFT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

//! `--format github`: GitHub Actions workflow commands, shown as annotations on the pull request.

use super::Finding;

/// One `::error file=...::message` line per unsuppressed finding.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings.iter().filter(|f| f.suppressed.is_none()) {
        let command = match f.severity {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        let p = &f.position;
        let mut message = f.message.clone();
        if let Some(h) = &f.hint {
            message.push_str("\nhint: ");
            message.push_str(h);
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&p.file),
            p.line,
            p.column,
            p.end_line,
            p.end_column,
            escape_property(&format!("{} ({})", f.rule, f.code)),
            escape_data(&message)
        ));
    }
    out
}

/// Escaping for the message part of a workflow command.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for property values (also `:` and `,`).
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_per_workflow_command_rules() {
        assert_eq!(escape_data("50%\nx"), "50%25%0Ax");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}

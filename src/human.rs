//! Human-readable diagnostics: source snippets drawn by miette, secrets masked.

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    NamedSource, SourceSpan,
};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use weft_compiler::source::{FileId, Loc, SourceMap};
use weft_compiler::{Diagnostic, Severity};

/// One finding, in miette's terms.
#[derive(Debug)]
struct Human {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Display for Human {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Human {}

impl MietteDiagnostic for Human {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

fn span(loc: Loc) -> SourceSpan {
    (loc.start as usize, (loc.end - loc.start) as usize).into()
}

/// Each file's redacted text, made once and shared by all its findings.
#[derive(Default)]
struct Texts(HashMap<FileId, Arc<str>>);

impl Texts {
    fn source(&mut self, sources: &SourceMap, loc: Loc) -> NamedSource<Arc<str>> {
        let f = sources.get(loc.file);
        let text = self
            .0
            .entry(loc.file)
            .or_insert_with(|| Arc::from(f.redacted_text()));
        NamedSource::new(f.name.clone(), Arc::clone(text)).with_language("yaml")
    }
}

fn to_human(sources: &SourceMap, texts: &mut Texts, d: &Diagnostic) -> Human {
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        d.label.clone(),
        span(d.loc),
    )];
    let mut notes = Vec::new();
    for (loc, message) in &d.related {
        if loc.file == d.loc.file {
            labels.push(LabeledSpan::new_with_span(
                Some(message.clone()),
                span(*loc),
            ));
        } else {
            let f = sources.get(loc.file);
            let (line, col) = f.line_col(loc.start as usize);
            notes.push(format!("note: {message} ({}:{line}:{col})", f.name));
        }
    }
    let mut help = d.hint.clone();
    if let Some(reason) = &d.suppressed {
        help = Some(format!("suppressed: {reason}"));
    }
    if !notes.is_empty() {
        let mut text = help.unwrap_or_default();
        for n in notes {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&n);
        }
        help = Some(text);
    }
    Human {
        message: d.message.clone(),
        code: format!("{}({})", d.rule.code, d.rule.id),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help,
        source: texts.source(sources, d.loc),
        labels,
    }
}

/// Renders findings for a terminal (`color`) or a log.
pub fn render(sources: &SourceMap, diags: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1);
    let mut out = String::new();
    let mut texts = Texts::default();
    for d in diags.iter().filter(|d| d.suppressed.is_none()) {
        let _ = handler.render_report(&mut out, &to_human(sources, &mut texts, d));
        out.push('\n');
    }
    out
}

/// Whether stderr should get colour: a terminal, and `NO_COLOR` not set.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

//! `--format junit`: a JUnit XML report, one test case per spec file checked.

use super::Finding;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

/// The report: every checked file is a test case that fails on an error-level finding.
pub fn render(suite_name: &str, files: &[String], findings: &[Finding]) -> String {
    let mut report = Report::new("weft");
    let mut suite = TestSuite::new(suite_name);
    // Every file given, and any other file a finding is in (an imported
    // package's): a report must not pass while the check fails.
    let mut files: Vec<&String> = files.iter().collect();
    for f in findings {
        if f.suppressed.is_none() && !files.contains(&&f.position.file) {
            files.push(&f.position.file);
        }
    }
    for file in files {
        let mine: Vec<&Finding> = findings
            .iter()
            .filter(|f| &f.position.file == file && f.suppressed.is_none())
            .collect();
        let (errors, others): (Vec<&&Finding>, Vec<&&Finding>) =
            mine.iter().partition(|f| f.severity == "error");
        let errors: Vec<String> = errors.iter().map(|f| line(f)).collect();
        let others: Vec<String> = others.iter().map(|f| line(f)).collect();
        let case = case(file, suite_name, "weft-check", "error(s)", &errors, &others);
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    report.to_string().unwrap_or_default()
}

/// A test case that fails with `failures` (one line each; `what` names them
/// in the message, e.g. "error(s)") and carries `others` as its output.
pub(crate) fn case(
    name: &str,
    classname: &str,
    kind: &str,
    what: &str,
    failures: &[String],
    others: &[String],
) -> TestCase {
    let status = if failures.is_empty() {
        TestCaseStatus::success()
    } else {
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
        s.set_message(format!("{} {what}", failures.len()));
        s.set_type(kind);
        s.set_description(failures.join("\n"));
        s
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(classname);
    if !others.is_empty() {
        case.set_system_out(others.join("\n"));
    }
    case
}

fn line(f: &Finding) -> String {
    let p = &f.position;
    let mut s = format!(
        "{}:{}:{}: {} [{}] {}",
        p.file, p.line, p.column, f.severity, f.rule, f.message
    );
    if let Some(h) = &f.hint {
        s.push_str(&format!(" (hint: {h})"));
    }
    s
}

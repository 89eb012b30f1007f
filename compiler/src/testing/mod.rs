//! `weft test`: runs every `kind: test` case of a workspace through the
//! mapping evaluator and compares the result with the expected JSON, then
//! checks every mapping on inputs generated from its source contract.

pub mod generate;
pub mod property;

use crate::check::Report;
use crate::spec::test_spec::{Fixture, TestCase, TestSpec};
use crate::typeck;
use serde::Serialize;
use serde_json::Value as Json;
use weft_plan::canonical::pretty;

/// The outcome of one case.
#[derive(Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    /// The output differs from the expected JSON (`diff` is a unified diff, expected → actual).
    Mismatch {
        diff: String,
    },
    /// The mapping failed where a result was expected.
    Failed {
        message: String,
    },
    /// A failure was expected but the mapping produced a result (or failed differently).
    WrongError {
        expected: String,
        actual: String,
    },
    /// The case could not run (missing fixture, mapping with errors, ...).
    Broken {
        reason: String,
    },
}

/// One case's result.
#[derive(Debug, Serialize)]
pub struct CaseResult {
    pub file: String,
    pub line: usize,
    pub mapping: String,
    pub case: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Pass)
    }

    /// What happened, for people (a failure's diff indented below it).
    pub fn describe(&self) -> String {
        match &self.outcome {
            Outcome::Pass => "passed".into(),
            Outcome::Mismatch { diff } => format!(
                "the output differs from the expected JSON\n{}",
                indented(diff)
            ),
            Outcome::Failed { message } => format!("the mapping failed: {message}"),
            Outcome::WrongError { expected, actual } => {
                format!("expected {expected}, got {actual}")
            }
            Outcome::Broken { reason } => reason.clone(),
        }
    }
}

/// `text` indented by five spaces, each line ending in a newline.
pub(crate) fn indented(text: &str) -> String {
    text.lines().map(|l| format!("     {l}\n")).collect()
}

/// Runs every test case of the workspace's own test specs, in file order.
pub fn run_all(report: &Report) -> Vec<CaseResult> {
    let c = &report.compilation;
    let mut out = Vec::new();
    for t in c.specs.tests.iter().filter(|t| t.meta.is_workspace()) {
        for case in &t.cases {
            let (line, _) = c
                .sources
                .get(case.name.loc.file)
                .line_col(case.name.loc.start as usize);
            let outcome = run_case(report, t, case);
            out.push(CaseResult {
                file: c.sources.get(t.meta.file).name.clone(),
                line,
                mapping: t
                    .mapping
                    .as_ref()
                    .map(|m| m.value.clone())
                    .unwrap_or_default(),
                case: case.name.value.clone(),
                outcome,
            });
        }
    }
    out
}

fn run_case(report: &Report, t: &TestSpec, case: &TestCase) -> Outcome {
    let c = &report.compilation;
    let broken = |reason: String| Outcome::Broken { reason };
    let Some(name) = &t.mapping else {
        return broken("the test names no mapping".into());
    };
    let Some((_, checked)) = report.mapping(&name.value) else {
        return broken(format!("no mapping `{}`", name.value));
    };
    let Some((checked, Some(ast), Some(source_ty))) = checked
        .filter(|c| c.is_clean())
        .map(|c| (c, c.ast.as_ref(), c.source.as_ref()))
    else {
        return broken(format!(
            "mapping `{}` has errors or unresolved contracts: run `weft check`",
            name.value
        ));
    };
    let dir = c
        .sources
        .get(t.meta.file)
        .disk_path
        .as_ref()
        .and_then(|p| p.parent().map(|p| p.to_path_buf()));
    let load = |f: &Fixture| -> Result<Json, String> {
        match f {
            Fixture::Value(v) => Ok(v.clone()),
            Fixture::File(path) => {
                let full = dir
                    .as_ref()
                    .map(|d| d.join(&path.value))
                    .ok_or("fixtures need a test on disk")?;
                let text = std::fs::read_to_string(&full)
                    .map_err(|e| format!("cannot read `{}`: {e}", path.value))?;
                serde_json::from_str(&text)
                    .map_err(|e| format!("`{}` is not JSON: {e}", path.value))
            }
        }
    };
    let Some(input) = &case.input else {
        return broken("the case has no input".into());
    };
    let input = match load(input) {
        Ok(j) => j,
        Err(e) => return broken(e),
    };
    let source = match weft_mapping::Value::from_json(&input, &typeck::coerce(source_ty)) {
        Ok(v) => v,
        Err(e) => return broken(format!("the input does not match the source contract: {e}")),
    };
    let env = &report.mapping_env;
    let result = weft_mapping::evaluate_with(ast, source, &env.table_values, &env.functions);
    if let Some(expected) = &case.expect_error {
        let wanted = expected
            .get("message_contains")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        return match result {
            Err(e) if e.message.contains(&wanted) => Outcome::Pass,
            Err(e) => Outcome::WrongError {
                expected: format!("a failure containing \"{wanted}\""),
                actual: format!("failed with \"{}\"", e.message),
            },
            Ok(v) => Outcome::WrongError {
                expected: format!("a failure containing \"{wanted}\""),
                actual: format!("a result: {}", v.to_json()),
            },
        };
    }
    let Some(expect) = &case.expect else {
        return broken("the case has neither `expect` nor `expect_error`".into());
    };
    let expected = match load(expect) {
        Ok(j) => j,
        Err(e) => return broken(e),
    };
    match result {
        Err(e) => {
            let (line, col) = c
                .sources
                .get(checked.map.file)
                .line_col(checked.map.file_offset(e.span.start as usize));
            Outcome::Failed {
                message: format!(
                    "{} (at {}:{line}:{col})",
                    e.message,
                    c.sources.get(checked.map.file).name
                ),
            }
        }
        Ok(v) => {
            let actual = v.to_json();
            if actual == expected {
                Outcome::Pass
            } else {
                // Diff canonical forms (keys sorted) so that field order is not noise.
                let (e, a) = (pretty(&expected), pretty(&actual));
                let diff = similar::TextDiff::from_lines(&e, &a)
                    .unified_diff()
                    .context_radius(3)
                    .header("expected", "actual")
                    .to_string();
                Outcome::Mismatch { diff }
            }
        }
    }
}

/// The results as a JUnit XML report.
pub fn junit(results: &[CaseResult], properties: &[property::PropertyResult]) -> String {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let status = |passed: bool, skipped: bool, detail: String| {
        let mut s = if passed {
            return TestCaseStatus::success();
        } else if skipped {
            TestCaseStatus::skipped()
        } else {
            TestCaseStatus::non_success(NonSuccessKind::Failure)
        };
        s.set_description(detail);
        s
    };
    let mut report = Report::new("weft");
    let mut suite = TestSuite::new("weft test");
    for r in results {
        let s = status(r.passed(), false, r.describe());
        let mut case = TestCase::new(format!("{} › {}", r.mapping, r.case), s);
        case.set_classname(r.file.as_str());
        suite.add_test_case(case);
    }
    for p in properties {
        let s = status(p.passed(), p.skipped(), p.describe());
        let mut case = TestCase::new(format!("{} › generated {} inputs", p.mapping, p.source), s);
        case.set_classname(p.file.as_str());
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    report.to_string().unwrap_or_default()
}

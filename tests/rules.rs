//! Every rule has a failing and a passing fixture workspace, and the human
//! output of the failing one is a snapshot.

mod support;

use support::{fixture, weft, TODAY};
use weft_compiler::rules::ALL;

#[test]
fn every_rule_fails_on_its_fixture_and_passes_when_fixed() {
    let mut problems = Vec::new();
    for rule in ALL {
        let fail = fixture(&format!("rules/{}/fail", rule.id));
        let pass = fixture(&format!("rules/{}/pass", rule.id));
        if !std::path::Path::new(&fail).is_dir() || !std::path::Path::new(&pass).is_dir() {
            problems.push(format!("{}: missing fixture folder(s)", rule.id));
            continue;
        }
        let run = weft(&["check", "--format", "json", "--today", TODAY, &fail]);
        let report: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{}: bad JSON: {e}\n{}", rule.id, run.stdout));
        let hits = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule.id)
            .count();
        if hits == 0 {
            problems.push(format!(
                "{}: fail fixture does not report the rule:\n{}",
                rule.id, run.stdout
            ));
        }
        let run = weft(&["check", "--format", "json", "--today", TODAY, &pass]);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        if run.code != 0 || !report["findings"].as_array().unwrap().is_empty() {
            problems.push(format!(
                "{}: pass fixture is not clean (exit {}):\n{}",
                rule.id, run.code, run.stdout
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn human_output_of_every_failing_fixture() {
    for rule in ALL {
        let fail = fixture(&format!("rules/{}/fail", rule.id));
        if !std::path::Path::new(&fail).is_dir() {
            continue;
        }
        let run = weft(&["check", "--today", TODAY, &fail]);
        insta::assert_snapshot!(
            format!("rule__{}", rule.id),
            format!("exit: {}\n{}", run.code, run.stderr)
        );
    }
}

//! Every output format of `weft check`, as snapshots, on a workspace with an
//! error, warnings, a note, a related location, a suppression and a secret.

mod support;

use support::{fixture, weft, TODAY};

fn check(format: &str) -> support::Run {
    weft(&[
        "check",
        "--format",
        format,
        "--today",
        TODAY,
        &fixture("formats"),
    ])
}

#[test]
fn human_goes_to_stderr() {
    let run = check("human");
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        !run.stderr.contains("tok_live_do_not_print"),
        "secret leaked:\n{}",
        run.stderr
    );
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn json_is_versioned_and_complete() {
    let run = check("json");
    assert_eq!(run.code, 1);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(!run.stdout.contains("tok_live_do_not_print"));
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["summary"]["errors"], 3);
    assert_eq!(report["summary"]["suppressed"], 1);
    let suppressed: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["suppressed"].is_null())
        .collect();
    assert_eq!(suppressed[0]["rule"], "flow-missing-idempotency-key");
    assert_eq!(suppressed[0]["suppressed"], "notes are append-only");
    let mut value = report.clone();
    value["tool_version"] = "[version]".into();
    insta::assert_json_snapshot!(value);
}

#[test]
fn github_annotations() {
    let run = check("github");
    assert_eq!(run.code, 1);
    for line in run.stdout.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
    }
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn sarif_is_2_1_0_with_rules_and_suppressions() {
    let run = check("sarif");
    assert_eq!(run.code, 1);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), weft_compiler::rules::ALL.len());
    for result in run0["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let results = run0["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["suppressions"][0]["justification"] == "notes are append-only"));
    let mut value = log.clone();
    value["runs"][0]["tool"]["driver"]["version"] = "[version]".into();
    value["runs"][0]["tool"]["driver"]["rules"] = format!("[{} rules]", rules.len()).into();
    insta::assert_json_snapshot!(value);
}

#[test]
fn junit_has_a_case_per_file() {
    let run = check("junit");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("<testsuite name=\"weft check\" tests=\"2\""),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("failures=\"1\""));
    let stable: String = run
        .stdout
        .lines()
        .map(|l| {
            // Timestamps and durations vary between runs.
            let mut l = l.to_string();
            for attr in ["timestamp", "time"] {
                while let Some(start) = l.find(&format!(" {attr}=\"")) {
                    let value_start = start + attr.len() + 3;
                    let end = l[value_start..]
                        .find('"')
                        .map(|e| value_start + e + 1)
                        .unwrap_or(l.len());
                    l.replace_range(start..end, "");
                }
            }
            l
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(stable);
}

#[test]
fn junit_fails_for_an_error_in_an_imported_package() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let shared = tmp.path().join("shared");
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(
        ws.join("weft.yaml"),
        "workspace: ws\nimports: [{ path: ../shared }]\n",
    )
    .unwrap();
    std::fs::write(shared.join("weft.yaml"), "package: shared\n").unwrap();
    std::fs::write(
        shared.join("contracts.yaml"),
        "kind: contract\nname: Thing\nversion: not-a-version\nowner: t\nfields:\n  id: string\n",
    )
    .unwrap();
    let run = support::weft(&["check", "--format", "junit", ws.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(!run.stdout.contains("failures=\"0\""), "{}", run.stdout);
    assert!(run.stdout.contains("contracts.yaml"), "{}", run.stdout);
}

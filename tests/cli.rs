//! End-to-end behaviour of the `weft` binary: exit codes, init, explain, schema.

mod support;

use support::{fixture, repo, weft, weft_in, TODAY};

#[test]
fn the_example_workspace_is_clean() {
    let run = weft(&["check", "--today", TODAY, "specs/northwind"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("northwind: no problems"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_creates_a_workspace_that_passes_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("acme-distribution");
    let run = weft(&["init", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest = std::fs::read_to_string(dir.join("weft.yaml")).unwrap();
    assert!(
        manifest.contains("workspace: \"acme-distribution\""),
        "{manifest}"
    );
    let run = weft(&["check", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "{}",
        run.stdout
    );
    // Every kind of spec is shown.
    let mut kinds = std::collections::BTreeSet::new();
    let mut weft_files = 0;
    for entry in walk(&dir) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        if entry.extension().is_some_and(|e| e == "weft") {
            weft_files += 1;
        }
        for line in text.lines() {
            if let Some(k) = line.strip_prefix("kind: ") {
                kinds.insert(k.trim().to_string());
            }
        }
    }
    assert!(weft_files > 0, "no mapping file");
    for kind in [
        "contract",
        "system",
        "ownership",
        "policy",
        "flow",
        "test",
        "table",
    ] {
        assert!(
            kinds.contains(kind),
            "template lacks kind {kind}: {kinds:?}"
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keep.txt"), "x").unwrap();
    let run = weft(&["init", tmp.path().to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "x"
    );
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let run = weft(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("has no weft.yaml"), "{}", run.stderr);
    let run = weft(&["check", "/definitely/not/here"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a folder"), "{}", run.stderr);
    let run = weft(&["check", "--format", "xml", "."]);
    assert_eq!(run.code, 2);
    let run = weft(&["check", "--today", "tomorrow", "."]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("YYYY-MM-DD"), "{}", run.stderr);
}

#[test]
fn unreadable_input_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("weft.yaml"), "workspace: w\n").unwrap();
    std::fs::write(tmp.path().join("bad.yaml"), b"kind: policy\nname: p\xff\n").unwrap();
    let run = weft(&["check", "--format", "json", tmp.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains("unreadable-file"));
}

#[test]
fn check_defaults_to_the_current_folder() {
    let run = weft_in(
        &repo().join("specs/northwind"),
        &["check", "--today", TODAY],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn explain_prints_a_rule_and_rejects_unknown_ones() {
    let run = weft(&["explain", "WF406"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("## `literal-secret` (WF406)"),
        "{}",
        run.stdout
    );
    let run = weft(&["explain", "literal-secrt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `literal-secret`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn docs_rules_md_is_generated_from_the_catalogue() {
    let generated = weft(&["explain", "--all"]).stdout;
    support::assert_generated("docs/rules.md", &generated, "docs_rules_md");
}

#[test]
fn schema_emits_json_schema_that_validates_payloads() {
    let run = weft(&["schema", "Order@1", "--dir", "specs/northwind"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let validator = jsonschema::validator_for(&schema).expect("emitted schema compiles");
    // A canonical order the example's mapping produces is valid under the emitted schema.
    let text =
        std::fs::read_to_string(repo().join("specs/northwind/tests/fixtures/order-paid.json"))
            .expect("the example's expected order");
    let order: serde_json::Value = serde_json::from_str(&text).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&order)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(!validator.is_valid(&serde_json::json!({ "id": 5 })));
    // A JSON Schema contract is emitted as written.
    let run = weft(&["schema", "shopify.Order@1", "--dir", "specs/northwind"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = weft(&["schema", "Order@9", "--dir", "specs/northwind"]);
    assert_eq!(run.code, 1);
}

#[test]
fn literal_secrets_never_reach_any_output() {
    for format in ["human", "json", "github", "sarif", "junit"] {
        let run = weft(&["check", "--format", format, &fixture("formats")]);
        assert!(
            !run.stdout.contains("tok_live") && !run.stderr.contains("tok_live"),
            "{format} leaked the secret"
        );
    }
}

#[test]
fn the_language_md_examples_are_accepted_as_written() {
    let run = weft(&[
        "check",
        "--format",
        "json",
        "--today",
        TODAY,
        &fixture("language-md/workspace"),
    ]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    // Every document is accepted. Two findings remain, both true: the sketch's
    // shopify.Order has no owner (its weft.yaml sets that rule to warn), and the
    // sketch's mapping assigns `status`, which the sketch's Order contract lacks.
    assert_eq!(
        findings,
        [
            ("contract-missing-owner", "warning"),
            ("mapping-unknown-field", "error")
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("`status` is not a field of the target contract"),
        "{}",
        run.stdout
    );
}

#[test]
fn lineage_in_every_format() {
    let run = weft(&[
        "lineage",
        "shopify_order_to_order",
        "--dir",
        "specs/northwind",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
    let run = weft(&[
        "lineage",
        "shopify_order_to_order",
        "--dir",
        "specs/northwind",
        "--format",
        "json",
    ]);
    let l: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(l["format_version"], 1);
    let customer = l["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["target"] == "customer_id")
        .unwrap();
    assert_eq!(customer["sources"][0]["path"], "customer.id");
    assert_eq!(customer["file"], "mappings/orders.weft");
    let run = weft(&[
        "lineage",
        "shopify_order_to_order",
        "--dir",
        "specs/northwind",
        "--format",
        "openlineage",
    ]);
    let facet: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let inputs = &facet["columnLineage"]["fields"]["customer_id"]["inputFields"];
    assert_eq!(inputs[0]["name"], "shopify.Order@1");
    assert_eq!(inputs[0]["field"], "customer.id");
    let run = weft(&[
        "lineage",
        "shopify_ordr_to_order",
        "--dir",
        "specs/northwind",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("did you mean `shopify_order_to_order`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn weft_test_runs_the_example_mapping_tests() {
    let run = weft(&["test", "specs/northwind", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["failed"], 0);
    assert!(report["passed"].as_u64().unwrap() >= 14, "{}", run.stdout);
    let run = weft(&["test", "specs/northwind", "--format", "junit"]);
    assert!(
        run.stdout.contains("<testsuite name=\"weft test\""),
        "{}",
        run.stdout
    );
}

#[test]
fn weft_test_says_when_there_is_nothing_to_run() {
    let run = weft(&["test", &fixture("formats")]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("no mapping tests in this workspace"),
        "{}",
        run.stderr
    );
}

#[test]
fn weft_test_shows_a_diff_when_a_mapping_changes() {
    let tmp = tempfile::tempdir().unwrap();
    support::copy_tree(&repo().join("specs/northwind"), tmp.path());
    let mapping = tmp.path().join("mappings/orders.weft");
    support::replace_in(&mapping, "\"SHOP-{source.id}\"", "\"SHOPIFY-{source.id}\"");
    let run = weft(&["test", tmp.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "FAIL tests/orders.yaml:6 shopify_order_to_order › paid order becomes confirmed"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("-  \"id\": \"SHOP-5523018694\","),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("+  \"id\": \"SHOPIFY-5523018694\","),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("failed"), "{}", run.stderr);
}

#[test]
fn weft_test_checks_mappings_on_generated_inputs() {
    // `careless` divides by a count that may be zero; `careful` handles it.
    let run = weft(&["test", &fixture("properties")]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("weft_test_properties_human", run.stderr);
    // The same seed gives the same inputs; another seed other inputs but the
    // same verdicts; `--generate 0` turns the check off.
    assert_eq!(weft(&["test", &fixture("properties")]).stderr, run.stderr);
    let other = weft(&[
        "test",
        &fixture("properties"),
        "--seed",
        "7",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&other.stdout).unwrap();
    let outcomes: Vec<(&str, &str)> = report["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["mapping"].as_str().unwrap(),
                p["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(outcomes[1], ("careful", "pass"));
    assert_eq!(outcomes[0].0, "careless");
    assert_ne!(outcomes[0].1, "pass", "{}", other.stdout);
    let off = weft(&["test", &fixture("properties"), "--generate", "0"]);
    assert_eq!(off.code, 0, "{}", off.stderr);
}

#[test]
fn generated_inputs_find_an_output_the_target_rejects() {
    // With the division fixed, the 12-character bin still does not fit the
    // ERP's 6-character location: the output is checked against its contract.
    let tmp = tempfile::tempdir().unwrap();
    support::copy_tree(&repo().join("tests/fixtures/properties"), tmp.path());
    let path = tmp.path().join("mappings.weft");
    support::replace_in(
        &path,
        "per_carton = source.total_qty / source.cartons\n",
        "per_carton = null\n",
    );
    let run = weft(&["test", tmp.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let careless = &report["properties"][0];
    assert_eq!(careless["outcome"], "invalid_output", "{}", run.stdout);
    assert!(
        careless["problem"]
            .as_str()
            .unwrap()
            .starts_with("at `/location`"),
        "{careless}"
    );
    // Shrunk: the bin is as short as still fails (7 characters), the rest minimal.
    assert_eq!(
        careless["output"]["location"]
            .as_str()
            .unwrap()
            .chars()
            .count(),
        7,
        "{careless}"
    );
}

#[test]
fn docs_functions_md_is_generated_from_the_library() {
    let generated = weft(&["functions", "--markdown"]).stdout;
    support::assert_generated("docs/functions.md", &generated, "docs_functions_md");
    let list = weft(&["functions"]).stdout;
    assert!(
        list.contains(
            "decimal(value: string | integer | decimal | number) -> decimal  (can fail: use ?)"
        ),
        "{list}"
    );
}

#[test]
fn a_secret_under_a_repeated_key_is_reported_and_never_printed() {
    let tmp = tempfile::tempdir().unwrap();
    support::copy_tree(
        &repo().join("tests/fixtures/rules/literal-secret/pass"),
        tmp.path(),
    );
    let specs = tmp.path().join("specs.yaml");
    let from = "auth: { bearer: { env: ERP_TOKEN } }";
    // The second `bearer` is dropped as a duplicate, but its text is in the file.
    support::replace_in(
        &specs,
        from,
        "auth:\n  bearer: { env: ERP_TOKEN }\n  bearer: hunter2-very-secret",
    );
    for format in ["human", "json", "github", "sarif", "junit"] {
        let run = weft(&["check", "--format", format, tmp.path().to_str().unwrap()]);
        assert_eq!(run.code, 1, "{format}");
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(
            !all.contains("hunter2"),
            "{format} printed the secret:\n{all}"
        );
        assert!(
            all.contains("literal-secret") || all.contains("WF406"),
            "{format}: {all}"
        );
    }
}

#[test]
fn a_broken_flow_condition_is_a_syntax_error_at_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    support::copy_tree(&repo().join("specs/northwind"), tmp.path());
    let flow = tmp.path().join("flows/orders-to-erp.yaml");
    let from = "current.total > 10000";
    let text = support::replace_in(&flow, from, "current.total >>> (10000 + ");
    let run = weft(&["check", "--format", "json", tmp.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(&str, &str, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let line = text.lines().position(|l| l.contains(from)).unwrap() as u64 + 1;
    assert_eq!(
        found,
        [("mapping-syntax", "flows/orders-to-erp.yaml", line)],
        "{}",
        run.stdout
    );
}

#[test]
fn a_contract_that_does_not_decode_reports_one_error_not_a_cascade() {
    let tmp = tempfile::tempdir().unwrap();
    support::copy_tree(&repo().join("specs/northwind"), tmp.path());
    let schema = tmp.path().join("contracts/shopify/order.schema.json");
    let from = "https://json-schema.org/draft/2020-12/schema";
    support::replace_in(&schema, from, "https://example.com/my-dialect");
    let run = weft(&["check", "--format", "json", tmp.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // Reads of shopify.Order@1 are not reported as unknown fields of an empty shape.
    assert_eq!(rules, ["invalid-contract"], "{}", run.stdout);
    // Nor is an empty, closed schema printed for it.
    let schema = weft(&[
        "schema",
        "shopify.Order@1",
        "--dir",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(schema.code, 1, "{}", schema.stdout);
    assert!(schema.stdout.is_empty());
    assert!(
        schema.stderr.contains("could not be read"),
        "{}",
        schema.stderr
    );
}

#[test]
fn a_mapping_with_only_warnings_still_runs() {
    // A fallback that can never fire is a warning; the mapping is still
    // clean: its tests run, its generated inputs are checked, it is planned.
    let tmp = tempfile::tempdir().unwrap();
    support::copy_tree(&repo().join("specs/northwind"), tmp.path());
    let mapping = tmp.path().join("mappings/orders.weft");
    let from = "id          = \"SHOP-{source.id}\"";
    support::replace_in(
        &mapping,
        from,
        "id          = \"SHOP-{source.id}\" ?? \"none\"",
    );
    let dir = tmp.path().to_str().unwrap();
    let check = weft(&["check", "--format", "json", dir]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(
        check.stdout.contains("mapping-unreachable-fallback"),
        "{}",
        check.stdout
    );
    let test = weft(&["test", dir, "--format", "json"]);
    assert_eq!(test.code, 0, "{}", test.stdout);
    let report: serde_json::Value = serde_json::from_str(&test.stdout).unwrap();
    assert_eq!(report["failed"], 0, "{}", test.stdout);
    let plan = weft(&["plan", dir]);
    let plan: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    assert_eq!(plan["mappings"]["shopify_order_to_order"]["checked"], true);
}

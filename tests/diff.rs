//! `weft diff`: a test per rule id (old and new workspaces, every output
//! format in one insta snapshot), the JSON form against its schema, and end
//! to end on real git repositories (subfolder workspace, renames, shallow
//! clones, approvals, exit codes).

mod support;

use std::path::Path;
use support::{copy_tree, git, repo, weft_in};
use weft_compiler::diff::{compare, DiffOptions, DiffReport};
use weft_compiler::render::{diff as render, diff_ci};
use weft_compiler::{check_workspace, CheckOptions};

const TODAY: &str = "2026-11-23";

fn diff_dirs(old: &Path, new: &Path, allow_breaking: bool) -> DiffReport {
    let options = CheckOptions {
        today: TODAY.into(),
    };
    let (a, b) = (
        check_workspace(old, &options).unwrap(),
        check_workspace(new, &options).unwrap(),
    );
    compare(
        &a,
        &b,
        &DiffOptions {
            profile: None,
            today: TODAY.into(),
            allow_breaking,
            base_label: "base".into(),
            head_label: "head".into(),
        },
    )
    .unwrap()
}

/// Every format, one after the other, for one snapshot.
fn all_formats(r: &DiffReport) -> String {
    format!(
        "== human\n{}\n== markdown\n{}\n== json\n{}\n== github\n{}\n== sarif\n{}\n== junit\n{}",
        render::human(r),
        render::markdown(r),
        render::json(r),
        diff_ci::github(r),
        diff_ci::sarif("test", r),
        diff_ci::junit(r)
    )
}

fn rules_of(r: &DiffReport) -> Vec<&'static str> {
    r.all_changes().map(|c| c.rule).collect()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A one-contract workspace whose contract is the JSON Schema `schema`.
fn schema_workspace(dir: &Path, version: &str, schema: &str) {
    write(
        dir,
        "weft.yaml",
        "workspace: compat-example\ncompat: strict\n",
    );
    write(
        dir,
        "contracts/example.yaml",
        &format!(
            "kind: contract\nname: Example\nversion: {version}\nowner: team\ndescription: An example.\nschema: {schema}\n"
        ),
    );
}

/// Each schema rule of weft-compat, reported by `weft diff` on its example pair.
#[test]
fn every_schema_rule_is_reported_by_weft_diff() {
    let mut missing = Vec::new();
    for rule in weft_compat::RULES {
        let tmp = tempfile::tempdir().unwrap();
        let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
        schema_workspace(&old, "1.0.0", rule.example_old);
        schema_workspace(&new, "1.1.0", rule.example_new);
        let report = diff_dirs(&old, &new, false);
        if !rules_of(&report).contains(&rule.id) {
            missing.push(format!("{}: got {:?}", rule.id, rules_of(&report)));
            continue;
        }
        insta::assert_snapshot!(format!("diff_schema_{}", rule.id), all_formats(&report));
    }
    assert!(
        missing.is_empty(),
        "rules not reported:\n{}",
        missing.join("\n")
    );
}

/// An edit of the northwind workspace: replace `from` with `to` in `file`
/// (an empty `from` writes the file; `to` None removes it).
type Edit = (&'static str, &'static str, Option<&'static str>);

fn edited_northwind(dir: &Path, edits: &[Edit]) {
    copy_tree(&repo().join("specs/northwind"), dir);
    for (file, from, to) in edits {
        let path = dir.join(file);
        match to {
            None => std::fs::remove_file(&path).unwrap(),
            Some(to) if from.is_empty() => write(dir, file, to),
            Some(to) => {
                support::replace_in(&path, from, to);
            }
        }
    }
}

const SALES_ORDER: &str = "contracts/erp/sales-order.yaml";
const ACK: &str = "contracts/erp/sales-order-ack.yaml";
const ORDERS_FLOW: &str = "flows/orders-to-erp.yaml";
const EXTRA_MAPPING: &str = "mapping erp_price_change_to_price_copy: erp.PriceChange@1 -> Price@1 {\n  sku = source.item_number\n}\n";

/// The rules beyond single schemas, each on an edit of the example workspace.
fn spec_cases() -> Vec<(&'static str, Vec<Edit>, Vec<Edit>)> {
    let deprecated = "  customer_po:\n    type: string\n    max_length: 30\n    deprecated: { since: 3.1.0, sunset: 2026-06-30, reason: moved to the order header }\n";
    vec![
        ("contract-added", vec![], vec![("contracts/extra.yaml", "", Some("kind: contract\nname: erp.Extra\nversion: 1.0.0\nowner: team\ndescription: New.\nfields:\n  id: { type: string, required: true }\n"))]),
        ("contract-major-added", vec![], vec![("contracts/erp/sales-order-ack-2.yaml", "", Some("kind: contract\nname: erp.SalesOrderAck\nversion: 2.0.0\nowner: team\ndescription: The next API version.\nfields:\n  sales_order_number: { type: string, required: true }\n"))]),
        ("contract-removed", vec![], vec![(ACK, "", None)]),
        ("version-not-increased", vec![], vec![(SALES_ORDER, "max_length: 30", Some("max_length: 20"))]),
        ("version-major-required", vec![], vec![(SALES_ORDER, "max_length: 30", Some("max_length: 20")), (SALES_ORDER, "version: 3.2.0", Some("version: 3.3.0"))]),
        ("version-minor-required", vec![], vec![(ACK, "  created_at:", Some("  warehouse: { type: string, description: New. }\n  created_at:")), (ACK, "version: 1.0.0", Some("version: 1.0.1"))]),
        ("property-removed-after-sunset", vec![(SALES_ORDER, "  customer_po:\n    type: string\n    max_length: 30\n", Some(deprecated))], vec![(SALES_ORDER, "  customer_po:\n    type: string\n    max_length: 30\n", Some("")), (SALES_ORDER, "version: 3.2.0", Some("version: 3.3.0"))]),
        ("flow-added", vec![], vec![("flows/extra.yaml", "", Some("kind: flow\nname: extra\ndescription: New.\ndomain: orders\ntrigger:\n  webhook: { system: shopify, topic: orders/create }\nsource: shopify.Order@1\nsteps:\n  - map: shopify_order_to_order\n  - map: order_to_erp_sales_order\n  - deliver: erp.create_sales_order\nidempotency_key: source.id\npolicy: erp-posting\n"))]),
        ("flow-removed", vec![], vec![(ORDERS_FLOW, "", None)]),
        ("flow-trigger-changed", vec![], vec![(ORDERS_FLOW, "topic: orders/create", Some("topic: orders/paid"))]),
        ("flow-idempotency-key-changed", vec![], vec![(ORDERS_FLOW, "idempotency_key: source.id ", Some("idempotency_key: source.name "))]),
        ("flow-ordering-key-changed", vec![], vec![(ORDERS_FLOW, "ordering_key: source.customer.id", Some("ordering_key: source.id"))]),
        ("flow-endpoint-changed", vec![], vec![(ORDERS_FLOW, "deliver: erp.create_sales_order", Some("deliver: erp.post_shipment_notice"))]),
        ("flow-policy-changed", vec![], vec![(ORDERS_FLOW, "policy: erp-posting", Some("policy: std-best-effort"))]),
        ("policy-added", vec![], vec![("policies-extra.yaml", "", Some("kind: policy\nname: extra\nretry: { max_attempts: 2 }\ndead_letter: true\n"))]),
        ("policy-removed", vec![("policies-extra.yaml", "", Some("kind: policy\nname: extra\nretry: { max_attempts: 2 }\ndead_letter: true\n"))], vec![]),
        ("policy-retries-reduced", vec![], vec![("policies.yaml", "max_attempts: 8", Some("max_attempts: 3"))]),
        ("policy-dead-letter-disabled", vec![], vec![("policies.yaml", "dead_letter: true", Some("dead_letter: false"))]),
        ("policy-timeout-shortened", vec![], vec![("policies.yaml", "timeout: 10s", Some("timeout: 2s"))]),
        ("system-added", vec![], vec![("systems/crm.yaml", "", Some("kind: system\nname: crm\nrole: other\ndescription: New.\nowner: sales\nconnector: http\nbase_url: { env: CRM_URL }\n"))]),
        ("system-removed", vec![("systems/crm.yaml", "", Some("kind: system\nname: crm\nrole: other\ndescription: New.\nowner: sales\nconnector: http\nbase_url: { env: CRM_URL }\n"))], vec![]),
        ("system-base-url-changed", vec![], vec![("systems/erp.yaml", "base_url: { env: ERP_BASE_URL }", Some("base_url: { env: ERP_V4_BASE_URL }"))]),
        ("system-auth-changed", vec![], vec![("systems/erp.yaml", "client_secret: { env: ERP_CLIENT_SECRET }", Some("client_secret: { file: /run/secrets/erp }"))]),
        ("ownership-record-changed", vec![], vec![("ownership.yaml", "products:  { record: erp }", Some("products:  { record: wms }"))]),
        ("field-ownership-changed", vec![], vec![("ownership.yaml", "Shipment.status: threepl", Some("Shipment.status: erp"))]),
        ("mapping-added", vec![], vec![("mappings/extra.weft", "", Some(EXTRA_MAPPING))]),
        ("mapping-removed", vec![("mappings/extra.weft", "", Some(EXTRA_MAPPING))], vec![]),
        ("mapping-lineage-changed", vec![], vec![("mappings/orders.weft", "customer_po        = source.po_number", Some("customer_po        = source.id"))]),
        ("approval-expired", vec![], vec![("policies.yaml", "max_attempts: 8", Some("max_attempts: 3")), ("weft-approvals.yaml", "", Some("approvals:\n  - fingerprint: wd-31a08ea92485\n    reason: fewer retries while the ERP is replaced\n    expires: 2026-01-31\n"))]),
        ("approval-unused", vec![], vec![("weft-approvals.yaml", "", Some("approvals:\n  - fingerprint: wd-000000000000\n    reason: an old approval\n    expires: 2027-01-31\n"))]),
    ]
}

#[test]
fn every_spec_rule_is_reported_by_weft_diff() {
    let mut missing = Vec::new();
    for (rule, old_edits, new_edits) in spec_cases() {
        let tmp = tempfile::tempdir().unwrap();
        let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
        edited_northwind(&old, &old_edits);
        edited_northwind(&new, &new_edits);
        let report = diff_dirs(&old, &new, false);
        if !rules_of(&report).contains(&rule) {
            missing.push(format!("{rule}: got {:?}", rules_of(&report)));
            continue;
        }
        insta::assert_snapshot!(format!("diff_spec_{rule}"), all_formats(&report));
    }
    assert!(
        missing.is_empty(),
        "rules not reported:\n{}",
        missing.join("\n")
    );
}

/// A schema the engine refuses (a `$ref` that loops without descending into
/// the document) makes the comparison unknown, not a crash or a pass.
#[test]
fn a_schema_that_cannot_be_compared_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    schema_workspace(&old, "1.0.0", r#"{"type":"object"}"#);
    schema_workspace(
        &new,
        "1.1.0",
        r##"{"type":"object","$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/a"}}}"##,
    );
    let report = diff_dirs(&old, &new, false);
    assert_eq!(rules_of(&report), ["schema-not-comparable"]);
    assert_eq!(report.contracts[0].backward_compatible, None);
    insta::assert_snapshot!("diff_spec_schema-not-comparable", all_formats(&report));
}

/// Every rule id of the catalogues has a case (and no case names an unknown id).
#[test]
fn every_rule_id_has_a_case() {
    let mut cased: Vec<&str> = spec_cases().iter().map(|c| c.0).collect();
    cased.push("schema-not-comparable"); // a_schema_that_cannot_be_compared_is_reported
    for r in weft_compiler::diff::DIFF_RULES {
        assert!(cased.contains(&r.id), "no test case for `{}`", r.id);
    }
    for id in cased {
        assert!(
            weft_compiler::diff::DIFF_RULES.iter().any(|r| r.id == id),
            "`{id}` is not in DIFF_RULES"
        );
    }
}

/// The JSON form of every case validates against `schemas/weft-diff.schema.json`.
#[test]
fn the_json_form_follows_its_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("schemas/weft-diff.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    edited_northwind(&old, &[]);
    edited_northwind(
        &new,
        &[
            (SALES_ORDER, "max_length: 30", Some("max_length: 20")),
            ("policies.yaml", "dead_letter: true", Some("dead_letter: false")),
            ("weft-approvals.yaml", "", Some("approvals:\n  - fingerprint: wd-000000000000\n    reason: old\n    expires: 2027-01-31\n")),
        ],
    );
    for allow in [false, true] {
        let report = diff_dirs(&old, &new, allow);
        let json: serde_json::Value = serde_json::from_str(&render::json(&report)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(json["contracts"][0]["backward_compatible"], false);
        assert_eq!(json["contracts"][0]["forward_compatible"], true);
        // --allow-breaking approves the breaking changes, never a version error.
        assert_eq!(report.exit_code(), 1);
        let approved = report
            .all_changes()
            .filter(|c| c.approved.is_some())
            .count();
        assert_eq!(approved, if allow { 2 } else { 0 });
        let failing: Vec<&str> = report
            .all_changes()
            .filter(|c| c.fails())
            .map(|c| c.rule)
            .collect();
        if allow {
            assert_eq!(failing, ["version-not-increased"]);
        }
    }
}

/// A repository with the workspace in a subfolder: a base commit, then a
/// head commit that renames a file, breaks a contract and bumps its version
/// correctly for a compatible change elsewhere.
fn repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let ws = root.join("integrations/northwind");
    copy_tree(&repo().join("specs/northwind"), &ws);
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(
        root,
        &[
            "mv",
            "integrations/northwind/contracts/erp/sales-order.yaml",
            "integrations/northwind/contracts/erp/sales-order-v3.yaml",
        ],
    );
    let file = ws.join("contracts/erp/sales-order-v3.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("max_length: 30", "max_length: 20", 1)).unwrap();
    git(root, &["commit", "-q", "-am", "head"]);
    tmp
}

#[test]
fn diff_between_git_revisions_of_a_subfolder_workspace() {
    let tmp = repository();
    let ws = tmp.path().join("integrations/northwind");
    // Two revisions, from the repository root with --dir.
    let run = weft_in(
        tmp.path(),
        &[
            "diff",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--dir",
            "integrations/northwind",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["contracts"][0]["contract"], "erp.SalesOrder@3");
    let rules: Vec<&str> = json["contracts"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["max-length-decreased", "version-not-increased"]);
    let renamed = &json["files"][0];
    assert_eq!(renamed["status"], "renamed", "{}", json["files"]);
    assert_eq!(renamed["old"], "contracts/erp/sales-order.yaml");
    assert_eq!(renamed["new"], "contracts/erp/sales-order-v3.yaml");
    assert!(json["base"].as_str().unwrap().starts_with("HEAD~1 ("));
    // Against the working tree, from inside the workspace; an approval of the
    // break and the right version make it pass.
    let fp = json["contracts"][0]["changes"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let file = ws.join("contracts/erp/sales-order-v3.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("version: 3.2.0", "version: 4.0.0")).unwrap();
    let run = weft_in(&ws, &["diff", "--base", "HEAD~1"]);
    assert!(
        run.stdout
            .contains("erp.SalesOrder@3 -> erp.SalesOrder@4 (major-bumped"),
        "{}",
        run.stdout
    );
    std::fs::write(&file, &text).unwrap();
    let run = weft_in(&ws, &["diff", "--base", "HEAD~1"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("working tree"), "{}", run.stdout);
    std::fs::write(ws.join("weft-approvals.yaml"), format!("approvals:\n  - fingerprint: {fp}\n    reason: the ERP shortened the field\n    expires: 2099-01-01\n")).unwrap();
    let run = weft_in(&ws, &["diff", "--base", "HEAD~1"]);
    assert_eq!(
        run.code, 1,
        "the version error still fails:\n{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("approved by approvals file: the ERP shortened the field"),
        "{}",
        run.stdout
    );
    std::fs::write(&file, text.replace("version: 3.2.0", "version: 3.3.0")).unwrap();
    let run = weft_in(&ws, &["diff", "--base", "HEAD~1"]);
    assert!(
        run.stdout.contains("version-major-required"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 1);
}

#[test]
fn a_shallow_clone_without_the_base_says_how_to_fetch_it() {
    let tmp = repository();
    let clone = tmp.path().join("clone");
    let url = format!("file://{}", tmp.path().display());
    git(
        tmp.path(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
    );
    let run = weft_in(
        &clone.join("integrations/northwind"),
        &["diff", "--base", "HEAD~1"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("shallow") && run.stderr.contains("fetch-depth: 0"),
        "{}",
        run.stderr
    );
    // A head revision without the workspace names the folder and the revision.
    let run = weft_in(
        tmp.path(),
        &[
            "diff",
            "--base",
            "HEAD",
            "--head",
            "HEAD",
            "--dir",
            "integrations",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no workspace at `integrations` in revision HEAD ("),
        "{}",
        run.stderr
    );
    let run = weft_in(&clone, &["diff", "--base", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`no-such-branch`"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let run = weft_in(tmp.path(), &["diff"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("OLD_DIR NEW_DIR"), "{}", run.stderr);
    let run = weft_in(tmp.path(), &["diff", "--base", "main"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not inside a git repository"),
        "{}",
        run.stderr
    );
    let run = weft_in(tmp.path(), &["diff", "a", "b"]);
    assert_eq!(run.code, 2);
}

#[test]
fn a_workspace_added_by_the_change_compares_against_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("README"), "x").unwrap();
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "-m", "empty"]);
    copy_tree(&repo().join("specs/northwind"), &tmp.path().join("ws"));
    let run = weft_in(
        &tmp.path().join("ws"),
        &["diff", "--base", "main", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(json["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["status"] == "added"));
    assert!(json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["rule"] == "flow-added"));
}

/// `docs/diff-rules.md` is generated from the two catalogues.
#[test]
fn the_rule_reference_is_current() {
    let mut md = String::from("# `weft diff` rules\n\nGenerated from `weft_compat::RULES` and `weft_compiler::diff::DIFF_RULES` (`WEFT_UPDATE_DOCS=1 cargo test --test diff`). Ids never change meaning.\n\n## Schema changes\n\nWhat each change keeps valid in its example pair (strict profile): backward = old documents still accepted, forward = new documents accepted by the old version. The severity in a diff follows from the verdicts and the impact (see `docs/diff.md`).\n\n| rule | meaning | example breaks | example old → new |\n|---|---|---|---|\n");
    for r in weft_compat::RULES {
        md.push_str(&format!(
            "| `{}` | {} | {} | `{}` → `{}` |\n",
            r.id,
            r.summary,
            r.breaks(),
            r.example_old.replace('|', "\\|"),
            r.example_new.replace('|', "\\|")
        ));
    }
    md.push_str("\n## Contracts, versions, flows, systems, policies, ownership, mappings, approvals\n\n| rule | severity | meaning |\n|---|---|---|\n");
    for r in weft_compiler::diff::DIFF_RULES {
        md.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.id, r.severity, r.summary
        ));
    }
    support::assert_generated("docs/diff-rules.md", &md, "the_rule_reference_is_current");
}

/// A broken approvals file stops the diff with the place and the fix.
#[test]
fn a_broken_approvals_file_says_where_and_what() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    edited_northwind(&ws, &[]);
    let options = CheckOptions {
        today: TODAY.into(),
    };
    let report = check_workspace(&ws, &options).unwrap();
    let diff_options = DiffOptions {
        profile: None,
        today: TODAY.into(),
        allow_breaking: false,
        base_label: "base".into(),
        head_label: "head".into(),
    };
    for (text, expected) in [
        (
            "approvals:\n  - fingerprint: wd-000000000000\n    reason: r\n    expires: 2026-13-45\n",
            "weft-approvals.yaml:4:14: `expires: 2026-13-45` is not a date: write YYYY-MM-DD",
        ),
        (
            "approvals:\n  - fingerprint: wd-000000000000\n    reason: r\n    expiry: 2026-12-31\n",
            "weft-approvals.yaml:4:5: unknown key `expiry`: an approval has `fingerprint`, `reason` and `expires`",
        ),
        (
            "approvals:\n  - fingerprint: wd-000000000000\n    expires: 2026-12-31\n",
            "weft-approvals.yaml:2:5: this approval needs `reason:`",
        ),
        (
            "approval:\n  - fingerprint: wd-000000000000\n",
            "weft-approvals.yaml:1:1: unknown key `approval`: the file holds only `approvals:`",
        ),
    ] {
        std::fs::write(ws.join("weft-approvals.yaml"), text).unwrap();
        let err = compare(&report, &report, &diff_options).unwrap_err();
        assert!(err.starts_with(expected), "{err}");
    }
}

/// A file moved without edits is a rename with no text diff, and nothing
/// about the contract in it changes.
#[test]
fn a_moved_file_is_a_rename_and_not_a_change() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    edited_northwind(&old, &[]);
    edited_northwind(&new, &[]);
    std::fs::create_dir_all(new.join("contracts/moved")).unwrap();
    std::fs::rename(new.join(ACK), new.join("contracts/moved/ack.yaml")).unwrap();
    let report = diff_dirs(&old, &new, false);
    assert!(report.contracts.is_empty() && report.changes.is_empty());
    assert_eq!(report.files.len(), 1, "{:?}", report.files);
    let f = &report.files[0];
    assert_eq!(
        (f.status, f.old.as_deref(), f.new.as_deref()),
        ("renamed", Some(ACK), Some("contracts/moved/ack.yaml"))
    );
    assert!(f.diff.is_empty());
}

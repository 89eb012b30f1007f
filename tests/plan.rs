//! `weft plan`, `keygen`, `sign`, `verify`, `inspect` and plan diffs, on the
//! real binary: determinism, round trip, tampering, signatures, refusals.

mod support;

use std::path::Path;
use support::{copy_tree, repo, weft, weft_in};
use weft_plan::model::{Auth, SecretRef, Step, Trigger};
use weft_plan::PlanModel;

fn northwind_copy(to: &Path) {
    copy_tree(&repo().join("specs/northwind"), to);
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Copies a tree creating files in reverse name order (a different directory
/// order on disk than `copy_tree`).
fn copy_tree_reversed(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(from).unwrap().flatten().collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.file_name()));
    for entry in entries {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree_reversed(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// plan -> bytes -> load gives back the model that was built, and a model
/// with a field the format does not have is refused.
#[test]
fn a_plan_loads_back_into_the_model_it_was_built_from() {
    let report = weft_compiler::check_workspace(
        &repo().join("specs/northwind"),
        &weft_compiler::CheckOptions::default(),
    )
    .unwrap();
    assert_eq!(report.exit_code(), 0);
    let built = weft_compiler::plan::build(&report, None).unwrap();
    let sealed = weft_plan::seal(built.clone());
    let bytes = weft_plan::canonical::pretty(&sealed.doc);
    let loaded = weft_plan::load(bytes.as_bytes()).unwrap();
    assert_eq!(loaded.model, sealed.model);
    assert_eq!(
        PlanModel {
            hash: None,
            ..loaded.model.clone()
        },
        built
    );
    assert_eq!(loaded.hash, sealed.hash);
    // An extra field is refused even when the hash is recomputed over it: the
    // runtime never ignores part of what was approved.
    let mut doc = sealed.doc.clone();
    doc["flows"]["orders-to-erp"]["steps"][1]["hold"]["approve_automatically"] = true.into();
    doc["hash"] = weft_plan::seal::content_hash(&doc).into();
    let forged = weft_plan::canonical::pretty(&doc);
    let err = weft_plan::load(forged.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .contains("flows.orders-to-erp.steps[1].hold")
            && err.to_string().contains("approve_automatically"),
        "{err}"
    );
}

#[test]
fn the_same_specs_give_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("deeper/other-name"));
    northwind_copy(&a);
    copy_tree_reversed(&repo().join("specs/northwind"), &b);
    let pa = weft(&["plan", s(&a)]);
    let pb = weft_in(tmp.path(), &["plan", "deeper/other-name"]);
    assert_eq!(pa.code, 0, "{}", pa.stderr);
    assert_eq!(pb.code, 0, "{}", pb.stderr);
    assert!(pa.stdout == pb.stdout, "plans differ between copies");
    // Written to a file: the same bytes as printed, and loading it back gives
    // the same model, written out byte for byte the same.
    let file = tmp.path().join("plan.json");
    assert_eq!(weft(&["plan", s(&a), "-o", s(&file)]).code, 0);
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(bytes, pa.stdout.as_bytes());
    let plan = weft_plan::load(&bytes).unwrap();
    assert_eq!(
        weft_plan::canonical::pretty(&plan.doc).as_bytes(),
        &bytes[..]
    );
    // What the plan holds, read through the typed model.
    let model = &plan.model;
    assert_eq!(model.format, "weft-plan");
    assert_eq!(model.workspace, "northwind");
    assert_eq!(model.git, None, "a copy outside git has no commit");
    assert_eq!(model.flows.len(), 7);
    let order = &model.flows["orders-to-erp"];
    let Trigger::Webhook { contract, .. } = &order.trigger else {
        panic!("orders-to-erp starts from a webhook: {:?}", order.trigger)
    };
    assert_eq!(contract.as_deref(), Some("shopify.Order@1"));
    assert_eq!(order.idempotency_key.as_deref(), Some("source.id"));
    let Some(Step::Hold(hold)) = order.steps.get(1) else {
        panic!("{:?}", order.steps)
    };
    assert_eq!(hold.reason.as_deref(), Some("credit-review"));
    let Some(Step::Deliver(deliver)) = order.steps.last() else {
        panic!("{:?}", order.steps)
    };
    assert_eq!(deliver.endpoint.method, "POST");
    let policy = deliver.policy.as_ref().expect("the flow's policy");
    assert_eq!(policy.name, "erp-posting");
    assert_eq!(policy.retry.as_ref().map(|r| r.max_attempts), Some(8));
    assert_eq!(policy.timeout.map(|t| t.0), Some(10_000));
    assert_eq!(
        order
            .sla
            .as_ref()
            .and_then(|s| s.deliver_within)
            .map(|d| d.0),
        Some(120_000)
    );
    assert!(model.contracts["Order@1"].schema["properties"].is_object());
    assert_eq!(model.contracts["Order@1"].from, "std/distribution@1");
    assert_eq!(model.contracts["shopify.Order@1"].from, "workspace");
    let mapping = &model.mappings["shopify_order_to_order"];
    assert!(mapping.checked);
    assert!(mapping.layout["record"].is_array(), "{mapping:?}");
    let erp = &model.systems["erp"];
    assert!(matches!(
        &erp.auth,
        Some(Auth::OAuth2 { client_secret: SecretRef::Env(name), .. }) if name == "ERP_CLIENT_SECRET"
    ));
    // Secrets only as references.
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\"env\": \"ERP_CLIENT_ID\""));
}

#[test]
fn the_plan_records_the_git_commit_and_whether_the_tree_is_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("integrations/northwind");
    northwind_copy(&ws);
    let git = |args: &[&str]| support::git(tmp.path(), args);
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "specs"]);
    let head = git(&["rev-parse", "HEAD"]);
    let plan = |dir: &Path| -> serde_json::Value {
        let run = weft(&["plan", s(dir)]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        serde_json::from_str(&run.stdout).unwrap()
    };
    let clean = plan(&ws);
    assert_eq!(clean["git"]["commit"], head.as_str());
    assert_eq!(clean["git"]["clean"], true);
    // Files weft does not read (the plan itself, CI reports, notes) do not
    // make the tree unclean: planning twice gives the same plan.
    std::fs::write(ws.join("notes.md"), "work in progress\n").unwrap();
    assert_eq!(
        weft(&["plan", s(&ws), "-o", s(&ws.join("plan.json"))]).code,
        0
    );
    assert_eq!(plan(&ws), clean);
    // A spec that differs from the commit does.
    let policies = ws.join("policies.yaml");
    support::replace_in(&policies, "max_attempts: 8", "max_attempts: 9");
    let dirty = plan(&ws);
    assert_eq!(dirty["git"]["clean"], false);
    assert_ne!(dirty["hash"], clean["hash"]);
}

#[test]
fn a_changed_byte_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plan.json");
    assert_eq!(weft(&["plan", "specs/northwind", "-o", s(&file)]).code, 0);
    let original = std::fs::read_to_string(&file).unwrap();
    for (from, to) in [
        ("\"max_attempts\": 8", "\"max_attempts\": 9"),
        ("orders/create", "orders/cr3ate"),
        ("\"hash\": \"sha256:", "\"hash\": \"sha256:0"),
    ] {
        assert!(original.contains(from), "{from}");
        std::fs::write(&file, original.replacen(from, to, 1)).unwrap();
        let run = weft(&["inspect", s(&file)]);
        assert_eq!(run.code, 1, "{from}: {}", run.stdout);
        assert!(
            run.stderr.contains("does not match its hash"),
            "{}",
            run.stderr
        );
    }
    // An unsupported format version.
    std::fs::write(
        &file,
        original.replacen("\"format_version\": 1", "\"format_version\": 2", 1),
    )
    .unwrap();
    let run = weft(&["inspect", s(&file)]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("plan format version 2 is not supported"),
        "{}",
        run.stderr
    );
    std::fs::write(&file, "{\"hello\": 1}").unwrap();
    assert!(weft(&["inspect", s(&file)])
        .stderr
        .contains("not a weft plan"));
}

#[test]
fn signatures_verify_only_with_trusted_keys_and_the_signed_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let t = |n: &str| tmp.path().join(n);
    assert_eq!(
        weft(&["plan", "specs/northwind", "-o", s(&t("plan.json"))]).code,
        0
    );
    let keygen = weft(&["keygen", s(&t("ci.key"))]);
    assert_eq!(keygen.code, 0, "{}", keygen.stderr);
    assert_eq!(weft(&["keygen", s(&t("other.key"))]).code, 0);
    // A key is never overwritten by accident.
    assert_eq!(weft(&["keygen", s(&t("ci.key"))]).code, 2);
    let secret = std::fs::read_to_string(t("ci.key")).unwrap();
    let secret_b64 = secret.split_whitespace().nth(1).unwrap().to_string();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(t("ci.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the secret key is readable by others");
    }
    let sign = weft(&["sign", s(&t("plan.json")), "--key", s(&t("ci.key"))]);
    assert_eq!(sign.code, 0, "{}", sign.stderr);
    let ok = weft(&["verify", s(&t("plan.json")), "--trust", s(&t("ci.key.pub"))]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stderr.starts_with("ok: sha256:"), "{}", ok.stderr);
    // Another key is not trusted; a trusted key among others is enough.
    let other = weft(&[
        "verify",
        s(&t("plan.json")),
        "--trust",
        s(&t("other.key.pub")),
    ]);
    assert_eq!(other.code, 1);
    assert!(
        other.stderr.contains("which is not trusted"),
        "{}",
        other.stderr
    );
    let both = weft(&[
        "verify",
        s(&t("plan.json")),
        "--trust",
        s(&t("other.key.pub")),
        "--trust",
        s(&t("ci.key.pub")),
    ]);
    assert_eq!(both.code, 0, "{}", both.stderr);
    // A public key cannot sign; a secret key is not a trust anchor.
    let wrong = weft(&["sign", s(&t("plan.json")), "--key", s(&t("ci.key.pub"))]);
    assert_eq!(wrong.code, 2);
    assert!(
        wrong
            .stderr
            .contains("is a public key; a secret key is needed"),
        "{}",
        wrong.stderr
    );
    let anchor = weft(&["verify", s(&t("plan.json")), "--trust", s(&t("ci.key"))]);
    assert_eq!(anchor.code, 2);
    assert!(
        anchor
            .stderr
            .contains("is a secret key; a public key is needed"),
        "{}",
        anchor.stderr
    );
    // The signature of one plan does not verify another.
    let tmp2 = tempfile::tempdir().unwrap();
    northwind_copy(tmp2.path());
    let policy = tmp2.path().join("policies.yaml");
    support::replace_in(&policy, "max_attempts: 8", "max_attempts: 7");
    assert_eq!(
        weft(&["plan", s(tmp2.path()), "-o", s(&t("next.json"))]).code,
        0
    );
    let sig = weft(&[
        "verify",
        s(&t("next.json")),
        "--trust",
        s(&t("ci.key.pub")),
        "--signature",
        s(&t("plan.json.sig")),
    ]);
    assert_eq!(sig.code, 1);
    assert!(
        sig.stderr.contains("the signature is for another plan"),
        "{}",
        sig.stderr
    );
    // A forged signature value.
    let sig_text = std::fs::read_to_string(t("plan.json.sig")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&sig_text).unwrap();
    let b64 = value["signature"].as_str().unwrap();
    let mut chars: Vec<char> = b64.chars().collect();
    chars[10] = if chars[10] == 'A' { 'B' } else { 'A' };
    let flipped: String = chars.into_iter().collect();
    std::fs::write(t("plan.json.sig"), sig_text.replace(b64, &flipped)).unwrap();
    let bad = weft(&["verify", s(&t("plan.json")), "--trust", s(&t("ci.key.pub"))]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("does not verify"), "{}", bad.stderr);
    // Keys from the environment; the secret key never appears in any output.
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
        .args([
            "sign",
            s(&t("plan.json")),
            "--key",
            "env:WEFT_TEST_SIGNING_KEY",
        ])
        .env("WEFT_TEST_SIGNING_KEY", &secret)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let ok = weft(&["verify", s(&t("plan.json")), "--trust", s(&t("ci.key.pub"))]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let env_sign = String::from_utf8_lossy(&run.stderr).into_owned();
    for out in [
        &keygen.stderr,
        &sign.stderr,
        &ok.stderr,
        &wrong.stderr,
        &anchor.stderr,
        &env_sign,
    ] {
        assert!(!out.contains(&secret_b64), "the secret key was printed");
    }
    for f in ["plan.json", "plan.json.sig"] {
        assert!(!std::fs::read_to_string(t(f)).unwrap().contains(&secret_b64));
    }
}

#[test]
fn a_workspace_that_fails_check_is_not_planned() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan.json");
    let run = weft(&[
        "plan",
        &support::fixture("rules/mapping-type-mismatch/fail"),
        "-o",
        s(&out),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("WF502"), "{}", run.stderr);
    assert!(run.stderr.contains("no plan was written"), "{}", run.stderr);
    assert!(!out.exists());
}

#[test]
fn a_literal_secret_never_enters_a_plan_even_when_its_rule_is_off() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(
        &repo().join("tests/fixtures/rules/literal-secret/fail"),
        tmp.path(),
    );
    std::fs::write(
        tmp.path().join("weft.yaml"),
        "workspace: literal-secret-off\nlint:\n  literal-secret: off\n",
    )
    .unwrap();
    let run = weft(&["plan", s(tmp.path())]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    // The rule cannot be turned off (that is itself an error), and the secret
    // is reported where it is, without its value.
    for wanted in [
        "WF406(literal-secret)",
        "only lint rules are configurable",
        "no plan was written",
    ] {
        assert!(run.stderr.contains(wanted), "{wanted}: {}", run.stderr);
    }
    assert!(run.stdout.is_empty());
    // Nor can it be suppressed.
    let specs = tmp.path().join("specs.yaml");
    let text = std::fs::read_to_string(&specs).unwrap();
    std::fs::write(
        &specs,
        format!("# weft:allow literal-secret -- local testing\n{text}"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("weft.yaml"),
        "workspace: literal-secret-allowed\n",
    )
    .unwrap();
    let run = weft(&["plan", s(tmp.path())]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("WF406(literal-secret)"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn inspect_and_plan_diffs_read_like_operators_think() {
    let tmp = tempfile::tempdir().unwrap();
    let (old_ws, new_ws) = (tmp.path().join("old"), tmp.path().join("new"));
    northwind_copy(&old_ws);
    northwind_copy(&new_ws);
    let (old, new) = (
        tmp.path().join("deployed.json"),
        tmp.path().join("plan.json"),
    );
    assert_eq!(weft(&["plan", s(&old_ws), "-o", s(&old)]).code, 0);
    let inspect = weft(&["inspect", s(&old)]);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    insta::assert_snapshot!("inspect_northwind", inspect.stdout);
    // Fewer attempts for ERP postings, a flow removed, a mapping changed.
    let edit = |rel: &str, from: &str, to: &str| {
        support::replace_in(&new_ws.join(rel), from, to);
    };
    edit("policies.yaml", "max_attempts: 8", "max_attempts: 3");
    edit(
        "mappings/orders.weft",
        "\"SHOP-{source.id}\"",
        "\"SHOPIFY-{source.id}\"",
    );
    std::fs::remove_file(new_ws.join("flows/delivery-events-to-erp.yaml")).unwrap();
    assert_eq!(weft(&["plan", s(&new_ws), "-o", s(&new)]).code, 0);
    let human = weft(&["plan", "diff", s(&old), s(&new)]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    insta::assert_snapshot!("plan_diff_human", human.stdout);
    let md = weft(&["plan", "diff", s(&old), s(&new), "--format", "markdown"]);
    insta::assert_snapshot!("plan_diff_markdown", md.stdout);
    let json = weft(&["plan", "diff", s(&old), s(&new), "--format", "json"]);
    let d: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let changes: Vec<(String, String, String)> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["section"].as_str().unwrap().into(),
                c["name"].as_str().unwrap().into(),
                c["change"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        changes.contains(&(
            "flows".into(),
            "delivery-events-to-erp".into(),
            "removed".into()
        )),
        "{changes:?}"
    );
    assert!(
        changes.contains(&(
            "mappings".into(),
            "shopify_order_to_order".into(),
            "changed".into()
        )),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.0 == "policies" && c.2 == "changed"),
        "{changes:?}"
    );
    // --against gives the same diff straight from the specs.
    let against = weft(&["plan", s(&new_ws), "--against", s(&old)]);
    assert_eq!(against.stdout, human.stdout);
    // No change, said plainly.
    let same = weft(&["plan", "diff", s(&old), s(&old)]);
    assert!(same.stdout.starts_with("no changes"), "{}", same.stdout);
}

#[test]
fn key_and_plan_files_that_cannot_be_used_are_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let t = |n: &str| tmp.path().join(n);
    assert_eq!(
        weft(&["plan", "specs/northwind", "-o", s(&t("plan.json"))]).code,
        0
    );
    // Keys into a folder that does not exist: the file is named.
    let run = weft(&["keygen", s(&t("missing/ci.key"))]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("missing/ci.key.pub") && run.stderr.contains("the folder must exist"),
        "{}",
        run.stderr
    );
    // --force replaces a key, and the new secret is still owner-only.
    assert_eq!(weft(&["keygen", s(&t("ci.key"))]).code, 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(t("ci.key"), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(weft(&["keygen", "--force", s(&t("ci.key"))]).code, 0);
        let mode = std::fs::metadata(t("ci.key")).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "a replaced secret key is readable by others"
        );
    }
    // An unsigned plan is refused (1); an unset key variable is unusable input (2).
    let unsigned = weft(&["verify", s(&t("plan.json")), "--trust", s(&t("ci.key.pub"))]);
    assert_eq!(unsigned.code, 1);
    assert!(
        unsigned.stderr.contains("sign it with `weft sign`"),
        "{}",
        unsigned.stderr
    );
    let unset = weft(&["sign", s(&t("plan.json")), "--key", "env:WEFT_TEST_NOT_SET"]);
    assert_eq!(unset.code, 2);
    assert!(
        unset.stderr.contains("`WEFT_TEST_NOT_SET` is not set"),
        "{}",
        unset.stderr
    );
    // A missing plan is unreadable input (2), one that is not JSON is refused (1).
    let missing = weft(&["inspect", s(&t("nope.json"))]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("nope.json") && missing.stderr.contains("cannot read the plan"),
        "{}",
        missing.stderr
    );
    std::fs::write(t("bad.json"), "not json").unwrap();
    let bad = weft(&["plan", "diff", s(&t("plan.json")), s(&t("bad.json"))]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("bad.json") && bad.stderr.contains("not valid JSON"),
        "{}",
        bad.stderr
    );
    // --format only makes sense with --against.
    let usage = weft(&["plan", "specs/northwind", "--format", "markdown"]);
    assert_eq!(usage.code, 2, "{}", usage.stderr);
    assert!(usage.stderr.contains("--against"), "{}", usage.stderr);
}

#[test]
fn a_reader_that_stops_early_is_not_an_internal_error() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["plan", "specs/northwind"])
        .current_dir(repo())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, with most of the plan unread.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("internal error"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

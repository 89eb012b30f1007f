//! The runtime's commands: `weft run` (signature checks, startup errors,
//! SIGTERM), the operator commands on a data directory and through the
//! admin API, and `weft demo` end to end.

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{weft, weft_in};
use weft_runtime::store::{NewEvent, NewMessage, Outcome, State, Store};
use weft_runtime::testplan::TestPlan;

/// A fixed time (ms), so outputs do not drift.
const T: i64 = 1_795_000_000_000;

fn event(at: i64, kind: &str, step: Option<u32>, attempt: Option<u32>, detail: &str) -> NewEvent {
    NewEvent {
        at,
        kind: kind.into(),
        step,
        attempt,
        duration_us: Some(1_500),
        detail: Some(detail.into()),
        plan_hash: Some("sha256:abc".into()),
    }
}

/// A store holding one delivered, one dead and one held message.
fn store_with_three(dir: &Path) {
    let store = weft_runtime::SqliteStore::open(dir).unwrap();
    let arrival = |id: &str, at: i64| NewMessage {
        flow: "orders-to-erp".into(),
        idempotency_key: Some(id.into()),
        ordering_key: Some(format!("C-{id}")),
        payload: format!(r#"{{"id":"{id}"}}"#),
        origin: "webhook shopify orders/create".into(),
        plan_hash: "sha256:abc".into(),
        received_at: at,
        state: State::Queued,
        reason: None,
    };
    let ids: Vec<i64> = store
        .accept(
            vec![
                arrival("1001", T),
                arrival("1002", T + 1_000),
                arrival("1003", T + 2_000),
            ],
            None,
            1 << 40,
        )
        .unwrap()
        .into_iter()
        .map(|a| a.id())
        .collect();
    let outcome =
        |id: i64, state: State, attempts: u32, reason: Option<&str>, events: Vec<NewEvent>| {
            Outcome {
                id,
                state,
                step: if state == State::Held { 1 } else { 3 },
                current: None,
                attempts,
                due_at: T + 10_000,
                reason: reason.map(String::from),
                events,
            }
        };
    store
        .record(
            vec![
                outcome(ids[0], State::Delivered, 0, None, vec![
                    event(T + 100, "mapped", Some(0), None, "shopify_order_to_order"),
                    event(T + 120, "delivered", Some(3), Some(1), "erp.create_sales_order answered 201"),
                ]),
                outcome(ids[1], State::Dead, 2, Some("2 attempts failed; the last: http_503: erp.create_sales_order answered 503"), vec![
                    event(T + 1_100, "attempt_failed", Some(3), Some(1), "http_503: erp.create_sales_order answered 503"),
                    event(T + 1_200, "retry_scheduled", Some(3), None, "attempt 2 in 500 ms"),
                    event(T + 1_800, "attempt_failed", Some(3), Some(2), "http_503: erp.create_sales_order answered 503"),
                    event(T + 1_800, "dead_lettered", Some(3), None, "2 attempts failed; the last: http_503: erp.create_sales_order answered 503"),
                ]),
                outcome(ids[2], State::Held, 0, Some("credit-review"), vec![event(T + 2_100, "held", Some(1), None, "credit-review")]),
            ],
            T + 3_000,
        )
        .unwrap();
    store
        .reject(weft_runtime::store::Rejection {
            at: T + 4_000,
            system: "shopify".into(),
            path: "/hooks/shopify/orders/create".into(),
            status: 401,
            reason: "the signature in `X-Shopify-Hmac-Sha256` does not match the body".into(),
        })
        .unwrap();
}

#[test]
fn operator_commands_on_a_data_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    store_with_three(&data);
    let d = data.to_str().unwrap();
    let status = weft(&["status", "--data-dir", d]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    insta::assert_snapshot!("ops_status", status.stdout);
    let dlq = weft(&["dlq", "list", "--data-dir", d]);
    insta::assert_snapshot!("ops_dlq_list", dlq.stdout);
    let trace = weft(&["trace", "2", "--data-dir", d]);
    insta::assert_snapshot!("ops_trace", trace.stdout);
    let held = weft(&["held", "list", "--data-dir", d, "--json"]);
    let held: serde_json::Value = serde_json::from_str(&held.stdout).unwrap();
    assert_eq!(held[0]["id"], 3);
    assert_eq!(held[0]["reason"], "credit-review");

    // Actions, and what a wrong one says.
    let wrong = weft(&["held", "release", "2", "--data-dir", d]);
    assert_eq!(wrong.code, 1);
    assert_eq!(wrong.stderr, "error: message 2 is dead, not held\n");
    let missing = weft(&["trace", "99", "--data-dir", d]);
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (1, "error: message 99 does not exist\n")
    );
    let release = weft(&["held", "release", "3", "--data-dir", d]);
    assert_eq!(release.stdout, "message 3 released: now queued\n");
    let replay = weft(&["dlq", "replay", "2", "--data-dir", d]);
    assert_eq!(replay.stdout, "message 2 replayed: now queued\n");
    let store = weft_runtime::SqliteStore::open(&data).unwrap();
    let m = store.message(2).unwrap();
    assert_eq!((m.state, m.step, m.attempts), (State::Queued, 0, 0));
    let kinds: Vec<String> = store
        .trace(2)
        .unwrap()
        .into_iter()
        .map(|e| e.event.kind)
        .collect();
    assert_eq!(
        kinds.last().unwrap(),
        "replayed",
        "the history is kept: {kinds:?}"
    );
    assert!(kinds.contains(&"dead_lettered".to_string()));
    let m = store.message(3).unwrap();
    assert_eq!(
        (m.state, m.step),
        (State::Queued, 2),
        "released past the hold"
    );
    drop(store);

    let nowhere = weft(&[
        "status",
        "--data-dir",
        tmp.path().join("none").to_str().unwrap(),
    ]);
    assert_eq!(nowhere.code, 2);
    assert!(
        nowhere.stderr.contains("holds no weft store"),
        "{}",
        nowhere.stderr
    );
    let neither = weft(&["status"]);
    assert_eq!(neither.code, 2);
    assert!(
        neither.stderr.contains("--data-dir DIR"),
        "{}",
        neither.stderr
    );
}

fn free_port() -> u16 {
    weft_runtime::standin::free_port().expect("a free loopback port")
}

/// `weft run` on the test plan in `dir`, with extra arguments.
fn run(dir: &Path, port: u16, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .current_dir(dir)
        .args([
            "run",
            "plan.json",
            "--data-dir",
            "data",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .args(extra)
        .env("WEFT_TEST_ADMIN", "cli-test-admin-token-0123456789")
        .env_remove("WEFT_TRUST")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn wait_ready(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("weft run exited: {status:?}");
        }
        assert!(Instant::now() < deadline, "weft run did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn sigterm(child: &mut Child) -> std::process::ExitStatus {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap()
}

fn stderr_of(child: Child) -> String {
    String::from_utf8_lossy(&child.wait_with_output().unwrap().stderr).into_owned()
}

fn plan_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "s").unwrap();
    let plan = TestPlan::new("http://127.0.0.1:9", secret.to_str().unwrap());
    std::fs::write(
        dir.path().join("plan.json"),
        weft_plan::canonical::pretty(&plan.seal().doc),
    )
    .unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn weft_run_checks_the_signature_when_keys_are_trusted() {
    let dir = plan_dir();
    let d = dir.path();
    assert_eq!(weft_in(d, &["keygen", "ci.key"]).code, 0);
    assert_eq!(weft_in(d, &["keygen", "other.key"]).code, 0);

    let unsigned = run(d, free_port(), &["--trust", "ci.key.pub"]);
    let out = unsigned.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no signature for the plan"), "{err}");

    assert_eq!(
        weft_in(d, &["sign", "plan.json", "--key", "other.key"]).code,
        0
    );
    let wrong = run(d, free_port(), &["--trust", "ci.key.pub"]);
    let err = stderr_of(wrong);
    assert!(
        err.contains("the plan is refused") && err.contains("not trusted"),
        "{err}"
    );

    assert_eq!(
        weft_in(d, &["sign", "plan.json", "--key", "ci.key"]).code,
        0
    );
    let port = free_port();
    let mut good = run(d, port, &["--trust", "ci.key.pub"]);
    wait_ready(port, &mut good);
    // A second instance on the same data directory is refused.
    let second = run(d, free_port(), &["--trust", "ci.key.pub"]);
    let err = stderr_of(second);
    assert!(err.contains("another weft instance runs on data"), "{err}");
    assert!(sigterm(&mut good).success(), "SIGTERM is a clean stop");
}

#[cfg(unix)]
#[test]
fn weft_run_names_a_missing_secret_and_the_admin_api_needs_its_token() {
    let dir = plan_dir();
    let d = dir.path();
    let no_plan = weft_in(d, &["run", "missing.json", "--data-dir", "data"]);
    assert_eq!(no_plan.code, 2, "{}", no_plan.stderr);
    assert!(
        no_plan
            .stderr
            .contains("`missing.json`: cannot read the plan"),
        "{}",
        no_plan.stderr
    );
    std::fs::remove_file(d.join("secret")).unwrap();
    let missing = run(d, free_port(), &[]);
    let err = stderr_of(missing);
    assert!(
        err.contains("systems.shop.webhook.signature.secret reads the file")
            && err.contains("cannot be read"),
        "{err}"
    );
    std::fs::write(d.join("secret"), "s").unwrap();

    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut off = run(d, port, &[]);
    wait_ready(port, &mut off);
    let r = weft(&["status", "--url", &url]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("the admin API is off"), "{}", r.stderr);
    assert!(sigterm(&mut off).success());

    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut on = run(d, port, &["--admin-token-env", "WEFT_TEST_ADMIN"]);
    wait_ready(port, &mut on);
    let no_token = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["status", "--url", &url])
        .env_remove("WEFT_ADMIN_TOKEN")
        .output()
        .unwrap();
    assert_eq!(no_token.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_token.stderr).contains("refused the token"));
    let ok = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["status", "--url", &url, "--json"])
        .env("WEFT_ADMIN_TOKEN", "cli-test-admin-token-0123456789")
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let status: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert!(status["plan_hash"].as_str().unwrap().starts_with("sha256:"));
    assert!(sigterm(&mut on).success());
    // The store outlived the instance; an action on it through the CLI.
    let r = weft_in(d, &["dlq", "discard", "1", "--data-dir", "data"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "error: message 1 does not exist\n")
    );
}

#[test]
fn weft_demo_runs_the_example_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("demo");
    let r = weft(&[
        "demo",
        "specs/northwind",
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    for line in [
        "orders-to-erp                      3         0         1         0",
        "inventory-to-storefront            2         1         0         0",
        "shipments-to-erp                   2         0         1         0",
        "ERP        POST /api/v3/sales-orders  external_reference=SHOP-5523018694",
        "storefront POST /admin/api/2024-07/variants/prices_by_sku.json  sku=WID-1001 price=18.75",
        "mapping: shopify_order_to_order failed at line 3, column 39 of the mapping: order has no customer",
        "from file threepl SHIPCONF_20240503.csv line 4",
        "credit-review -> released -> delivered",
    ] {
        assert!(r.stdout.contains(line), "`{line}` missing from:\n{}", r.stdout);
    }
    // The kept store answers the operator commands.
    let status = weft(&["status", "--data-dir", data.to_str().unwrap(), "--json"]);
    let s: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(s["flows"]["returns-to-erp"]["delivered"], 1);
    assert_eq!(s["flows"]["delivery-events-to-erp"]["delivered"], 1);
    assert_eq!(s["flows"]["prices-to-storefront"]["delivered"], 1);
    assert_eq!(s["flows"]["shipments-to-storefront"]["delivered"], 2);
    assert_eq!(
        s["events"]["duplicate"], 1,
        "the re-sent order was a duplicate"
    );
}

//! The runtime end to end, in process: a real instance (SQLite store, HTTP
//! server, worker, triggers) against a stand-in ERP on loopback that injects
//! faults and applies each idempotency key's effect once.

mod support;

use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use support::{accepted_id, order, Harness};
use weft_runtime::standin::{Faults, StandInConfig};
use weft_runtime::store::State;

/// A target that checks order and injects `faults`.
fn faulty(faults: Faults) -> StandInConfig {
    StandInConfig {
        faults,
        ..ordered()
    }
}

fn ordered() -> StandInConfig {
    StandInConfig {
        ordering_key: Some("/customer_id".into()),
        sequence: Some("/seq".into()),
        ..StandInConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_webhook_is_mapped_and_delivered_once_under_a_stable_key() {
    let mut h = Harness::start(ordered(), |_| {}).await;
    let (status, body) = h.order(&order("1001", "C1", 1, 25.5)).await;
    assert_eq!(status, 202, "{body}");
    let id = accepted_id(&body);
    h.until("delivery", |h| h.count("orders", State::Delivered) == 1)
        .await;
    // The same webhook again is a duplicate of the same message.
    let (status, body) = h.order(&order("1001", "C1", 1, 25.5)).await;
    assert_eq!(status, 202);
    assert!(body.contains(r#""duplicate":true"#), "{body}");
    assert_eq!(accepted_id(&body), id);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let effects = h.target.effects();
    assert_eq!(effects.len(), 1);
    assert_eq!(effects[0].path, "/orders");
    assert_eq!(
        effects[0].body,
        json!({ "order_id": "SO-1001", "customer_id": "C1", "seq": 1, "total": 25.5 })
    );
    let key = effects[0].key.clone().expect("an idempotency key");
    assert!(key.starts_with("weft-"), "{key}");
    assert_eq!(
        h.kinds(id),
        [
            "received",
            "validated",
            "mapped",
            "passed",
            "delivered",
            "duplicate"
        ]
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signatures_big_bodies_and_unknown_topics_are_refused_and_recorded() {
    let mut h = Harness::start(ordered(), |_| {}).await;
    let url = format!("{}/hooks/shop/orders", h.base);
    let body = order("1", "C1", 1, 1.0).to_string();
    let sig = weft_runtime::webhook::sign(support::SECRET, "hex", body.as_bytes());
    let wrong = weft_runtime::webhook::sign("another secret", "hex", body.as_bytes());
    let cases = [
        (h.client.post(&url).body(body.clone()), 401, "is missing"),
        (
            h.client
                .post(&url)
                .header("X-Sig", wrong)
                .body(body.clone()),
            401,
            "does not match",
        ),
        (
            h.client.post(&url).header("X-Sig", "zz").body(body.clone()),
            401,
            "not hex",
        ),
        (
            h.client
                .post(&url)
                .header("X-Sig", &sig)
                .body("x".repeat(5000)),
            413,
            "larger than",
        ),
        (
            h.client
                .post(format!("{}/hooks/shop/refunds", h.base))
                .header("X-Sig", &sig)
                .body(body.clone()),
            404,
            "no flow for the topic `refunds`",
        ),
        (h.client.get(&url), 405, "POST"),
    ];
    for (req, status, reason) in cases {
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), status);
        let text = r.text().await.unwrap();
        assert!(text.contains(reason), "{text} should say {reason}");
    }
    let not_json = "{not json";
    let sig = weft_runtime::webhook::sign(support::SECRET, "hex", not_json.as_bytes());
    let r = h
        .client
        .post(&url)
        .header("X-Sig", sig)
        .body(not_json)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let rejections = h.store.rejections(100).unwrap();
    assert_eq!(rejections.len(), 7);
    assert!(rejections.iter().all(|r| r.system == "shop"));
    assert!(h.store.counts().unwrap().is_empty(), "nothing was accepted");
    let metrics = h
        .client
        .get(format!("{}/metrics", h.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"weft_webhook_rejected_total{system="shop"} 7"#),
        "{metrics}"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_retried_with_backoff_and_retry_after_until_delivered() {
    let mut h = Harness::start(
        faulty(Faults {
            too_many_rate: 1.0,
            retry_after_secs: 1,
            ..Faults::default()
        }),
        |_| {},
    )
    .await;
    let (_, body) = h.order(&order("2001", "C1", 1, 10.0)).await;
    let id = accepted_id(&body);
    h.until("a failed attempt", |h| h.message(id).attempts >= 1)
        .await;
    let m = h.message(id);
    assert_eq!(m.state, State::Queued);
    let waited = m.due_at - m.updated_at;
    assert!(
        waited >= 900,
        "Retry-After: 1 is honoured over the 50 ms backoff (waits {waited} ms)"
    );
    h.target.set_faults(Faults::default());
    h.until("delivery", |h| h.count("orders", State::Delivered) == 1)
        .await;
    let trace = h.store.trace(id).unwrap();
    let failed = trace
        .iter()
        .find(|e| e.event.kind == "attempt_failed")
        .unwrap();
    assert!(
        failed
            .event
            .detail
            .as_deref()
            .unwrap()
            .starts_with("http_429"),
        "{failed:?}"
    );
    assert_eq!(h.target.effect_count(), 1);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_and_resets_are_retried_under_the_same_key_and_applied_once() {
    let mut h = Harness::start(
        faulty(Faults {
            slow_rate: 1.0,
            slow_ms: 600,
            ..Faults::default()
        }),
        |_| {},
    )
    .await;
    let (_, body) = h.order(&order("3001", "C1", 1, 10.0)).await;
    let id = accepted_id(&body);
    h.until("a timed-out attempt", |h| h.message(id).attempts >= 1)
        .await;
    h.target.set_faults(Faults {
        reset_rate: 1.0,
        ..Faults::default()
    });
    h.until("a reset attempt", |h| {
        h.store.trace(id).unwrap().iter().any(|e| {
            e.event
                .detail
                .as_deref()
                .is_some_and(|d| d.starts_with("connect"))
        })
    })
    .await;
    h.target.set_faults(Faults::default());
    h.until("delivery", |h| h.count("orders", State::Delivered) == 1)
        .await;
    let trace = h.store.trace(id).unwrap();
    assert!(trace.iter().any(|e| e
        .event
        .detail
        .as_deref()
        .is_some_and(|d| d.starts_with("timeout"))));
    // The slow attempt was applied at the target after weft gave up on it;
    // the retries carried the same key, so it was applied once.
    let keys: std::collections::BTreeSet<_> = h
        .target
        .requests()
        .into_iter()
        .filter_map(|r| r.key)
        .collect();
    assert_eq!(keys.len(), 1, "every attempt carries one key");
    assert_eq!(h.target.effect_count(), 1);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permanent_failures_are_dead_lettered_at_once_and_exhausted_retries_replay() {
    let mut h = Harness::start(
        faulty(Faults {
            reject_rate: 1.0,
            ..Faults::default()
        }),
        |_| {},
    )
    .await;
    let (_, body) = h.order(&order("4001", "C1", 1, 10.0)).await;
    let rejected = accepted_id(&body);
    h.until("the dead letter", |h| h.count("orders", State::Dead) == 1)
        .await;
    let m = h.message(rejected);
    assert_eq!(m.attempts, 1, "a 422 is not retried");
    assert!(
        m.reason
            .as_deref()
            .unwrap()
            .contains("permanent failure: http_422"),
        "{m:?}"
    );

    // An invalid payload is dead-lettered by validation, with the field.
    let (_, body) = h
        .order(&json!({ "id": "4002", "customer": "C2", "seq": "one", "total": 1 }))
        .await;
    let invalid = accepted_id(&body);
    h.until("the invalid one", |h| h.count("orders", State::Dead) == 2)
        .await;
    let reason = h.message(invalid).reason.unwrap();
    assert!(
        reason.starts_with("validation: does not match Order@1: /seq fails `type`"),
        "{reason}"
    );
    assert!(
        !reason.contains("one"),
        "no payload contents in reasons: {reason}"
    );

    // A system down for good exhausts the attempts; replay after it is back delivers.
    h.target.set_faults(Faults::down());
    let (_, body) = h.order(&order("4003", "C3", 1, 10.0)).await;
    let down = accepted_id(&body);
    h.until("exhausted retries", |h| {
        h.message(down).state == State::Dead
    })
    .await;
    let m = h.message(down);
    assert_eq!(m.attempts, 4);
    assert!(
        m.reason
            .as_deref()
            .unwrap()
            .starts_with("4 attempts failed; the last: http_500"),
        "{m:?}"
    );
    h.target.set_faults(Faults::default());
    let (status, listed) = h.admin(Method::GET, "/dlq").await;
    assert_eq!(status, 200);
    let ids: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [rejected, invalid, down]);
    let (status, _) = h.admin(Method::POST, &format!("/dlq/{down}/replay")).await;
    assert_eq!(status, 200);
    h.until("the replayed delivery", |h| {
        h.message(down).state == State::Delivered
    })
    .await;
    let kinds = h.kinds(down);
    assert!(
        kinds.iter().filter(|k| *k == "attempt_failed").count() == 4,
        "{kinds:?}"
    );
    let replayed = kinds.iter().position(|k| k == "replayed").unwrap();
    assert_eq!(
        kinds[replayed..],
        ["replayed", "validated", "mapped", "passed", "delivered"]
    );
    // Discard; a second discard is a conflict.
    let (status, _) = h
        .admin(Method::POST, &format!("/dlq/{invalid}/discard"))
        .await;
    assert_eq!(status, 200);
    let (status, v) = h
        .admin(Method::POST, &format!("/dlq/{invalid}/discard"))
        .await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(h.message(invalid).state, State::Discarded);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_message_per_ordering_key_in_flight_keeps_order_through_failures() {
    let mut h = Harness::start(
        StandInConfig {
            faults: Faults {
                error_rate: 0.3,
                reset_rate: 0.1,
                seed: 7,
                ..Faults::default()
            },
            ..ordered()
        },
        |doc| {
            doc["flows"]["orders"]["steps"][3]["deliver"]["policy"]["retry"]["max_attempts"] =
                json!(50)
        },
    )
    .await;
    for seq in 1..=20 {
        for c in 0..5 {
            let (status, _) = h
                .order(&order(&format!("{c}-{seq}"), &format!("C{c}"), seq, 5.0))
                .await;
            assert_eq!(status, 202);
        }
    }
    h.until("all delivered", |h| {
        h.count("orders", State::Delivered) == 100
    })
    .await;
    assert_eq!(h.target.effect_count(), 100);
    assert!(
        h.target.order_violations().is_empty(),
        "{:?}",
        h.target.order_violations()
    );
    let seqs = h.target.sequences();
    assert_eq!(seqs.len(), 5);
    for (_, s) in seqs {
        assert_eq!(s, (1..=20).collect::<Vec<i64>>());
    }
    assert!(h.target.fault_counts().total() > 0, "faults were injected");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hold_parks_the_message_until_an_operator_releases_or_rejects_it() {
    let mut h = Harness::start(ordered(), |_| {}).await;
    let (_, body) = h.order(&order("5001", "C1", 1, 5000.0)).await;
    let big = accepted_id(&body);
    let (_, body) = h.order(&order("5002", "C2", 1, 7000.0)).await;
    let other = accepted_id(&body);
    // The same customer's next order waits behind the held one.
    let (_, body) = h.order(&order("5003", "C1", 2, 10.0)).await;
    let behind = accepted_id(&body);
    h.until("two held", |h| h.count("orders", State::Held) == 2)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        h.message(behind).state,
        State::Queued,
        "ordering waits behind a hold"
    );
    assert_eq!(h.target.effect_count(), 0);
    let (status, held) = h.admin(Method::GET, "/held").await;
    assert_eq!(status, 200);
    assert_eq!(held[0]["reason"], "credit-review");
    let (status, _) = h.admin(Method::POST, &format!("/held/{big}/release")).await;
    assert_eq!(status, 200);
    let (status, _) = h
        .admin(Method::POST, &format!("/held/{other}/reject"))
        .await;
    assert_eq!(status, 200);
    h.until("the released and the one behind it", |h| {
        h.count("orders", State::Delivered) == 2
    })
    .await;
    assert_eq!(h.message(other).state, State::Rejected);
    let seqs = h.target.sequences();
    assert_eq!(seqs["C1"], [1, 2]);
    assert!(!seqs.contains_key("C2"));
    assert_eq!(
        h.kinds(big),
        [
            "received",
            "validated",
            "mapped",
            "held",
            "released",
            "delivered"
        ]
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_api_needs_the_token_and_metrics_and_health_answer() {
    let mut h = Harness::start(ordered(), |_| {}).await;
    let status = |r: reqwest::Response| r.status().as_u16();
    let url = format!("{}/admin/status", h.base);
    assert_eq!(status(h.client.get(&url).send().await.unwrap()), 401);
    assert_eq!(
        status(
            h.client
                .get(&url)
                .bearer_auth("wrong")
                .send()
                .await
                .unwrap()
        ),
        401
    );
    h.order(&order("6001", "C1", 1, 1.0)).await;
    h.until("delivery", |h| h.count("orders", State::Delivered) == 1)
        .await;
    let (code, s) = h.admin(Method::GET, "/status").await;
    assert_eq!(code, 200);
    assert_eq!(s["flows"]["orders"]["delivered"], 1);
    assert!(s["plan_hash"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(
        status(
            h.client
                .get(format!("{}/healthz", h.base))
                .send()
                .await
                .unwrap()
        ),
        200
    );
    assert_eq!(
        status(
            h.client
                .get(format!("{}/readyz", h.base))
                .send()
                .await
                .unwrap()
        ),
        200
    );
    let m = h
        .client
        .get(format!("{}/metrics", h.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        r#"weft_received_total{flow="orders"} 1"#,
        r#"weft_delivered_total{flow="orders"} 1"#,
        r#"weft_messages{flow="orders",state="delivered"} 1"#,
        r#"weft_delivery_latency_seconds_count{flow="orders",system="erp"} 1"#,
        r#"weft_outcomes_total{flow="orders",state="delivered"} 1"#,
    ] {
        assert!(m.contains(line), "{line} missing from:\n{m}");
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_circuit_breaker_defers_deliveries_without_spending_attempts() {
    let mut h = Harness::start(
        StandInConfig {
            faults: Faults::down(),
            ..ordered()
        },
        |doc| {
            let p = &mut doc["flows"]["orders"]["steps"][3]["deliver"]["policy"];
            p["circuit_breaker"] = json!({ "failures": 3, "window": "10s", "cool_down": "400ms" });
            p["retry"]["max_attempts"] = json!(100);
        },
    )
    .await;
    for c in 0..3 {
        h.order(&order(&format!("7{c}"), &format!("C{c}"), 1, 1.0))
            .await;
    }
    h.until("a deferral", |h| {
        (1..=3).any(|id| h.kinds(id).iter().any(|k| k == "deferred"))
    })
    .await;
    let m = h
        .client
        .get(format!("{}/metrics", h.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        m.contains(r#"weft_circuit_breaker_state{system="erp"} 1"#),
        "{m}"
    );
    h.target.set_faults(Faults::default());
    h.until("all delivered", |h| {
        h.count("orders", State::Delivered) == 3
    })
    .await;
    // While open, requests stopped: far fewer than 100 attempts were made
    // (the feeds' polls aside).
    let attempts = h
        .target
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert!(attempts < 30, "{attempts}");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_commits_records_with_the_cursor_and_resumes_after_it() {
    let mut h = Harness::start(ordered(), |_| {}).await;
    let rec = |rev: i64| json!({ "rev": rev, "sku": format!("S{rev}"), "qty": rev * 10 });
    h.target.add_records("/feed", (1..=3).map(rec).collect());
    h.until("three delivered", |h| {
        h.count("stock", State::Delivered) == 3
    })
    .await;
    assert_eq!(
        h.store.cursor("stock").unwrap().as_deref(),
        Some(r#"{"since":"3"}"#)
    );
    h.target.add_records("/feed", (4..=5).map(rec).collect());
    h.until("five delivered", |h| {
        h.count("stock", State::Delivered) == 5
    })
    .await;
    assert_eq!(
        h.store.cursor("stock").unwrap().as_deref(),
        Some(r#"{"since":"5"}"#)
    );
    let polls: Vec<String> = h
        .target
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path)
        .collect();
    assert!(polls.iter().any(|p| p == "/feed?since=3"), "{polls:?}");
    let stock: Vec<_> = h
        .target
        .effects()
        .into_iter()
        .filter(|e| e.path == "/stock")
        .collect();
    assert_eq!(stock.len(), 5, "no record delivered twice");
    h.stop().await;
}

/// The paths of the GET requests the target received under `prefix`.
fn gets(h: &Harness, prefix: &str) -> Vec<String> {
    h.target
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.starts_with(prefix))
        .map(|r| r.path)
        .collect()
}

/// The bodies the target applied at `path`, in order.
fn delivered_to(h: &Harness, path: &str) -> Vec<serde_json::Value> {
    h.target
        .effects()
        .into_iter()
        .filter(|e| e.path == path)
        .map(|e| e.body)
        .collect()
}

/// The `rev` of every record delivered to `/levels`, sorted (a record
/// delivered twice shows twice).
fn level_revs(h: &Harness) -> Vec<i64> {
    let mut revs: Vec<i64> = delivered_to(h, "/levels")
        .iter()
        .map(|b| b["rev"].as_i64().unwrap())
        .collect();
    revs.sort();
    revs
}

/// Two scans of the paged feed at `path`, polled by `flow` in pages of 2:
/// five records, then three more. The first scan's end is saved as the
/// largest `rev` with no page left; every request in `want` was made; each
/// record is delivered once.
async fn two_paged_scans(h: &mut Harness, flow: &str, path: &str, want: &[&str]) {
    let rec = |rev: i64| json!({ "rev": rev, "sku": format!("S{rev}"), "qty": rev });
    h.target.add_records(path, (1..=5).map(rec).collect());
    h.until("five delivered", |h| h.count(flow, State::Delivered) == 5)
        .await;
    h.until("the scan's end saved", |h| {
        h.store.cursor(flow).unwrap().as_deref() == Some(r#"{"since":"5"}"#)
    })
    .await;
    h.target.add_records(path, (6..=8).map(rec).collect());
    h.until("eight delivered", |h| h.count(flow, State::Delivered) == 8)
        .await;
    let polls = gets(h, path);
    for want in want {
        assert!(polls.iter().any(|p| p == want), "{want} not in {polls:?}");
    }
    assert_eq!(
        level_revs(h),
        (1..=8).collect::<Vec<_>>(),
        "each record once"
    );
    h.stop().await;
}

/// Adds flow `name` on `schedule`, delivering each tick to `/ticks`.
fn scheduled(doc: &mut serde_json::Value, name: &str, schedule: serde_json::Value) {
    let mut deliver = doc["flows"]["stock"]["steps"][0].clone();
    deliver["deliver"]["endpoint"]["path"] = json!("/ticks");
    doc["flows"][name] = json!({ "trigger": { "schedule": schedule }, "steps": [ deliver ] });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_follows_page_tokens_and_saves_each_page_with_its_records() {
    let mut h = Harness::start(
        StandInConfig {
            feed_page: 2,
            ..ordered()
        },
        |_| {},
    )
    .await;
    // The first scan follows tokens t2 and t4 with no mark; the next one
    // starts after 5 and follows t2 to record 8.
    let want = [
        "/paged",
        "/paged?page=t2",
        "/paged?page=t4",
        "/paged?since=5&page=t2",
    ];
    two_paged_scans(&mut h, "paged", "/paged", &want).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_taken_bad_lines_dead_lettered_and_the_file_archived() {
    let mut h = Harness::start(ordered(), |_| {}).await;
    let inbox = h.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::write(
        inbox.join("batch-1.jsonl"),
        "{\"id\": \"r1\"}\n{\"id\": \"r2\"}\nnot json\n\n{\"id\": \"r3\"}\n{\"no_id\": 1}\n",
    )
    .unwrap();
    h.until("the file's records", |h| {
        h.count("rows", State::Delivered) == 3 && h.count("rows", State::Dead) == 2
    })
    .await;
    assert!(!inbox.join("batch-1.jsonl").exists());
    assert!(h.dir.path().join("done/batch-1.jsonl").exists());
    let dead = h.store.list(State::Dead, 0, 10).unwrap();
    let reasons: Vec<&str> = dead.iter().filter_map(|m| m.reason.as_deref()).collect();
    assert!(reasons[0].starts_with("line 3: not JSON"), "{reasons:?}");
    assert!(reasons[1].contains("/ fails `required`"), "{reasons:?}");
    assert_eq!(dead[1].origin, "file tpl batch-1.jsonl line 6");
    h.stop().await;
}

/// Two flows read one folder (a 3PL's files feed the storefront and the
/// ERP): every record reaches both, the file is archived once, and a
/// restart does not take it again. With a watcher per flow, the first to
/// archive the file hid it from the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_read_by_two_flows_gives_each_every_record() {
    let mut h = Harness::start(ordered(), |doc| {
        doc["flows"]["rows_too"] = doc["flows"]["rows"].clone();
    })
    .await;
    let inbox = h.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for n in 1..=3 {
        std::fs::write(
            inbox.join(format!("batch-{n}.jsonl")),
            format!("{{\"id\": \"a{n}\"}}\n{{\"id\": \"b{n}\"}}\nnot json\n"),
        )
        .unwrap();
    }
    h.until("both flows' records", |h| {
        ["rows", "rows_too"]
            .iter()
            .all(|f| h.count(f, State::Delivered) == 6 && h.count(f, State::Dead) == 3)
    })
    .await;
    for n in 1..=3 {
        assert!(!inbox.join(format!("batch-{n}.jsonl")).exists());
        assert!(h.dir.path().join(format!("done/batch-{n}.jsonl")).exists());
    }
    // Each record was delivered once per flow: twice in all.
    assert_eq!(delivered_to(&h, "/rows").len(), 12);
    // As if weft had stopped between the last file's commit and its move:
    // the folder's position shows it was taken, so it is archived unread.
    h.stop().await;
    std::fs::rename(
        h.dir.path().join("done/batch-3.jsonl"),
        inbox.join("batch-3.jsonl"),
    )
    .unwrap();
    let config = h.config.clone();
    h.restart(config).await;
    h.until("the file archived again", |h| {
        h.dir.path().join("done/batch-3.jsonl").exists()
    })
    .await;
    for f in ["rows", "rows_too"] {
        assert_eq!(h.count(f, State::Delivered), 6, "{f} after the restart");
        assert_eq!(h.count(f, State::Dead), 3, "{f} after the restart");
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_stops_intake_and_finishes_in_flight_deliveries() {
    let mut h = Harness::start(
        faulty(Faults {
            slow_rate: 1.0,
            slow_ms: 150,
            ..Faults::default()
        }),
        |_| {},
    )
    .await;
    for c in 0..10 {
        h.order(&order(&format!("8{c}"), &format!("C{c}"), 1, 1.0))
            .await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let instance = h.instance.take().unwrap();
    let shared = instance.shared.clone();
    let stopping = tokio::spawn(instance.shutdown());
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (status, _) = h.order(&order("late", "C1", 2, 1.0)).await;
    assert_eq!(status, 503, "intake is stopped");
    stopping.await.unwrap();
    assert_eq!(shared.in_flight(), 0);
    assert_eq!(
        h.count("orders", State::Delivered),
        10,
        "in-flight deliveries finished"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_oauth_token_is_replaced_and_the_delivery_goes_through() {
    let creds = tempfile::tempdir().unwrap();
    let (id_file, secret_file) = (creds.path().join("id"), creds.path().join("secret"));
    std::fs::write(&id_file, "erp-client").unwrap();
    std::fs::write(&secret_file, "erp-secret").unwrap();
    let target = StandInConfig {
        client_credentials: Some(("erp-client".into(), "erp-secret".into())),
        required_header: Some((
            "Authorization".into(),
            format!("Bearer {}", weft_runtime::standin::TOKEN),
        )),
        ..ordered()
    };
    let mut h = Harness::start(target, |doc| {
        let token_url = format!(
            "{}{}",
            doc["systems"]["erp"]["base_url"].as_str().unwrap(),
            weft_runtime::standin::TOKEN_PATH
        );
        doc["systems"]["erp"]["auth"] = json!({ "oauth2": {
            "token_url": token_url,
            "client_id": { "file": id_file.to_str().unwrap() },
            "client_secret": { "file": secret_file.to_str().unwrap() },
        }});
    })
    .await;
    let (status, _) = h.order(&order("2001", "C1", 1, 10.0)).await;
    assert_eq!(status, 202);
    h.until("the first delivery", |h| {
        h.count("orders", State::Delivered) == 1
    })
    .await;
    assert_eq!(h.target.token_requests(), 1);
    // The identity provider revokes the token long before it expires: the
    // next delivery is refused once, gets a new token and goes through in
    // the same attempt, not to the dead-letter queue.
    h.target.rotate_token();
    let (status, body) = h.order(&order("2002", "C1", 2, 10.0)).await;
    assert_eq!(status, 202);
    let id = accepted_id(&body);
    h.until("the second delivery", |h| {
        h.count("orders", State::Delivered) == 2
    })
    .await;
    assert_eq!(h.target.token_requests(), 2);
    assert_eq!(h.target.unauthorized(), 1);
    assert_eq!(h.count("orders", State::Dead), 0);
    assert!(!h.kinds(id).contains(&"attempt_failed".to_string()));
    assert_eq!(h.target.effects().len(), 2);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_follows_link_headers_as_given() {
    let mut h = Harness::start(
        StandInConfig {
            feed_page: 2,
            ..ordered()
        },
        |doc| {
            let mut flow = doc["flows"]["paged"].clone();
            let poll = &mut flow["trigger"]["poll"];
            poll["endpoint"]["path"] = json!("/linked");
            poll["endpoint"]["endpoint"] = json!("linked");
            poll.as_object_mut().unwrap().remove("records");
            poll["pages"] = json!({ "link": "next" });
            doc["flows"]["linked"] = flow;
            doc["flows"].as_object_mut().unwrap().remove("paged");
        },
    )
    .await;
    // The links carry the whole query (no `since` added to them); the
    // second scan starts after 5 and its link leads from record 6 to 8.
    let want = [
        "/linked",
        "/linked?page_info=a2",
        "/linked?page_info=a4",
        "/linked?since=5",
        "/linked?page_info=a7",
    ];
    two_paged_scans(&mut h, "linked", "/linked", &want).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_flow_starts_one_message_per_tick_saved_with_its_time() {
    let mut h = Harness::start(ordered(), |doc| {
        scheduled(
            doc,
            "nightly",
            json!({ "cron": "0 2 * * *", "timezone": "Europe/Berlin" }),
        )
    })
    .await;
    // The test's poll floor (100 ms) fires the 02:00 schedule early and often.
    h.until("three ticks delivered", |h| {
        h.count("nightly", State::Delivered) >= 3
    })
    .await;
    let ticks = delivered_to(&h, "/ticks");
    assert!(ticks.len() >= 3);
    let mut times: Vec<String> = Vec::new();
    for t in &ticks {
        assert_eq!(t["flow"], "nightly");
        let at = t["scheduled_at"].as_str().unwrap().to_string();
        assert!(at.parse::<jiff::Timestamp>().is_ok(), "{at}");
        assert!(!times.contains(&at), "a tick fired twice: {at}");
        times.push(at);
    }
    // The last tick is saved as the flow's position, in milliseconds.
    let saved: i64 = h.store.cursor("nightly").unwrap().unwrap().parse().unwrap();
    assert!(saved > 1_700_000_000_000, "{saved}");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_fires_no_tick_twice_and_the_missed_ones_once() {
    let mut h = Harness::start(ordered(), |doc| {
        scheduled(doc, "every-second", json!({ "every": "1s" }))
    })
    .await;
    // On the schedule itself, not the test's poll floor.
    let real = weft_runtime::Config {
        poll_floor: None,
        ..h.config.clone()
    };
    h.restart(real.clone()).await;
    h.until("two ticks", |h| {
        h.count("every-second", State::Delivered) >= 2
    })
    .await;
    h.stop().await;
    // Every tick stored so far (one may be stored and not yet delivered).
    let stored = |h: &Harness| {
        [State::Queued, State::Delivered, State::Dead]
            .into_iter()
            .map(|s| h.count("every-second", s))
            .sum::<u64>()
    };
    let before = stored(&h);
    let last: i64 = h
        .store
        .cursor("every-second")
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    // Down for about three ticks.
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    h.restart(real).await;
    // The missed ticks fire once, at start, stamped with the first missed time.
    h.until("the catch-up tick delivered", |h| {
        h.count("every-second", State::Delivered) == before + 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        stored(&h),
        before + 1,
        "one tick for the time weft was down"
    );
    let times: Vec<String> = delivered_to(&h, "/ticks")
        .iter()
        .map(|t| t["scheduled_at"].as_str().unwrap().to_string())
        .collect();
    let mut distinct = times.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), times.len(), "a tick fired twice: {times:?}");
    let first_missed = jiff::Timestamp::from_millisecond(last + 1_000)
        .unwrap()
        .to_string();
    assert_eq!(times.last(), Some(&first_missed), "{times:?}");
    h.stop().await;
}

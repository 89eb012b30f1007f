//! Crash safety of `weft run`: while 20,000 webhook events flow to a
//! stand-in ERP that fails and resets connections now and then, the
//! runtime is killed with SIGKILL at random moments (at least 10 times) and
//! restarted each time. Afterwards: every acknowledged event was delivered
//! once (one effect per event at the target) or is in the dead-letter
//! queue; no customer's events arrived out of order; the store's counts and
//! its audit trail agree; SQLite's integrity check passes.
//!
//! `WEFT_SOAK=1` runs the longer version (200,000 events, 50 kills).

#![cfg(unix)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use weft_runtime::standin::{Faults, StandIn, StandInConfig};
use weft_runtime::store::{State, Store};
use weft_runtime::testplan::{order, TestPlan, SIGNATURE_HEADER, WEBHOOK_PATH};

const SECRET: &str = "crash-test-secret";
const TOKEN: &str = "crash-test-admin-token-0123456789";

fn free_port() -> u16 {
    weft_runtime::standin::free_port().expect("a free loopback port")
}

/// A `weft run` child that is killed if the test ends early (a failed
/// assertion must not leave it running).
struct Runtime(Child);

impl Drop for Runtime {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn start(plan: &std::path::Path, data: &std::path::Path, port: u16) -> Runtime {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("run")
        .arg(plan)
        .arg("--data-dir")
        .arg(data)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--admin-token-env",
            "WEFT_CRASH_TOKEN",
        ])
        .env("WEFT_CRASH_TOKEN", TOKEN)
        .env("WEFT_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Runtime)
        .expect("weft run starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_moments_loses_nothing_and_duplicates_nothing() {
    let soak = std::env::var("WEFT_SOAK").is_ok_and(|v| v == "1");
    let (customers, per_customer, min_kills) = if soak { (500, 400, 50) } else { (200, 100, 10) };
    let total = customers * per_customer;

    let target = StandIn::start(StandInConfig {
        ordering_key: Some("/customer_id".into()),
        sequence: Some("/seq".into()),
        faults: Faults {
            error_rate: 0.02,
            reset_rate: 0.01,
            seed: 11,
            ..Faults::default()
        },
        ..StandInConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, SECRET).unwrap();
    let plan_path = dir.path().join("plan.json");
    let mut plan = TestPlan::new(&target.url(), secret.to_str().unwrap());
    plan.max_attempts = 1000;
    plan.backoff = ("20ms".into(), "200ms".into());
    plan.timeout = "2s".into();
    std::fs::write(&plan_path, weft_plan::canonical::pretty(&plan.seal().doc)).unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    let mut child = start(&plan_path, &data, port);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let acked = Arc::new(AtomicU64::new(0));
    let sending = Arc::new(AtomicBool::new(true));
    let started = Instant::now();

    // One sender per customer: each event is re-sent until it is acknowledged
    // (the runtime may be dead), and the next one waits for that.
    let mut senders = Vec::new();
    for c in 0..customers {
        let (client, base, acked) = (client.clone(), base.clone(), acked.clone());
        senders.push(tokio::spawn(async move {
            for seq in 1..=per_customer {
                let body = order(&format!("c{c}-{seq}"), &format!("C{c}"), seq, 1.0).to_string();
                let sig = weft_runtime::webhook::sign(SECRET, "hex", body.as_bytes());
                loop {
                    let r = client
                        .post(format!("{base}{WEBHOOK_PATH}"))
                        .header(SIGNATURE_HEADER, &sig)
                        .body(body.clone())
                        .send()
                        .await;
                    if r.is_ok_and(|r| r.status().as_u16() == 202) {
                        acked.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }));
    }

    // The killer.
    let mut kills = 0;
    while sending.load(Ordering::Relaxed) {
        let wait = 700 + fastrand::u64(0..1600);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let done = acked.load(Ordering::Relaxed) == total as u64;
        if done && kills >= min_kills {
            sending.store(false, Ordering::Relaxed);
            break;
        }
        child.0.kill().expect("SIGKILL");
        child.0.wait().unwrap();
        kills += 1;
        child = start(&plan_path, &data, port);
        assert!(
            started.elapsed() < Duration::from_secs(if soak { 3600 } else { 420 }),
            "the test is too slow"
        );
    }
    for s in senders {
        s.await.unwrap();
    }

    // Let the last instance drain the queue, then stop it gracefully.
    let deadline = Instant::now() + Duration::from_secs(if soak { 1800 } else { 180 });
    loop {
        let r = client
            .get(format!("{base}/admin/status"))
            .bearer_auth(TOKEN)
            .send()
            .await;
        if let Ok(r) = r {
            if let Ok(s) = r.json::<Value>().await {
                let queued = s["flows"]["orders"]["queued"].as_u64().unwrap_or(0);
                if queued == 0 && s["flows"]["orders"].is_object() {
                    break;
                }
            }
        }
        assert!(Instant::now() < deadline, "the queue did not drain");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    unsafe_sigterm(&child.0);
    let status = child.0.wait().unwrap();
    assert!(status.success(), "SIGTERM is a clean exit: {status:?}");

    // Every acknowledged event: delivered once, or dead-lettered.
    let store = weft_runtime::SqliteStore::open(&data).unwrap();
    store.check_integrity().unwrap();
    let mut effects_per_event: BTreeMap<String, usize> = BTreeMap::new();
    let mut keys_per_event: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in target.effects() {
        let id = e.body["order_id"]
            .as_str()
            .unwrap()
            .trim_start_matches("SO-")
            .to_string();
        *effects_per_event.entry(id.clone()).or_default() += 1;
        keys_per_event
            .entry(id)
            .or_default()
            .insert(e.key.unwrap_or_default());
    }
    let dead: BTreeSet<String> = store
        .list(State::Dead, 0, 1000)
        .unwrap()
        .into_iter()
        .map(|m| {
            serde_json::from_str::<Value>(&m.payload).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut lost = Vec::new();
    for c in 0..customers {
        for seq in 1..=per_customer {
            let id = format!("c{c}-{seq}");
            match effects_per_event.get(&id) {
                Some(1) => {}
                Some(n) => panic!("event {id} was applied {n} times"),
                None if dead.contains(&id) => {}
                None => lost.push(id),
            }
        }
    }
    assert!(
        lost.is_empty(),
        "{} events lost, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
    assert!(
        keys_per_event.values().all(|k| k.len() == 1),
        "one idempotency key per event"
    );
    assert!(
        target.order_violations().is_empty(),
        "{:?}",
        target.order_violations()
    );

    // The store's counts and audit trail reconcile.
    let counts = store.counts().unwrap();
    let count = |s: State| {
        counts
            .iter()
            .filter(|c| c.state == s)
            .map(|c| c.count)
            .sum::<u64>()
    };
    assert_eq!(
        count(State::Delivered) + count(State::Dead),
        total as u64,
        "{counts:?}"
    );
    assert_eq!(count(State::Queued), 0);
    let events: BTreeMap<String, u64> = store.event_counts().unwrap().into_iter().collect();
    assert_eq!(events["received"], total as u64, "{events:?}");
    assert_eq!(
        events.get("delivered").copied().unwrap_or(0),
        count(State::Delivered),
        "{events:?}"
    );
    assert_eq!(
        events.get("dead_lettered").copied().unwrap_or(0),
        count(State::Dead),
        "{events:?}"
    );
    assert_eq!(target.effect_count() as u64, count(State::Delivered));
    eprintln!(
        "crash test: {total} events, {kills} kills, {} s, {} replays absorbed by idempotency keys, {} faults injected",
        started.elapsed().as_secs(),
        target.replays(),
        target.fault_counts().total()
    );
}

/// Sends SIGTERM (graceful shutdown) to the child.
fn unsafe_sigterm(child: &Child) {
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

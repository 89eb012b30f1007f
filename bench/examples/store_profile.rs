//! The store's share of one webhook's trip through the runtime, without HTTP:
//! arrivals accepted in groups, read back as due, and recorded delivered
//! with the events a validate-map-deliver flow writes, then the next of
//! each ordering key looked up, as the engine does. Prints the CPU time
//! per message of each part (the process's user + system time, which
//! includes the writer thread and its disk syncs), and the bytes written
//! to disk per message.
//!
//! `cargo run --release -p weft-bench --example store_profile [MESSAGES]`
//! (`valgrind --tool=callgrind` on the binary counts its instructions.)

use std::collections::HashSet;
use std::time::Instant;
use weft_runtime::store::{NewEvent, NewMessage, Outcome, SqliteStore, State, Store};

const GROUP: usize = 64;
const PLAN: &str = "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// Bytes this process has had written to storage (`/proc/self/io`): the
/// write-ahead log's frames and the checkpoints into the database file.
fn written_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("write_bytes: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

fn arrival(n: usize, now: i64) -> NewMessage {
    let customer = format!("C{}", n % 10_000);
    NewMessage {
        flow: "orders".into(),
        idempotency_key: Some(format!("o{n}")),
        ordering_key: Some(customer.clone()),
        payload: format!(
            r#"{{"id":"o{n}","customer":"{customer}","seq":{},"total":10.0}}"#,
            n / 10_000
        ),
        origin: "webhook shop orders".into(),
        plan_hash: PLAN.into(),
        received_at: now,
        state: State::Queued,
        reason: None,
    }
}

fn step_event(at: i64, kind: &str, step: u32, attempt: Option<u32>, detail: &str) -> NewEvent {
    NewEvent {
        at,
        kind: kind.into(),
        step: Some(step),
        attempt,
        duration_us: Some(35),
        detail: Some(detail.into()),
        plan_hash: Some(PLAN.into()),
    }
}

fn main() {
    let total: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(50_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = SqliteStore::open(dir.path()).expect("the store opens");
    let (mut accept, mut due, mut record, mut next) = (0.0, 0.0, 0.0, 0.0);
    let started = Instant::now();
    let written = written_bytes();
    let mut n = 0;
    while n < total {
        let now = weft_runtime::clock::now_ms();
        let arrivals: Vec<NewMessage> = (n..(n + GROUP).min(total))
            .map(|i| arrival(i, now))
            .collect();
        n += arrivals.len();

        let t = weft_bench::cpu::seconds(libc::RUSAGE_SELF);
        store
            .accept(arrivals, None, 7 * 24 * 3_600_000)
            .expect("accepted");
        accept += weft_bench::cpu::seconds(libc::RUSAGE_SELF) - t;

        let t = weft_bench::cpu::seconds(libc::RUSAGE_SELF);
        let messages = store
            .due(now, GROUP, &HashSet::new(), None)
            .expect("due messages");
        due += weft_bench::cpu::seconds(libc::RUSAGE_SELF) - t;

        let outcomes: Vec<Outcome> = messages
            .iter()
            .map(|m| Outcome {
                id: m.id,
                state: State::Delivered,
                step: 3,
                current: Some(m.payload.replace("customer", "customer_id")),
                attempts: 0,
                due_at: now,
                reason: None,
                events: vec![
                    step_event(now, "validated", 0, None, "Order@1"),
                    step_event(now, "mapped", 1, None, "order_to_erp"),
                    step_event(
                        now,
                        "delivered",
                        2,
                        Some(1),
                        "erp.create_order answered 201",
                    ),
                ],
            })
            .collect();
        let t = weft_bench::cpu::seconds(libc::RUSAGE_SELF);
        store.record(outcomes, now).expect("recorded");
        record += weft_bench::cpu::seconds(libc::RUSAGE_SELF) - t;

        let t = weft_bench::cpu::seconds(libc::RUSAGE_SELF);
        let keys: Vec<(String, String)> = messages
            .iter()
            .filter_map(|m| Some((m.flow.clone(), m.ordering_key.clone()?)))
            .collect();
        store.next_in_order(&keys, now).expect("next in order");
        next += weft_bench::cpu::seconds(libc::RUSAGE_SELF) - t;
    }
    let per = |s: f64| s * 1e6 / total as f64;
    println!(
        "{total} messages in {:.1} s, {:.1} KiB written to disk per message; CPU per message: accept {:.1} µs, due {:.1} µs, record {:.1} µs, next in order {:.1} µs, total {:.1} µs",
        started.elapsed().as_secs_f64(),
        (written_bytes() - written) as f64 / 1024.0 / total as f64,
        per(accept),
        per(due),
        per(record),
        per(next),
        per(accept + due + record + next),
    );
}

//! The store's conformance suite against [`SqliteStore`], one test per
//! case, and what is particular to SQLite: its settings, its schema
//! versions, sharing the file, and group commit.

use rusqlite::Connection;
use std::collections::HashSet;
use tempfile::TempDir;
use weft_runtime::store::conformance::{self, T};
use weft_runtime::store::{
    Accepted, Action, NewEvent, NewMessage, SqliteStore, State, Store, StoreError,
};

fn fresh() -> (TempDir, SqliteStore) {
    let dir = TempDir::new().expect("a temporary folder");
    let store = SqliteStore::open(dir.path()).expect("open a new store");
    (dir, store)
}

macro_rules! suite {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                let (_dir, store) = fresh();
                conformance::$case(&store);
            }
        )*

        /// Every case of the suite has a test here.
        #[test]
        fn every_case_has_a_test() {
            let listed: Vec<&str> = conformance::cases::<SqliteStore>()
                .into_iter()
                .map(|(name, _)| name)
                .collect();
            assert_eq!(listed, [$(stringify!($case)),*]);
        }
    };
}

suite![
    accept_round_trip,
    dead_arrival_is_kept,
    unknown_message_not_found,
    dedup_within_window,
    dedup_outside_window,
    dedup_within_batch,
    dedup_is_per_flow,
    no_key_never_dedups,
    duplicate_adds_event,
    cursor_saved_with_accept,
    due_order,
    due_excludes_future_and_settled,
    due_skip_and_limit,
    due_sweeps_past_a_position,
    ordering_key_blocks_later_messages,
    next_in_order_follows_the_key,
    ordering_key_is_per_flow,
    next_due,
    record_updates_every_field,
    record_is_atomic,
    act_release,
    act_reject,
    act_replay,
    act_discard,
    act_wrong_state,
    act_not_found,
    list_pages,
    counts_by_flow_and_state,
    event_counts_by_kind,
    rejections_newest_first,
    purge_keys_forgets_old_keys,
    integrity_ok,
    concurrent_accepts,
    failed_write_leaves_others,
];

#[test]
fn survives_reopen() {
    let dir = TempDir::new().unwrap();
    conformance::survives_reopen(&|| SqliteStore::open(dir.path()).expect("open the store"));
}

fn arrival(flow: &str, key: &str, at: i64) -> NewMessage {
    NewMessage {
        flow: flow.into(),
        idempotency_key: Some(key.into()),
        ordering_key: None,
        payload: "{}".into(),
        origin: "test".into(),
        plan_hash: "plan".into(),
        received_at: at,
        state: State::Queued,
        reason: None,
    }
}

fn user_version(path: &std::path::Path) -> i64 {
    let conn = Connection::open(path).unwrap();
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap()
}

fn tables(path: &std::path::Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT type || ' ' || name FROM sqlite_schema ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn open_creates_the_folder_and_weft_db() {
    let dir = TempDir::new().unwrap();
    let nested = dir.path().join("var").join("weft");
    let store = SqliteStore::open(&nested).unwrap();
    assert_eq!(store.path(), nested.join("weft.db"));
    assert!(nested.join("weft.db").is_file());
    let names = tables(store.path());
    for table in [
        "table messages",
        "table events",
        "table idempotency_keys",
        "table cursors",
        "table rejections",
        "index messages_due",
        "index messages_state",
        "index messages_pending_order",
        "index events_message",
    ] {
        assert!(names.iter().any(|n| n == table), "{table} in {names:?}");
    }
    // Migration 2 replaced it with `messages_pending_order`.
    assert!(
        !names.iter().any(|n| n == "index messages_ordering"),
        "{names:?}"
    );
}

#[test]
fn open_file_uses_the_given_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("elsewhere.sqlite");
    let store = SqliteStore::open_file(&path).unwrap();
    store.accept(vec![arrival("f", "k", T)], None, 0).unwrap();
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM messages", [], |row| row.get(0))
        .unwrap();
    assert_eq!(n, 1);
    assert!(!dir.path().join("weft.db").exists());
}

#[test]
fn wal_and_full_sync() {
    let (_dir, store) = fresh();
    // WAL is a property of the file: any connection sees it.
    let conn = Connection::open(store.path()).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // The others belong to each connection: ask the store's own.
    let settings = store.settings().unwrap();
    for (name, conn) in [("writer", &settings.writer), ("reader", &settings.reader)] {
        assert_eq!(conn.journal_mode, "wal", "{name}");
        assert_eq!(conn.synchronous, 2, "{name}: synchronous=FULL");
        assert!(conn.foreign_keys, "{name}: foreign keys");
        assert_eq!(conn.busy_timeout_ms, 5_000, "{name}");
    }
    assert!(!settings.writer.query_only);
    assert!(settings.reader.query_only);
}

#[test]
fn foreign_keys_are_enforced() {
    // The writer's foreign keys hold: an event for no message is refused.
    let (_dir, store) = fresh();
    let missing = 99;
    let result = store.record(
        vec![weft_runtime::store::Outcome {
            id: missing,
            state: State::Delivered,
            step: 0,
            current: None,
            attempts: 0,
            due_at: T,
            reason: None,
            events: vec![],
        }],
        T,
    );
    assert!(
        matches!(result, Err(StoreError::NotFound(99))),
        "{result:?}"
    );
    let conn = Connection::open(store.path()).unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    let err = conn
        .execute(
            "INSERT INTO events (message_id, at, kind) VALUES (12345, 0, 'x')",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
}

#[test]
fn newer_schema_is_refused() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("weft.db");
    let too_new = i64::from(SqliteStore::SCHEMA_VERSION) + 1;
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", too_new).unwrap();
    }
    let err = match SqliteStore::open(dir.path()) {
        Ok(_) => panic!("a newer schema was opened"),
        Err(err) => err,
    };
    let text = err.to_string();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    assert!(
        text.contains(&format!("schema version {too_new}"))
            && text.contains("newer than this build of weft knows")
            && text.contains(&format!("up to {}", SqliteStore::SCHEMA_VERSION))
            && text.contains("weft.db"),
        "{text}"
    );
    // Refusing leaves the file as it was: no tables, the same version.
    assert_eq!(user_version(&path), too_new);
    assert_eq!(tables(&path), Vec::<String>::new());
}

#[test]
fn migrations_run_once() {
    let dir = TempDir::new().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    let path = store.path().to_path_buf();
    let [Accepted::New(id)] = store.accept(vec![arrival("f", "k", T)], None, 0).unwrap()[..] else {
        panic!("one new message");
    };
    drop(store);
    assert_eq!(user_version(&path), i64::from(SqliteStore::SCHEMA_VERSION));
    let schema = tables(&path);
    for _ in 0..2 {
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.message(id).unwrap().id, id);
        drop(store);
        assert_eq!(user_version(&path), i64::from(SqliteStore::SCHEMA_VERSION));
        assert_eq!(tables(&path), schema);
    }
}

#[test]
fn not_a_database_is_an_error() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("weft.db"), vec![b'x'; 4096]).unwrap();
    match SqliteStore::open(dir.path()) {
        Ok(_) => panic!("a file of x's opened as a store"),
        Err(StoreError::Backend(text)) => assert!(text.contains("weft.db"), "{text}"),
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn two_stores_share_the_file() {
    // The runtime and an operator's CLI, each with its own connections.
    let dir = TempDir::new().unwrap();
    let runtime = SqliteStore::open(dir.path()).unwrap();
    let cli = SqliteStore::open(dir.path()).unwrap();
    let dead = NewMessage {
        state: State::Dead,
        reason: Some("unreadable".into()),
        ..arrival("f", "k", T)
    };
    let id = runtime.accept(vec![dead], None, 0).unwrap()[0].id();
    assert_eq!(cli.message(id).unwrap().state, State::Dead);
    let replayed = NewEvent {
        at: T + 1,
        kind: "replayed".into(),
        step: None,
        attempt: None,
        duration_us: None,
        detail: Some("by operator".into()),
        plan_hash: None,
    };
    cli.act(
        id,
        Action::Replay {
            plan_hash: "plan-2".into(),
        },
        replayed,
    )
    .unwrap();
    let due = runtime.due(T + 1, 10, &HashSet::new(), None).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].plan_hash, "plan-2");
    // Both write at once without "database is locked".
    std::thread::scope(|scope| {
        for (n, store) in [&runtime, &cli].into_iter().enumerate() {
            scope.spawn(move || {
                for i in 0..50 {
                    store
                        .accept(vec![arrival("f", &format!("{n}-{i}"), T + 2)], None, 0)
                        .unwrap();
                }
            });
        }
    });
    let total: u64 = runtime.counts().unwrap().iter().map(|c| c.count).sum();
    assert_eq!(total, 101);
}

#[test]
fn group_commit_shares_transactions() {
    let (_dir, store) = fresh();
    assert_eq!(store.stats().transactions, 0);
    std::thread::scope(|scope| {
        for t in 0..8 {
            let store = &store;
            scope.spawn(move || {
                for i in 0..200 {
                    let accepted = store
                        .accept(vec![arrival(&format!("f{t}"), &i.to_string(), T)], None, 0)
                        .unwrap();
                    assert!(matches!(accepted[..], [Accepted::New(_)]));
                }
            });
        }
    });
    let stats = store.stats();
    assert_eq!(stats.jobs, 1_600, "{stats:?}");
    assert!(
        stats.transactions < stats.jobs,
        "8 concurrent writers never shared a transaction: {stats:?}"
    );
    assert!(stats.transactions > 0);
}

#[test]
fn a_failed_job_is_counted_but_undone() {
    // A failing write still takes part in its group's transaction (its
    // savepoint rolled back) and gets its own error, not the group's.
    let (_dir, store) = fresh();
    let result = store.act(
        404,
        Action::Release,
        NewEvent {
            at: T,
            kind: "released".into(),
            step: None,
            attempt: None,
            duration_us: None,
            detail: None,
            plan_hash: None,
        },
    );
    assert!(
        matches!(result, Err(StoreError::NotFound(404))),
        "{result:?}"
    );
    assert_eq!(store.event_counts().unwrap(), vec![]);
    assert_eq!(
        store.stats(),
        weft_runtime::store::CommitStats {
            transactions: 1,
            jobs: 1
        }
    );
}

#[test]
fn writes_after_drop_are_durable_to_a_new_connection() {
    // Dropping the store joins the writer and closes both connections, so
    // the database (WAL folded back in) reads the same from outside.
    let dir = TempDir::new().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    let path = store.path().to_path_buf();
    for i in 0..20 {
        store
            .accept(vec![arrival("f", &i.to_string(), T + i)], None, 0)
            .unwrap();
    }
    drop(store);
    assert!(
        !dir.path().join("weft.db-wal").exists()
            || std::fs::metadata(dir.path().join("weft.db-wal"))
                .unwrap()
                .len()
                == 0,
        "the last connection to close checkpoints the WAL"
    );
    let conn = Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM messages", [], |row| row.get(0))
        .unwrap();
    assert_eq!(n, 20);
}

#[test]
fn a_failing_write_shares_a_transaction_but_undoes_only_itself() {
    use std::time::Duration;
    let (_dir, store) = fresh();
    let victim = store
        .accept(vec![arrival("f", "victim", T)], None, 0)
        .unwrap()[0]
        .id();
    let before = store.message(victim).unwrap();
    let trail = store.trace(victim).unwrap();
    let start = store.stats();
    // Another process holds the write lock, so the writer stalls on its
    // first job and the next two queue up behind it: they become one group.
    let blocker = Connection::open(store.path()).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    std::thread::scope(|scope| {
        let store = &store;
        let first = scope.spawn(move || store.accept(vec![arrival("f", "first", T)], None, 0));
        std::thread::sleep(Duration::from_millis(150));
        let failing = scope.spawn(move || {
            let delivered = weft_runtime::store::Outcome {
                id: victim,
                state: State::Delivered,
                step: 4,
                current: None,
                attempts: 1,
                due_at: T,
                reason: None,
                events: vec![NewEvent {
                    at: T + 1,
                    kind: "delivered".into(),
                    step: Some(3),
                    attempt: Some(1),
                    duration_us: Some(10),
                    detail: None,
                    plan_hash: None,
                }],
            };
            let missing = weft_runtime::store::Outcome {
                id: victim + 500,
                ..delivered.clone()
            };
            // Updates the victim, then fails on the missing message.
            store.record(vec![delivered, missing], T + 1)
        });
        let fine = scope.spawn(move || store.accept(vec![arrival("f", "fine", T)], None, 0));
        std::thread::sleep(Duration::from_millis(300));
        blocker.execute_batch("COMMIT").unwrap();
        assert!(matches!(
            first.join().unwrap().unwrap()[..],
            [Accepted::New(_)]
        ));
        let failed = failing.join().unwrap();
        assert!(
            matches!(failed, Err(StoreError::NotFound(id)) if id == victim + 500),
            "{failed:?}"
        );
        assert!(matches!(
            fine.join().unwrap().unwrap()[..],
            [Accepted::New(_)]
        ));
    });
    let stats = store.stats();
    assert_eq!(
        (
            stats.transactions - start.transactions,
            stats.jobs - start.jobs
        ),
        (2, 3),
        "the failing write and the one after it shared a transaction"
    );
    assert_eq!(store.message(victim).unwrap(), before);
    assert_eq!(store.trace(victim).unwrap(), trail);
    let total: u64 = store.counts().unwrap().iter().map(|c| c.count).sum();
    assert_eq!(total, 3);
}

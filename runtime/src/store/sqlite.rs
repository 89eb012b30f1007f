//! [`SqliteStore`]: the store in one SQLite file (`weft.db`), in WAL mode
//! with `synchronous=FULL`, so a write the store has answered survives a
//! crash or a power cut.
//!
//! Writes go through one writer thread that owns the write connection.
//! Callers hand it jobs and wait; it runs every job waiting (up to
//! [`MAX_GROUP`]) in one transaction, and answers the callers once the
//! transaction has committed (group commit: one fsync for many writers). A
//! group in which a job fails is rolled back and run again with each job in
//! its own savepoint, so a failing job undoes only itself.
//! Reads use a second connection, which WAL lets run while the writer
//! writes. Another process (an operator's CLI) may open the same file: each
//! connection waits up to [`BUSY_TIMEOUT`] for the other's lock. SQLite is
//! the one rusqlite bundles, 3.51.3 or later: earlier versions (Debian's
//! 3.40 among them) have the WAL-reset bug, which two connections writing
//! and checkpointing at once can hit.

use super::migrations::MIGRATIONS;
use super::{
    Accepted, Action, Count, CursorUpdate, Event, Message, MessageId, NewEvent, NewMessage,
    Outcome, Rejection, State, Store, StoreError,
};
use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::collections::{HashMap, HashSet};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, LazyLock, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The database file's name in the store's folder.
const FILE_NAME: &str = "weft.db";
/// How long a connection waits for another's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// The most jobs the writer runs in one transaction.
const MAX_GROUP: usize = 512;

/// The store in a SQLite database. Cheap to share behind an `Arc`; dropping
/// it finishes the writes already handed to the writer thread, then stops it.
pub struct SqliteStore {
    path: PathBuf,
    reader: Mutex<Connection>,
    jobs: Option<mpsc::Sender<Box<dyn Job>>>,
    writer: Option<JoinHandle<()>>,
    counters: Arc<Counters>,
}

/// How the writer has grouped writes so far (since the store was opened).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommitStats {
    /// Transactions committed.
    pub transactions: u64,
    /// Jobs (write calls) run in those transactions.
    pub jobs: u64,
}

/// The settings a connection runs with, as SQLite reports them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// `wal` for the store.
    pub journal_mode: String,
    /// `2` is `FULL`.
    pub synchronous: i64,
    /// Whether foreign keys are enforced.
    pub foreign_keys: bool,
    /// How long the connection waits for another's lock.
    pub busy_timeout_ms: i64,
    /// True for the read connection, which never writes.
    pub query_only: bool,
}

/// The settings of the store's two connections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The writer thread's connection.
    pub writer: ConnectionSettings,
    /// The connection reads use.
    pub reader: ConnectionSettings,
}

#[derive(Default)]
struct Counters {
    transactions: AtomicU64,
    jobs: AtomicU64,
}

impl SqliteStore {
    /// The schema version this build writes (`PRAGMA user_version`).
    pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

    /// Opens (or creates) the store in `dir`, creating the folder if need
    /// be, and brings its schema up to date.
    pub fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Backend(format!(
                "cannot create the store's folder {}: {e}",
                dir.display()
            ))
        })?;
        SqliteStore::open_file(&dir.join(FILE_NAME))
    }

    /// Opens (or creates) the store in the database file `path`.
    pub fn open_file(path: &Path) -> Result<SqliteStore, StoreError> {
        let shown = path.display();
        let mut writer = connect(path)?;
        // Refuse a newer schema before touching the file at all.
        let version = user_version(&writer, path)?;
        check_version(version, path)?;
        let mode: String = writer
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(db(&format!("switch {shown} to WAL mode")))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend(format!(
                "{shown} cannot use WAL mode (SQLite kept journal mode {mode:?}); \
                 the store needs a local file system"
            )));
        }
        migrate(&mut writer, path)?;
        let reader = connect(path)?;
        reader
            .pragma_update(None, "query_only", true)
            .map_err(db("make the read connection read-only"))?;

        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        let counters = Arc::new(Counters::default());
        let shared = Arc::clone(&counters);
        let handle = std::thread::Builder::new()
            .name("weft-store-writer".into())
            .spawn(move || write_loop(writer, queue, &shared))
            .map_err(|e| StoreError::Backend(format!("cannot start the store's writer: {e}")))?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            reader: Mutex::new(reader),
            jobs: Some(jobs),
            writer: Some(handle),
            counters,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many transactions the writer has committed, and how many write
    /// calls they held.
    pub fn stats(&self) -> CommitStats {
        CommitStats {
            transactions: self.counters.transactions.load(Ordering::SeqCst),
            jobs: self.counters.jobs.load(Ordering::SeqCst),
        }
    }

    /// The settings both connections run with.
    pub fn settings(&self) -> Result<Settings, StoreError> {
        let writer = self.write("read the writer's settings", connection_settings)?;
        let reader = self.read(connection_settings)?;
        Ok(Settings { writer, reader })
    }

    /// Runs `work` in the writer's next transaction and returns its result
    /// once that transaction has committed (or the error that undid it).
    fn write<T, F>(&self, what: &'static str, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Fn(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = mpsc::sync_channel(1);
        self.write_then(
            what,
            work,
            Box::new(move |r| {
                let _ = reply.send(r);
            }),
        );
        answer.recv().unwrap_or_else(|_| {
            Err(StoreError::Backend(format!(
                "cannot {what}: the store's writer has stopped"
            )))
        })
    }

    /// Queues `work` for the writer; `done` gets its result once the
    /// transaction is settled (on the writer's thread), or at once if the
    /// writer has stopped.
    fn write_then<T, F>(&self, what: &'static str, work: F, done: Reply<T>)
    where
        T: Send + 'static,
        F: Fn(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let stopped =
            || StoreError::Backend(format!("cannot {what}: the store's writer has stopped"));
        let job: Box<dyn Job> = Box::new(Call {
            work,
            result: None,
            reply: Some(done),
        });
        match self.jobs.as_ref() {
            Some(jobs) => {
                if let Err(mpsc::SendError(mut job)) = jobs.send(job) {
                    job.abandon(stopped());
                }
            }
            None => {
                let mut job = job;
                job.abandon(stopped());
            }
        }
    }

    /// Runs `work` on the read connection.
    fn read<T>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A panic while reading leaves nothing half-done on the connection.
        let conn = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        work(&conn)
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // Closing the channel ends the writer's loop once it has run the
        // jobs already queued.
        self.jobs.take();
        if let Some(handle) = self.writer.take() {
            let _ = handle.join();
        }
    }
}

// ---------------------------------------------------------------------------
// Opening and migrating

/// Turns off SQLite's memory statistics, once per process and before its
/// first connection (SQLite refuses the setting afterwards, harmlessly). The
/// statistics take a global lock around every allocation SQLite makes, a
/// tenth of the store's CPU time; weft reads none of them.
fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: SQLITE_CONFIG_MEMSTATUS takes one int; sqlite3_config is
        // only called here, before this process opens a connection.
        unsafe {
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0);
        }
    });
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    configure_sqlite();
    let shown = path.display();
    let conn = Connection::open(path).map_err(db(&format!("open {shown}")))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(db(&format!("set a busy timeout on {shown}")))?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(db(&format!("set synchronous=FULL on {shown}")))?;
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(db(&format!("turn on foreign keys on {shown}")))?;
    Ok(conn)
}

fn user_version(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(db(&format!(
            "read the schema version of {}",
            path.display()
        )))
}

fn check_version(version: i64, path: &Path) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::Backend(format!(
            "{} has schema version {version}, newer than this build of weft knows \
             (up to {known}); open it with the weft that wrote it, or a newer one",
            path.display()
        )));
    }
    if version < 0 {
        return Err(StoreError::Backend(format!(
            "{} has schema version {version}, which no build of weft writes",
            path.display()
        )));
    }
    Ok(())
}

/// Applies the migrations the database has not had, in one transaction.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let shown = path.display();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(db(&format!("start migrating {shown}")))?;
    // Read again under the lock: another process may have migrated since.
    let version = user_version(&tx, path)?;
    check_version(version, path)?;
    let known = MIGRATIONS.len();
    let from = usize::try_from(version).unwrap_or(known);
    if from == known {
        return Ok(());
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(from) {
        tx.execute_batch(sql)
            .map_err(db(&format!("apply migration {} to {shown}", index + 1)))?;
    }
    tx.pragma_update(None, "user_version", known as i64)
        .map_err(db(&format!("set the schema version of {shown}")))?;
    tx.commit()
        .map_err(db(&format!("commit the migrations of {shown}")))
}

fn connection_settings(conn: &Connection) -> Result<ConnectionSettings, StoreError> {
    let text = |pragma: &str| -> Result<String, StoreError> {
        conn.query_row(&format!("PRAGMA {pragma}"), [], |row| row.get(0))
            .map_err(db(&format!("read PRAGMA {pragma}")))
    };
    let number = |pragma: &str| -> Result<i64, StoreError> {
        conn.query_row(&format!("PRAGMA {pragma}"), [], |row| row.get(0))
            .map_err(db(&format!("read PRAGMA {pragma}")))
    };
    Ok(ConnectionSettings {
        journal_mode: text("journal_mode")?,
        synchronous: number("synchronous")?,
        foreign_keys: number("foreign_keys")? != 0,
        busy_timeout_ms: number("busy_timeout")?,
        query_only: number("query_only")? != 0,
    })
}

// ---------------------------------------------------------------------------
// The writer: group commit

/// A write waiting for the writer thread.
trait Job: Send {
    /// Does the job's writes; false if it failed (the writer then rolls its
    /// writes back). A job may be run again after a rollback, when a job it
    /// shared a transaction with failed.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once the transaction is settled: `Ok` if it
    /// committed. A job that failed answers with its own error.
    fn finish(self: Box<Self>, settled: Result<(), StoreError>);
    /// Answers a job that never reached the writer.
    fn abandon(&mut self, error: StoreError);
}

/// Where a write's result goes once its transaction is settled.
type Reply<T> = Box<dyn FnOnce(Result<T, StoreError>) + Send>;

/// A job that returns a value to a caller waiting on `reply`.
struct Call<T, F> {
    work: F,
    result: Option<Result<T, StoreError>>,
    reply: Option<Reply<T>>,
}

impl<T, F> Job for Call<T, F>
where
    T: Send,
    F: Fn(&Connection) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let result = (self.work)(conn);
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(self: Box<Self>, settled: Result<(), StoreError>) {
        let answer = match (self.result, settled) {
            (Some(Err(own)), _) => Err(own),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (Some(Ok(_)) | None, Err(e)) => Err(e),
            (None, Ok(())) => Err(StoreError::Backend(
                "a write stopped before it finished (the store has a bug)".into(),
            )),
        };
        if let Some(reply) = self.reply {
            reply(answer);
        }
    }

    fn abandon(&mut self, error: StoreError) {
        if let Some(reply) = self.reply.take() {
            reply(Err(error));
        }
    }
}

fn write_loop(conn: Connection, queue: mpsc::Receiver<Box<dyn Job>>, counters: &Counters) {
    while let Ok(first) = queue.recv() {
        let mut group = Vec::with_capacity(16);
        group.push(first);
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        run_group(&conn, group, counters);
    }
    // The connection closes here, on the writer's own thread.
}

/// Runs a statement without parameters, prepared once per connection (the
/// transaction and savepoint statements run for every write).
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// Runs `group` in one transaction and answers every job. Jobs almost never
/// fail, so the group first runs as one plain transaction; only if a job
/// fails is it rolled back and run again with each job in its own savepoint
/// (savepoints cost a statement each way and journal every page a job
/// touches: a fifth of the writer's time when every group paid for them).
fn run_group(conn: &Connection, mut group: Vec<Box<dyn Job>>, counters: &Counters) {
    if let Err(e) = run_cached(conn, "BEGIN IMMEDIATE") {
        // Another process has held the lock past the busy timeout: fail the
        // whole group now rather than wait again per job.
        let error = format!("cannot start a write transaction: {e}");
        for job in group {
            job.finish(Err(StoreError::Backend(error.clone())));
        }
        return;
    }
    let all_ran = group.iter_mut().all(|job| {
        panic::catch_unwind(AssertUnwindSafe(|| job.run(conn))).unwrap_or(false)
            && !conn.is_autocommit()
    });
    if !all_ran {
        if !conn.is_autocommit() {
            // If even this fails, the BEGIN below fails and says why.
            let _ = conn.execute_batch("ROLLBACK");
        }
        return run_in_savepoints(conn, group, counters);
    }
    commit(conn, group, counters);
}

/// Commits the open transaction in which `ran` ran, and answers them.
fn commit(conn: &Connection, mut ran: Vec<Box<dyn Job>>, counters: &Counters) {
    match run_cached(conn, "COMMIT") {
        Ok(()) => {
            counters.transactions.fetch_add(1, Ordering::SeqCst);
            counters.jobs.fetch_add(ran.len() as u64, Ordering::SeqCst);
            for job in ran {
                job.finish(Ok(()));
            }
        }
        Err(e) => {
            let error = format!("commit: {e}");
            abandon(conn, &mut ran, &error);
        }
    }
}

/// Runs `group` in one transaction, each job in a savepoint, then answers
/// every job: a job that fails is rolled back alone. Should SQLite abandon
/// the transaction part-way (it does on some I/O and memory errors), the
/// jobs run so far are told, and the rest go on in a new transaction.
fn run_in_savepoints(conn: &Connection, group: Vec<Box<dyn Job>>, counters: &Counters) {
    let mut ran: Vec<Box<dyn Job>> = Vec::with_capacity(group.len());
    let mut open = false;
    let mut jobs = group.into_iter();
    while let Some(mut job) = jobs.next() {
        if !open {
            if let Err(e) = run_cached(conn, "BEGIN IMMEDIATE") {
                // Another process has held the lock past the busy timeout:
                // fail the whole group now rather than wait again per job.
                let error = format!("start a write transaction: {e}");
                job.finish(Err(StoreError::Backend(format!("cannot {error}"))));
                for job in jobs {
                    job.finish(Err(StoreError::Backend(format!("cannot {error}"))));
                }
                return;
            }
            open = true;
        }
        if let Err(e) = run_cached(conn, "SAVEPOINT job") {
            let error = format!("start a savepoint: {e}");
            job.finish(Err(StoreError::Backend(format!("cannot {error}"))));
            abandon(conn, &mut ran, &error);
            open = false;
            continue;
        }
        let ok = panic::catch_unwind(AssertUnwindSafe(|| job.run(conn))).unwrap_or(false);
        let settled = if conn.is_autocommit() {
            Err("SQLite rolled the transaction back".to_string())
        } else if ok {
            run_cached(conn, "RELEASE job").map_err(|e| format!("release a savepoint: {e}"))
        } else {
            conn.execute_batch("ROLLBACK TO job; RELEASE job")
                .map_err(|e| format!("roll back a failed write: {e}"))
        };
        match settled {
            Ok(()) => ran.push(job),
            Err(error) => {
                job.finish(Err(StoreError::Backend(format!("cannot {error}"))));
                abandon(conn, &mut ran, &error);
                open = false;
            }
        }
    }
    if open {
        commit(conn, ran, counters);
    }
}

/// Rolls the open transaction back and fails every job that ran in it.
fn abandon(conn: &Connection, ran: &mut Vec<Box<dyn Job>>, error: &str) {
    if !conn.is_autocommit() {
        // If even this fails, SQLite rolls back when the next BEGIN fails.
        let _ = conn.execute_batch("ROLLBACK");
    }
    for job in ran.drain(..) {
        job.finish(Err(StoreError::Backend(format!(
            "the write was rolled back, as the transaction it shared could not {error}"
        ))));
    }
}

// ---------------------------------------------------------------------------
// Rows

fn backend(what: &str, e: rusqlite::Error) -> StoreError {
    StoreError::Backend(format!("cannot {what}: {e}"))
}

/// Maps a SQLite error to a [`StoreError`] that says what failed.
fn db(what: &str) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
    move |e| backend(what, e)
}

const MESSAGE_COLUMNS: &str = "m.id, m.flow, m.idempotency_key, m.ordering_key, m.payload, \
    m.origin, m.plan_hash, m.received_at, m.state, m.step, m.current, m.attempts, m.due_at, \
    m.reason, m.updated_at";

/// Queued messages due by `?1`, after position (`?2` due time, `?3` id),
/// that no earlier pending message of their ordering key holds back. The
/// partial indexes `messages_due` and `messages_pending_order` serve it
/// (the conditions are repeated word for word, as SQLite needs). The text
/// is built once: the worker runs it several times a second.
fn due_query() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m
             WHERE m.state = 'queued' AND m.due_at <= ?1
               AND (m.due_at > ?2 OR (m.due_at = ?2 AND m.id > ?3))
               AND (m.ordering_key IS NULL OR NOT EXISTS (
                   SELECT 1 FROM messages e
                   WHERE e.flow = m.flow AND e.ordering_key = m.ordering_key
                     AND e.state IN ('queued', 'held') AND e.id < m.id))
             ORDER BY m.due_at, m.id"
        )
    });
    &SQL
}

/// The first pending message of flow `?1` and ordering key `?2`: one seek
/// in `messages_pending_order`. Built once (run for every finished message).
fn next_in_order_query() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m
             WHERE m.flow = ?1 AND m.ordering_key = ?2 AND m.state IN ('queued', 'held')
             ORDER BY m.id LIMIT 1"
        )
    });
    &SQL
}

/// Messages in state `?1` after id `?2`, in id order. `messages_state`
/// holds every state but `delivered` (SQLite uses a partial index only when
/// the query repeats its condition); delivered messages are most rows, so
/// for them a walk in id order finds a page quickly.
fn list_query(state: State) -> String {
    let not_delivered = if state == State::Delivered {
        ""
    } else {
        "AND m.state <> 'delivered'"
    };
    format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m
         WHERE m.state = ?1 {not_delivered} AND m.id > ?2 ORDER BY m.id"
    )
}

fn message_row(row: &Row) -> rusqlite::Result<Message> {
    Ok(Message {
        id: row.get(0)?,
        flow: row.get(1)?,
        idempotency_key: row.get(2)?,
        ordering_key: row.get(3)?,
        payload: row.get(4)?,
        origin: row.get(5)?,
        plan_hash: row.get(6)?,
        received_at: row.get(7)?,
        state: state_column(row, 8)?,
        step: row.get(9)?,
        current: row.get(10)?,
        attempts: row.get(11)?,
        due_at: row.get(12)?,
        reason: row.get(13)?,
        updated_at: row.get(14)?,
    })
}

fn state_column(row: &Row, index: usize) -> rusqlite::Result<State> {
    let name: String = row.get(index)?;
    State::parse(&name).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            Type::Text,
            format!("unknown message state {name:?}").into(),
        )
    })
}

fn event_row(row: &Row) -> rusqlite::Result<Event> {
    Ok(Event {
        id: row.get(0)?,
        message_id: row.get(1)?,
        event: NewEvent {
            at: row.get(2)?,
            kind: row.get(3)?,
            step: row.get(4)?,
            attempt: row.get(5)?,
            duration_us: row.get(6)?,
            detail: row.get(7)?,
            plan_hash: row.get(8)?,
        },
    })
}

fn find_message(conn: &Connection, id: MessageId) -> Result<Message, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?1"
    ))
    .and_then(|mut stmt| stmt.query_row([id], message_row).optional())
    .map_err(db("read a message"))?
    .ok_or(StoreError::NotFound(id))
}

fn insert_event(conn: &Connection, id: MessageId, event: &NewEvent) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO events (message_id, at, kind, step, attempt, duration_us, detail, plan_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            id,
            event.at,
            event.kind,
            event.step,
            event.attempt,
            event.duration_us,
            event.detail,
            event.plan_hash,
        ])
    })
    .map_err(db("record an event"))?;
    Ok(())
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn wall_clock_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

// ---------------------------------------------------------------------------
// Writes

fn accept_all(
    conn: &Connection,
    arrivals: &[NewMessage],
    cursor: Option<&CursorUpdate>,
    dedup_window_ms: i64,
) -> Result<Vec<Accepted>, StoreError> {
    // Keys accepted earlier in this batch, whatever their times.
    let mut batch: HashMap<(&str, &str), MessageId> = HashMap::new();
    let mut accepted = Vec::with_capacity(arrivals.len());
    let mut find_key = conn
        .prepare_cached(
            "SELECT message_id, received_at FROM idempotency_keys WHERE flow = ?1 AND key = ?2",
        )
        .map_err(db("look up an idempotency key"))?;
    for arrival in arrivals {
        if let Some(key) = arrival.idempotency_key.as_deref() {
            let earlier = match batch.get(&(arrival.flow.as_str(), key)) {
                Some(&id) => Some(id),
                None => find_key
                    .query_row(params![arrival.flow, key], |row| {
                        Ok((row.get::<_, MessageId>(0)?, row.get::<_, i64>(1)?))
                    })
                    .optional()
                    .map_err(db("look up an idempotency key"))?
                    .filter(|&(_, at)| at >= arrival.received_at.saturating_sub(dedup_window_ms))
                    .map(|(id, _)| id),
            };
            if let Some(id) = earlier {
                insert_event(
                    conn,
                    id,
                    &arrival_event(arrival, "duplicate", Some(&arrival.origin)),
                )?;
                accepted.push(Accepted::Duplicate(id));
                continue;
            }
        }
        conn.prepare_cached(
            "INSERT INTO messages (flow, idempotency_key, ordering_key, payload, origin,
                 plan_hash, received_at, state, step, current, attempts, due_at, reason,
                 updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, NULL, 0, ?7, ?9, ?7)",
        )
        .and_then(|mut stmt| {
            stmt.execute(params![
                arrival.flow,
                arrival.idempotency_key,
                arrival.ordering_key,
                arrival.payload,
                arrival.origin,
                arrival.plan_hash,
                arrival.received_at,
                arrival.state.as_str(),
                arrival.reason,
            ])
        })
        .map_err(db("store a message"))?;
        let id = conn.last_insert_rowid();
        if let Some(key) = arrival.idempotency_key.as_deref() {
            conn.prepare_cached(
                "INSERT INTO idempotency_keys (flow, key, message_id, received_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (flow, key) DO UPDATE
                 SET message_id = excluded.message_id, received_at = excluded.received_at",
            )
            .and_then(|mut stmt| stmt.execute(params![arrival.flow, key, id, arrival.received_at]))
            .map_err(db("store an idempotency key"))?;
            batch.insert((arrival.flow.as_str(), key), id);
        }
        insert_event(
            conn,
            id,
            &arrival_event(arrival, "received", Some(&arrival.origin)),
        )?;
        if arrival.state == State::Dead {
            insert_event(
                conn,
                id,
                &arrival_event(arrival, "dead_lettered", arrival.reason.as_deref()),
            )?;
        }
        accepted.push(Accepted::New(id));
    }
    if let Some(cursor) = cursor {
        conn.prepare_cached(
            "INSERT INTO cursors (flow, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (flow) DO UPDATE
             SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .and_then(|mut stmt| stmt.execute(params![cursor.flow, cursor.value, wall_clock_ms()]))
        .map_err(db("save a polling cursor"))?;
    }
    Ok(accepted)
}

/// An event about an arrival, at the time it arrived.
fn arrival_event(arrival: &NewMessage, kind: &str, detail: Option<&str>) -> NewEvent {
    NewEvent {
        at: arrival.received_at,
        kind: kind.to_string(),
        step: None,
        attempt: None,
        duration_us: None,
        detail: detail.map(str::to_string),
        plan_hash: Some(arrival.plan_hash.clone()),
    }
}

fn record_all(conn: &Connection, outcomes: &[Outcome], now: i64) -> Result<(), StoreError> {
    let mut update = conn
        .prepare_cached(
            "UPDATE messages SET state = ?2, step = ?3, current = ?4, attempts = ?5,
                 due_at = ?6, reason = ?7, updated_at = ?8
             WHERE id = ?1",
        )
        .map_err(db("record an outcome"))?;
    for outcome in outcomes {
        let changed = update
            .execute(params![
                outcome.id,
                outcome.state.as_str(),
                outcome.step,
                outcome.current,
                outcome.attempts,
                outcome.due_at,
                outcome.reason,
                now,
            ])
            .map_err(db("record an outcome"))?;
        if changed == 0 {
            return Err(StoreError::NotFound(outcome.id));
        }
        for event in &outcome.events {
            insert_event(conn, outcome.id, event)?;
        }
    }
    Ok(())
}

fn act_on(
    conn: &Connection,
    id: MessageId,
    action: &Action,
    event: &NewEvent,
) -> Result<Message, StoreError> {
    let actual = find_message(conn, id)?.state;
    let expected = action.from_state();
    if actual != expected {
        return Err(StoreError::WrongState {
            id,
            expected,
            actual,
        });
    }
    let at = event.at;
    let changed = match action {
        Action::Release => conn.execute(
            "UPDATE messages SET state = 'queued', step = step + 1, attempts = 0,
                 due_at = ?2, reason = NULL, updated_at = ?2
             WHERE id = ?1",
            params![id, at],
        ),
        Action::Reject => conn.execute(
            "UPDATE messages SET state = 'rejected', updated_at = ?2 WHERE id = ?1",
            params![id, at],
        ),
        Action::Replay { plan_hash } => conn.execute(
            "UPDATE messages SET state = 'queued', step = 0, current = NULL, attempts = 0,
                 due_at = ?2, reason = NULL, plan_hash = ?3, updated_at = ?2
             WHERE id = ?1",
            params![id, at, plan_hash],
        ),
        Action::Discard => conn.execute(
            "UPDATE messages SET state = 'discarded', updated_at = ?2 WHERE id = ?1",
            params![id, at],
        ),
    }
    .map_err(db("apply an operator's action"))?;
    if changed != 1 {
        return Err(StoreError::NotFound(id));
    }
    insert_event(conn, id, event)?;
    find_message(conn, id)
}

// ---------------------------------------------------------------------------
// The trait

impl Store for SqliteStore {
    fn accept(
        &self,
        arrivals: Vec<NewMessage>,
        cursor: Option<CursorUpdate>,
        dedup_window_ms: i64,
    ) -> Result<Vec<Accepted>, StoreError> {
        self.write("accept messages", move |conn| {
            accept_all(conn, &arrivals, cursor.as_ref(), dedup_window_ms)
        })
    }

    fn due(
        &self,
        now: i64,
        limit: usize,
        skip: &HashSet<MessageId>,
        after: Option<(i64, MessageId)>,
    ) -> Result<Vec<Message>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.read(|conn| {
            // No `LIMIT ?`: this SQLite (STAT4) re-plans a statement whose
            // LIMIT is a bound parameter at every run, which cost a tenth
            // of the runtime's CPU under load. Rows come from the index in
            // order and are stepped lazily, so stopping at `limit` reads no
            // more than a LIMIT would.
            let mut stmt = conn
                .prepare_cached(due_query())
                .map_err(db("find due messages"))?;
            let rows = stmt
                .query_map(
                    params![
                        now,
                        after.map_or(i64::MIN, |a| a.0),
                        after.map_or(i64::MIN, |a| a.1),
                    ],
                    message_row,
                )
                .map_err(db("find due messages"))?;
            let mut due = Vec::new();
            for row in rows {
                let message = row.map_err(db("read a due message"))?;
                if !skip.contains(&message.id) {
                    due.push(message);
                    if due.len() == limit {
                        break;
                    }
                }
            }
            Ok(due)
        })
    }

    fn next_in_order(
        &self,
        keys: &[(String, String)],
        now: i64,
    ) -> Result<Vec<Message>, StoreError> {
        self.read(|conn| {
            // One read transaction for all: each statement outside one
            // takes and drops WAL read locks with system calls of its own.
            let tx = conn
                .unchecked_transaction()
                .map_err(db("start reading the next messages of ordering keys"))?;
            let mut stmt = tx
                .prepare_cached(next_in_order_query())
                .map_err(db("find the next message of an ordering key"))?;
            let mut next = Vec::new();
            for (flow, ordering_key) in keys {
                let first = stmt
                    .query_row(params![flow, ordering_key], message_row)
                    .optional()
                    .map_err(db("find the next message of an ordering key"))?;
                next.extend(first.filter(|m| m.state == State::Queued && m.due_at <= now));
            }
            Ok(next)
        })
    }

    fn next_due(&self) -> Result<Option<i64>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached("SELECT MIN(due_at) FROM messages WHERE state = 'queued'")
                .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)))
                .map_err(db("find the next due time"))
        })
    }

    fn record(&self, outcomes: Vec<Outcome>, now: i64) -> Result<(), StoreError> {
        self.write("record outcomes", move |conn| {
            record_all(conn, &outcomes, now)
        })
    }

    fn accept_then(
        &self,
        arrivals: Vec<NewMessage>,
        cursor: Option<CursorUpdate>,
        dedup_window_ms: i64,
        done: Reply<Vec<Accepted>>,
    ) {
        self.write_then(
            "accept messages",
            move |conn| accept_all(conn, &arrivals, cursor.as_ref(), dedup_window_ms),
            done,
        )
    }

    fn record_then(&self, outcomes: Arc<[Outcome]>, now: i64, done: Reply<()>) {
        self.write_then(
            "record outcomes",
            move |conn| record_all(conn, &outcomes, now),
            done,
        )
    }

    fn act(&self, id: MessageId, action: Action, event: NewEvent) -> Result<Message, StoreError> {
        self.write("apply an operator's action", move |conn| {
            act_on(conn, id, &action, &event)
        })
    }

    fn message(&self, id: MessageId) -> Result<Message, StoreError> {
        self.read(|conn| find_message(conn, id))
    }

    fn trace(&self, id: MessageId) -> Result<Vec<Event>, StoreError> {
        self.read(|conn| {
            let exists: bool = conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM messages WHERE id = ?1)")
                .and_then(|mut stmt| stmt.query_row([id], |row| row.get(0)))
                .map_err(db("read a message"))?;
            if !exists {
                return Err(StoreError::NotFound(id));
            }
            let mut stmt = conn
                .prepare_cached(
                    "SELECT id, message_id, at, kind, step, attempt, duration_us, detail,
                         plan_hash
                     FROM events WHERE message_id = ?1 ORDER BY id",
                )
                .map_err(db("read a message's events"))?;
            let events = stmt
                .query_map([id], event_row)
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(db("read a message's events"))?;
            Ok(events)
        })
    }

    fn list(
        &self,
        state: State,
        after: MessageId,
        limit: usize,
    ) -> Result<Vec<Message>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(&list_query(state))
                .map_err(db("list messages"))?;
            // Stopped at `limit` rather than `LIMIT ?` (see `due`).
            let messages = stmt
                .query_map(params![state.as_str(), after], message_row)
                .and_then(|rows| rows.take(limit).collect::<rusqlite::Result<Vec<_>>>())
                .map_err(db("list messages"))?;
            Ok(messages)
        })
    }

    fn counts(&self) -> Result<Vec<Count>, StoreError> {
        let mut counts = self.read(|conn| {
            let mut stmt = conn
                .prepare_cached("SELECT flow, state, COUNT(*) FROM messages GROUP BY flow, state")
                .map_err(db("count messages"))?;
            let counts = stmt
                .query_map([], |row| {
                    Ok(Count {
                        flow: row.get(0)?,
                        state: state_column(row, 1)?,
                        count: count(row.get(2)?),
                    })
                })
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(db("count messages"))?;
            Ok(counts)
        })?;
        // States in their own order, not their names'.
        counts.sort_by(|a, b| a.flow.cmp(&b.flow).then(a.state.cmp(&b.state)));
        Ok(counts)
    }

    fn event_counts(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached("SELECT kind, COUNT(*) FROM events GROUP BY kind ORDER BY kind")
                .map_err(db("count events"))?;
            let counts = stmt
                .query_map([], |row| Ok((row.get(0)?, count(row.get(1)?))))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(db("count events"))?;
            Ok(counts)
        })
    }

    fn cursor(&self, flow: &str) -> Result<Option<String>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached("SELECT value FROM cursors WHERE flow = ?1")
                .and_then(|mut stmt| stmt.query_row([flow], |row| row.get(0)).optional())
                .map_err(db("read a polling cursor"))
        })
    }

    fn reject(&self, rejection: Rejection) -> Result<(), StoreError> {
        self.write("record a refused request", move |conn| {
            conn.prepare_cached(
                "INSERT INTO rejections (at, system, path, status, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    rejection.at,
                    rejection.system,
                    rejection.path,
                    rejection.status,
                    rejection.reason,
                ])
            })
            .map_err(db("record a refused request"))?;
            Ok(())
        })
    }

    fn rejections(&self, limit: usize) -> Result<Vec<Rejection>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT at, system, path, status, reason FROM rejections
                     ORDER BY at DESC, id DESC",
                )
                .map_err(db("read refused requests"))?;
            let rejections = stmt
                .query_map([], |row| {
                    Ok(Rejection {
                        at: row.get(0)?,
                        system: row.get(1)?,
                        path: row.get(2)?,
                        status: row.get(3)?,
                        reason: row.get(4)?,
                    })
                })
                .and_then(|rows| rows.take(limit).collect::<rusqlite::Result<Vec<_>>>())
                .map_err(db("read refused requests"))?;
            Ok(rejections)
        })
    }

    fn purge_keys(&self, before: i64) -> Result<u64, StoreError> {
        self.write("purge idempotency keys", move |conn| {
            let purged = conn
                .prepare_cached("DELETE FROM idempotency_keys WHERE received_at < ?1")
                .and_then(|mut stmt| stmt.execute([before]))
                .map_err(db("purge idempotency keys"))?;
            Ok(purged as u64)
        })
    }

    fn check_integrity(&self) -> Result<(), StoreError> {
        let report = self.read(|conn| {
            let mut stmt = conn
                .prepare("PRAGMA integrity_check")
                .map_err(db("check the database's integrity"))?;
            let lines = stmt
                .query_map([], |row| row.get::<_, String>(0))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(db("check the database's integrity"))?;
            Ok(lines)
        })?;
        if report.len() == 1 && report[0] == "ok" {
            Ok(())
        } else {
            Err(StoreError::Backend(format!(
                "{} failed its integrity check: {}",
                self.path.display(),
                report.join("; ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite's plan for `sql`, one line per step.
    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("the query prepares");
        let unbound = std::iter::repeat_n(rusqlite::types::Null, stmt.parameter_count());
        let steps: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(unbound), |row| row.get(3))
            .and_then(|rows| rows.collect())
            .expect("the plan reads");
        steps.join("\n")
    }

    /// The SQLite built in is past the WAL-reset bug (3.7.0 to 3.51.2: a
    /// checkpoint racing another connection's write could corrupt the
    /// database; fixed in 3.51.3). The store shares its file with the
    /// operator's CLI, so two connections do write at once.
    #[test]
    fn the_bundled_sqlite_has_the_wal_reset_fix() {
        assert!(
            rusqlite::version_number() >= 3_051_003,
            "SQLite {} is inside the WAL-reset bug's range",
            rusqlite::version()
        );
    }

    /// A store written by the first schema opens under the second with its
    /// messages where they were: due, next in order, listed and counted.
    #[test]
    fn a_first_schema_store_is_migrated_with_its_messages() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join(FILE_NAME);
        {
            let conn = Connection::open(&path).expect("a new file");
            conn.execute_batch(MIGRATIONS[0]).expect("the first schema");
            conn.pragma_update(None, "user_version", 1)
                .expect("version 1");
            for (id, key, state) in [
                (1, "k1", "delivered"),
                (2, "k2", "queued"),
                (3, "k3", "queued"),
                (4, "k4", "held"),
            ] {
                conn.execute(
                    "INSERT INTO messages (id, flow, idempotency_key, ordering_key, payload,
                         origin, plan_hash, received_at, state, step, attempts, due_at, updated_at)
                     VALUES (?1, 'f', ?2, 'c', '{}', 'test', 'p', 10, ?3, 0, 0, 10, 10)",
                    params![id, key, state],
                )
                .expect("a message");
            }
        }
        let store = SqliteStore::open(dir.path()).expect("the store opens and migrates");
        let ids = |messages: Vec<Message>| messages.iter().map(|m| m.id).collect::<Vec<_>>();
        assert_eq!(ids(store.due(10, 10, &HashSet::new(), None).unwrap()), [2]);
        assert_eq!(
            ids(store
                .next_in_order(&[("f".into(), "c".into())], 10)
                .unwrap()),
            [2]
        );
        assert_eq!(ids(store.list(State::Held, 0, 10).unwrap()), [4]);
        assert_eq!(ids(store.list(State::Delivered, 0, 10).unwrap()), [1]);
        assert_eq!(ids(store.list(State::Queued, 0, 10).unwrap()), [2, 3]);
        assert_eq!(store.next_due().unwrap(), Some(10));
        drop(store);
        let conn = Connection::open(&path).expect("the file");
        assert_eq!(user_version(&conn, &path).unwrap(), MIGRATIONS.len() as i64);
    }

    /// The queries the worker runs for every message use the partial
    /// indexes of migration 2, with no sort and no scan: a reworded
    /// condition would silently lose them.
    #[test]
    fn the_worker_queries_seek_in_the_pending_indexes() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = SqliteStore::open(dir.path()).expect("the store opens");
        let conn = store.reader.lock().expect("the read connection");
        let due = plan(&conn, due_query());
        assert!(
            due.contains("USING INDEX messages_due")
                && due.contains("messages_pending_order (flow=? AND ordering_key=? AND id<?)")
                && !due.contains("TEMP B-TREE")
                && !due.contains("SCAN"),
            "{due}"
        );
        let next = plan(&conn, next_in_order_query());
        assert!(
            next.contains("USING INDEX messages_pending_order (flow=? AND ordering_key=?)")
                && !next.contains("TEMP B-TREE"),
            "{next}"
        );
        let held = plan(&conn, &list_query(State::Held));
        assert!(held.contains("USING INDEX messages_state"), "{held}");
        let delivered = plan(&conn, &list_query(State::Delivered));
        assert!(
            !delivered.contains("TEMP B-TREE") && !delivered.contains("messages_state"),
            "{delivered}"
        );
        let soonest = plan(
            &conn,
            "SELECT MIN(due_at) FROM messages WHERE state = 'queued'",
        );
        assert!(soonest.contains("messages_due"), "{soonest}");
    }
}

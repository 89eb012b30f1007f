//! The SQLite schema, as migrations applied in order. Migration `n` (from 1)
//! takes a database from `PRAGMA user_version` `n - 1` to `n`; a database
//! whose version is higher than `MIGRATIONS.len()` was written by a newer
//! build and is refused. Never edit a migration that has shipped: add one.

/// The migration scripts, oldest first.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: the first schema. Messages with their audit events, the
    // idempotency keys that deduplicate arrivals per flow, polling cursors,
    // and refused webhook requests. Indexes make `due` and `next_due` a
    // range scan over (state, due_at, id), `list` one over (state, id), the
    // ordering-key check a seek per candidate, and `trace` a seek per message.
    r#"
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    flow            TEXT    NOT NULL,
    idempotency_key TEXT,
    ordering_key    TEXT,
    payload         TEXT    NOT NULL,
    origin          TEXT    NOT NULL,
    plan_hash       TEXT    NOT NULL,
    received_at     INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('queued', 'held', 'delivered',
                        'filtered', 'dead', 'discarded', 'rejected', 'dropped')),
    step            INTEGER NOT NULL CHECK (step >= 0),
    current         TEXT,
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),
    due_at          INTEGER NOT NULL,
    reason          TEXT,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX messages_due ON messages (state, due_at, id);
CREATE INDEX messages_state ON messages (state, id);
CREATE INDEX messages_ordering ON messages (flow, ordering_key, state, id)
    WHERE ordering_key IS NOT NULL;

CREATE TABLE idempotency_keys (
    flow        TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    message_id  INTEGER NOT NULL REFERENCES messages (id),
    received_at INTEGER NOT NULL,
    PRIMARY KEY (flow, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_received ON idempotency_keys (received_at);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id  INTEGER NOT NULL REFERENCES messages (id),
    at          INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    step        INTEGER,
    attempt     INTEGER,
    duration_us INTEGER,
    detail      TEXT,
    plan_hash   TEXT
);
CREATE INDEX events_message ON events (message_id, id);

CREATE TABLE cursors (
    flow       TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE rejections (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     INTEGER NOT NULL,
    system TEXT    NOT NULL,
    path   TEXT    NOT NULL,
    status INTEGER NOT NULL,
    reason TEXT    NOT NULL
);
CREATE INDEX rejections_at ON rejections (at, id);
"#,
    // 2: the message indexes hold pending messages only (and `list`'s
    // every state but `delivered`), so a delivered message leaves them
    // instead of being re-indexed under its final state: a third fewer
    // index writes per message, and indexes the size of the backlog rather
    // than of the history. The ordering index no longer needs the state
    // column, so the next message of a key is one seek, with no sort.
    r#"
DROP INDEX messages_due;
DROP INDEX messages_state;
DROP INDEX messages_ordering;
CREATE INDEX messages_due ON messages (due_at, id) WHERE state = 'queued';
CREATE INDEX messages_state ON messages (state, id) WHERE state <> 'delivered';
CREATE INDEX messages_pending_order ON messages (flow, ordering_key, id)
    WHERE ordering_key IS NOT NULL AND state IN ('queued', 'held');
"#,
];

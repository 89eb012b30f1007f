//! The durable store: messages, their audit trail, deduplication keys and
//! polling cursors. [`Store`] is the interface the runtime uses; its
//! semantics are specified by the conformance suite in [`conformance`], which
//! every implementation must pass (SQLite today, PostgreSQL next).
//!
//! Times are milliseconds since the Unix epoch (`i64`), supplied by the
//! caller, so the suite can test retention and due times without sleeping.

pub mod conformance;
mod migrations;
mod sqlite;

pub use sqlite::{CommitStats, ConnectionSettings, Settings, SqliteStore};

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// A message's number, unique in one store, increasing with arrival.
pub type MessageId = i64;

/// Where a message is in its life. `Queued` and `Held` are pending; the rest
/// are final unless an operator acts (`Dead` can be replayed or discarded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Waiting to run its next step at `due_at` (new, or retrying).
    Queued,
    /// Parked by a hold step until an operator releases or rejects it.
    Held,
    /// Every step ran; every delivery succeeded.
    Delivered,
    /// A filter step skipped it.
    Filtered,
    /// In the dead-letter queue.
    Dead,
    /// Removed from the dead-letter queue by an operator (kept for audit).
    Discarded,
    /// A held message an operator rejected (kept for audit).
    Rejected,
    /// Failed under a policy without a dead-letter queue (kept for audit).
    Dropped,
}

impl State {
    /// Every state, in the order reports list them.
    pub const ALL: [State; 8] = [
        State::Queued,
        State::Held,
        State::Delivered,
        State::Filtered,
        State::Dead,
        State::Discarded,
        State::Rejected,
        State::Dropped,
    ];

    /// The name stored and shown (`queued`, `dead`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Held => "held",
            State::Delivered => "delivered",
            State::Filtered => "filtered",
            State::Dead => "dead",
            State::Discarded => "discarded",
            State::Rejected => "rejected",
            State::Dropped => "dropped",
        }
    }

    /// The state named `s`.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message as it arrives, before it is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMessage {
    pub flow: String,
    /// Deduplicates arrivals per flow (unique per flow within the retention window).
    pub idempotency_key: Option<String>,
    /// Messages with the same flow and ordering key run one at a time, in id order.
    pub ordering_key: Option<String>,
    /// The payload as received (JSON text).
    pub payload: String,
    /// Where it came from, for operators: `webhook shopify orders/create`,
    /// `file inbox/x.csv line 7`, `poll wms.list_stock_levels`.
    pub origin: String,
    /// The hash of the plan it was accepted under.
    pub plan_hash: String,
    pub received_at: i64,
    /// `Queued` (normal) or `Dead` (a record that could not be read, kept
    /// with its reason so nothing accepted is lost).
    pub state: State,
    /// Why, when `state` is `Dead`.
    pub reason: Option<String>,
}

/// A stored message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub flow: String,
    pub idempotency_key: Option<String>,
    pub ordering_key: Option<String>,
    pub payload: String,
    pub origin: String,
    pub plan_hash: String,
    pub received_at: i64,
    pub state: State,
    /// The index of the next step to run.
    pub step: u32,
    /// The message as the steps before `step` left it (JSON text); `None`
    /// means the payload itself.
    pub current: Option<String>,
    /// Attempts made at the current step (deliveries).
    pub attempts: u32,
    /// When it may run next (`Queued` only).
    pub due_at: i64,
    /// Why it is held, dead, filtered, rejected or dropped.
    pub reason: Option<String>,
    pub updated_at: i64,
}

/// What happened to an arrival.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// Stored as a new message.
    New(MessageId),
    /// The flow already has a message with this idempotency key within the
    /// retention window; nothing new was stored (a `duplicate` event was
    /// added to the existing message's trail).
    Duplicate(MessageId),
}

impl Accepted {
    /// The message the arrival is (or duplicates).
    pub fn id(self) -> MessageId {
        match self {
            Accepted::New(id) | Accepted::Duplicate(id) => id,
        }
    }
}

/// A polling cursor to persist with the messages it produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CursorUpdate {
    pub flow: String,
    pub value: String,
}

/// One line of a message's audit trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    pub at: i64,
    /// `received`, `duplicate`, `validated`, `mapped`, `filtered`, `held`,
    /// `released`, `rejected`, `attempt`, `delivered`, `retry_scheduled`,
    /// `dead_lettered`, `dropped`, `replayed`, `discarded`.
    pub kind: String,
    pub step: Option<u32>,
    pub attempt: Option<u32>,
    /// How long the step or attempt took, in microseconds.
    pub duration_us: Option<i64>,
    /// A short description (an error's class and message, a status code);
    /// never a payload.
    pub detail: Option<String>,
    /// The plan the step ran under.
    pub plan_hash: Option<String>,
}

/// A stored audit event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub message_id: MessageId,
    #[serde(flatten)]
    pub event: NewEvent,
}

/// The result of running a message: its new state and what happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub id: MessageId,
    pub state: State,
    pub step: u32,
    pub current: Option<String>,
    pub attempts: u32,
    pub due_at: i64,
    pub reason: Option<String>,
    pub events: Vec<NewEvent>,
}

/// An operator's action on one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Held -> Queued at the step after the hold, due now.
    Release,
    /// Held -> Rejected.
    Reject,
    /// Dead -> Queued from the first step with no attempts, due now, under
    /// the given plan hash (the payload and the history are kept).
    Replay { plan_hash: String },
    /// Dead -> Discarded.
    Discard,
}

impl Action {
    /// The audit event it leaves, which is also what operators are told it
    /// did: `released`, `rejected`, `replayed`, `discarded`.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Release => "released",
            Action::Reject => "rejected",
            Action::Replay { .. } => "replayed",
            Action::Discard => "discarded",
        }
    }

    /// The state the action applies to.
    pub fn from_state(&self) -> State {
        match self {
            Action::Release | Action::Reject => State::Held,
            Action::Replay { .. } | Action::Discard => State::Dead,
        }
    }
}

/// A webhook request refused before acceptance (bad signature, too large).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub at: i64,
    pub system: String,
    pub path: String,
    pub status: u16,
    pub reason: String,
}

/// Messages per flow and state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub flow: String,
    pub state: State,
    pub count: u64,
}

/// A store failure: the disk, the database, or a message that is not there.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store cannot be used: {0}")]
    Backend(String),
    #[error("message {0} does not exist")]
    NotFound(MessageId),
    #[error("message {id} is {actual}, not {expected}")]
    WrongState {
        id: MessageId,
        expected: State,
        actual: State,
    },
}

/// The durable store. Every method that writes commits before it returns,
/// so a caller may acknowledge what it wrote. Implementations may group
/// concurrent writers into one transaction (group commit), but each call
/// is atomic on its own: all of it is committed, or none of it.
pub trait Store: Send + Sync + 'static {
    /// Stores arrivals, deduplicating each by `(flow, idempotency_key)`
    /// against messages received within `dedup_window_ms` before its
    /// `received_at` (and against earlier arrivals in the same batch), adds a
    /// `received` event to each new message, and saves `cursor`: all in one
    /// transaction. New `Queued` messages are due at `received_at`.
    ///
    /// A new message starts at step 0 with no attempts and `updated_at =
    /// received_at`. Its `received` event, and the `duplicate` event a
    /// duplicate adds to the message it repeats, are at the arrival's
    /// `received_at` with its origin as detail and its plan hash; a `Dead`
    /// arrival also gets a `dead_lettered` event with its reason as detail.
    fn accept(
        &self,
        arrivals: Vec<NewMessage>,
        cursor: Option<CursorUpdate>,
        dedup_window_ms: i64,
    ) -> Result<Vec<Accepted>, StoreError>;

    /// Up to `limit` queued messages due at `now`, earliest due first (then by
    /// id), skipping `skip` (those in flight) and any message with an ordering
    /// key behind an earlier pending (`Queued` or `Held`) message of the same
    /// flow and key. With `after` (a `(due_at, id)` position), only messages
    /// past it in that order: a worker sweeps forward without reading again
    /// what it already took. Reads only.
    fn due(
        &self,
        now: i64,
        limit: usize,
        skip: &HashSet<MessageId>,
        after: Option<(i64, MessageId)>,
    ) -> Result<Vec<Message>, StoreError>;

    /// The messages next in line for ordering keys: for each `(flow,
    /// ordering key)`, its earliest pending (`Queued` or `Held`) message, if
    /// that is queued and due at `now`, in the order of `keys`. Reads only,
    /// in one read transaction.
    fn next_in_order(
        &self,
        keys: &[(String, String)],
        now: i64,
    ) -> Result<Vec<Message>, StoreError>;

    /// The earliest `due_at` of a queued message, if any.
    fn next_due(&self) -> Result<Option<i64>, StoreError>;

    /// Records the outcomes of runs, with their events, in one transaction,
    /// setting each message's `updated_at` to `now`. An outcome for a message
    /// that does not exist fails the call with `NotFound`, recording nothing.
    fn record(&self, outcomes: Vec<Outcome>, now: i64) -> Result<(), StoreError>;

    /// Applies an operator's action, if the message is in the state the
    /// action needs, recording `event` (with the action's kind) in the same
    /// transaction. Returns the message as it now is; `updated_at` and
    /// (for Release and Replay) `due_at` become `event.at`. Release also
    /// resets `attempts` (a new step) and clears `reason`; Reject and
    /// Discard change only the state, keeping the reason it was held or
    /// dead-lettered for.
    fn act(&self, id: MessageId, action: Action, event: NewEvent) -> Result<Message, StoreError>;

    /// One message.
    fn message(&self, id: MessageId) -> Result<Message, StoreError>;

    /// A message's audit trail, oldest first (`NotFound` if there is no
    /// such message).
    fn trace(&self, id: MessageId) -> Result<Vec<Event>, StoreError>;

    /// Messages in `state`, by id, from `after` (exclusive), at most `limit`.
    fn list(
        &self,
        state: State,
        after: MessageId,
        limit: usize,
    ) -> Result<Vec<Message>, StoreError>;

    /// Messages per flow and state (only non-zero counts, sorted by flow then state).
    fn counts(&self) -> Result<Vec<Count>, StoreError>;

    /// Audit events per kind, over all messages (sorted by kind).
    fn event_counts(&self) -> Result<Vec<(String, u64)>, StoreError>;

    /// A flow's polling cursor.
    fn cursor(&self, flow: &str) -> Result<Option<String>, StoreError>;

    /// Records a refused webhook request.
    fn reject(&self, rejection: Rejection) -> Result<(), StoreError>;

    /// The latest refused requests, newest (by `at`) first.
    fn rejections(&self, limit: usize) -> Result<Vec<Rejection>, StoreError>;

    /// Forgets idempotency keys of messages received before `before`, so
    /// the key table does not grow without end; returns how many.
    fn purge_keys(&self, before: i64) -> Result<u64, StoreError>;

    /// Checks the store's own consistency (SQLite: `PRAGMA integrity_check`).
    fn check_integrity(&self) -> Result<(), StoreError>;

    /// [`Store::accept`], with the result passed to `done` once committed,
    /// so an async caller need not block a thread while the group commits.
    /// The default runs `accept` at once (blocking the caller).
    fn accept_then(
        &self,
        arrivals: Vec<NewMessage>,
        cursor: Option<CursorUpdate>,
        dedup_window_ms: i64,
        done: Box<dyn FnOnce(Result<Vec<Accepted>, StoreError>) + Send>,
    ) {
        done(self.accept(arrivals, cursor, dedup_window_ms))
    }

    /// [`Store::record`], with the result passed to `done` once committed.
    /// The outcomes are shared so that a caller can retry without copying.
    fn record_then(
        &self,
        outcomes: Arc<[Outcome]>,
        now: i64,
        done: Box<dyn FnOnce(Result<(), StoreError>) + Send>,
    ) {
        done(self.record(outcomes.to_vec(), now))
    }
}

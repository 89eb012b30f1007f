//! The conformance suite: what every [`Store`] must do, as executable cases.
//!
//! Each case takes a fresh, empty store and panics (through `assert!`) when
//! the store breaks the contract. [`run_all`] runs every case in [`cases`];
//! [`survives_reopen`] needs a way to reopen the same store and is run on its
//! own. An implementation's tests call them, one test per case:
//!
//! ```text
//! #[test]
//! fn due_order() {
//!     conformance::due_order(&MyStore::new_for_test());
//! }
//! ```
//!
//! Times are fixed numbers around [`T`]; nothing sleeps.

use super::{
    Accepted, Action, Count, CursorUpdate, Event, Message, MessageId, NewEvent, NewMessage,
    Outcome, Rejection, State, Store, StoreError,
};
use std::collections::HashSet;

/// The time the cases start from (milliseconds since the epoch).
pub const T: i64 = 1_700_000_000_000;

/// A dedup window longer than any gap between arrivals in the cases.
const HOUR: i64 = 3_600_000;

/// One case of the suite.
pub type Case<S> = fn(&S);

/// Every case that runs on a fresh store, by name.
pub fn cases<S: Store>() -> Vec<(&'static str, Case<S>)> {
    macro_rules! list {
        ($($case:ident),* $(,)?) => {
            vec![$((stringify!($case), $case::<S> as Case<S>)),*]
        };
    }
    list![
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
    ]
}

/// Runs every case in [`cases`], each on a fresh store from `make`.
pub fn run_all<S: Store>(make: &dyn Fn() -> S) {
    for (_name, case) in cases::<S>() {
        let store = make();
        case(&store);
    }
}

// ---------------------------------------------------------------------------
// Helpers

fn ok<T>(result: Result<T, StoreError>, what: &str) -> T {
    result.unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// A queued arrival in `flow` at `at`, with an idempotency key if given.
fn arrival(flow: &str, key: Option<&str>, at: i64) -> NewMessage {
    NewMessage {
        flow: flow.to_string(),
        idempotency_key: key.map(str::to_string),
        ordering_key: None,
        payload: format!(r#"{{"flow":"{flow}","at":{at}}}"#),
        origin: format!("webhook shop {flow}"),
        plan_hash: "plan-1".to_string(),
        received_at: at,
        state: State::Queued,
        reason: None,
    }
}

/// An arrival with an ordering key.
fn ordered(flow: &str, ordering_key: Option<&str>, at: i64) -> NewMessage {
    NewMessage {
        ordering_key: ordering_key.map(str::to_string),
        ..arrival(flow, None, at)
    }
}

fn accept_one<S: Store>(store: &S, message: NewMessage, window: i64) -> Accepted {
    let accepted = ok(store.accept(vec![message], None, window), "accept");
    assert_eq!(accepted.len(), 1, "one arrival, one answer");
    accepted[0]
}

/// Accepts `message`, which must be new, and returns its id.
fn add<S: Store>(store: &S, message: NewMessage) -> MessageId {
    match accept_one(store, message, HOUR) {
        Accepted::New(id) => id,
        other => panic!("expected a new message, got {other:?}"),
    }
}

/// The message as `accept` must have stored it.
fn stored(arrival: &NewMessage, id: MessageId) -> Message {
    Message {
        id,
        flow: arrival.flow.clone(),
        idempotency_key: arrival.idempotency_key.clone(),
        ordering_key: arrival.ordering_key.clone(),
        payload: arrival.payload.clone(),
        origin: arrival.origin.clone(),
        plan_hash: arrival.plan_hash.clone(),
        received_at: arrival.received_at,
        state: arrival.state,
        step: 0,
        current: None,
        attempts: 0,
        due_at: arrival.received_at,
        reason: arrival.reason.clone(),
        updated_at: arrival.received_at,
    }
}

fn event(at: i64, kind: &str) -> NewEvent {
    NewEvent {
        at,
        kind: kind.to_string(),
        step: None,
        attempt: None,
        duration_us: None,
        detail: None,
        plan_hash: None,
    }
}

/// An outcome that leaves `message` as it is but for `state`, `due_at`
/// and `reason`.
fn outcome(message: &Message, state: State, due_at: i64, reason: Option<&str>) -> Outcome {
    Outcome {
        id: message.id,
        state,
        step: message.step,
        current: message.current.clone(),
        attempts: message.attempts,
        due_at,
        reason: reason.map(str::to_string),
        events: Vec::new(),
    }
}

/// Records a new state for `id` at `now`.
fn set_state<S: Store>(store: &S, id: MessageId, state: State, due_at: i64, now: i64) {
    let message = ok(store.message(id), "read a message");
    ok(
        store.record(vec![outcome(&message, state, due_at, None)], now),
        "record a state",
    );
}

fn ids(messages: &[Message]) -> Vec<MessageId> {
    messages.iter().map(|m| m.id).collect()
}

fn due_ids<S: Store>(store: &S, now: i64, limit: usize, skip: &[MessageId]) -> Vec<MessageId> {
    let skip: HashSet<MessageId> = skip.iter().copied().collect();
    ids(&ok(store.due(now, limit, &skip, None), "due"))
}

fn kinds(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.event.kind.as_str()).collect()
}

fn trace<S: Store>(store: &S, id: MessageId) -> Vec<Event> {
    ok(store.trace(id), "trace")
}

fn total<S: Store>(store: &S) -> u64 {
    ok(store.counts(), "counts").iter().map(|c| c.count).sum()
}

fn assert_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>, id: MessageId) {
    match result {
        Err(StoreError::NotFound(missing)) => assert_eq!(missing, id),
        other => panic!("expected NotFound({id}), got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Accepting

/// Every field of an arrival comes back as stored, with step 0, no attempts,
/// due at its arrival, and a `received` event naming its origin.
pub fn accept_round_trip<S: Store>(store: &S) {
    let full = NewMessage {
        flow: "orders".into(),
        idempotency_key: Some("order-1001".into()),
        ordering_key: Some("customer-7".into()),
        payload: "{\"id\":1001,\"note\":\"Päckchen \\\"fragile\\\"\\nline 2\",\"qty\":3}".into(),
        origin: "webhook shopify orders/create".into(),
        plan_hash: "plan-a".into(),
        received_at: T,
        state: State::Queued,
        reason: None,
    };
    let bare = NewMessage {
        flow: "stock".into(),
        idempotency_key: None,
        ordering_key: None,
        payload: "[]".into(),
        origin: "poll wms.list_stock_levels".into(),
        plan_hash: "plan-b".into(),
        received_at: T + 5,
        state: State::Queued,
        reason: None,
    };
    let accepted = ok(
        store.accept(vec![full.clone(), bare.clone()], None, HOUR),
        "accept",
    );
    let [Accepted::New(first), Accepted::New(second)] = accepted[..] else {
        panic!("expected two new messages, got {accepted:?}");
    };
    assert!(second > first, "ids increase with arrival");
    assert_eq!(ok(store.message(first), "message"), stored(&full, first));
    assert_eq!(ok(store.message(second), "message"), stored(&bare, second));

    let events = trace(store, first);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].message_id, first);
    assert_eq!(
        events[0].event,
        NewEvent {
            at: T,
            kind: "received".into(),
            step: None,
            attempt: None,
            duration_us: None,
            detail: Some(full.origin.clone()),
            plan_hash: Some("plan-a".into()),
        }
    );

    let third = add(store, arrival("orders", None, T + 10));
    assert!(third > second, "ids increase across calls");
}

/// A `Dead` arrival (a record that could not be read) is stored dead with
/// its reason, and its trail says it was received and dead-lettered.
pub fn dead_arrival_is_kept<S: Store>(store: &S) {
    let unreadable = NewMessage {
        state: State::Dead,
        reason: Some("line 7: expected 5 columns, found 3".into()),
        origin: "file inbox/x.csv line 7".into(),
        payload: "\"a;b;c\"".into(),
        ..arrival("orders", Some("x.csv:7"), T)
    };
    let id = add(store, unreadable.clone());
    assert_eq!(ok(store.message(id), "message"), stored(&unreadable, id));
    let events = trace(store, id);
    assert_eq!(kinds(&events), ["received", "dead_lettered"]);
    assert_eq!(events[1].event.at, T);
    assert_eq!(events[1].event.detail, unreadable.reason);
    assert!(events[0].id < events[1].id, "event ids increase");
    assert_eq!(due_ids(store, T + HOUR, 10, &[]), Vec::<MessageId>::new());
    assert_eq!(ids(&ok(store.list(State::Dead, 0, 10), "list")), [id]);
}

/// Reading a message that does not exist is `NotFound`, not an empty answer.
pub fn unknown_message_not_found<S: Store>(store: &S) {
    assert_not_found(store.message(42), 42);
    assert_not_found(store.trace(42), 42);
    let id = add(store, arrival("orders", None, T));
    assert_not_found(store.message(id + 1), id + 1);
    assert_not_found(store.trace(id + 1), id + 1);
}

/// An arrival whose key the flow saw within the window (inclusive) is a
/// duplicate of that message; nothing new is stored and the original stays.
pub fn dedup_within_window<S: Store>(store: &S) {
    let original = arrival("orders", Some("order-1"), T);
    let Accepted::New(id) = accept_one(store, original.clone(), 1_000) else {
        panic!("the first arrival is new");
    };
    let mut again = arrival("orders", Some("order-1"), T + 999);
    again.payload = "{\"changed\":true}".into();
    assert_eq!(accept_one(store, again, 1_000), Accepted::Duplicate(id));
    assert_eq!(
        accept_one(store, arrival("orders", Some("order-1"), T + 1_000), 1_000),
        Accepted::Duplicate(id),
        "the window's edge is inside it"
    );
    assert_eq!(total(store), 1);
    assert_eq!(ok(store.message(id), "message"), stored(&original, id));
}

/// Past the window the same key is a new message, and later arrivals
/// deduplicate against that newer message.
pub fn dedup_outside_window<S: Store>(store: &S) {
    let Accepted::New(first) = accept_one(store, arrival("orders", Some("k"), T), 1_000) else {
        panic!("the first arrival is new");
    };
    let Accepted::New(second) = accept_one(store, arrival("orders", Some("k"), T + 1_001), 1_000)
    else {
        panic!("an arrival past the window is new");
    };
    assert!(second > first);
    assert_eq!(
        accept_one(store, arrival("orders", Some("k"), T + 1_500), 1_000),
        Accepted::Duplicate(second)
    );
    assert_eq!(total(store), 2);
    assert_eq!(ok(store.message(second), "message").received_at, T + 1_001);
}

/// A key repeated in one batch is a duplicate of its first arrival in the
/// batch, whatever the window.
pub fn dedup_within_batch<S: Store>(store: &S) {
    let batch = vec![
        arrival("orders", Some("a"), T),
        arrival("orders", Some("b"), T),
        arrival("orders", Some("a"), T + 5),
        arrival("orders", Some("b"), T + 6),
    ];
    let accepted = ok(store.accept(batch, None, 0), "accept");
    let [Accepted::New(a), Accepted::New(b), dup_a, dup_b] = accepted[..] else {
        panic!("expected two new then two duplicates, got {accepted:?}");
    };
    assert_ne!(a, b);
    assert_eq!(dup_a, Accepted::Duplicate(a));
    assert_eq!(dup_b, Accepted::Duplicate(b));
    assert_eq!(total(store), 2);
    assert_eq!(kinds(&trace(store, a)), ["received", "duplicate"]);
}

/// Keys are per flow: the same key in another flow is a different message.
pub fn dedup_is_per_flow<S: Store>(store: &S) {
    let orders = add(store, arrival("orders", Some("1001"), T));
    let refunds = add(store, arrival("refunds", Some("1001"), T + 1));
    assert_ne!(orders, refunds);
    assert_eq!(
        accept_one(store, arrival("refunds", Some("1001"), T + 2), HOUR),
        Accepted::Duplicate(refunds)
    );
}

/// Arrivals without a key are never duplicates, even when identical.
pub fn no_key_never_dedups<S: Store>(store: &S) {
    let same = arrival("orders", None, T);
    let accepted = ok(
        store.accept(vec![same.clone(), same.clone()], None, HOUR),
        "accept",
    );
    let [Accepted::New(a), Accepted::New(b)] = accepted[..] else {
        panic!("expected two new messages, got {accepted:?}");
    };
    let c = add(store, same);
    assert_eq!(HashSet::from([a, b, c]).len(), 3, "three distinct ids");
    assert_eq!(total(store), 3);
}

/// A duplicate adds a `duplicate` event, at its arrival and naming its
/// origin, to the existing message's trail.
pub fn duplicate_adds_event<S: Store>(store: &S) {
    let id = add(store, arrival("orders", Some("k"), T));
    let mut again = arrival("orders", Some("k"), T + 30);
    again.origin = "webhook shopify orders/create (retry)".into();
    again.plan_hash = "plan-2".into();
    assert_eq!(accept_one(store, again, HOUR), Accepted::Duplicate(id));
    let events = trace(store, id);
    assert_eq!(kinds(&events), ["received", "duplicate"]);
    assert_eq!(events[1].message_id, id);
    assert_eq!(events[1].event.at, T + 30);
    assert_eq!(
        events[1].event.detail.as_deref(),
        Some("webhook shopify orders/create (retry)")
    );
    assert_eq!(events[1].event.plan_hash.as_deref(), Some("plan-2"));
}

/// The cursor is saved by `accept`, with or without arrivals, per flow, and
/// left alone when none is given.
pub fn cursor_saved_with_accept<S: Store>(store: &S) {
    assert_eq!(ok(store.cursor("stock"), "cursor"), None);
    let cursor = |value: &str| {
        Some(CursorUpdate {
            flow: "stock".into(),
            value: value.into(),
        })
    };
    let accepted = ok(
        store.accept(
            vec![arrival("stock", Some("sku-1"), T)],
            cursor("page-2"),
            HOUR,
        ),
        "accept",
    );
    assert!(matches!(accepted[..], [Accepted::New(_)]));
    assert_eq!(
        ok(store.cursor("stock"), "cursor").as_deref(),
        Some("page-2")
    );

    // A poll that found only duplicates still moves on.
    let accepted = ok(
        store.accept(
            vec![arrival("stock", Some("sku-1"), T + 1)],
            cursor("page-3"),
            HOUR,
        ),
        "accept",
    );
    assert!(matches!(accepted[..], [Accepted::Duplicate(_)]));
    assert_eq!(
        ok(store.cursor("stock"), "cursor").as_deref(),
        Some("page-3")
    );

    // So does one that found nothing.
    assert_eq!(
        ok(store.accept(Vec::new(), cursor("page-4"), HOUR), "accept"),
        []
    );
    assert_eq!(
        ok(store.cursor("stock"), "cursor").as_deref(),
        Some("page-4")
    );

    ok(
        store.accept(vec![arrival("stock", None, T + 2)], None, HOUR),
        "accept",
    );
    assert_eq!(
        ok(store.cursor("stock"), "cursor").as_deref(),
        Some("page-4")
    );
    assert_eq!(ok(store.cursor("prices"), "cursor"), None);
    ok(
        store.accept(
            Vec::new(),
            Some(CursorUpdate {
                flow: "prices".into(),
                value: "2024-01-01T00:00:00Z".into(),
            }),
            HOUR,
        ),
        "accept",
    );
    assert_eq!(
        ok(store.cursor("prices"), "cursor").as_deref(),
        Some("2024-01-01T00:00:00Z")
    );
    assert_eq!(
        ok(store.cursor("stock"), "cursor").as_deref(),
        Some("page-4")
    );
}

// ---------------------------------------------------------------------------
// Due messages

/// Due messages come earliest due first, then by id.
pub fn due_order<S: Store>(store: &S) {
    let a = add(store, arrival("f", None, T + 300));
    let b = add(store, arrival("f", None, T + 100));
    let c = add(store, arrival("g", None, T + 200));
    let d = add(store, arrival("g", None, T + 100));
    assert_eq!(due_ids(store, T + 1_000, 10, &[]), [b, d, c, a]);
    // A retry moves a message by its new due time.
    let message = ok(store.message(a), "message");
    ok(
        store.record(vec![outcome(&message, State::Queued, T + 50, None)], T + 1),
        "record",
    );
    assert_eq!(due_ids(store, T + 1_000, 10, &[]), [a, b, d, c]);
    let message = ok(store.message(b), "message");
    ok(
        store.record(vec![outcome(&message, State::Queued, T + 900, None)], T + 2),
        "record",
    );
    assert_eq!(due_ids(store, T + 1_000, 10, &[]), [a, d, c, b]);
}

/// With a `(due_at, id)` position, only messages past it are due.
pub fn due_sweeps_past_a_position<S: Store>(store: &S) {
    let a = add(store, arrival("f", None, T + 100));
    let b = add(store, arrival("f", None, T + 100));
    let c = add(store, arrival("f", None, T + 200));
    let none = HashSet::new();
    let after = |pos| ids(&ok(store.due(T + 1_000, 10, &none, Some(pos)), "due"));
    assert_eq!(after((T + 100, a)), [b, c]);
    assert_eq!(after((T + 100, b)), [c]);
    assert_eq!(after((T + 99, i64::MAX)), [a, b, c]);
    assert_eq!(after((T + 200, c)), Vec::<MessageId>::new());
    assert_eq!(
        ids(&ok(
            store.due(T + 1_000, 1, &none, Some((T + 100, a))),
            "due"
        )),
        [b]
    );
}

/// Only queued messages due at or before `now` are due.
pub fn due_excludes_future_and_settled<S: Store>(store: &S) {
    let m = add(store, arrival("f", None, T));
    let n = add(store, arrival("f", None, T + 10));
    let h = add(store, arrival("f", None, T));
    let x = add(store, arrival("f", None, T));
    assert_eq!(due_ids(store, T - 1, 10, &[]), Vec::<MessageId>::new());
    assert_eq!(due_ids(store, T + 9, 10, &[]), [m, h, x]);
    assert_eq!(due_ids(store, T + 10, 10, &[]), [m, h, x, n]);
    set_state(store, h, State::Held, T, T + 1);
    set_state(store, x, State::Dead, T, T + 1);
    set_state(store, m, State::Delivered, T, T + 1);
    assert_eq!(due_ids(store, T + 10, 10, &[]), [n]);
    for state in [
        State::Filtered,
        State::Discarded,
        State::Rejected,
        State::Dropped,
    ] {
        set_state(store, n, state, T, T + 2);
        assert_eq!(
            due_ids(store, T + 10, 10, &[]),
            Vec::<MessageId>::new(),
            "a {state} message is not due"
        );
    }
}

/// `skip` leaves out messages in flight without shrinking the answer, and
/// `limit` caps it.
pub fn due_skip_and_limit<S: Store>(store: &S) {
    let all: Vec<MessageId> = (0..5)
        .map(|i| add(store, arrival("f", None, T + i)))
        .collect();
    let now = T + 100;
    assert_eq!(due_ids(store, now, 2, &[]), all[..2]);
    assert_eq!(due_ids(store, now, 2, &[all[0]]), [all[1], all[2]]);
    assert_eq!(
        due_ids(store, now, 2, &[all[0], all[1], all[2]]),
        [all[3], all[4]]
    );
    assert_eq!(
        due_ids(store, now, 10, &[all[1], all[3]]),
        [all[0], all[2], all[4]]
    );
    assert_eq!(due_ids(store, now, 2, &[all[4] + 1_000]), all[..2]);
    assert_eq!(due_ids(store, now, 0, &[]), Vec::<MessageId>::new());
    assert_eq!(due_ids(store, now, 100, &[]), all);
    assert_eq!(due_ids(store, now, 100, &all), Vec::<MessageId>::new());
}

/// The next message of a key is its earliest pending one, when that is due.
pub fn next_in_order_follows_the_key<S: Store>(store: &S) {
    let first = add(store, ordered("orders", Some("cust-1"), T));
    let second = add(store, ordered("orders", Some("cust-1"), T + 1));
    let returns = add(store, ordered("returns", Some("cust-1"), T + 2));
    let next = |now| {
        let key = [("orders".to_string(), "cust-1".to_string())];
        let next = ok(store.next_in_order(&key, now), "next in order");
        assert!(next.len() <= 1, "one message per key: {next:?}");
        next.first().map(|m| m.id)
    };
    assert_eq!(next(T + 100), Some(first));
    assert_eq!(next(T - 1), None, "not due yet");
    set_state(store, first, State::Held, T, T + 100);
    assert_eq!(next(T + 100), None, "a held message keeps its place");
    set_state(store, first, State::Delivered, T, T + 100);
    assert_eq!(next(T + 100), Some(second));
    set_state(store, second, State::Queued, T + 500, T + 100);
    assert_eq!(next(T + 100), None, "retrying later");
    assert_eq!(next(T + 500), Some(second));
    set_state(store, second, State::Dead, T + 1, T + 600);
    assert_eq!(next(T + 600), None);
    let unknown = [("orders".to_string(), "cust-9".to_string())];
    assert_eq!(ok(store.next_in_order(&unknown, T), "next in order"), []);
    // Several keys in one call: the next of each, in the order asked.
    let other = add(store, ordered("orders", Some("cust-2"), T));
    let keys = [
        ("orders".to_string(), "cust-2".to_string()),
        ("orders".to_string(), "cust-9".to_string()),
        ("returns".to_string(), "cust-1".to_string()),
    ];
    let next = ok(store.next_in_order(&keys, T + 600), "next in order");
    assert_eq!(
        next.iter().map(|m| m.id).collect::<Vec<_>>(),
        [other, returns]
    );
    assert_eq!(ok(store.next_in_order(&[], T), "next in order"), []);
}

/// A message with an ordering key waits while an earlier message of its
/// flow and key is queued (due or not, in flight or not) or held, and runs
/// once that one is settled.
pub fn ordering_key_blocks_later_messages<S: Store>(store: &S) {
    let first = add(store, ordered("orders", Some("cust-1"), T));
    let second = add(store, ordered("orders", Some("cust-1"), T + 1));
    let third = add(store, ordered("orders", Some("cust-1"), T + 2));
    let free = add(store, ordered("orders", None, T + 3));
    let other = add(store, ordered("orders", Some("cust-2"), T + 4));
    let now = T + 100;
    assert_eq!(due_ids(store, now, 10, &[]), [first, free, other]);
    // In flight: still blocks.
    assert_eq!(due_ids(store, now, 10, &[first]), [free, other]);
    // Retrying later: still blocks, and is not due itself.
    set_state(store, first, State::Queued, T + 500, now);
    assert_eq!(due_ids(store, now, 10, &[]), [free, other]);
    // Held: still blocks.
    set_state(store, first, State::Held, T, now);
    assert_eq!(due_ids(store, now, 10, &[]), [free, other]);
    // Delivered: the next one runs, and only it.
    set_state(store, first, State::Delivered, T, now);
    assert_eq!(due_ids(store, now, 10, &[]), [second, free, other]);
    // Dead: no longer pending, so it no longer blocks.
    set_state(store, second, State::Dead, T + 1, now);
    assert_eq!(due_ids(store, now, 10, &[]), [third, free, other]);
    // Replaying the dead one puts it back in line ahead of the third, due
    // now (so after the others); the third waits for it again.
    ok(
        store.act(
            second,
            Action::Replay {
                plan_hash: "plan-1".into(),
            },
            event(now, "replayed"),
        ),
        "replay",
    );
    assert_eq!(due_ids(store, now, 10, &[]), [free, other, second]);
}

/// The same ordering key in two flows is two lines, not one.
pub fn ordering_key_is_per_flow<S: Store>(store: &S) {
    let a1 = add(store, ordered("orders", Some("k"), T));
    let b1 = add(store, ordered("invoices", Some("k"), T + 1));
    let a2 = add(store, ordered("orders", Some("k"), T + 2));
    let b2 = add(store, ordered("invoices", Some("k"), T + 3));
    assert_eq!(due_ids(store, T + 10, 10, &[]), [a1, b1]);
    set_state(store, a1, State::Delivered, T, T + 5);
    assert_eq!(due_ids(store, T + 10, 10, &[]), [b1, a2]);
    set_state(store, b1, State::Filtered, T, T + 5);
    assert_eq!(due_ids(store, T + 10, 10, &[]), [a2, b2]);
}

/// `next_due` is the earliest due time of a queued message.
pub fn next_due<S: Store>(store: &S) {
    assert_eq!(ok(store.next_due(), "next_due"), None);
    let late = add(store, arrival("f", None, T + 500));
    assert_eq!(ok(store.next_due(), "next_due"), Some(T + 500));
    let early = add(store, arrival("f", None, T + 200));
    assert_eq!(ok(store.next_due(), "next_due"), Some(T + 200));
    set_state(store, early, State::Held, T + 200, T + 201);
    assert_eq!(ok(store.next_due(), "next_due"), Some(T + 500));
    set_state(store, late, State::Queued, T + 9_000, T + 201);
    assert_eq!(ok(store.next_due(), "next_due"), Some(T + 9_000));
    set_state(store, late, State::Delivered, T + 9_000, T + 202);
    assert_eq!(ok(store.next_due(), "next_due"), None);
    let dead = NewMessage {
        state: State::Dead,
        reason: Some("unreadable".into()),
        ..arrival("f", None, T + 1)
    };
    add(store, dead);
    assert_eq!(ok(store.next_due(), "next_due"), None);
}

// ---------------------------------------------------------------------------
// Recording outcomes

/// `record` sets state, step, current, attempts, due time and reason,
/// stamps `updated_at`, and appends the events in order.
pub fn record_updates_every_field<S: Store>(store: &S) {
    let original = ordered("orders", Some("cust-1"), T);
    let id = add(store, original.clone());
    let other = add(store, arrival("orders", None, T + 1));
    let events = vec![
        NewEvent {
            at: T + 10,
            kind: "validated".into(),
            step: Some(0),
            attempt: None,
            duration_us: Some(120),
            detail: None,
            plan_hash: Some("plan-1".into()),
        },
        NewEvent {
            at: T + 11,
            kind: "attempt".into(),
            step: Some(1),
            attempt: Some(1),
            duration_us: Some(250_000),
            detail: Some("http 503 Service Unavailable".into()),
            plan_hash: Some("plan-1".into()),
        },
        NewEvent {
            at: T + 12,
            kind: "retry_scheduled".into(),
            step: Some(1),
            attempt: Some(1),
            duration_us: None,
            detail: Some("in 5s".into()),
            plan_hash: Some("plan-1".into()),
        },
    ];
    let retry = Outcome {
        id,
        state: State::Queued,
        step: 1,
        current: Some("{\"mapped\":true}".into()),
        attempts: 1,
        due_at: T + 5_012,
        reason: Some("http 503 Service Unavailable".into()),
        events: events.clone(),
    };
    ok(store.record(vec![retry], T + 13), "record");
    let expected = Message {
        state: State::Queued,
        step: 1,
        current: Some("{\"mapped\":true}".into()),
        attempts: 1,
        due_at: T + 5_012,
        reason: Some("http 503 Service Unavailable".into()),
        updated_at: T + 13,
        ..stored(&original, id)
    };
    assert_eq!(ok(store.message(id), "message"), expected);
    let trail = trace(store, id);
    assert_eq!(trail.len(), 4);
    assert_eq!(trail[0].event.kind, "received");
    for (stored, sent) in trail[1..].iter().zip(&events) {
        assert_eq!(&stored.event, sent);
        assert_eq!(stored.message_id, id);
    }
    assert!(
        trail.windows(2).all(|w| w[0].id < w[1].id),
        "event ids increase: {trail:?}"
    );

    // Two outcomes in one call; `current` can be cleared again.
    let delivered = Outcome {
        id,
        state: State::Delivered,
        step: 3,
        current: None,
        attempts: 0,
        due_at: T + 5_012,
        reason: None,
        events: vec![event(T + 5_020, "delivered")],
    };
    let filtered = Outcome {
        id: other,
        state: State::Filtered,
        step: 1,
        current: Some("{}".into()),
        attempts: 0,
        due_at: T + 1,
        reason: Some("status is not paid".into()),
        events: vec![event(T + 5_021, "filtered")],
    };
    ok(store.record(vec![delivered, filtered], T + 5_030), "record");
    let message = ok(store.message(id), "message");
    assert_eq!(
        (
            message.state,
            message.step,
            message.current,
            message.attempts,
            message.reason,
            message.updated_at
        ),
        (State::Delivered, 3, None, 0, None, T + 5_030)
    );
    let message = ok(store.message(other), "message");
    assert_eq!(message.state, State::Filtered);
    assert_eq!(message.reason.as_deref(), Some("status is not paid"));
    assert_eq!(message.current.as_deref(), Some("{}"));
    assert_eq!(
        kinds(&trace(store, id)),
        [
            "received",
            "validated",
            "attempt",
            "retry_scheduled",
            "delivered"
        ]
    );
    assert_eq!(kinds(&trace(store, other)), ["received", "filtered"]);
    // Recording nothing is allowed.
    ok(store.record(Vec::new(), T + 6_000), "record nothing");
}

/// An outcome for a message that does not exist fails the whole call with
/// `NotFound`, and none of the call's other outcomes is recorded.
pub fn record_is_atomic<S: Store>(store: &S) {
    let id = add(store, arrival("orders", None, T));
    let before = ok(store.message(id), "message");
    let mut good = outcome(&before, State::Delivered, T, None);
    good.events = vec![event(T + 1, "delivered")];
    let mut missing = outcome(&before, State::Delivered, T, None);
    missing.id = id + 100;
    assert_not_found(store.record(vec![good, missing], T + 2), id + 100);
    assert_eq!(ok(store.message(id), "message"), before);
    assert_eq!(kinds(&trace(store, id)), ["received"]);
}

// ---------------------------------------------------------------------------
// Operator actions

/// A message parked at `step` by a hold step.
fn held<S: Store>(store: &S, at: i64) -> Message {
    let id = add(store, arrival("orders", Some(&format!("held-{at}")), at));
    let message = ok(store.message(id), "message");
    let parked = Outcome {
        id,
        state: State::Held,
        step: 2,
        current: Some("{\"total\":9000}".into()),
        attempts: 0,
        due_at: at,
        reason: Some("total over 5000 needs approval".into()),
        events: vec![event(at + 1, "held")],
    };
    ok(store.record(vec![parked], at + 1), "hold");
    let held = ok(store.message(id), "message");
    assert_eq!(held.state, State::Held);
    assert_eq!(held.payload, message.payload);
    held
}

/// A message dead-lettered at step 2 after 5 attempts.
fn dead<S: Store>(store: &S, at: i64) -> Message {
    let id = add(store, arrival("orders", None, at));
    let died = Outcome {
        id,
        state: State::Dead,
        step: 2,
        current: Some("{\"mapped\":1}".into()),
        attempts: 5,
        due_at: at + 60_000,
        reason: Some("http 500 after 5 attempts".into()),
        events: vec![event(at + 2, "dead_lettered")],
    };
    ok(store.record(vec![died], at + 2), "dead-letter");
    ok(store.message(id), "message")
}

fn operator_event(at: i64, kind: &str) -> NewEvent {
    NewEvent {
        detail: Some("by alice: checked with the customer".into()),
        ..event(at, kind)
    }
}

/// Release: held -> queued at the next step, no attempts, due now, no reason.
pub fn act_release<S: Store>(store: &S) {
    let before = held(store, T);
    let done = operator_event(T + 100, "released");
    let after = ok(
        store.act(before.id, Action::Release, done.clone()),
        "release",
    );
    let expected = Message {
        state: State::Queued,
        step: 3,
        attempts: 0,
        due_at: T + 100,
        reason: None,
        updated_at: T + 100,
        ..before.clone()
    };
    assert_eq!(after, expected);
    assert_eq!(ok(store.message(before.id), "message"), expected);
    let trail = trace(store, before.id);
    assert_eq!(kinds(&trail), ["received", "held", "released"]);
    assert_eq!(trail[2].event, done);
    assert_eq!(due_ids(store, T + 100, 10, &[]), [before.id]);
}

/// Reject: held -> rejected, everything else kept.
pub fn act_reject<S: Store>(store: &S) {
    let before = held(store, T);
    let done = operator_event(T + 100, "rejected");
    let after = ok(store.act(before.id, Action::Reject, done.clone()), "reject");
    let expected = Message {
        state: State::Rejected,
        updated_at: T + 100,
        ..before.clone()
    };
    assert_eq!(after, expected);
    assert_eq!(ok(store.message(before.id), "message"), expected);
    let trail = trace(store, before.id);
    assert_eq!(trail.last().map(|e| &e.event), Some(&done));
    assert_eq!(due_ids(store, T + 1_000, 10, &[]), Vec::<MessageId>::new());
}

/// Replay: dead -> queued from step 0 under the new plan, with no attempts,
/// no `current`, no reason, due now; payload and trail kept.
pub fn act_replay<S: Store>(store: &S) {
    let before = dead(store, T);
    let done = operator_event(T + 100, "replayed");
    let after = ok(
        store.act(
            before.id,
            Action::Replay {
                plan_hash: "plan-2".into(),
            },
            done.clone(),
        ),
        "replay",
    );
    let expected = Message {
        state: State::Queued,
        step: 0,
        current: None,
        attempts: 0,
        due_at: T + 100,
        reason: None,
        plan_hash: "plan-2".into(),
        updated_at: T + 100,
        ..before.clone()
    };
    assert_eq!(after, expected);
    assert_eq!(ok(store.message(before.id), "message"), expected);
    let trail = trace(store, before.id);
    assert_eq!(kinds(&trail), ["received", "dead_lettered", "replayed"]);
    assert_eq!(trail[2].event, done);
    assert_eq!(due_ids(store, T + 100, 10, &[]), [before.id]);
    assert_eq!(ok(store.next_due(), "next_due"), Some(T + 100));
}

/// Discard: dead -> discarded, everything else kept.
pub fn act_discard<S: Store>(store: &S) {
    let before = dead(store, T);
    let done = operator_event(T + 100, "discarded");
    let after = ok(
        store.act(before.id, Action::Discard, done.clone()),
        "discard",
    );
    let expected = Message {
        state: State::Discarded,
        updated_at: T + 100,
        ..before.clone()
    };
    assert_eq!(after, expected);
    assert_eq!(ok(store.message(before.id), "message"), expected);
    assert_eq!(
        trace(store, before.id).last().map(|e| &e.event),
        Some(&done)
    );
    assert_eq!(
        ids(&ok(store.list(State::Dead, 0, 10), "list")),
        Vec::<MessageId>::new()
    );
    assert_eq!(
        ids(&ok(store.list(State::Discarded, 0, 10), "list")),
        [before.id]
    );
}

/// An action on a message in another state is `WrongState` and changes
/// nothing, not even the trail.
pub fn act_wrong_state<S: Store>(store: &S) {
    let queued = add(store, arrival("orders", None, T));
    let held = held(store, T + 10);
    let dead = dead(store, T + 20);
    let replay = || Action::Replay {
        plan_hash: "plan-2".into(),
    };
    let cases = [
        (queued, Action::Release, State::Held, State::Queued),
        (queued, Action::Discard, State::Dead, State::Queued),
        (held.id, replay(), State::Dead, State::Held),
        (held.id, Action::Discard, State::Dead, State::Held),
        (dead.id, Action::Release, State::Held, State::Dead),
        (dead.id, Action::Reject, State::Held, State::Dead),
    ];
    for (id, action, want_expected, want_actual) in cases {
        let before = ok(store.message(id), "message");
        let trail = trace(store, id);
        match store.act(id, action.clone(), event(T + 100, "released")) {
            Err(StoreError::WrongState {
                id: wrong,
                expected,
                actual,
            }) => {
                assert_eq!(
                    (wrong, expected, actual),
                    (id, want_expected, want_actual),
                    "{action:?}"
                );
            }
            other => {
                panic!("{action:?} on a {want_actual} message: expected WrongState, got {other:?}")
            }
        }
        assert_eq!(ok(store.message(id), "message"), before, "{action:?}");
        assert_eq!(trace(store, id), trail, "{action:?}");
    }
    // Acting twice: the second finds the state changed.
    ok(
        store.act(held.id, Action::Release, event(T + 200, "released")),
        "release",
    );
    assert!(matches!(
        store.act(held.id, Action::Release, event(T + 201, "released")),
        Err(StoreError::WrongState {
            actual: State::Queued,
            ..
        })
    ));
}

/// An action on a message that does not exist is `NotFound`.
pub fn act_not_found<S: Store>(store: &S) {
    let id = add(store, arrival("orders", None, T));
    let missing = id + 7;
    for action in [
        Action::Release,
        Action::Reject,
        Action::Replay {
            plan_hash: "p".into(),
        },
        Action::Discard,
    ] {
        assert_not_found(store.act(missing, action, event(T, "released")), missing);
    }
    assert_eq!(
        ok(store.event_counts(), "event_counts"),
        [("received".to_string(), 1)]
    );
}

// ---------------------------------------------------------------------------
// Reports

/// `list` pages through one state by id.
pub fn list_pages<S: Store>(store: &S) {
    let mut queued = Vec::new();
    let mut dead_ids = Vec::new();
    for i in 0..7 {
        let id = add(store, arrival("f", None, T + i));
        if i % 3 == 1 {
            set_state(store, id, State::Dead, T, T + 10);
            dead_ids.push(id);
        } else {
            queued.push(id);
        }
    }
    let page =
        |after: MessageId, limit: usize| ids(&ok(store.list(State::Queued, after, limit), "list"));
    assert_eq!(page(0, 2), queued[..2]);
    assert_eq!(page(queued[1], 2), queued[2..4]);
    assert_eq!(page(queued[3], 2), queued[4..]);
    assert_eq!(page(queued[4], 2), Vec::<MessageId>::new());
    assert_eq!(page(0, 0), Vec::<MessageId>::new());
    assert_eq!(page(0, 100), queued);
    let full = ok(store.list(State::Dead, 0, 100), "list");
    assert_eq!(ids(&full), dead_ids);
    assert!(full.iter().all(|m| m.state == State::Dead));
    assert_eq!(ok(store.message(dead_ids[0]), "message"), full[0]);
    assert_eq!(
        ids(&ok(store.list(State::Held, 0, 100), "list")),
        Vec::<MessageId>::new()
    );
}

/// Counts per flow and state: only non-zero ones, by flow then by state in
/// [`State::ALL`]'s order.
pub fn counts_by_flow_and_state<S: Store>(store: &S) {
    assert_eq!(ok(store.counts(), "counts"), Vec::<Count>::new());
    let b1 = add(store, arrival("b-flow", None, T));
    add(store, arrival("b-flow", None, T));
    let b3 = add(store, arrival("b-flow", None, T));
    add(store, arrival("a-flow", None, T));
    let a2 = add(store, arrival("a-flow", None, T));
    set_state(store, b1, State::Dead, T, T + 1);
    set_state(store, b3, State::Held, T, T + 1);
    set_state(store, a2, State::Delivered, T, T + 1);
    let count = |flow: &str, state, count| Count {
        flow: flow.into(),
        state,
        count,
    };
    assert_eq!(
        ok(store.counts(), "counts"),
        [
            count("a-flow", State::Queued, 1),
            count("a-flow", State::Delivered, 1),
            count("b-flow", State::Queued, 1),
            count("b-flow", State::Held, 1),
            count("b-flow", State::Dead, 1),
        ]
    );
}

/// Events per kind over all messages, by kind.
pub fn event_counts_by_kind<S: Store>(store: &S) {
    assert_eq!(ok(store.event_counts(), "event_counts"), Vec::new());
    let a = add(store, arrival("f", Some("a"), T));
    add(store, arrival("g", None, T));
    accept_one(store, arrival("f", Some("a"), T + 1), HOUR);
    add(
        store,
        NewMessage {
            state: State::Dead,
            reason: Some("bad".into()),
            ..arrival("f", None, T)
        },
    );
    let message = ok(store.message(a), "message");
    let mut done = outcome(&message, State::Delivered, T, None);
    done.events = vec![
        event(T + 2, "attempt"),
        event(T + 3, "attempt"),
        event(T + 4, "delivered"),
    ];
    ok(store.record(vec![done], T + 5), "record");
    let expected: Vec<(String, u64)> = [
        ("attempt", 2),
        ("dead_lettered", 1),
        ("delivered", 1),
        ("duplicate", 1),
        ("received", 3),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect();
    assert_eq!(ok(store.event_counts(), "event_counts"), expected);
}

/// Refused requests come back newest first, at most `limit`.
pub fn rejections_newest_first<S: Store>(store: &S) {
    assert_eq!(ok(store.rejections(10), "rejections"), Vec::new());
    let refused = |at: i64, status: u16, reason: &str| Rejection {
        at,
        system: "shopify".into(),
        path: "/hooks/shopify/orders".into(),
        status,
        reason: reason.into(),
    };
    let first = refused(T, 401, "bad signature");
    let third = refused(T + 20, 413, "body over 1 MiB");
    let second = refused(T + 10, 401, "missing signature header");
    for r in [&first, &third, &second] {
        ok(store.reject(r.clone()), "reject");
    }
    assert_eq!(
        ok(store.rejections(10), "rejections"),
        [third.clone(), second.clone(), first]
    );
    assert_eq!(ok(store.rejections(2), "rejections"), [third, second]);
    assert_eq!(ok(store.rejections(0), "rejections"), Vec::new());
    assert_eq!(total(store), 0, "a refused request is not a message");
}

/// Purged keys are forgotten (the same key is then a new message); newer
/// keys and all messages stay.
pub fn purge_keys_forgets_old_keys<S: Store>(store: &S) {
    let old = add(store, arrival("f", Some("old"), T));
    let recent = add(store, arrival("f", Some("recent"), T + 2_000));
    add(store, arrival("f", None, T));
    assert_eq!(ok(store.purge_keys(T + 1_000), "purge_keys"), 1);
    assert_eq!(ok(store.purge_keys(T + 1_000), "purge_keys"), 0);
    let Accepted::New(again) = accept_one(store, arrival("f", Some("old"), T + 2_500), HOUR) else {
        panic!("a purged key is new again");
    };
    assert_ne!(again, old);
    assert_eq!(
        accept_one(store, arrival("f", Some("recent"), T + 2_500), HOUR),
        Accepted::Duplicate(recent)
    );
    // The new arrival's key is kept, and deduplicates.
    assert_eq!(
        accept_one(store, arrival("f", Some("old"), T + 2_600), HOUR),
        Accepted::Duplicate(again)
    );
    assert_eq!(ok(store.message(old), "message").id, old);
    assert_eq!(total(store), 4);
    assert_eq!(ok(store.purge_keys(T + 10_000), "purge_keys"), 2);
}

/// A store that has been written to passes its own integrity check.
pub fn integrity_ok<S: Store>(store: &S) {
    ok(store.check_integrity(), "check_integrity on an empty store");
    let id = add(store, arrival("f", Some("k"), T));
    set_state(store, id, State::Delivered, T, T + 1);
    ok(
        store.reject(Rejection {
            at: T,
            system: "s".into(),
            path: "/p".into(),
            status: 401,
            reason: "r".into(),
        }),
        "reject",
    );
    ok(store.check_integrity(), "check_integrity");
}

// ---------------------------------------------------------------------------
// Concurrency and durability

/// 8 threads accepting 500 messages each, one per call, all at once: every
/// call succeeds, ids are unique, nothing is lost.
pub fn concurrent_accepts<S: Store>(store: &S) {
    const THREADS: usize = 8;
    const EACH: usize = 500;
    let per_thread: Vec<Vec<MessageId>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                scope.spawn(move || {
                    (0..EACH)
                        .map(|i| {
                            let key = format!("k{i}");
                            let message = NewMessage {
                                ordering_key: Some(format!("o{}", i % 7)),
                                ..arrival(&format!("flow-{t}"), Some(&key), T + i as i64)
                            };
                            match accept_one(store, message, HOUR) {
                                Accepted::New(id) => id,
                                other => panic!("thread {t} arrival {i}: {other:?}"),
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker panicked"))
            .collect()
    });
    let mut seen = HashSet::new();
    for ids in &per_thread {
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "one caller's ids increase"
        );
        for &id in ids {
            assert!(seen.insert(id), "id {id} handed out twice");
        }
    }
    assert_eq!(seen.len(), THREADS * EACH);
    let counts = ok(store.counts(), "counts");
    assert_eq!(counts.len(), THREADS);
    for (t, count) in counts.iter().enumerate() {
        assert_eq!(
            (count.flow.as_str(), count.state, count.count),
            (format!("flow-{t}").as_str(), State::Queued, EACH as u64)
        );
    }
    assert_eq!(
        ok(store.event_counts(), "event_counts"),
        [("received".to_string(), (THREADS * EACH) as u64)]
    );
    ok(store.check_integrity(), "check_integrity");
}

/// A write that fails while others run at the same time (and may share
/// their transaction) undoes only itself.
pub fn failed_write_leaves_others<S: Store>(store: &S) {
    let victim = add(store, arrival("victim", None, T));
    let before = ok(store.message(victim), "message");
    std::thread::scope(|scope| {
        for t in 0..4 {
            scope.spawn(move || {
                for i in 0..50 {
                    add(store, arrival(&format!("flow-{t}"), None, T + i));
                }
            });
        }
        scope.spawn(|| {
            for i in 0..50 {
                let mut good = outcome(&before, State::Delivered, T, None);
                good.events = vec![event(T + i, "delivered")];
                let mut missing = good.clone();
                missing.id = victim + 1_000_000;
                assert_not_found(store.record(vec![good, missing], T + i), victim + 1_000_000);
            }
        });
    });
    assert_eq!(ok(store.message(victim), "message"), before);
    assert_eq!(kinds(&trace(store, victim)), ["received"]);
    assert_eq!(total(store), 201);
}

/// What was written is there after the store is closed and opened again,
/// and new writes carry on from it. `open` opens the same store each time;
/// the first store it returns must be empty.
pub fn survives_reopen<S: Store>(open: &dyn Fn() -> S) {
    let (message, trail, dead_id, stock) = {
        let store = open();
        let id = add(&store, ordered("orders", Some("cust-1"), T));
        let m = ok(store.message(id), "message");
        let mut retry = outcome(&m, State::Queued, T + 5_000, Some("http 503"));
        retry.attempts = 1;
        retry.current = Some("{\"mapped\":true}".into());
        retry.events = vec![event(T + 1, "attempt"), event(T + 2, "retry_scheduled")];
        ok(store.record(vec![retry], T + 2), "record");
        let stock = ok(
            store.accept(
                vec![arrival("stock", Some("sku-9"), T + 3)],
                Some(CursorUpdate {
                    flow: "stock".into(),
                    value: "page-7".into(),
                }),
                HOUR,
            ),
            "accept",
        )[0]
        .id();
        ok(
            store.reject(Rejection {
                at: T + 4,
                system: "shopify".into(),
                path: "/hooks/shopify".into(),
                status: 401,
                reason: "bad signature".into(),
            }),
            "reject",
        );
        let dead = dead(&store, T + 5);
        (
            ok(store.message(id), "message"),
            trace(&store, id),
            dead.id,
            stock,
        )
    };
    let store = open();
    assert_eq!(ok(store.message(message.id), "message"), message);
    assert_eq!(trace(&store, message.id), trail);
    assert_eq!(
        ok(store.cursor("stock"), "cursor").as_deref(),
        Some("page-7")
    );
    assert_eq!(ok(store.rejections(10), "rejections").len(), 1);
    // The stock arrival is due at T + 3, the retry at T + 5_000.
    assert_eq!(ok(store.next_due(), "next_due"), Some(T + 3));
    assert_eq!(
        ids(&ok(store.due(T + 5_000, 10, &HashSet::new(), None), "due")),
        [stock, message.id]
    );
    assert_eq!(ok(store.message(dead_id), "message").state, State::Dead);
    assert!(matches!(
        accept_one(&store, arrival("stock", Some("sku-9"), T + 6), HOUR),
        Accepted::Duplicate(_)
    ));
    let next = add(&store, arrival("orders", None, T + 7));
    assert!(next > dead_id, "ids carry on after reopening");
    ok(
        store.act(
            dead_id,
            Action::Replay {
                plan_hash: "plan-2".into(),
            },
            event(T + 8, "replayed"),
        ),
        "replay",
    );
    drop(store);
    let store = open();
    assert_eq!(ok(store.message(dead_id), "message").state, State::Queued);
    assert_eq!(ok(store.message(next), "message").id, next);
    assert_eq!(total(&store), 4);
    ok(store.check_integrity(), "check_integrity");
}

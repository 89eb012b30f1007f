//! What operators see and do, the same whether they ask the CLI against a
//! data directory or the admin API of a running instance: status, the
//! dead-letter queue, held messages, and a message's trace.

use crate::store::{
    Action, Event, Message, MessageId, NewEvent, Rejection, State, Store, StoreError,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counts per flow and state, events per kind, and the latest refusals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// The plan a running instance runs (absent when read from a data directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_hash: Option<String>,
    /// Flow -> state -> messages.
    pub flows: BTreeMap<String, BTreeMap<String, u64>>,
    /// Audit events per kind.
    pub events: BTreeMap<String, u64>,
    /// The latest refused webhook requests, newest first.
    pub rejections: Vec<Rejection>,
}

/// One message with its whole trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Detail {
    pub message: Message,
    pub trace: Vec<Event>,
}

/// The store's status.
pub fn status(store: &dyn Store, plan_hash: Option<String>) -> Result<Status, StoreError> {
    let mut flows: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for c in store.counts()? {
        flows
            .entry(c.flow)
            .or_default()
            .insert(c.state.as_str().to_string(), c.count);
    }
    Ok(Status {
        plan_hash,
        flows,
        events: store.event_counts()?.into_iter().collect(),
        rejections: store.rejections(10)?,
    })
}

/// A message and its trace.
pub fn detail(store: &dyn Store, id: MessageId) -> Result<Detail, StoreError> {
    Ok(Detail {
        message: store.message(id)?,
        trace: store.trace(id)?,
    })
}

/// Messages in a state, a page at a time.
pub fn list(
    store: &dyn Store,
    state: State,
    after: MessageId,
    limit: usize,
) -> Result<Vec<Message>, StoreError> {
    store.list(state, after, limit.clamp(1, 1000))
}

/// An operator's action, recorded with who did it (`cli`, `admin-api`).
pub fn act(
    store: &dyn Store,
    id: MessageId,
    action: Action,
    actor: &str,
    now: i64,
) -> Result<Message, StoreError> {
    let kind = action.kind();
    let detail = match &action {
        Action::Replay { plan_hash } => format!("by {actor}, under {plan_hash}"),
        _ => format!("by {actor}"),
    };
    store.act(
        id,
        action,
        NewEvent {
            at: now,
            kind: kind.into(),
            step: None,
            attempt: None,
            duration_us: None,
            detail: Some(detail),
            plan_hash: None,
        },
    )
}

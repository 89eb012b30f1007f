//! Turning a received payload into arrivals for the store: one per flow the
//! trigger starts, with the flow's idempotency and ordering keys computed
//! from the payload. Shared by webhooks, polling and files.

use crate::prepared::{Prepared, PreparedFlow};
use crate::store::{NewMessage, State};
use weft_mapping::{Coerce, CompiledExpr, Value};

/// The arrivals of one payload for `flows`. A payload that is not JSON is
/// an error (the caller refuses or dead-letters it); a key expression that
/// fails leaves the key empty and the message is dead-lettered with why.
pub fn arrivals(
    prepared: &Prepared,
    flows: &[String],
    payload: String,
    origin: &str,
    received_at: i64,
) -> Result<Vec<NewMessage>, String> {
    let source = Value::from_json_text(&payload, &Coerce::Keep)
        .map_err(|e| format!("the body is not JSON: {e}"))?;
    let mut out = Vec::with_capacity(flows.len());
    for name in flows {
        let Some(flow) = prepared.flows.get(name) else {
            continue;
        };
        out.push(arrival(
            prepared,
            flow,
            &source,
            payload.clone(),
            origin,
            received_at,
        ));
    }
    Ok(out)
}

/// One flow's arrival of an already-read payload.
pub fn arrival(
    prepared: &Prepared,
    flow: &PreparedFlow,
    source: &Value,
    payload: String,
    origin: &str,
    received_at: i64,
) -> NewMessage {
    let mut reason = None;
    let mut key = |e: &Option<CompiledExpr>, what: &str| match e {
        None => None,
        Some(e) => match key_of(prepared, e, source) {
            Ok(k) => k,
            Err(msg) => {
                reason.get_or_insert(format!("{what}: {msg}"));
                None
            }
        },
    };
    let idempotency_key = key(&flow.idempotency_key, "idempotency_key");
    let ordering_key = key(&flow.ordering_key, "ordering_key");
    NewMessage {
        flow: flow.name.clone(),
        idempotency_key,
        ordering_key,
        payload,
        origin: origin.to_string(),
        plan_hash: prepared.hash.clone(),
        received_at,
        state: if reason.is_some() {
            State::Dead
        } else {
            State::Queued
        },
        reason,
    }
}

/// A key expression's value as text; null means no key.
fn key_of(prepared: &Prepared, e: &CompiledExpr, source: &Value) -> Result<Option<String>, String> {
    let v = e.run(&[source], &prepared.globals).map_err(|e| e.message)?;
    Ok(match v {
        Value::Null => None,
        Value::Str(s) => Some(s.to_string()),
        other => Some(other.to_json_text()),
    })
}

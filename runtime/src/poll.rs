//! Polling triggers: GET a system's feed on the flow's interval, with the
//! stored cursor as a query parameter; every record becomes a message, and
//! the new cursor (the largest value of the cursor field seen) commits in
//! the same transaction as the messages, so a crash neither skips nor
//! loses records (re-fetched ones are deduplicated by idempotency key).

use crate::engine::Shared;
use crate::store::CursorUpdate;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use weft_plan::model::Trigger;

/// Polls one flow's feed until `stop`.
pub async fn run(shared: Arc<Shared>, flow: String, mut stop: watch::Receiver<bool>) {
    let Some(f) = shared.prepared.flows.get(&flow).cloned() else {
        return;
    };
    let Trigger::Poll { every, .. } = &f.model.trigger else {
        return;
    };
    let mut interval = every.map_or(Duration::from_secs(60), |d| d.std());
    if let Some(floor) = shared.config.poll_floor {
        interval = interval.min(floor);
    }
    loop {
        if *stop.borrow() {
            return;
        }
        // Drain: fetch again at once while the cursor moves.
        loop {
            match once(&shared, &flow).await {
                Ok(true) if !*stop.borrow() => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(flow, error = %e, "poll failed; trying again at the next interval");
                    break;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => {}
        }
    }
}

/// One fetch: commits its records with the new cursor. True when the cursor moved.
pub async fn once(shared: &Arc<Shared>, flow: &str) -> Result<bool, String> {
    let f = shared
        .prepared
        .flows
        .get(flow)
        .cloned()
        .ok_or("no such flow")?;
    let Trigger::Poll {
        system,
        endpoint,
        cursor,
        ..
    } = &f.model.trigger
    else {
        return Err("not a polling flow".into());
    };
    let base = shared
        .prepared
        .systems
        .get(system)
        .and_then(|s| s.base_url.clone())
        .ok_or_else(|| format!("system `{system}` has no base_url"))?;
    let flow_name = flow.to_string();
    let stored = shared
        .blocking(move |s| s.cursor(&flow_name))
        .await
        .map_err(|e| e.to_string())?;
    let mut url =
        reqwest::Url::parse(&format!("{base}{}", endpoint.path)).map_err(|e| e.to_string())?;
    if let (Some(c), Some(v)) = (cursor, &stored) {
        url.query_pairs_mut().append_pair(&c.param, v);
    }
    let body = shared
        .outbound
        .fetch(system, url.as_str(), 30_000)
        .await
        .map_err(|e| format!("{}: {}", e.class, e.detail))?;
    let doc: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| format!("the feed did not answer JSON: {e}"))?;
    let records =
        records(&doc).ok_or("the feed answered neither a list nor an object holding one")?;
    let origin = format!("poll {system}.{}", endpoint.endpoint);
    let now = crate::clock::now_ms();
    let mut arrivals = Vec::with_capacity(records.len());
    let mut newest = stored.clone();
    for r in records {
        let text = r.to_string();
        let value = weft_mapping::Value::from_json(r, &weft_mapping::Coerce::Keep)?;
        arrivals.push(crate::ingress::arrival(
            &shared.prepared,
            &f,
            &value,
            text,
            &origin,
            now,
        ));
        if let Some(c) = cursor {
            if let Some(v) = r.get(&c.field) {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if newest.as_ref().is_none_or(|n| later(&v, n)) {
                    newest = Some(v);
                }
            }
        }
    }
    let moved = newest != stored;
    let update = newest.filter(|_| moved).map(|value| CursorUpdate {
        flow: flow.to_string(),
        value,
    });
    shared
        .accept(arrivals, update)
        .await
        .map_err(|e| e.to_string())?;
    Ok(moved)
}

/// Compares cursor values: numerically when both are numbers, else as text
/// (ISO 8601 timestamps in one format sort as text).
fn later(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x > y,
        _ => a > b,
    }
}

/// The records of a feed answer: a list, or the first list field of an object.
fn records(doc: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
    match doc {
        serde_json::Value::Array(a) => Some(a),
        serde_json::Value::Object(m) => m.values().find_map(|v| v.as_array()),
        _ => None,
    }
}

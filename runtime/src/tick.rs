//! Scheduled triggers: at each time of the flow's schedule (an interval, or
//! a cron expression in a time zone) one message starts the flow, its
//! payload `{"flow": NAME, "scheduled_at": RFC 3339 time}`. The tick's time
//! is its idempotency key unless the flow declares one, and the last tick is
//! saved with its message in one transaction, so a restart neither fires a
//! tick twice nor loses one that was due while weft was down: the ticks
//! missed while it was down fire once, at start, stamped with the first
//! missed time.

use crate::engine::Shared;
use crate::store::CursorUpdate;
use std::sync::Arc;
use tokio::sync::watch;

/// Fires one flow's ticks until `stop`.
pub async fn run(shared: Arc<Shared>, flow: String, mut stop: watch::Receiver<bool>) {
    // Prepared::new gives every polling and scheduled flow its schedule.
    let Some(f) = shared.prepared.flows.get(&flow).cloned() else {
        return;
    };
    let Some(schedule) = f.schedule.as_ref() else {
        return;
    };
    let name = flow.clone();
    let saved = match shared.blocking(move |s| s.cursor(&name)).await {
        Ok(saved) => saved,
        Err(e) => {
            tracing::warn!(flow, error = %e, "cannot read the last tick; the schedule starts from now");
            None
        }
    };
    // When the next tick is due: after the saved one as the schedule goes,
    // or at once when that time has passed (the missed ticks fire as one).
    let now = crate::clock::now_ms();
    let mut due = match saved.as_deref().map(str::parse::<i64>) {
        Some(Ok(last)) => last + millis(schedule.wait(last)),
        Some(Err(_)) | None => {
            if let Some(text) = saved {
                tracing::warn!(
                    flow,
                    saved = text,
                    "the last tick is not a time; the schedule starts from now"
                );
            }
            now + millis(schedule.wait(now))
        }
    };
    loop {
        if *stop.borrow() {
            return;
        }
        let now = crate::clock::now_ms();
        if due > now {
            let mut wait = std::time::Duration::from_millis((due - now) as u64);
            if let Some(floor) = shared.config.poll_floor {
                wait = wait.min(floor);
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
            // Woken early (stop, or a sleep cut short): look again. A test's
            // poll floor fires at once instead.
            if *stop.borrow()
                || (shared.config.poll_floor.is_none() && crate::clock::now_ms() < due)
            {
                continue;
            }
        }
        // The tick is stamped with its scheduled time (or now, when a test's
        // floor fired it early).
        let now = crate::clock::now_ms();
        let at = now.min(due);
        if let Err(e) = fire(&shared, &f, at).await {
            tracing::warn!(flow, error = %e, "a scheduled tick could not be stored; trying again in 1 s");
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            continue;
        }
        // The next one after now: ticks missed meanwhile are not fired one
        // by one.
        due = now + millis(schedule.wait(now)).max(1);
    }
}

/// Commits the message of the tick at `at` (Unix milliseconds) with the
/// tick as the flow's saved position.
async fn fire(
    shared: &Arc<Shared>,
    f: &crate::prepared::PreparedFlow,
    at: i64,
) -> Result<(), String> {
    let scheduled_at = jiff::Timestamp::from_millisecond(at)
        .map_err(|e| e.to_string())?
        .to_string();
    let payload = serde_json::json!({ "flow": f.name, "scheduled_at": scheduled_at });
    let value = weft_mapping::Value::from_json(&payload, &weft_mapping::Coerce::Keep)?;
    let mut arrival = crate::ingress::arrival(
        &shared.prepared,
        f,
        &value,
        payload.to_string(),
        &format!("schedule {}", f.name),
        at,
    );
    if f.idempotency_key.is_none() {
        arrival.idempotency_key = Some(format!("tick {scheduled_at}"));
    }
    let cursor = CursorUpdate {
        flow: f.name.clone(),
        value: at.to_string(),
    };
    shared
        .accept(vec![arrival], Some(cursor))
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

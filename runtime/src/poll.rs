//! Polling triggers: GET a system's feed on the flow's schedule (an
//! interval, or a cron expression in a time zone). Every record of an
//! answer becomes a message, and what the next request resumes from commits
//! in the same transaction as the records, so a crash neither skips nor
//! loses records (re-fetched ones are deduplicated by idempotency key).
//!
//! Two kinds of position, alone or together:
//! - a high-water mark (`cursor`): the largest value of a record field seen,
//!   sent back as a request parameter on the next scan;
//! - page tokens (`pages: {param, next}`): the answer's next-page token,
//!   sent back until an answer has none, which ends the scan. An answer with
//!   a token but no records keeps the token for the next tick
//!   (continuation-token feeds answer "nothing new" this way);
//! - page links (`pages: {link: next}`): the URL of the answer's `Link`
//!   header with that relation, fetched as given, in the same way.

use crate::engine::Shared;
use crate::store::CursorUpdate;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use weft_plan::model::{Pages, Trigger};
use weft_plan::schedule::Cron;

/// When a polling flow fetches.
pub enum Schedule {
    Every(Duration),
    Cron(Box<Cron>),
}

impl Schedule {
    /// The schedule of a polling or scheduled trigger: `every`, `cron`, or
    /// every minute.
    pub fn of(trigger: &Trigger) -> Result<Schedule, String> {
        let (every, cron, timezone) = match trigger {
            Trigger::Poll {
                every,
                cron,
                timezone,
                ..
            }
            | Trigger::Schedule {
                every,
                cron,
                timezone,
            } => (every, cron, timezone),
            _ => return Err("not a polling or scheduled trigger".into()),
        };
        match (every, cron) {
            (Some(_), Some(_)) => Err("give `every` or `cron`, not both".into()),
            (None, Some(cron)) => Cron::parse(cron, timezone.as_deref())
                .map(|c| Schedule::Cron(Box::new(c)))
                .map_err(|e| e.to_string()),
            (every, None) => Ok(Schedule::Every(
                every.map_or(Duration::from_secs(60), |d| d.std()),
            )),
        }
    }

    /// How long to wait at `now_ms` (Unix milliseconds) before the next fetch.
    pub fn wait(&self, now_ms: i64) -> Duration {
        match self {
            Schedule::Every(d) => *d,
            Schedule::Cron(c) => c.next_after(now_ms).map_or(
                // `parse` refused expressions without a next time.
                Duration::from_secs(60),
                |at| Duration::from_millis(at.saturating_sub(now_ms).max(0) as u64),
            ),
        }
    }
}

/// What the next request resumes from; saved with each answer's records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The high-water mark this scan sends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// The token of the next page of this scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The largest cursor value seen in this scan so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<String>,
}

impl Position {
    /// Reads a saved position; `None` before the first poll. Text that is
    /// not a JSON object is a high-water mark as earlier builds saved it.
    pub fn load(saved: Option<&str>) -> Result<Position, String> {
        match saved {
            None => Ok(Position::default()),
            Some(text) if text.starts_with('{') => serde_json::from_str(text)
                .map_err(|e| format!("the saved polling position does not read: {e}")),
            Some(mark) => Ok(Position {
                since: Some(mark.to_string()),
                ..Position::default()
            }),
        }
    }
}

/// What one fetch found.
#[derive(Debug, PartialEq, Eq)]
pub enum Fetched {
    /// More to fetch at once: a next page, or a scan that moved the mark.
    More,
    /// Caught up until the next tick.
    CaughtUp,
}

/// Polls one flow's feed until `stop`.
pub async fn run(shared: Arc<Shared>, flow: String, mut stop: watch::Receiver<bool>) {
    // Prepared::new gives every polling and scheduled flow its schedule.
    let Some(f) = shared.prepared.flows.get(&flow).cloned() else {
        return;
    };
    let Some(schedule) = f.schedule.as_ref() else {
        return;
    };
    loop {
        if *stop.borrow() {
            return;
        }
        loop {
            match once(&shared, &flow).await {
                Ok(Fetched::More) if !*stop.borrow() => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(flow, error = %e, "poll failed; trying again at the next tick");
                    break;
                }
            }
        }
        let mut wait = schedule.wait(crate::clock::now_ms());
        if let Some(floor) = shared.config.poll_floor {
            wait = wait.min(floor);
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }
}

/// One fetch: commits its records with the new position.
pub async fn once(shared: &Arc<Shared>, flow: &str) -> Result<Fetched, String> {
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
        pages,
        records: records_at,
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
    let saved = shared
        .blocking(move |s| s.cursor(&flow_name))
        .await
        .map_err(|e| e.to_string())?;
    let position = Position::load(saved.as_deref())?;
    let first =
        reqwest::Url::parse(&format!("{base}{}", endpoint.path)).map_err(|e| e.to_string())?;
    let url = match (pages, &position.page) {
        // A Link header's URL is fetched as given: it carries its own query.
        (Some(Pages::Link(_)), Some(next)) => first
            .join(next)
            .map_err(|e| format!("the saved next-page link `{next}` is not a URL: {e}"))?,
        (pages, page) => {
            let mut url = first;
            if let (Some(c), Some(v)) = (cursor, &position.since) {
                url.query_pairs_mut().append_pair(&c.param, v);
            }
            if let (Some(Pages::Token(p)), Some(token)) = (pages, page) {
                url.query_pairs_mut().append_pair(&p.param, token);
            }
            url
        }
    };
    let answer = shared
        .outbound
        .fetch(system, url.as_str(), 30_000)
        .await
        .map_err(|e| format!("{}: {}", e.class, e.detail))?;
    let body = answer.body;
    let doc: Json =
        serde_json::from_str(&body).map_err(|e| format!("the feed did not answer JSON: {e}"))?;
    let records = records(&doc, records_at.as_deref()).ok_or_else(|| match records_at {
        Some(path) => format!("the answer holds no list at `{path}`"),
        None => "the feed answered neither a list nor an object holding one".into(),
    })?;
    let origin = format!("poll {system}.{}", endpoint.endpoint);
    let now = crate::clock::now_ms();
    let mut arrivals = Vec::with_capacity(records.len());
    let mut high = position.high.clone();
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
        if let Some(v) = cursor
            .as_ref()
            .and_then(|c| at(r, &c.field))
            .and_then(text_of)
        {
            if high.as_ref().is_none_or(|h| later(&v, h)) {
                high = Some(v);
            }
        }
    }
    let token = match pages {
        None => None,
        Some(Pages::Token(p)) => at(&doc, &p.next).and_then(text_of),
        Some(Pages::Link(p)) => {
            let links: Vec<&str> = answer.links.iter().map(String::as_str).collect();
            // Saved absolute, so a restart needs no request to resolve it.
            crate::link::target(&links, &p.link)
                .map(|t| url.join(&t).map(String::from).unwrap_or(t))
        }
    }
    .filter(|t| !t.is_empty());
    let (next, fetched) = advance(&position, high, token, records.is_empty());
    let update = (next != position)
        .then(|| {
            serde_json::to_string(&next).map(|value| CursorUpdate {
                flow: flow.to_string(),
                value,
            })
        })
        .transpose()
        .map_err(|e| e.to_string())?;
    shared
        .accept(arrivals, update)
        .await
        .map_err(|e| e.to_string())?;
    Ok(fetched)
}

/// The position after an answer: `high` is the largest cursor value seen in
/// the scan including this answer, `token` the answer's next-page token.
fn advance(
    position: &Position,
    high: Option<String>,
    token: Option<String>,
    empty: bool,
) -> (Position, Fetched) {
    match token {
        // The same token again would loop: the scan is over.
        Some(t) if position.page.as_ref() != Some(&t) => {
            let next = Position {
                since: position.since.clone(),
                page: Some(t),
                high,
            };
            let fetched = if empty {
                Fetched::CaughtUp
            } else {
                Fetched::More
            };
            (next, fetched)
        }
        _ => {
            let since = match (high, &position.since) {
                (Some(h), Some(s)) if !later(&h, s) => Some(s.clone()),
                (Some(h), _) => Some(h),
                (None, s) => s.clone(),
            };
            let moved = since != position.since;
            let next = Position {
                since,
                page: None,
                high: None,
            };
            // A scan that moved the mark may have been cut short by the
            // feed's page size: look again at once.
            (
                next,
                if moved {
                    Fetched::More
                } else {
                    Fetched::CaughtUp
                },
            )
        }
    }
}

/// Compares cursor values: numerically when both are numbers, else as text
/// (ISO 8601 timestamps in one format sort as text).
fn later(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x > y,
        _ => a > b,
    }
}

/// The value at a dotted path (`meta.next`, `data.items`, `lines.0.sku`).
fn at<'a>(doc: &'a Json, path: &str) -> Option<&'a Json> {
    path.split('.').try_fold(doc, |v, part| match v {
        Json::Object(m) => m.get(part),
        Json::Array(a) => a.get(part.parse::<usize>().ok()?),
        _ => None,
    })
}

/// A scalar as cursor or token text; `None` for null, objects and lists.
fn text_of(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The records of an answer: the list at `path`; without one, the answer
/// itself when it is a list, else its first list field.
fn records<'a>(doc: &'a Json, path: Option<&str>) -> Option<&'a Vec<Json>> {
    match (path, doc) {
        (Some(p), _) => at(doc, p)?.as_array(),
        (None, Json::Array(a)) => Some(a),
        (None, Json::Object(m)) => m.values().find_map(|v| v.as_array()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pos(since: Option<&str>, page: Option<&str>, high: Option<&str>) -> Position {
        let s = |v: Option<&str>| v.map(str::to_string);
        Position {
            since: s(since),
            page: s(page),
            high: s(high),
        }
    }

    #[test]
    fn a_next_token_continues_the_scan_and_keeps_the_mark_it_started_from() {
        let start = pos(Some("5"), None, None);
        let (next, f) = advance(&start, Some("9".into()), Some("p2".into()), false);
        assert_eq!(next, pos(Some("5"), Some("p2"), Some("9")));
        assert_eq!(f, Fetched::More);
    }

    #[test]
    fn the_last_page_advances_the_mark_and_restarts_at_the_first_page() {
        let mid = pos(Some("5"), Some("p2"), Some("9"));
        let (next, f) = advance(&mid, Some("12".into()), None, false);
        assert_eq!(next, pos(Some("12"), None, None));
        assert_eq!(f, Fetched::More, "the mark moved: look again at once");
        let (next, f) = advance(&next, None, None, true);
        assert_eq!(next, pos(Some("12"), None, None));
        assert_eq!(f, Fetched::CaughtUp);
    }

    #[test]
    fn a_token_with_no_records_is_kept_for_the_next_tick() {
        let (next, f) = advance(&pos(None, Some("c1"), None), None, Some("c2".into()), true);
        assert_eq!(next, pos(None, Some("c2"), None));
        assert_eq!(f, Fetched::CaughtUp);
    }

    #[test]
    fn the_same_token_again_ends_the_scan_instead_of_looping() {
        let (next, f) = advance(&pos(None, Some("c1"), None), None, Some("c1".into()), false);
        assert_eq!(next, pos(None, None, None));
        assert_eq!(f, Fetched::CaughtUp);
    }

    #[test]
    fn a_mark_never_moves_back() {
        let (next, f) = advance(&pos(Some("9"), None, None), Some("3".into()), None, false);
        assert_eq!(next, pos(Some("9"), None, None));
        assert_eq!(f, Fetched::CaughtUp);
        // Timestamps compare as text, numbers as numbers.
        assert!(later("10", "9"));
        assert!(later("2026-11-23T10:00:00Z", "2026-11-22T23:59:59Z"));
    }

    #[test]
    fn records_and_tokens_are_found_by_dotted_path() {
        let doc = json!({ "meta": { "next": 7 }, "data": { "items": [{ "a": 1 }] }, "x": [] });
        assert_eq!(records(&doc, Some("data.items")).unwrap().len(), 1);
        assert_eq!(records(&doc, None).unwrap().len(), 0, "first list field");
        assert!(records(&doc, Some("data.missing")).is_none());
        assert_eq!(
            at(&doc, "meta.next").and_then(text_of).as_deref(),
            Some("7")
        );
        assert_eq!(
            at(&doc, "data.items.0.a").and_then(text_of).as_deref(),
            Some("1")
        );
        assert_eq!(at(&json!({ "next": null }), "next").and_then(text_of), None);
    }

    #[test]
    fn schedules_wait_for_the_interval_or_the_next_cron_time() {
        let every = Schedule::Every(Duration::from_secs(30));
        assert_eq!(every.wait(0), Duration::from_secs(30));
        let cron = Schedule::Cron(Box::new(Cron::parse("*/5 * * * *", None).unwrap()));
        // 2026-11-23T10:07:30Z -> 10:10:00Z.
        let now = 1_795_428_450_000;
        assert_eq!(cron.wait(now), Duration::from_millis(150_000));
    }

    #[test]
    fn saved_positions_read_back_with_earlier_cursors_as_marks() {
        let p = pos(Some("5"), Some("t"), None);
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(text, r#"{"since":"5","page":"t"}"#);
        assert_eq!(Position::load(Some(&text)).unwrap(), p);
        assert_eq!(Position::load(None).unwrap(), Position::default());
        assert_eq!(
            Position::load(Some("2026-11-23T10:00:00Z")).unwrap(),
            pos(Some("2026-11-23T10:00:00Z"), None, None),
            "an earlier build's cursor"
        );
        assert!(Position::load(Some("{not json")).is_err());
    }
}

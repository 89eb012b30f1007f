//! Sending a message to a target system: the only outbound HTTP in weft.
//! Calls go to the origins the plan declares (no redirects), carry the
//! system's credentials and the step's idempotency key, pass the system's
//! rate limit and circuit breaker, and run under a bound on concurrent
//! deliveries. A failure comes back classified (`timeout`, `connect`,
//! `http_NNN`) for the retry policy to judge.

use crate::breaker::{Breaker, BreakerState};
use crate::prepared::{Credentials, Delivery, Prepared, SystemLink};
use crate::ratelimit::Bucket;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// What a delivery came to.
#[derive(Debug)]
pub enum Sent {
    /// The system answered 2xx.
    Ok { status: u16 },
    /// It failed; the policy decides whether to retry.
    Failed(Failure),
    /// Not attempted: the system's circuit breaker is open until then (ms).
    Deferred { until: i64 },
}

/// A failed attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// `timeout`, `connect`, `http_NNN`, `auth` or `request`.
    pub class: String,
    /// What happened, without payload contents.
    pub detail: String,
    /// The wait the system asked for (`Retry-After`), in ms.
    pub retry_after_ms: Option<u64>,
}

impl Failure {
    fn new(class: impl Into<String>, detail: impl Into<String>) -> Failure {
        Failure {
            class: class.into(),
            detail: detail.into(),
            retry_after_ms: None,
        }
    }

    /// Whether the policy's `retry_on` list covers this failure.
    pub fn retryable(&self, retry_on: &[String]) -> bool {
        retry_on.iter().any(|r| {
            r == &self.class
                || (r == "http_5xx" && self.class.starts_with("http_5"))
                || (r == "http_4xx" && self.class.starts_with("http_4"))
        })
    }
}

/// Outbound state shared by all deliveries.
pub struct Outbound {
    client: reqwest::Client,
    allowed: BTreeSet<String>,
    systems: HashMap<String, Arc<SystemLink>>,
    breakers: Mutex<HashMap<String, Breaker>>,
    buckets: HashMap<String, Mutex<Bucket>>,
    tokens: tokio::sync::Mutex<HashMap<String, (String, Instant)>>,
    permits: Semaphore,
}

impl Outbound {
    /// Outbound connections for a prepared plan, with at most `concurrency`
    /// deliveries at once.
    pub fn new(prepared: &Prepared, concurrency: usize) -> Outbound {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(concurrency)
            .user_agent(concat!("weft/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds with static settings");
        let mut buckets = HashMap::new();
        for (name, s) in &prepared.systems {
            let limit = s.rate_limit.or_else(|| {
                // A policy's limit applies to the systems it delivers to.
                prepared
                    .flows
                    .values()
                    .flat_map(|f| &f.steps)
                    .find_map(|st| match st {
                        crate::prepared::PreparedStep::Deliver(d) if &d.system == name => {
                            d.policy.rate_limit
                        }
                        _ => None,
                    })
            });
            if let Some((per_second, burst)) = limit {
                buckets.insert(name.clone(), Mutex::new(Bucket::new(per_second, burst)));
            }
        }
        Outbound {
            client,
            allowed: prepared.allowed_origins.clone(),
            systems: prepared
                .systems
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            breakers: Mutex::new(HashMap::new()),
            buckets,
            tokens: tokio::sync::Mutex::new(HashMap::new()),
            permits: Semaphore::new(concurrency.max(1)),
        }
    }

    /// Each system's breaker state, for `/metrics`.
    pub fn breaker_states(&self) -> Vec<(String, BreakerState)> {
        let b = self.breakers.lock().expect("breakers lock");
        let mut v: Vec<_> = b.iter().map(|(k, v)| (k.clone(), v.state())).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Sends `body` (JSON text) for `d`, with `key` in its idempotency header.
    pub async fn deliver(&self, d: &Delivery, body: &str, key: &str, now: i64) -> Sent {
        if let Some((failures, window, cool)) = d.policy.breaker {
            let mut all = self.breakers.lock().expect("breakers lock");
            let b = all
                .entry(d.system.clone())
                .or_insert_with(|| Breaker::new(failures, window, cool));
            if let Err(until) = b.admit(now) {
                return Sent::Deferred { until };
            }
        }
        let result = self.attempt(d, body, key).await;
        if d.policy.breaker.is_some() {
            let mut all = self.breakers.lock().expect("breakers lock");
            if let Some(b) = all.get_mut(&d.system) {
                match &result {
                    Sent::Failed(f) if f.retryable(&d.policy.retry_on) => b.failure(now),
                    _ => b.success(),
                }
            }
        }
        result
    }

    async fn attempt(&self, d: &Delivery, body: &str, key: &str) -> Sent {
        let url = match url_for(d, body) {
            Ok(u) => u,
            Err(e) => return Sent::Failed(Failure::new("request", e)),
        };
        // The origin was checked when the plan was prepared (`stays_on`):
        // placeholders are percent-encoded, so no value can change it.
        self.wait_for_token(&d.system).await;
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let request = || {
            let req = self
                .client
                .request(d.method.clone(), url.clone())
                .timeout(Duration::from_millis(d.policy.timeout_ms))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
            match &d.idempotency_header {
                Some(h) => req.header(h.as_str(), key),
                None => req,
            }
        };
        match self
            .send_authorized(request, &d.system, &d.target, d.policy.timeout_ms)
            .await
        {
            Err(f) => Sent::Failed(f),
            Ok(resp) => {
                let status = resp.status().as_u16();
                if resp.status().is_success() {
                    // Read the body so the connection goes back to the pool.
                    let _ = resp.bytes().await;
                    return Sent::Ok { status };
                }
                let retry_after_ms = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(retry_after_ms);
                let _ = resp.bytes().await;
                Sent::Failed(Failure {
                    class: format!("http_{status}"),
                    detail: format!("{} answered {status}", d.target),
                    retry_after_ms,
                })
            }
        }
    }

    /// Sends the request `build` makes, with `system`'s credentials. When an
    /// OAuth2 token from the cache is refused (401: revoked or rotated
    /// before it was due to expire), the token is dropped and the request
    /// sent once more with a fresh one, within the same attempt (a delivery
    /// carries the same idempotency key both times). `target` names what is
    /// called in failures.
    async fn send_authorized(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
        system: &str,
        target: &str,
        timeout_ms: u64,
    ) -> Result<reqwest::Response, Failure> {
        let auth = self.systems.get(system).and_then(|l| l.auth.as_ref());
        let mut refreshed = false;
        loop {
            let (req, cached) = match auth {
                Some(auth) => self.authorize(build(), system, auth, timeout_ms).await?,
                None => (build(), None),
            };
            let resp = req
                .send()
                .await
                .map_err(|e| transport_failure(&e, target, timeout_ms))?;
            if resp.status().as_u16() != 401 {
                return Ok(resp);
            }
            let Some(used) = cached else {
                return Ok(resp);
            };
            {
                // Drop the token unless another request already replaced it.
                let mut cache = self.tokens.lock().await;
                if cache.get(system).is_some_and(|(t, _)| *t == used) {
                    cache.remove(system);
                }
            }
            if refreshed {
                return Ok(resp);
            }
            refreshed = true;
            tracing::info!(system, "the access token was refused; fetching a new one");
            let _ = resp.bytes().await;
        }
    }

    /// GETs `url` from `system` (polling), with its credentials and rate
    /// limit; the body when the answer is 2xx.
    pub async fn fetch(&self, system: &str, url: &str, timeout_ms: u64) -> Result<Answer, Failure> {
        match crate::prepared::origin(url) {
            Ok(o) if self.allowed.contains(&o) => {}
            Ok(o) => {
                return Err(Failure::new(
                    "request",
                    format!("{o} is not a host the plan declares (fetching from `{system}`)"),
                ))
            }
            Err(e) => return Err(Failure::new("request", e)),
        }
        self.wait_for_token(system).await;
        let request = || {
            self.client
                .get(url)
                .timeout(Duration::from_millis(timeout_ms))
        };
        let resp = self
            .send_authorized(request, system, system, timeout_ms)
            .await?;
        let status = resp.status();
        let links: Vec<String> = resp
            .headers()
            .get_all(reqwest::header::LINK)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        let text = resp
            .text()
            .await
            .map_err(|e| transport_failure(&e, system, timeout_ms))?;
        if status.is_success() {
            Ok(Answer { body: text, links })
        } else {
            Err(Failure::new(
                format!("http_{}", status.as_u16()),
                format!("{system} answered {}", status.as_u16()),
            ))
        }
    }

    async fn wait_for_token(&self, system: &str) {
        let Some(bucket) = self.buckets.get(system) else {
            return;
        };
        loop {
            let wait = bucket.lock().expect("bucket lock").take(Instant::now());
            match wait {
                Ok(()) => return,
                Err(d) => tokio::time::sleep(d).await,
            }
        }
    }

    /// Adds `auth` to `req`; with OAuth2, also the token used when it came
    /// from the cache (a fresh one is not worth fetching again at once).
    async fn authorize(
        &self,
        req: reqwest::RequestBuilder,
        system: &str,
        auth: &Credentials,
        timeout_ms: u64,
    ) -> Result<(reqwest::RequestBuilder, Option<String>), Failure> {
        Ok(match auth {
            Credentials::Bearer(t) => (req.bearer_auth(t.expose()), None),
            Credentials::Basic(u, p) => (req.basic_auth(u.expose(), Some(p.expose())), None),
            Credentials::Header(name, v) => (req.header(name.as_str(), v.expose()), None),
            Credentials::OAuth2 {
                token_url,
                client_id,
                client_secret,
                scopes,
            } => {
                let mut cache = self.tokens.lock().await;
                if let Some((token, until)) = cache.get(system) {
                    if Instant::now() < *until {
                        return Ok((req.bearer_auth(token), Some(token.clone())));
                    }
                }
                let mut form = vec![
                    ("grant_type", "client_credentials".to_string()),
                    ("client_id", client_id.expose().to_string()),
                    ("client_secret", client_secret.expose().to_string()),
                ];
                if !scopes.is_empty() {
                    form.push(("scope", scopes.join(" ")));
                }
                let resp = self
                    .client
                    .post(token_url)
                    .timeout(Duration::from_millis(timeout_ms))
                    .form(&form)
                    .send()
                    .await
                    .map_err(|e| {
                        let mut f =
                            transport_failure(&e, &format!("{system} token endpoint"), timeout_ms);
                        f.class = format!("auth_{}", f.class);
                        f
                    })?;
                let status = resp.status();
                let text = resp.text().await.unwrap_or_default();
                if !status.is_success() {
                    return Err(Failure::new(
                        if status.is_server_error() {
                            "http_503"
                        } else {
                            "auth"
                        },
                        format!("{system} token endpoint answered {}", status.as_u16()),
                    ));
                }
                let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                let Some(token) = doc.get("access_token").and_then(|t| t.as_str()) else {
                    return Err(Failure::new(
                        "auth",
                        format!("{system} token endpoint answered without an access_token"),
                    ));
                };
                let life = doc
                    .get("expires_in")
                    .and_then(|e| e.as_u64())
                    .unwrap_or(300);
                let until = Instant::now() + Duration::from_secs(life.saturating_sub(30).max(1));
                cache.insert(system.to_string(), (token.to_string(), until));
                (req.bearer_auth(token), None)
            }
        })
    }
}

/// A feed's answer to a poll.
pub struct Answer {
    pub body: String,
    /// The values of its `Link` headers.
    pub links: Vec<String>,
}

fn transport_failure(e: &reqwest::Error, target: &str, timeout_ms: u64) -> Failure {
    if e.is_timeout() {
        Failure::new(
            "timeout",
            format!("{target} did not answer within {timeout_ms} ms"),
        )
    } else if e.is_connect() {
        Failure::new("connect", format!("{target}: cannot connect"))
    } else {
        // A reset or a broken response: the request may have arrived, so it is
        // retried under the same idempotency key like a failed connection.
        Failure::new(
            "connect",
            format!("{target}: the connection failed ({})", short(e)),
        )
    }
}

fn short(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s = inner.to_string();
        src = inner.source();
    }
    s
}

/// What a path placeholder's value keeps as is: RFC 3986's unreserved
/// characters; everything else (`/`, `@`, `?`, `#`, ...) is percent-encoded.
const PATH_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The request URL: base URL and path, with `{field}` placeholders filled
/// from the message's top-level fields (percent-encoded, so a value cannot
/// change the host or the path's shape). A path without placeholders was
/// parsed once, when the plan was prepared.
pub fn url_for(d: &Delivery, body: &str) -> Result<reqwest::Url, String> {
    if let Some(url) = &d.url {
        return Ok(url.clone());
    }
    let doc: serde_json::Value =
        serde_json::from_str(body).map_err(|_| "the message is not JSON".to_string())?;
    let mut out = String::with_capacity(d.base_url.len() + d.path.len() + 16);
    out.push_str(&d.base_url);
    let mut rest = d.path.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("the path `{}` has an unclosed `{{`", d.path))?;
        let name = &rest[open + 1..open + close];
        let value = match doc.get(name) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => {
                return Err(format!(
                    "the path `{}` needs the field `{name}`, which the message does not have",
                    d.path
                ))
            }
        };
        out.extend(percent_encoding::utf8_percent_encode(&value, PATH_VALUE));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    parse_url(out)
}

/// The whole URL of a delivery whose path has no placeholders, parsed once
/// when the plan is prepared; `None` when the path has placeholders.
pub fn fixed_url(base_url: &str, path: &str) -> Result<Option<reqwest::Url>, String> {
    if path.contains('{') {
        return Ok(None);
    }
    parse_url(format!("{base_url}{path}")).map(Some)
}

fn parse_url(text: String) -> Result<reqwest::Url, String> {
    reqwest::Url::parse(&text).map_err(|e| format!("`{text}` is not a URL: {e}"))
}

/// `Retry-After` as seconds or an HTTP date, in ms from now (capped at an hour).
pub fn retry_after_ms(v: &str) -> Option<u64> {
    let v = v.trim();
    let ms = if let Ok(secs) = v.parse::<u64>() {
        secs.saturating_mul(1000)
    } else {
        let at = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
        let now = jiff::Timestamp::now();
        at.as_millisecond()
            .saturating_sub(now.as_millisecond())
            .max(0) as u64
    };
    Some(ms.min(3_600_000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepared::Effective;

    fn delivery(path: &str) -> Delivery {
        Delivery {
            target: "shopify.create_fulfillment".into(),
            system: "shopify".into(),
            method: reqwest::Method::POST,
            base_url: "http://127.0.0.1:9".into(),
            path: path.into(),
            url: fixed_url("http://127.0.0.1:9", path).unwrap(),
            idempotency_header: None,
            policy: Effective::of(None),
        }
    }

    #[test]
    fn placeholders_are_filled_and_encoded() {
        let d = delivery("/orders/{order_id}/fulfillments.json");
        assert_eq!(
            url_for(&d, r#"{"order_id": 42}"#).unwrap().as_str(),
            "http://127.0.0.1:9/orders/42/fulfillments.json"
        );
        assert_eq!(
            url_for(&d, r#"{"order_id": "a/../b@evil.example"}"#)
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9/orders/a%2F..%2Fb%40evil.example/fulfillments.json"
        );
        let e = url_for(&d, r#"{"id": 1}"#).unwrap_err();
        assert!(e.contains("needs the field `order_id`"), "{e}");
    }

    #[test]
    fn a_fixed_path_is_the_url_prepared_once() {
        let mut d = delivery("/orders.json");
        assert_eq!(
            url_for(&d, "not JSON: not read").unwrap().as_str(),
            "http://127.0.0.1:9/orders.json"
        );
        let prepared = reqwest::Url::parse("http://127.0.0.1:9/prepared").unwrap();
        d.url = Some(prepared.clone());
        assert_eq!(url_for(&d, "{}").unwrap(), prepared);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after_ms("7"), Some(7_000));
        assert_eq!(retry_after_ms("999999"), Some(3_600_000));
        assert_eq!(retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0));
        assert_eq!(retry_after_ms("soon"), None);
    }

    #[test]
    fn retry_classes_match_the_policy() {
        let on: Vec<String> = ["timeout", "http_429", "http_5xx"]
            .map(String::from)
            .to_vec();
        assert!(Failure::new("http_503", "").retryable(&on));
        assert!(Failure::new("http_429", "").retryable(&on));
        assert!(!Failure::new("http_422", "").retryable(&on));
        assert!(!Failure::new("connect", "").retryable(&on));
    }
}

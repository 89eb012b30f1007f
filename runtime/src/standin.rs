//! Stand-ins for external systems (ERP, WMS, storefront, 3PL) in end-to-end
//! tests, the crash test, the load benchmark and the demo.
//!
//! A [`StandIn`] is a real HTTP/1.1 server on `127.0.0.1`, written on a raw
//! [`TcpListener`] so that it can misbehave at the socket level (a TCP reset
//! instead of an answer) and stay fast (keep-alive, one task per connection,
//! a hand-written parser that allocates nothing per request beyond what it
//! records). It:
//!
//! - records every request it parses ([`StandIn::requests`]);
//! - applies writes (`POST`, `PUT`, `PATCH`) as [`Effect`]s, at most once per
//!   idempotency key: a repeated key answers `200` with the first answer's
//!   body and is counted in [`StandIn::replays`];
//! - checks per-key ordering of applied writes ([`StandIn::order_violations`]);
//! - injects faults, deterministically for a seed ([`Faults`]);
//! - serves feeds for polling triggers, paged by a cursor parameter and
//!   optionally by page tokens ([`StandIn::add_records`]);
//! - answers an OAuth2 client-credentials token endpoint at
//!   [`TOKEN_PATH`], and can require an authentication header.
//!
//! Request bodies must carry a `Content-Length`; chunked bodies are refused
//! with `411`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::io::Write as _;
use std::net::SocketAddr;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

/// The path of the OAuth2 token endpoint every stand-in serves.
pub const TOKEN_PATH: &str = "/oauth2/token";
/// The access token the token endpoint hands out.
pub const TOKEN: &str = "standin-token";

/// A loopback port free now (the OS picks it), for a server started later
/// by another process or with a fixed port.
pub fn free_port() -> std::io::Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
}

/// Largest request head (request line and headers) accepted; more is `431`.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted; more is `413`.
const MAX_BODY: usize = 64 * 1024 * 1024;
/// How much to read at a time.
const READ_CHUNK: usize = 16 * 1024;

/// How a stand-in behaves. Build with struct update syntax over
/// [`Default::default`].
#[derive(Clone, Debug)]
pub struct StandInConfig {
    /// Port to listen on; `0` (the default) picks a free one.
    pub port: u16,
    /// The header carrying the idempotency key (matched case-insensitively).
    /// Default `Idempotency-Key`.
    pub idempotency_header: String,
    /// JSON pointer (e.g. `/customer_id`) to the ordering key of a write's
    /// body. With [`sequence`](Self::sequence), enables the ordering check.
    pub ordering_key: Option<String>,
    /// JSON pointer (e.g. `/seq`) to a write's sequence number (an integer,
    /// or a string holding one).
    pub sequence: Option<String>,
    /// Faults at start; change them with [`StandIn::set_faults`].
    pub faults: Faults,
    /// Feeds served to `GET`: `(path, cursor_param, cursor_field)`. The
    /// cursor field is a top-level field name, or a JSON pointer when it
    /// starts with `/`. Fill them with [`StandIn::add_records`].
    pub feeds: Vec<(String, String, String)>,
    /// Most records one feed page holds. Default 100.
    pub feed_page: usize,
    /// Feeds that page with tokens: `(path, token_param)`. They answer
    /// `{"data": {"items": [...]}, "meta": {"next": TOKEN}}`, `next` being
    /// null on the last page; the token is an opaque offset into the records
    /// after the cursor.
    pub paged_feeds: Vec<(String, String)>,
    /// Feeds that page with `Link` headers, as Shopify's REST API does:
    /// `(path, page_param)`. They answer a plain array and, while more
    /// records follow, `Link: <PATH?PAGE_PARAM=aN>; rel="next"` (a relative
    /// URL whose opaque token is the absolute offset of the next page).
    pub linked_feeds: Vec<(String, String)>,
    /// `(client_id, client_secret)` the token endpoint accepts; `None`
    /// accepts any.
    pub client_credentials: Option<(String, String)>,
    /// `(header name, exact value)` every request but the token endpoint's
    /// must carry, e.g. `("Authorization", "Bearer standin-token")`; others
    /// answer `401`. Where the value names [`TOKEN`], it follows
    /// [`StandIn::rotate_token`].
    pub required_header: Option<(String, String)>,
    /// Most request records kept; beyond it the oldest are dropped (effects
    /// are always kept). Default 2,000,000.
    pub max_requests: usize,
}

impl Default for StandInConfig {
    fn default() -> Self {
        StandInConfig {
            port: 0,
            idempotency_header: "Idempotency-Key".into(),
            ordering_key: None,
            sequence: None,
            faults: Faults::default(),
            feeds: Vec::new(),
            feed_page: 100,
            paged_feeds: Vec::new(),
            linked_feeds: Vec::new(),
            client_credentials: None,
            required_header: None,
            max_requests: 2_000_000,
        }
    }
}

/// Faults injected into requests (all but the token endpoint's), decided
/// once per request before anything is applied, from one draw of a random
/// generator seeded with `seed`: sequential requests meet the same faults in
/// every run. Rates are fractions (0..=1), checked in the order reset,
/// error, too many, reject, slow, so their sum should not exceed 1.
#[derive(Clone, Debug, PartialEq)]
pub struct Faults {
    /// Fraction answered `500`.
    pub error_rate: f64,
    /// Fraction answered `429` with `Retry-After: retry_after_secs`.
    pub too_many_rate: f64,
    /// Fraction that sleep `slow_ms` first, then are handled normally (so a
    /// write times out at the client yet is applied).
    pub slow_rate: f64,
    /// Fraction whose connection is reset (TCP RST) without an answer.
    pub reset_rate: f64,
    /// Fraction answered `422`. Sticky per idempotency key: once a key is
    /// rejected, every request with it is, even after `set_faults`. A key
    /// whose write was applied is never rejected.
    pub reject_rate: f64,
    /// How long a slow request sleeps. Default 1000.
    pub slow_ms: u64,
    /// The `Retry-After` of a `429`, in seconds. Default 1.
    pub retry_after_secs: u64,
    /// Seed of the fault generator.
    pub seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            error_rate: 0.0,
            too_many_rate: 0.0,
            slow_rate: 0.0,
            reset_rate: 0.0,
            reject_rate: 0.0,
            slow_ms: 1000,
            retry_after_secs: 1,
            seed: 0,
        }
    }
}

impl Faults {
    /// A system that is down: every request answers `500`.
    pub fn down() -> Faults {
        Faults {
            error_rate: 1.0,
            ..Faults::default()
        }
    }
}

/// A kind of injected fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// Answered `500`.
    Error,
    /// Answered `429` with `Retry-After`.
    TooMany,
    /// Slept before being handled.
    Slow,
    /// Connection reset without an answer.
    Reset,
    /// Answered `422`.
    Reject,
}

/// How many requests met each fault.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultCounts {
    /// Answered `500`.
    pub error: u64,
    /// Answered `429`.
    pub too_many: u64,
    /// Slept first.
    pub slow: u64,
    /// Reset.
    pub reset: u64,
    /// Answered `422`.
    pub reject: u64,
}

impl FaultCounts {
    /// All faults together.
    pub fn total(&self) -> u64 {
        self.error + self.too_many + self.slow + self.reset + self.reject
    }

    fn add(&mut self, kind: FaultKind) {
        match kind {
            FaultKind::Error => self.error += 1,
            FaultKind::TooMany => self.too_many += 1,
            FaultKind::Slow => self.slow += 1,
            FaultKind::Reset => self.reset += 1,
            FaultKind::Reject => self.reject += 1,
        }
    }
}

/// One request as the stand-in saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target as sent: path and query.
    pub path: String,
    /// The idempotency header's value, if any.
    pub key: Option<String>,
    /// The body: JSON when it parses, else its text; `Null` when empty.
    pub body: Value,
    /// When it arrived (once its body was read).
    pub at: SystemTime,
    /// The status answered; `None` when the connection was reset (or the
    /// stand-in shut down while it slept).
    pub status: Option<u16>,
    /// The fault injected, if any.
    pub fault: Option<FaultKind>,
}

/// A write the stand-in applied.
#[derive(Clone, Debug)]
pub struct Effect {
    /// Its idempotency key, if it had one.
    pub key: Option<String>,
    /// `POST`, `PUT` or `PATCH`.
    pub method: String,
    /// The request target (path and query).
    pub path: String,
    /// The body, as in [`Recorded::body`].
    pub body: Value,
    /// The id answered (`{"id": N}`), increasing from 1.
    pub id: u64,
    /// When it was applied.
    pub at: SystemTime,
}

/// A running stand-in. Dropping it stops it (its tasks are aborted);
/// [`shutdown`](StandIn::shutdown) also waits until every connection closed.
pub struct StandIn {
    inner: Arc<Inner>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl StandIn {
    /// Binds `127.0.0.1:port` and starts serving. Must run in a Tokio runtime.
    pub async fn start(config: StandInConfig) -> std::io::Result<StandIn> {
        let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let feeds = config
            .feeds
            .iter()
            .map(|(path, param, field)| {
                let feed = Feed {
                    param: param.clone(),
                    field: field.clone(),
                    token_param: config
                        .paged_feeds
                        .iter()
                        .find(|(p, _)| p == path)
                        .map(|(_, t)| t.clone()),
                    link_param: config
                        .linked_feeds
                        .iter()
                        .find(|(p, _)| p == path)
                        .map(|(_, t)| t.clone()),
                    path: path.clone(),
                    records: Vec::new(),
                };
                (path.clone(), feed)
            })
            .collect();
        let state = State {
            rng: fastrand::Rng::with_seed(config.faults.seed),
            faults: config.faults.clone(),
            rejected_keys: HashSet::new(),
            applied: HashMap::new(),
            effects: Vec::new(),
            replays: 0,
            sequences: BTreeMap::new(),
            violations: BTreeSet::new(),
            requests: VecDeque::new(),
            request_count: 0,
            fault_counts: FaultCounts::default(),
            token_requests: 0,
            token_rotations: 0,
            unauthorized: 0,
            feeds,
        };
        let inner = Arc::new(Inner {
            config,
            state: Mutex::new(state),
            connections: AtomicU64::new(0),
        });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, inner.clone(), stopped));
        Ok(StandIn {
            inner,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops: closes the listener and every connection, then returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Replaces the faults (and reseeds the generator with their seed), e.g.
    /// [`Faults::down`] then [`Faults::default`] for an outage.
    pub fn set_faults(&self, faults: Faults) {
        let mut st = self.inner.lock();
        st.rng = fastrand::Rng::with_seed(faults.seed);
        st.faults = faults;
    }

    /// Appends records to the feed at `path`, kept ordered by their cursor
    /// field (records without it sort as the empty string).
    ///
    /// # Panics
    /// When no feed was configured at `path`.
    pub fn add_records(&self, path: &str, records: Vec<Value>) {
        let mut st = self.inner.lock();
        let Some(feed) = st.feeds.get_mut(path) else {
            panic!("stand-in: no feed configured at {path}");
        };
        for r in records {
            let c = cursor_of(&r, &feed.field).unwrap_or_default();
            let at = feed.records.partition_point(|(other, _)| !later(other, &c));
            feed.records.insert(at, (c, r));
        }
    }

    /// The recorded requests, oldest first (at most `max_requests`).
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().requests.iter().cloned().collect()
    }

    /// How many requests were recorded, including any dropped since.
    pub fn request_count(&self) -> u64 {
        self.inner.lock().request_count
    }

    /// The applied writes, in application order.
    pub fn effects(&self) -> Vec<Effect> {
        self.inner.lock().effects.clone()
    }

    /// How many writes were applied.
    pub fn effect_count(&self) -> usize {
        self.inner.lock().effects.len()
    }

    /// How many writes repeated an applied idempotency key (answered without
    /// applying again).
    pub fn replays(&self) -> u64 {
        self.inner.lock().replays
    }

    /// Per ordering key, the sequence numbers of its applied writes, in
    /// application order.
    pub fn sequences(&self) -> BTreeMap<String, Vec<i64>> {
        self.inner.lock().sequences.clone()
    }

    /// The ordering keys whose applied sequence numbers went down at least
    /// once, sorted.
    pub fn order_violations(&self) -> Vec<String> {
        self.inner.lock().violations.iter().cloned().collect()
    }

    /// How many requests met each fault.
    pub fn fault_counts(&self) -> FaultCounts {
        self.inner.lock().fault_counts
    }

    /// Revokes the access token handed out so far: requests carrying it are
    /// answered `401`, and the token endpoint hands out a new one (as an
    /// identity provider does when a token is revoked before it expires).
    pub fn rotate_token(&self) {
        self.inner.lock().token_rotations += 1;
    }

    /// How many requests reached the token endpoint.
    pub fn token_requests(&self) -> u64 {
        self.inner.lock().token_requests
    }

    /// How many requests were answered `401` for lacking the required header.
    pub fn unauthorized(&self) -> u64 {
        self.inner.lock().unauthorized
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> u64 {
        self.inner.connections.load(Ordering::Relaxed)
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts every
        // connection task.
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

struct Inner {
    config: StandInConfig,
    state: Mutex<State>,
    connections: AtomicU64,
}

struct State {
    faults: Faults,
    rng: fastrand::Rng,
    rejected_keys: HashSet<String>,
    /// Idempotency key → the id answered when it was applied.
    applied: HashMap<String, u64>,
    effects: Vec<Effect>,
    replays: u64,
    sequences: BTreeMap<String, Vec<i64>>,
    violations: BTreeSet<String>,
    requests: VecDeque<Recorded>,
    request_count: u64,
    fault_counts: FaultCounts,
    token_requests: u64,
    token_rotations: u64,
    unauthorized: u64,
    feeds: HashMap<String, Feed>,
}

impl State {
    /// The access token the token endpoint hands out now.
    fn token(&self) -> String {
        match self.token_rotations {
            0 => TOKEN.to_string(),
            n => format!("{TOKEN}-{n}"),
        }
    }
}

struct Feed {
    param: String,
    field: String,
    /// The page-token parameter, for a feed that pages with tokens.
    token_param: Option<String>,
    /// The page parameter of the `Link` header, for a feed paged by links.
    link_param: Option<String>,
    path: String,
    /// `(cursor value, record)`, ordered by cursor value.
    records: Vec<(String, Value)>,
}

impl State {
    fn record(&mut self, max: usize, r: Recorded) {
        self.request_count += 1;
        if max == 0 {
            return;
        }
        while self.requests.len() >= max {
            self.requests.pop_front();
        }
        self.requests.push_back(r);
    }

    /// Decides a request's fault and counts it.
    fn fault(&mut self, key: Option<&str>) -> Option<FaultKind> {
        let sticky = key.is_some_and(|k| self.rejected_keys.contains(k));
        let kind = if sticky {
            Some(FaultKind::Reject)
        } else {
            let f = &self.faults;
            let thresholds = [
                (f.reset_rate, FaultKind::Reset),
                (f.error_rate, FaultKind::Error),
                (f.too_many_rate, FaultKind::TooMany),
                (f.reject_rate, FaultKind::Reject),
                (f.slow_rate, FaultKind::Slow),
            ];
            if thresholds.iter().all(|(rate, _)| *rate <= 0.0) {
                None
            } else {
                let draw = self.rng.f64();
                let mut sum = 0.0;
                let mut chosen = None;
                for (rate, kind) in thresholds {
                    sum += rate.max(0.0);
                    if draw < sum {
                        chosen = Some(kind);
                        break;
                    }
                }
                match (chosen, key) {
                    (Some(FaultKind::Reject), Some(k)) if self.applied.contains_key(k) => None,
                    (Some(FaultKind::Reject), Some(k)) => {
                        self.rejected_keys.insert(k.to_string());
                        chosen
                    }
                    _ => chosen,
                }
            }
        };
        if let Some(kind) = kind {
            self.fault_counts.add(kind);
        }
        kind
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the records from the others.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Handles one parsed request, writing the answer into `out`.
    async fn handle(&self, req: &Request<'_>, out: &mut Vec<u8>, scratch: &mut Vec<u8>) -> Reply {
        let at = SystemTime::now();
        let (path, query) = match req.target.split_once('?') {
            Some((p, q)) => (p, q),
            None => (req.target, ""),
        };
        let key = req.key.map(|k| String::from_utf8_lossy(k).into_owned());
        let max = self.config.max_requests;
        let mut rec = Recorded {
            method: req.method.to_string(),
            path: req.target.to_string(),
            key,
            body: body_value(req.body),
            at,
            status: None,
            fault: None,
        };
        let close = req.close;

        if req.method == "POST" && path == TOKEN_PATH {
            let (status, body) = self.token(req.body);
            write_response(out, status, &body, None, close);
            rec.status = Some(status);
            let mut st = self.lock();
            st.token_requests += 1;
            st.record(max, rec);
            return Reply::Write;
        }

        if let Some((_, want)) = &self.config.required_header {
            let want = want.replace(TOKEN, &self.lock().token());
            if req.auth != Some(want.as_bytes()) {
                write_response(out, 401, br#"{"error":"unauthorized"}"#, None, close);
                rec.status = Some(401);
                let mut st = self.lock();
                st.unauthorized += 1;
                st.record(max, rec);
                return Reply::Write;
            }
        }

        let (fault, faults) = {
            let mut st = self.lock();
            let fault = st.fault(rec.key.as_deref());
            let faults = (st.faults.slow_ms, st.faults.retry_after_secs);
            (fault, faults)
        };
        rec.fault = fault;
        let answer: Option<(u16, &[u8], Option<u64>)> = match fault {
            None => None,
            Some(FaultKind::Slow) => {
                tokio::time::sleep(Duration::from_millis(faults.0)).await;
                None
            }
            Some(FaultKind::Reset) => {
                self.lock().record(max, rec);
                return Reply::Reset;
            }
            Some(FaultKind::Error) => Some((500, br#"{"error":"stand-in failure"}"#, None)),
            Some(FaultKind::TooMany) => {
                Some((429, br#"{"error":"too many requests"}"#, Some(faults.1)))
            }
            Some(FaultKind::Reject) => Some((422, br#"{"error":"rejected"}"#, None)),
        };
        if let Some((status, body, retry_after)) = answer {
            write_response(out, status, body, retry_after, close);
            rec.status = Some(status);
            self.lock().record(max, rec);
            return Reply::Write;
        }

        let mut st = self.lock();
        let mut link = None;
        let status = match req.method {
            "POST" | "PUT" | "PATCH" => {
                let replayed = rec.key.as_ref().and_then(|k| st.applied.get(k).copied());
                scratch.clear();
                if let Some(id) = replayed {
                    st.replays += 1;
                    let _ = write!(scratch, r#"{{"id":{id}}}"#);
                    200
                } else {
                    let id = st.effects.len() as u64 + 1;
                    if let Some(k) = &rec.key {
                        st.applied.insert(k.clone(), id);
                    }
                    self.check_order(&mut st, &rec.body);
                    st.effects.push(Effect {
                        key: rec.key.clone(),
                        method: rec.method.clone(),
                        path: rec.path.clone(),
                        body: rec.body.clone(),
                        id,
                        at: SystemTime::now(),
                    });
                    let _ = write!(scratch, r#"{{"id":{id}}}"#);
                    201
                }
            }
            "GET" => match st.feeds.get(path) {
                Some(feed) => {
                    link = page(feed, query, self.config.feed_page, scratch);
                    200
                }
                None => {
                    scratch.clear();
                    scratch.extend_from_slice(br#"{"error":"not found"}"#);
                    404
                }
            },
            _ => {
                scratch.clear();
                scratch.extend_from_slice(br#"{"error":"method not allowed"}"#);
                405
            }
        };
        rec.status = Some(status);
        st.record(max, rec);
        drop(st);
        write_response_linked(out, status, scratch, None, close, link.as_deref());
        Reply::Write
    }

    /// The token endpoint's answer to a form body.
    fn token(&self, body: &[u8]) -> (u16, Vec<u8>) {
        let text = String::from_utf8_lossy(body);
        let (mut grant, mut id, mut secret) = (None, None, None);
        for (name, value) in form_pairs(&text) {
            match name.as_str() {
                "grant_type" => grant = Some(value),
                "client_id" => id = Some(value),
                "client_secret" => secret = Some(value),
                _ => {}
            }
        }
        if grant.as_deref() != Some("client_credentials") {
            return (400, br#"{"error":"unsupported_grant_type"}"#.to_vec());
        }
        let accepted = match &self.config.client_credentials {
            None => true,
            Some((want_id, want_secret)) => {
                id.as_deref() == Some(want_id.as_str())
                    && secret.as_deref() == Some(want_secret.as_str())
            }
        };
        if accepted {
            let token = self.lock().token();
            let body = serde_json::json!({
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": 3600,
            });
            (200, body.to_string().into_bytes())
        } else {
            (401, br#"{"error":"invalid_client"}"#.to_vec())
        }
    }

    /// Appends a write's sequence number to its ordering key's list.
    fn check_order(&self, st: &mut State, body: &Value) {
        let (Some(kp), Some(sp)) = (&self.config.ordering_key, &self.config.sequence) else {
            return;
        };
        let Some(key) = body.pointer(kp).map(text_of) else {
            return;
        };
        let Some(seq) = body.pointer(sp).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        }) else {
            return;
        };
        let seqs = st.sequences.entry(key.clone()).or_default();
        if seqs.last().is_some_and(|&last| seq < last) {
            st.violations.insert(key);
        }
        seqs.push(seq);
    }
}

/// Writes one feed page into `out`: a JSON array, or for a feed paged
/// with tokens an object holding the records and the next token. For a
/// feed paged by links, the `Link` header's value while more records follow.
fn page(feed: &Feed, query: &str, size: usize, out: &mut Vec<u8>) -> Option<String> {
    let mut after = None;
    let mut offset = 0;
    let mut absolute = None;
    for (name, value) in form_pairs(query) {
        if name == feed.param {
            after = Some(value);
        } else if Some(&name) == feed.token_param.as_ref() {
            offset = value.trim_start_matches('t').parse().unwrap_or(0);
        } else if Some(&name) == feed.link_param.as_ref() {
            absolute = value.trim_start_matches('a').parse::<usize>().ok();
        }
    }
    let start = match (absolute, &after) {
        (Some(at), _) => at,
        (None, Some(a)) => feed.records.partition_point(|(c, _)| !later(c, a)),
        (None, None) => 0,
    };
    let begin = (start + offset).min(feed.records.len());
    let rest = &feed.records[begin..];
    let link = match &feed.link_param {
        Some(param) if rest.len() > size => Some(format!(
            "<{}?{param}=a{}>; rel=\"next\"",
            feed.path,
            begin + size
        )),
        _ => None,
    };
    out.clear();
    if feed.token_param.is_some() {
        out.extend_from_slice(br#"{"data":{"items":"#);
    }
    out.push(b'[');
    for (i, (_, r)) in rest.iter().take(size).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let _ = serde_json::to_writer(&mut *out, r);
    }
    out.push(b']');
    if feed.token_param.is_some() {
        let next = if rest.len() > size {
            format!("\"t{}\"", offset + size)
        } else {
            "null".into()
        };
        let _ = write!(out, r#"}},"meta":{{"next":{next}}}}}"#);
    }
    link
}

/// A JSON value as cursor or key text: strings as they are, others as JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A record's cursor value: `field` is a top-level name or a JSON pointer.
fn cursor_of(record: &Value, field: &str) -> Option<String> {
    let v = if field.starts_with('/') {
        record.pointer(field)
    } else {
        record.get(field)
    };
    v.map(text_of)
}

/// Whether cursor `a` comes after `b`: numerically when both are numbers,
/// else as text.
fn later(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x > y,
        _ => a > b,
    }
}

/// A body as JSON, or its text when it is not JSON; `Null` when empty.
fn body_value(body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

/// The decoded `name=value` pairs of a query or form body.
fn form_pairs(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(text.as_bytes()).map(|(n, v)| (n.into_owned(), v.into_owned()))
}

/// Writes a complete response with a JSON body.
fn write_response(
    out: &mut Vec<u8>,
    status: u16,
    body: &[u8],
    retry_after: Option<u64>,
    close: bool,
) {
    write_response_linked(out, status, body, retry_after, close, None);
}

/// [`write_response`] with a `Link` header.
fn write_response_linked(
    out: &mut Vec<u8>,
    status: u16,
    body: &[u8],
    retry_after: Option<u64>,
    close: bool,
    link: Option<&str>,
) {
    let _ = write!(out, "HTTP/1.1 {status} {}\r\n", reason(status));
    out.extend_from_slice(b"Content-Type: application/json\r\n");
    if let Some(secs) = retry_after {
        let _ = write!(out, "Retry-After: {secs}\r\n");
    }
    if let Some(link) = link {
        let _ = write!(out, "Link: {link}\r\n");
    }
    if close {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    let _ = write!(out, "Content-Length: {}\r\n\r\n", body.len());
    out.extend_from_slice(body);
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        _ => "",
    }
}

/// What to do after handling a request.
enum Reply {
    /// Write `out` (then close when the request asked to).
    Write,
    /// Reset the connection without answering.
    Reset,
}

/// A parsed request, borrowing the connection's buffer.
struct Request<'a> {
    method: &'a str,
    target: &'a str,
    key: Option<&'a [u8]>,
    auth: Option<&'a [u8]>,
    body: &'a [u8],
    close: bool,
}

/// A parsed request head, as ranges into the connection's buffer.
#[derive(Debug)]
struct Head {
    method: Range<usize>,
    target: Range<usize>,
    key: Option<Range<usize>>,
    auth: Option<Range<usize>>,
    content_length: usize,
    chunked: bool,
    close: bool,
    expect_continue: bool,
}

/// Where the head ends (just past its blank line), searching from `from`.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    buf[from..]
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| from + i + 4)
}

/// Parses a request head (`head` ends with its blank line). `key_name` and
/// `auth_name` are the headers whose values to locate. `None` when malformed.
fn parse_head(head: &[u8], key_name: &str, auth_name: Option<&str>) -> Option<Head> {
    let mut lines = LineIter { buf: head, pos: 0 };
    let line = lines.next()?;
    let (l0, l1) = (line.start, line.end);
    let sp1 = l0 + head[l0..l1].iter().position(|&c| c == b' ')?;
    let sp2 = sp1 + 1 + head[sp1 + 1..l1].iter().position(|&c| c == b' ')?;
    let version = &head[sp2 + 1..l1];
    let http10 = match version {
        b"HTTP/1.1" => false,
        b"HTTP/1.0" => true,
        _ => return None,
    };
    let method = l0..sp1;
    let target = sp1 + 1..sp2;
    if method.is_empty() || target.is_empty() {
        return None;
    }
    std::str::from_utf8(&head[method.clone()]).ok()?;
    std::str::from_utf8(&head[target.clone()]).ok()?;
    let mut h = Head {
        method,
        target,
        key: None,
        auth: None,
        content_length: 0,
        chunked: false,
        close: http10,
        expect_continue: false,
    };
    for line in lines {
        if line.is_empty() {
            break;
        }
        let colon = line.start + head[line.clone()].iter().position(|&c| c == b':')?;
        let name = &head[line.start..colon];
        let mut v0 = colon + 1;
        let mut v1 = line.end;
        while v0 < v1 && matches!(head[v0], b' ' | b'\t') {
            v0 += 1;
        }
        while v1 > v0 && matches!(head[v1 - 1], b' ' | b'\t') {
            v1 -= 1;
        }
        let value = &head[v0..v1];
        if name.eq_ignore_ascii_case(b"content-length") {
            h.content_length = std::str::from_utf8(value).ok()?.parse().ok()?;
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            h.chunked = !value.eq_ignore_ascii_case(b"identity");
        } else if name.eq_ignore_ascii_case(b"connection") {
            for token in value.split(|&c| c == b',') {
                let token = token.trim_ascii();
                if token.eq_ignore_ascii_case(b"close") {
                    h.close = true;
                } else if token.eq_ignore_ascii_case(b"keep-alive") {
                    h.close = false;
                }
            }
        } else if name.eq_ignore_ascii_case(b"expect") {
            h.expect_continue = value.eq_ignore_ascii_case(b"100-continue");
        }
        if name.eq_ignore_ascii_case(key_name.as_bytes()) {
            h.key = Some(v0..v1);
        }
        if auth_name.is_some_and(|a| name.eq_ignore_ascii_case(a.as_bytes())) {
            h.auth = Some(v0..v1);
        }
    }
    Some(h)
}

/// The CRLF-terminated lines of a head, as ranges without the CRLF.
struct LineIter<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Iterator for LineIter<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let rest = &self.buf[self.pos..];
        let i = rest.windows(2).position(|w| w == b"\r\n")?;
        let line = self.pos..self.pos + i;
        self.pos += i + 2;
        Some(line)
    }
}

async fn accept_loop(listener: TcpListener, inner: Arc<Inner>, mut stop: oneshot::Receiver<()>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    inner.connections.fetch_add(1, Ordering::Relaxed);
                    conns.spawn(serve(inner.clone(), stream));
                }
                // Out of descriptors and the like: wait rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    conns.shutdown().await;
}

/// Reads into `buf`'s spare room (at least `want` bytes of it). Ok(0) at EOF.
async fn read_more(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    want: usize,
) -> std::io::Result<usize> {
    buf.reserve(want.clamp(READ_CHUNK, MAX_BODY));
    stream.read_buf(buf).await
}

/// Serves one connection until it closes.
async fn serve(inner: Arc<Inner>, mut stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(READ_CHUNK);
    let mut out: Vec<u8> = Vec::with_capacity(512);
    let mut scratch: Vec<u8> = Vec::with_capacity(256);
    let key_name = inner.config.idempotency_header.as_str();
    let auth_name = inner
        .config
        .required_header
        .as_ref()
        .map(|(n, _)| n.as_str());
    loop {
        let mut scanned = 0;
        let head_len = loop {
            if let Some(end) = head_end(&buf, scanned) {
                break end;
            }
            if buf.len() > MAX_HEAD {
                refuse(&mut stream, 431).await;
                return;
            }
            scanned = buf.len().saturating_sub(3);
            match read_more(&mut stream, &mut buf, READ_CHUNK).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        };
        let Some(head) = parse_head(&buf[..head_len], key_name, auth_name) else {
            refuse(&mut stream, 400).await;
            return;
        };
        if head.chunked {
            refuse(&mut stream, 411).await;
            return;
        }
        if head.content_length > MAX_BODY {
            refuse(&mut stream, 413).await;
            return;
        }
        let total = head_len + head.content_length;
        if buf.len() < total
            && head.expect_continue
            && stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await
                .is_err()
        {
            return;
        }
        while buf.len() < total {
            let missing = total - buf.len();
            match read_more(&mut stream, &mut buf, missing).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
        let text = |r: &Range<usize>| std::str::from_utf8(&buf[r.clone()]).unwrap_or("");
        let req = Request {
            method: text(&head.method),
            target: text(&head.target),
            key: head.key.as_ref().map(|r| &buf[r.clone()]),
            auth: head.auth.as_ref().map(|r| &buf[r.clone()]),
            body: &buf[head_len..total],
            close: head.close,
        };
        out.clear();
        match inner.handle(&req, &mut out, &mut scratch).await {
            Reply::Reset => {
                let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
                return;
            }
            Reply::Write => {
                if stream.write_all(&out).await.is_err() || head.close {
                    return;
                }
            }
        }
        buf.drain(..total);
        if buf.capacity() > 4 * READ_CHUNK && buf.len() < READ_CHUNK {
            buf.shrink_to(READ_CHUNK);
        }
        if out.capacity() > 4 * READ_CHUNK {
            out.shrink_to(512);
        }
        if scratch.capacity() > 4 * READ_CHUNK {
            scratch.shrink_to(256);
        }
    }
}

/// Answers a request the stand-in cannot read, before closing.
async fn refuse(stream: &mut TcpStream, status: u16) {
    let mut out = Vec::with_capacity(128);
    write_response(
        &mut out,
        status,
        br#"{"error":"unreadable request"}"#,
        None,
        true,
    );
    let _ = stream.write_all(&out).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_head_with_its_headers() {
        let text = b"POST /orders?x=1 HTTP/1.1\r\nHost: a\r\ncontent-length:  12 \r\nidempotency-key: k-1\r\nAuthorization: Bearer t\r\n\r\n";
        let end = head_end(text, 0).unwrap();
        assert_eq!(end, text.len());
        let h = parse_head(&text[..end], "Idempotency-Key", Some("authorization")).unwrap();
        assert_eq!(&text[h.method.clone()], b"POST");
        assert_eq!(&text[h.target.clone()], b"/orders?x=1");
        assert_eq!(h.content_length, 12);
        assert_eq!(&text[h.key.clone().unwrap()], b"k-1");
        assert_eq!(&text[h.auth.clone().unwrap()], b"Bearer t");
        assert!(!h.close && !h.chunked);
    }

    #[test]
    fn http10_closes_unless_kept_alive_and_chunked_is_seen() {
        let h = parse_head(b"GET / HTTP/1.0\r\n\r\n", "k", None).unwrap();
        assert!(h.close);
        let h = parse_head(
            b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
            "k",
            None,
        )
        .unwrap();
        assert!(!h.close);
        let h = parse_head(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "k",
            None,
        )
        .unwrap();
        assert!(h.chunked);
        assert!(parse_head(b"GET /\r\n\r\n", "k", None).is_none());
        assert!(parse_head(b"GET / HTTP/2\r\n\r\n", "k", None).is_none());
        assert!(parse_head(b"GET / HTTP/1.1\r\nno colon\r\n\r\n", "k", None).is_none());
    }

    #[test]
    fn decodes_form_text() {
        let value = |text: &str| form_pairs(text).next().unwrap().1;
        assert_eq!(value("v=a+b%20c%2B%3d"), "a b c+=");
        assert_eq!(value("v=100%"), "100%");
        assert_eq!(value("v=%zz"), "%zz");
        let pairs: Vec<_> = form_pairs("a=1&&b=x%26y&c").collect();
        assert_eq!(
            pairs,
            [
                ("a".into(), "1".into()),
                ("b".into(), "x&y".into()),
                ("c".into(), String::new())
            ]
        );
    }

    #[test]
    fn cursors_compare_as_numbers_when_both_are() {
        assert!(later("10", "9"));
        assert!(!later("9", "10"));
        assert!(later("2024-02-01", "2024-01-31"));
        assert!(!later("a", "a"));
    }

    #[test]
    fn faults_are_drawn_in_order_and_rejects_stick() {
        let mut st = State {
            faults: Faults {
                reject_rate: 1.0,
                ..Faults::default()
            },
            rng: fastrand::Rng::with_seed(1),
            rejected_keys: HashSet::new(),
            applied: HashMap::new(),
            effects: Vec::new(),
            replays: 0,
            sequences: BTreeMap::new(),
            violations: BTreeSet::new(),
            requests: VecDeque::new(),
            request_count: 0,
            fault_counts: FaultCounts::default(),
            token_requests: 0,
            token_rotations: 0,
            unauthorized: 0,
            feeds: HashMap::new(),
        };
        assert_eq!(st.fault(Some("k")), Some(FaultKind::Reject));
        st.faults = Faults::default();
        assert_eq!(st.fault(Some("k")), Some(FaultKind::Reject));
        assert_eq!(st.fault(Some("other")), None);
        assert_eq!(st.fault_counts.reject, 2);
    }
}

//! The engine: what every part of a running instance shares, the intake
//! path every trigger uses (commit, then acknowledge), and the worker that
//! claims due messages, runs them with bounded concurrency and records
//! their outcomes in groups.

use crate::delivery::Outbound;
use crate::metrics::Metrics;
use crate::pipeline;
use crate::prepared::Prepared;
use crate::secrets::Secret;
use crate::store::{
    Accepted, CursorUpdate, Message, MessageId, NewMessage, Outcome, State, Store, StoreError,
};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch, Notify};

/// Settings of a running instance.
#[derive(Clone, Debug)]
pub struct Config {
    /// Messages run at once (claimed and not yet recorded).
    pub max_in_flight: usize,
    /// Deliveries at once, over all systems.
    pub max_deliveries: usize,
    /// How long an idempotency key deduplicates arrivals.
    pub dedup_window_ms: i64,
    /// The admin API's bearer token; none means the admin API is off.
    pub admin_token: Option<Secret>,
    /// How long a SIGTERM waits for in-flight messages.
    pub shutdown_grace: Duration,
    /// Where file triggers' folders are, when relative.
    pub files_root: std::path::PathBuf,
    /// Poll every folder and feed this often at least (tests shorten it).
    pub poll_floor: Option<Duration>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_in_flight: 512,
            max_deliveries: 64,
            dedup_window_ms: 7 * 24 * 3_600_000,
            admin_token: None,
            shutdown_grace: Duration::from_secs(10),
            files_root: std::path::PathBuf::from("."),
            poll_floor: None,
        }
    }
}

/// The messages being run, and those freed recently (by recording epoch),
/// which a read that began before they were freed may still see as queued.
#[derive(Default)]
struct Flight {
    ids: HashSet<MessageId>,
    done: std::collections::VecDeque<(u64, MessageId)>,
    epoch: u64,
}

/// What every part of a running instance shares.
pub struct Shared {
    pub store: Arc<dyn Store>,
    pub prepared: Arc<Prepared>,
    pub outbound: Outbound,
    pub metrics: Metrics,
    pub config: Config,
    /// Wakes the worker: new messages, or a slot freed.
    pub wake: Notify,
    /// False once shutdown began: triggers refuse new work.
    pub accepting: AtomicBool,
    in_flight: Mutex<Flight>,
}

impl Shared {
    /// Shares `store` and `prepared` under `config`.
    pub fn new(store: Arc<dyn Store>, prepared: Arc<Prepared>, config: Config) -> Arc<Shared> {
        Arc::new(Shared {
            outbound: Outbound::new(&prepared, config.max_deliveries),
            store,
            prepared,
            metrics: Metrics::new(),
            config,
            wake: Notify::new(),
            accepting: AtomicBool::new(true),
            in_flight: Mutex::new(Flight::default()),
        })
    }

    /// Commits arrivals (and a cursor) durably, then counts them and wakes
    /// the worker. Returns only after the commit: a trigger acknowledges
    /// what this returned.
    pub async fn accept(
        self: &Arc<Self>,
        arrivals: Vec<NewMessage>,
        cursor: Option<CursorUpdate>,
    ) -> Result<Vec<Accepted>, StoreError> {
        if arrivals.is_empty() && cursor.is_none() {
            return Ok(Vec::new());
        }
        let flows: Vec<String> = arrivals.iter().map(|a| a.flow.clone()).collect();
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.store.accept_then(
            arrivals,
            cursor,
            self.config.dedup_window_ms,
            Box::new(move |r| {
                let _ = tx.send(r);
            }),
        );
        let accepted = rx
            .await
            .map_err(|_| StoreError::Backend("the store dropped a write".into()))??;
        for (flow, a) in flows.iter().zip(&accepted) {
            match a {
                Accepted::New(_) => self.metrics.received(flow, 1, 0),
                Accepted::Duplicate(_) => self.metrics.received(flow, 0, 1),
            }
        }
        self.wake.notify_one();
        Ok(accepted)
    }

    /// Runs a blocking store call off the async threads.
    pub async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .map_err(|e| StoreError::Backend(format!("the store task failed: {e}")))?
    }

    /// Messages being run now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.lock().expect("in-flight lock").ids.len()
    }
}

/// Claims and runs due messages until `stop` turns true, then waits up to
/// the shutdown grace for the messages in flight.
pub async fn work(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let (done_tx, done_rx) = mpsc::unbounded_channel::<Finished>();
    // Ordering keys whose message reached a final state: the next message
    // of each is claimed at once rather than at the next rescan.
    let (freed_tx, mut freed_rx) = mpsc::unbounded_channel::<(String, String)>();
    let recorder = tokio::spawn(record(shared.clone(), done_rx, freed_tx));
    let batch = 256.min(shared.config.max_in_flight.max(1));
    // Sweep forward through the due messages from where the last claim
    // ended; go back to the start (reading the in-flight ones again) now
    // and then, for messages that became due behind the position (an
    // arrival committed after a later one was claimed, a release or replay
    // by an operator acting on the data directory; the next message of a
    // freed ordering key is claimed directly).
    let mut position: Option<(i64, MessageId)> = None;
    let mut rescans = Rescans::new();
    loop {
        if *stop.borrow() {
            break;
        }
        let free = shared
            .config
            .max_in_flight
            .saturating_sub(shared.in_flight());
        let mut claimed = 0;
        if free > 0 {
            let mut freed = Vec::new();
            while freed.len() < free {
                match freed_rx.try_recv() {
                    Ok(k) => freed.push(k),
                    Err(_) => break,
                }
            }
            if !freed.is_empty() {
                let epoch = shared.in_flight.lock().expect("in-flight lock").epoch;
                let now = crate::clock::now_ms();
                let next = shared.store.next_in_order(&freed, now).unwrap_or_else(|e| {
                    tracing::error!(error = %e, "cannot read the next messages of ordering keys; the rescan will find them");
                    Vec::new()
                });
                for msg in claim(&shared, epoch, next) {
                    launch(&shared, &done_tx, msg);
                }
            }
        }
        let free = shared
            .config
            .max_in_flight
            .saturating_sub(shared.in_flight());
        if free > 0 {
            if rescans.due() {
                position = None;
            }
            if position.is_none() {
                rescans.begin();
            }
            let limit = free.min(batch);
            let now = crate::clock::now_ms();
            let after = position;
            // (A short read on the read connection: not worth a thread hop.)
            let (epoch, skip) = {
                let f = shared.in_flight.lock().expect("in-flight lock");
                let skip = if position.is_none() {
                    f.ids.clone()
                } else {
                    HashSet::new()
                };
                (f.epoch, skip)
            };
            let read = std::time::Instant::now();
            let found = shared.store.due(now, limit, &skip, after);
            rescans.read(
                read.elapsed(),
                found.as_ref().is_ok_and(|d| d.len() < limit),
            );
            match found {
                Ok(due) => {
                    claimed = due.len();
                    if let Some(last) = due.last() {
                        position = Some((last.due_at, last.id));
                    }
                    for msg in claim(&shared, epoch, due) {
                        launch(&shared, &done_tx, msg);
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot read due messages; retrying in 1 s");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            }
        }
        if claimed == batch {
            continue;
        }
        // Sleep until the next due time (at most 1 s), new work, or stop.
        let next = shared.store.next_due().ok().flatten();
        let now = crate::clock::now_ms();
        let wait = match next {
            Some(t) if t > now => Duration::from_millis(((t - now) as u64).min(1_000)),
            Some(_) if claimed == 0 && free > 0 => Duration::from_millis(50),
            Some(_) => Duration::from_millis(1_000),
            None => Duration::from_millis(1_000),
        };
        tokio::select! {
            _ = shared.wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }
    drop(done_tx);
    let deadline = tokio::time::Instant::now() + shared.config.shutdown_grace;
    while shared.in_flight() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let left = shared.in_flight();
    if left > 0 {
        tracing::warn!(
            in_flight = left,
            "shutdown grace over; these messages stay queued and run after restart"
        );
    }
    recorder.abort();
}

/// When the worker sweeps the due messages from the start again. A sweep
/// costs in proportion to the queued messages it passes over (with a deep
/// backlog of ordering keys, most of them wait behind their key's first), so
/// sweeps start at most every 200 ms and at least ten times their own cost
/// apart: the worker spends at most about a tenth of its time sweeping.
struct Rescans {
    last: tokio::time::Instant,
    every: Duration,
    /// Time spent reading in the sweep under way; `None` when none is.
    cost: Option<Duration>,
}

impl Rescans {
    const FLOOR: Duration = Duration::from_millis(200);

    fn new() -> Rescans {
        Rescans {
            last: tokio::time::Instant::now(),
            every: Self::FLOOR,
            cost: None,
        }
    }

    /// Whether a new sweep from the start is due.
    fn due(&self) -> bool {
        self.cost.is_none() && self.last.elapsed() >= self.every
    }

    /// A sweep from the start begins.
    fn begin(&mut self) {
        self.last = tokio::time::Instant::now();
        self.cost = Some(Duration::ZERO);
    }

    /// A read of due messages took `took`; `at_end` when it found fewer
    /// than it asked for (the sweep reached the end).
    fn read(&mut self, took: Duration, at_end: bool) {
        if let Some(cost) = self.cost.as_mut() {
            *cost += took;
            if at_end {
                self.every = Self::FLOOR.max(*cost * 10);
                self.last = tokio::time::Instant::now();
                self.cost = None;
            }
        }
    }
}

/// What a run sends to the recorder: the outcome, the report, the flow and
/// the message's ordering key.
type Finished = (Outcome, pipeline::Report, String, Option<String>);

/// Claims messages read at `epoch`. A message whose outcome commits while a
/// read runs may come back as still queued; the recorder frees its slot only
/// after the commit and notes it as done in that epoch, so what is in flight
/// or was freed since the read began is dropped here and not run twice.
fn claim(shared: &Shared, epoch: u64, rows: Vec<Message>) -> Vec<Message> {
    let mut f = shared.in_flight.lock().expect("in-flight lock");
    let since: HashSet<MessageId> = f
        .done
        .iter()
        .filter(|(e, _)| *e > epoch)
        .map(|(_, id)| *id)
        .collect();
    f.done.retain(|(e, _)| *e > epoch);
    // `insert` also drops a message listed twice (two reads of one key).
    rows.into_iter()
        .filter(|m| !since.contains(&m.id) && f.ids.insert(m.id))
        .collect()
}

/// Runs a claimed message; its outcome goes to the recorder.
fn launch(shared: &Arc<Shared>, done: &mpsc::UnboundedSender<Finished>, msg: Message) {
    let shared = shared.clone();
    let done = done.clone();
    tokio::spawn(async move {
        let (outcome, report) = pipeline::run(
            &msg,
            &shared.prepared,
            &shared.outbound,
            &crate::clock::now_ms,
        )
        .await;
        let _ = done.send((outcome, report, msg.flow, msg.ordering_key));
    });
}

/// Records outcomes in groups (one transaction for all that finished
/// meanwhile), then frees their slots.
async fn record(
    shared: Arc<Shared>,
    mut done: mpsc::UnboundedReceiver<Finished>,
    freed: mpsc::UnboundedSender<(String, String)>,
) {
    while let Some(first) = done.recv().await {
        let mut group = vec![first];
        while group.len() < 1024 {
            match done.try_recv() {
                Ok(x) => group.push(x),
                Err(_) => break,
            }
        }
        let (outcomes, rest): (Vec<Outcome>, Vec<_>) = group
            .into_iter()
            .map(|(o, report, flow, key)| (o, (report, flow, key)))
            .unzip();
        let outcomes: Arc<[Outcome]> = outcomes.into();
        loop {
            let batch = outcomes.clone();
            let now = crate::clock::now_ms();
            let (tx, rx) = tokio::sync::oneshot::channel();
            shared.store.record_then(
                batch,
                now,
                Box::new(move |r| {
                    let _ = tx.send(r);
                }),
            );
            let result = rx
                .await
                .unwrap_or_else(|_| Err(StoreError::Backend("the store dropped a write".into())));
            match result {
                Ok(()) => break,
                Err(e) => {
                    // The messages stay queued in the store; keep trying so
                    // their slots are not freed before their outcome is durable.
                    tracing::error!(error = %e, "cannot record outcomes; retrying in 1 s");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        for (o, (report, flow, key)) in outcomes.iter().zip(&rest) {
            if let Some(key) = key {
                if !matches!(o.state, State::Queued | State::Held) {
                    let _ = freed.send((flow.clone(), key.clone()));
                }
            }
            shared.metrics.ran(flow, report, o.state);
            log_outcome(flow, o);
        }
        {
            let mut f = shared.in_flight.lock().expect("in-flight lock");
            f.epoch += 1;
            let epoch = f.epoch;
            for o in outcomes.iter() {
                f.ids.remove(&o.id);
                f.done.push_back((epoch, o.id));
            }
        }
        shared.wake.notify_one();
    }
}

fn log_outcome(flow: &str, o: &Outcome) {
    use crate::store::State;
    match o.state {
        State::Delivered => tracing::debug!(flow, message = o.id, "delivered"),
        State::Queued => tracing::info!(
            flow,
            message = o.id,
            attempts = o.attempts,
            due_at = o.due_at,
            reason = o.reason.as_deref().unwrap_or(""),
            "retry scheduled"
        ),
        State::Dead => tracing::warn!(
            flow,
            message = o.id,
            reason = o.reason.as_deref().unwrap_or(""),
            "dead-lettered"
        ),
        State::Held => tracing::info!(
            flow,
            message = o.id,
            reason = o.reason.as_deref().unwrap_or(""),
            "held"
        ),
        s => tracing::info!(flow, message = o.id, state = s.as_str(), "finished"),
    }
}

/// Signals every task to stop intake and claiming.
pub fn begin_shutdown(shared: &Shared, stop: &watch::Sender<bool>) {
    shared.accepting.store(false, Ordering::SeqCst);
    let _ = stop.send(true);
    shared.wake.notify_waiters();
}

#[cfg(test)]
mod tests {
    use super::Rescans;
    use std::time::Duration;

    #[test]
    fn sweeps_are_spaced_by_ten_times_their_cost_and_never_overlap() {
        let mut r = Rescans::new();
        assert_eq!(r.every, Rescans::FLOOR);
        r.begin();
        assert!(!r.due(), "a sweep under way is not started again");
        r.read(Duration::from_millis(30), false);
        assert!(!r.due());
        r.read(Duration::from_millis(20), true);
        // 50 ms of reading: the next sweep waits at least 500 ms.
        assert_eq!(r.every, Duration::from_millis(500));
        assert!(!r.due());
        // A cheap sweep brings the spacing back to the floor.
        r.last -= Duration::from_millis(600);
        assert!(r.due());
        r.begin();
        r.read(Duration::from_millis(1), true);
        assert_eq!(r.every, Rescans::FLOOR);
        // Reads outside a sweep (forward claims) cost nothing here.
        r.read(Duration::from_secs(5), true);
        assert_eq!(r.every, Rescans::FLOOR);
    }
}

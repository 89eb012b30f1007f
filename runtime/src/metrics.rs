//! Prometheus metrics: counters of what happened since start (received,
//! delivered, retried, failed, dead-lettered, held, filtered, rejected),
//! queue depth and held messages per flow read from the store at scrape
//! time, delivery latency histograms, and each system's circuit breaker.

use crate::breaker::BreakerState;
use crate::store::{Count, State};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FlowLabel {
    flow: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FlowSystem {
    flow: String,
    system: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SystemLabel {
    system: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FlowState {
    flow: String,
    state: String,
}

fn latency() -> Histogram {
    // 1 ms to about 65 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 17))
}

/// Every metric weft exports.
pub struct Metrics {
    registry: Registry,
    received: Family<FlowLabel, Counter>,
    duplicates: Family<FlowLabel, Counter>,
    delivered: Family<FlowLabel, Counter>,
    retried: Family<FlowLabel, Counter>,
    failed: Family<FlowLabel, Counter>,
    outcomes: Family<FlowState, Counter>,
    rejected: Family<SystemLabel, Counter>,
    latency: Family<FlowSystem, Histogram, fn() -> Histogram>,
    messages: Family<FlowState, Gauge>,
    breaker: Family<SystemLabel, Gauge>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let m = Metrics {
            received: Family::default(),
            duplicates: Family::default(),
            delivered: Family::default(),
            retried: Family::default(),
            failed: Family::default(),
            outcomes: Family::default(),
            rejected: Family::default(),
            latency: Family::new_with_constructor(latency as fn() -> Histogram),
            messages: Family::default(),
            breaker: Family::default(),
            registry: Registry::default(),
        };
        registry.register(
            "weft_received",
            "Messages accepted (committed) per flow",
            m.received.clone(),
        );
        registry.register(
            "weft_duplicates",
            "Arrivals dropped as duplicates of an accepted message, per flow",
            m.duplicates.clone(),
        );
        registry.register(
            "weft_delivered",
            "Successful deliveries per flow",
            m.delivered.clone(),
        );
        registry.register(
            "weft_retried",
            "Failed attempts scheduled for a retry, per flow",
            m.retried.clone(),
        );
        registry.register(
            "weft_failed",
            "Failed delivery attempts per flow",
            m.failed.clone(),
        );
        registry.register(
            "weft_outcomes",
            "Messages that reached a state (delivered, filtered, held, dead, dropped) per flow",
            m.outcomes.clone(),
        );
        registry.register(
            "weft_webhook_rejected",
            "Webhook requests refused (signature, size, body, topic) per system",
            m.rejected.clone(),
        );
        registry.register(
            "weft_delivery_latency_seconds",
            "Time of one successful delivery attempt, per flow and target system",
            m.latency.clone(),
        );
        registry.register(
            "weft_messages",
            "Messages in the store per flow and state (queued is the queue depth)",
            m.messages.clone(),
        );
        registry.register(
            "weft_circuit_breaker_state",
            "Circuit breaker per target system: 0 closed, 1 open, 2 half-open",
            m.breaker.clone(),
        );
        Metrics { registry, ..m }
    }

    /// Accepted arrivals.
    pub fn received(&self, flow: &str, new: u64, duplicates: u64) {
        let l = FlowLabel { flow: flow.into() };
        self.received.get_or_create(&l).inc_by(new);
        if duplicates > 0 {
            self.duplicates.get_or_create(&l).inc_by(duplicates);
        }
    }

    /// A refused webhook request.
    pub fn rejected(&self, system: &str) {
        self.rejected
            .get_or_create(&SystemLabel {
                system: system.into(),
            })
            .inc();
    }

    /// What one run of a message did.
    pub fn ran(&self, flow: &str, report: &crate::pipeline::Report, state: State) {
        let l = FlowLabel { flow: flow.into() };
        for (system, secs) in &report.delivered {
            self.delivered.get_or_create(&l).inc();
            self.latency
                .get_or_create(&FlowSystem {
                    flow: flow.into(),
                    system: system.clone(),
                })
                .observe(*secs);
        }
        if report.retried > 0 {
            self.retried.get_or_create(&l).inc_by(report.retried as u64);
        }
        if report.failed > 0 {
            self.failed.get_or_create(&l).inc_by(report.failed as u64);
        }
        if state != State::Queued {
            self.outcomes
                .get_or_create(&FlowState {
                    flow: flow.into(),
                    state: state.as_str().into(),
                })
                .inc();
        }
    }

    /// The exposition text, with the store's counts and the breakers as of now.
    pub fn render(&self, counts: &[Count], breakers: &[(String, BreakerState)]) -> String {
        self.messages.clear();
        for c in counts {
            self.messages
                .get_or_create(&FlowState {
                    flow: c.flow.clone(),
                    state: c.state.as_str().into(),
                })
                .set(c.count as i64);
        }
        for (system, state) in breakers {
            self.breaker
                .get_or_create(&SystemLabel {
                    system: system.clone(),
                })
                .set(state.gauge());
        }
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}

//! Runs one message through its flow's steps, from the step it is at, and
//! says what became of it: delivered, filtered, held, to be retried at a
//! given time, or dead-lettered with the failure's class and detail. Every
//! step leaves an audit event. Validation and mapping failures are
//! permanent (a retry would fail the same way); deliveries follow the
//! policy.

use crate::backoff;
use crate::delivery::{Outbound, Sent};
use crate::prepared::{Prepared, PreparedFlow, PreparedStep};
use crate::store::{Message, NewEvent, Outcome, State};
use sha2::{Digest, Sha256};
use std::time::Instant;
use weft_mapping::{Coerce, Value};

/// What the pipeline reports per message, beyond the outcome (for metrics).
#[derive(Debug, Default)]
pub struct Report {
    /// Successful deliveries: (target system, latency in seconds).
    pub delivered: Vec<(String, f64)>,
    /// Failed attempts that will be retried.
    pub retried: u32,
    /// Failed attempts.
    pub failed: u32,
}

/// Runs `msg` under `prepared`; `now` is read when each step starts.
pub async fn run(
    msg: &Message,
    prepared: &Prepared,
    outbound: &Outbound,
    now: &(dyn Fn() -> i64 + Sync),
) -> (Outcome, Report) {
    let mut run = Run {
        msg,
        prepared,
        events: Vec::new(),
        report: Report::default(),
        step: msg.step,
        attempts: msg.attempts,
        text: msg.current.clone(),
        value: None,
        source: None,
    };
    let state = match prepared.flows.get(&msg.flow) {
        Some(flow) => run.steps(flow, outbound, now).await,
        None => {
            let reason = format!(
                "the flow `{}` is not in the running plan ({})",
                msg.flow, prepared.hash
            );
            run.event(now(), "dead_lettered", Some(reason.clone()), None);
            End::Final(State::Dead, Some(reason))
        }
    };
    let (state, due_at, reason) = match state {
        End::Final(s, r) => (s, now(), r),
        End::Retry(at, r) => (State::Queued, at, Some(r)),
    };
    let outcome = Outcome {
        id: msg.id,
        state,
        step: run.step,
        current: run.text,
        attempts: run.attempts,
        due_at,
        reason,
        events: run.events,
    };
    (outcome, run.report)
}

enum End {
    Final(State, Option<String>),
    /// Queued again, due at the time given.
    Retry(i64, String),
}

struct Run<'a> {
    msg: &'a Message,
    prepared: &'a Prepared,
    events: Vec<NewEvent>,
    report: Report,
    step: u32,
    attempts: u32,
    /// The message as the last step left it (JSON text); `None`: the payload.
    text: Option<String>,
    /// The same, as a value, when the last step was a mapping in this run.
    value: Option<Value>,
    /// The payload as a value, once a condition needed it.
    source: Option<Value>,
}

impl Run<'_> {
    async fn steps(
        &mut self,
        flow: &PreparedFlow,
        outbound: &Outbound,
        now: &(dyn Fn() -> i64 + Sync),
    ) -> End {
        while let Some(step) = flow.steps.get(self.step as usize) {
            let started = Instant::now();
            let at = now();
            match step {
                PreparedStep::Validate {
                    contract,
                    validator,
                } => {
                    let doc: serde_json::Value = match serde_json::from_str(self.current_text()) {
                        Ok(d) => d,
                        Err(e) => {
                            return self.dead(
                                at,
                                "validation",
                                format!("the message is not JSON: {e}"),
                            )
                        }
                    };
                    let problems: Vec<String> = validator
                        .iter_errors(&doc)
                        .take(5)
                        .map(|e| {
                            let keyword = e.schema_path().to_string();
                            let keyword = keyword.rsplit('/').next().unwrap_or("").to_string();
                            let path = e.instance_path().to_string();
                            format!(
                                "{} fails `{keyword}`",
                                if path.is_empty() { "/" } else { &path }
                            )
                        })
                        .collect();
                    if !problems.is_empty() {
                        return self.dead(
                            at,
                            "validation",
                            format!("does not match {contract}: {}", problems.join("; ")),
                        );
                    }
                    self.timed("validated", Some(contract.clone()), started);
                }
                PreparedStep::Map {
                    name,
                    mapping,
                    body,
                } => {
                    let input = match Value::from_json_text(self.current_text(), mapping.layout()) {
                        Ok(v) => v,
                        Err(e) => {
                            return self.dead(
                                at,
                                "mapping",
                                format!("{name}: the input cannot be read: {e}"),
                            )
                        }
                    };
                    match mapping.run(&input) {
                        Ok(out) => {
                            self.text = Some(out.to_json_text());
                            self.value = Some(out);
                            self.timed("mapped", Some(name.clone()), started);
                        }
                        Err(e) => {
                            return self.dead(
                                at,
                                "mapping",
                                format!(
                                    "{name} failed at {}: {}",
                                    place(body, e.span.start as usize),
                                    e.message
                                ),
                            )
                        }
                    }
                }
                PreparedStep::Filter { when, reason } => match self.condition(when) {
                    Ok(true) => self.timed("passed", Some(reason.clone()), started),
                    Ok(false) => {
                        self.event(at, "filtered", Some(reason.clone()), None);
                        return End::Final(State::Filtered, Some(reason.clone()));
                    }
                    Err(e) => return self.dead(at, "condition", e),
                },
                PreparedStep::Hold { when, reason } => match self.condition(when) {
                    Ok(true) => {
                        self.event(at, "held", Some(reason.clone()), None);
                        return End::Final(State::Held, Some(reason.clone()));
                    }
                    Ok(false) => self.timed("passed", Some(reason.clone()), started),
                    Err(e) => return self.dead(at, "condition", e),
                },
                PreparedStep::Deliver(d) => {
                    let key = delivery_key(self.msg, self.step);
                    let body = self.current_text().to_string();
                    let attempt = self.attempts + 1;
                    match outbound.deliver(d, &body, &key, at).await {
                        Sent::Ok { status } => {
                            let took = started.elapsed();
                            self.report
                                .delivered
                                .push((d.system.clone(), took.as_secs_f64()));
                            self.events.push(NewEvent {
                                at,
                                kind: "delivered".into(),
                                step: Some(self.step),
                                attempt: Some(attempt),
                                duration_us: Some(took.as_micros() as i64),
                                detail: Some(format!("{} answered {status}", d.target)),
                                plan_hash: Some(self.prepared.hash.clone()),
                            });
                            self.attempts = 0;
                        }
                        Sent::Deferred { until } => {
                            let why = format!(
                                "{}: the circuit breaker of `{}` is open",
                                d.target, d.system
                            );
                            self.event(at, "deferred", Some(why.clone()), None);
                            return End::Retry(until, why);
                        }
                        Sent::Failed(f) => {
                            self.attempts = attempt;
                            self.report.failed += 1;
                            let detail = format!("{}: {}", f.class, f.detail);
                            self.events.push(NewEvent {
                                at,
                                kind: "attempt_failed".into(),
                                step: Some(self.step),
                                attempt: Some(attempt),
                                duration_us: Some(started.elapsed().as_micros() as i64),
                                detail: Some(detail.clone()),
                                plan_hash: Some(self.prepared.hash.clone()),
                            });
                            let p = &d.policy;
                            if !f.retryable(&p.retry_on) {
                                return self.give_up(
                                    now(),
                                    &d.policy,
                                    format!("permanent failure: {detail}"),
                                );
                            }
                            if attempt >= p.max_attempts {
                                return self.give_up(
                                    now(),
                                    &d.policy,
                                    format!("{attempt} attempts failed; the last: {detail}"),
                                );
                            }
                            let wait =
                                backoff::delay_ms(p, attempt).max(f.retry_after_ms.unwrap_or(0));
                            let due = now() + wait as i64;
                            self.report.retried += 1;
                            self.event(
                                now(),
                                "retry_scheduled",
                                Some(format!("attempt {} in {wait} ms", attempt + 1)),
                                None,
                            );
                            return End::Retry(due, detail);
                        }
                    }
                }
            }
            self.step += 1;
        }
        End::Final(State::Delivered, None)
    }

    fn current_text(&self) -> &str {
        self.text.as_deref().unwrap_or(&self.msg.payload)
    }

    /// A flow condition over `source` and `current`; it must be a boolean.
    fn condition(&mut self, when: &weft_mapping::CompiledExpr) -> Result<bool, String> {
        // Read once per run, whatever the number of conditions.
        if self.source.is_none() {
            self.source = Some(read_keep(&self.msg.payload)?);
        }
        if let (None, Some(t)) = (&self.value, &self.text) {
            self.value = Some(read_keep(t)?);
        }
        let source = self.source.as_ref().expect("read above");
        let current = self.value.as_ref().unwrap_or(source);
        match when.run(&[source, current], &self.prepared.globals) {
            Ok(Value::Bool(b)) => Ok(b),
            Ok(_) => Err("the condition is not true or false for this message".into()),
            Err(e) => Err(format!("the condition failed: {}", e.message)),
        }
    }

    fn dead(&mut self, at: i64, class: &str, detail: String) -> End {
        let reason = format!("{class}: {detail}");
        self.event(at, "dead_lettered", Some(reason.clone()), None);
        End::Final(State::Dead, Some(reason))
    }

    fn give_up(&mut self, at: i64, p: &crate::prepared::Effective, reason: String) -> End {
        if p.dead_letter {
            self.event(at, "dead_lettered", Some(reason.clone()), None);
            End::Final(State::Dead, Some(reason))
        } else {
            let why = format!("{reason} (policy `{}` has no dead-letter queue)", p.name);
            self.event(at, "dropped", Some(why.clone()), None);
            End::Final(State::Dropped, Some(why))
        }
    }

    fn timed(&mut self, kind: &str, detail: Option<String>, started: Instant) {
        let at = crate::clock::now_ms();
        self.event(at, kind, detail, Some(started.elapsed().as_micros() as i64));
    }

    fn event(&mut self, at: i64, kind: &str, detail: Option<String>, duration_us: Option<i64>) {
        self.events.push(NewEvent {
            at,
            kind: kind.into(),
            step: Some(self.step),
            attempt: None,
            duration_us,
            detail,
            plan_hash: Some(self.prepared.hash.clone()),
        });
    }
}

/// `line L, column C` of a byte offset in a mapping's text.
fn place(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column} of the mapping")
}

fn read_keep(text: &str) -> Result<Value, String> {
    Value::from_json_text(text, &Coerce::Keep).map_err(|e| format!("the message is not JSON: {e}"))
}

/// The idempotency key a delivery step sends: the same for every attempt,
/// restart and replay of one message at one step, different across flows,
/// messages and steps. Built from the flow's idempotency key when it has
/// one (so a re-sent webhook accepted after its key expired still maps to
/// the same key), else from the message's number.
pub fn delivery_key(msg: &Message, step: u32) -> String {
    let mut h = Sha256::new();
    h.update(msg.flow.as_bytes());
    h.update([0]);
    match &msg.idempotency_key {
        Some(k) => {
            h.update(b"k");
            h.update(k.as_bytes());
        }
        None => {
            h.update(b"m");
            h.update(msg.id.to_le_bytes());
        }
    }
    h.update([0]);
    h.update(step.to_le_bytes());
    let digest = h.finalize();
    format!("weft-{}", hex::encode(&digest[..16]))
}

//! `kind: policy`: retries, timeouts, circuit breaking, rate limits, dead letters.

use crate::source::Spanned;
use crate::spec::{spanned_str, Meta};
use crate::yaml::Node;

/// A delivery policy.
#[derive(Clone, Debug)]
pub struct Policy {
    pub meta: Meta,
    /// Whether a `retry:` section is present.
    pub retry: Option<Retry>,
    pub dead_letter: Option<bool>,
    pub timeout: Option<Spanned<String>>,
}

/// `retry:` of a policy.
#[derive(Clone, Debug)]
pub struct Retry {
    pub max_attempts: Option<u64>,
    pub initial: Option<Spanned<String>>,
    pub max: Option<Spanned<String>>,
}

impl Retry {
    /// Initial and maximum backoff in milliseconds, when both are well-formed.
    pub fn backoff_ms(&self) -> Option<(u64, u64)> {
        Some((
            duration_ms(self.initial.as_ref()?)?,
            duration_ms(self.max.as_ref()?)?,
        ))
    }
}

/// Milliseconds of a duration as written (`1h30m`), parsed as the plan parses it.
pub fn duration_ms(text: &Spanned<String>) -> Option<u64> {
    weft_plan::model::Duration::parse(&text.value).map(|d| d.0)
}

impl Policy {
    pub fn decode(doc: &Node, meta: Meta) -> Policy {
        let retry = doc.get("retry").map(|r| {
            let backoff = r.get("backoff");
            Retry {
                max_attempts: r.get("max_attempts").and_then(Node::as_u64),
                initial: backoff.and_then(|b| spanned_str(b, "initial")),
                max: backoff.and_then(|b| spanned_str(b, "max")),
            }
        });
        Policy {
            retry,
            dead_letter: doc.get("dead_letter").and_then(Node::as_bool),
            timeout: spanned_str(doc, "timeout"),
            meta,
        }
    }

    /// Whether failed deliveries are retried (more than one attempt).
    pub fn retries(&self) -> bool {
        self.retry
            .as_ref()
            .is_some_and(|r| r.max_attempts.unwrap_or(1) > 1)
    }
}

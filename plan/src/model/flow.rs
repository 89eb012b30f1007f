//! Flows in a plan: the trigger, the steps in order, the keys, with every
//! endpoint and policy resolved so the runtime looks nothing up in the specs.

use super::policy::Policy;
use super::system::{Files, Setting};
use super::units::Duration;
use serde::{Deserialize, Serialize};

/// An integration: a trigger, then steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// `event`, `scheduled` or `batch`, when the flow says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    pub trigger: Trigger,
    /// The contract of the payload as received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub steps: Vec<Step>,
    /// The flow's default policy, by name (each delivery carries the one it runs under).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// A mapping-language expression over `source`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// A mapping-language expression over `source`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordering_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<Sla>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<Batch>,
}

/// What starts a flow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// An inbound webhook of a system.
    Webhook {
        system: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
        /// The contract of the topic's payload.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contract: Option<String>,
    },
    /// Fetch from an endpoint on a schedule, with a persisted cursor.
    Poll {
        system: String,
        endpoint: Box<Endpoint>,
        /// The interval (1 minute when neither it nor `cron` is given).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        every: Option<Duration>,
        /// A cron expression, read in `timezone` (see [`crate::schedule`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cron: Option<String>,
        /// An IANA time zone name; UTC when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timezone: Option<String>,
        /// A dotted path to the records in the answer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        records: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cursor: Option<Cursor>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pages: Option<Pages>,
    },
    /// Run on a schedule.
    Schedule {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        every: Option<Duration>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cron: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timezone: Option<String>,
    },
    /// Files arriving in a system's folder.
    File {
        system: String,
        /// The contract of one record.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        files: Option<Files>,
    },
}

/// A high-water mark: where the next poll resumes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cursor {
    /// The request parameter carrying the cursor.
    pub param: String,
    /// The response field the cursor is read from.
    pub field: String,
}

/// How one poll pages through a feed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Pages {
    Token(TokenPages),
    Link(LinkPages),
}

/// Page tokens: a token in the answer, sent back as a request parameter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenPages {
    /// The request parameter carrying the token.
    pub param: String,
    /// A dotted path to the next page's token in the answer.
    pub next: String,
}

/// Link headers: the URL of the answer's `Link` header (RFC 8288) with a
/// relation, fetched as given (Shopify, GitHub and many REST APIs page
/// this way).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkPages {
    /// The relation to follow, usually `next`.
    pub link: String,
}

/// An endpoint resolved against its system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub system: String,
    pub endpoint: String,
    pub method: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<Setting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_header: Option<String>,
}

/// One step of a flow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// Validate the current message against a contract.
    Validate(String),
    /// Apply the named mapping.
    Map(String),
    /// Skip the message (recorded) when the condition is false.
    Filter(Condition),
    /// Park the message for review when the condition is true.
    Hold(Condition),
    /// Send the current message.
    Deliver(Box<Delivery>),
}

/// A condition with the reason recorded with the message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// A mapping-language expression over `source` and `current`.
    pub when: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A delivery: the endpoint and the policy it runs under.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// `SYSTEM.ENDPOINT` as written.
    pub target: String,
    pub endpoint: Endpoint,
    /// The step's policy, or the flow's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
}

/// A service-level objective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_within: Option<Duration>,
}

/// Batching of a `mode: batch` flow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wait: Option<Duration>,
}

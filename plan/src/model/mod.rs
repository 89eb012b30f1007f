//! The plan as typed data: what the compiler writes and what the runtime
//! reads. The JSON form of a plan is this model serialized; loading parses it
//! back with unknown fields refused, so a plan means exactly one thing.

mod flow;
mod policy;
mod system;
mod units;

pub use flow::{
    Batch, Condition, Cursor, Delivery, Endpoint, Flow, LinkPages, Pages, Sla, Step, TokenPages,
    Trigger,
};
pub use policy::{Backoff, CircuitBreaker, Policy, Retry};
pub use system::{
    Auth, Connector, Endpoint as SystemEndpoint, Files, RateLimit, SecretRef, Setting, Signature,
    System, Webhook,
};
pub use units::{ByteSize, Duration};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// A whole plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanModel {
    /// Always [`crate::FORMAT`].
    pub format: String,
    pub format_version: u64,
    /// The weft that made the plan.
    pub weft_version: String,
    /// The workspace's name.
    pub workspace: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<Git>,
    /// `sha256:<hex>` over the canonical form without this field (set when sealed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// `Name@MAJOR` -> contract.
    pub contracts: BTreeMap<String, Contract>,
    pub mappings: BTreeMap<String, Mapping>,
    pub functions: BTreeMap<String, Function>,
    pub tables: BTreeMap<String, Table>,
    pub systems: BTreeMap<String, System>,
    pub policies: BTreeMap<String, Policy>,
    pub flows: BTreeMap<String, Flow>,
}

/// Where the specs came from in version control.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Git {
    pub commit: String,
    /// No uncommitted change under the workspace folder.
    pub clean: bool,
}

/// A contract as JSON Schema.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Its full semantic version, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The package it comes from (the workspace's name, or an import's).
    pub from: String,
    pub schema: Json,
}

/// A mapping in the form the runtime loads without the checker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The source contract, `Name@MAJOR`.
    pub source: String,
    /// The target contract, `Name@MAJOR`.
    pub target: String,
    /// The mapping's text.
    pub body: String,
    /// How payloads are read (`weft_mapping::read_layout`), from the source contract.
    pub layout: Json,
    /// The checker's verdict: no finding at all, warnings included.
    pub checked: bool,
}

/// A user-defined mapping function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Function {
    pub params: Vec<String>,
    pub body: String,
}

/// A lookup table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub version: String,
    /// The type of the keys: `string` or `integer`.
    pub key: String,
    /// The type of the values: `string`, `integer`, `decimal` or `boolean`.
    pub value: String,
    /// How values are read (`weft_mapping` layout).
    pub value_layout: Json,
    pub entries: BTreeMap<String, Json>,
}

impl PlanModel {
    /// Reads a plan document, naming the place of the first thing that does
    /// not fit (`flows.orders.steps[2].deliver.policy.retry: missing field ...`).
    pub fn from_json(doc: &Json) -> Result<PlanModel, String> {
        serde_path_to_error::deserialize(doc).map_err(|e| {
            let path = e.path().to_string();
            format!("at `{path}`: {}", e.into_inner())
        })
    }

    /// The plan as its JSON document.
    pub fn to_json(&self) -> Json {
        serde_json::to_value(self).expect("a plan model always serializes")
    }
}

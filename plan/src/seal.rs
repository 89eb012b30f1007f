//! Sealing a plan with its content hash, and loading one back: a plan whose
//! format or version this weft does not run, or whose hash does not match its
//! content, is refused with a message that says which.

use crate::canonical::canonical_bytes_without;
use crate::model::PlanModel;
use crate::{FORMAT, FORMAT_VERSION};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::fmt;

/// A sealed plan, or a loaded one whose hash matched its content.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The whole document, `hash` included.
    pub doc: Json,
    /// `sha256:<hex>` over the canonical form without `hash`.
    pub hash: String,
    /// The document as typed data (`hash` included).
    pub model: PlanModel,
}

/// Why a plan file is refused.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanError {
    /// The file cannot be read at all.
    Unreadable(String),
    NotJson(String),
    NotAPlan,
    UnsupportedVersion(Json),
    NoHash,
    HashMismatch {
        recorded: String,
        actual: String,
    },
    /// The hash matched but the content does not fit the plan format.
    Malformed(String),
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            PlanError::Unreadable(e) => write!(f, "cannot read the plan: {e}"),
            PlanError::NotJson(e) => write!(f, "the plan is not valid JSON: {e}"),
            PlanError::NotAPlan => write!(
                f,
                "the file is not a weft plan (no `\"format\": \"{FORMAT}\"`): make one with `weft plan`"
            ),
            PlanError::UnsupportedVersion(v) => write!(
                f,
                "plan format version {v} is not supported by this weft (it runs version {FORMAT_VERSION}): plan again with this weft, or run the weft that made it"
            ),
            PlanError::NoHash => write!(f, "the plan has no `hash`: it was not made by `weft plan`"),
            PlanError::HashMismatch { recorded, actual } => write!(
                f,
                "the plan's content does not match its hash (recorded {recorded}, content is {actual}): it was changed after it was made; plan again instead of editing the file"
            ),
            PlanError::Malformed(e) => write!(
                f,
                "the plan does not fit plan format {FORMAT_VERSION} ({e}): it was not made by this weft's `weft plan`"
            ),
        }
    }
}

impl std::error::Error for PlanError {}

/// The content hash of a plan document (its `hash` field left out).
pub fn content_hash(doc: &Json) -> String {
    let digest = Sha256::digest(canonical_bytes_without(doc, "hash"));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The plan with its `hash` set.
pub fn seal(mut model: PlanModel) -> Plan {
    model.hash = None;
    let mut doc = model.to_json();
    let hash = content_hash(&doc);
    model.hash = Some(hash.clone());
    if let Json::Object(m) = &mut doc {
        m.insert("hash".into(), Json::String(hash.clone()));
    }
    Plan { doc, hash, model }
}

/// Reads and verifies a plan file (see [`load`]).
pub fn load_file(path: &std::path::Path) -> Result<Plan, PlanError> {
    let bytes = std::fs::read(path).map_err(|e| PlanError::Unreadable(e.to_string()))?;
    load(&bytes)
}

/// Reads a plan file's bytes: JSON, a weft plan, a supported version, and a
/// hash that matches the content.
pub fn load(bytes: &[u8]) -> Result<Plan, PlanError> {
    let doc: Json = serde_json::from_slice(bytes).map_err(|e| PlanError::NotJson(e.to_string()))?;
    if doc.get("format").and_then(Json::as_str) != Some(FORMAT) {
        return Err(PlanError::NotAPlan);
    }
    let version = doc.get("format_version").cloned().unwrap_or(Json::Null);
    if version.as_u64() != Some(FORMAT_VERSION) {
        return Err(PlanError::UnsupportedVersion(version));
    }
    let recorded = doc
        .get("hash")
        .and_then(Json::as_str)
        .ok_or(PlanError::NoHash)?
        .to_string();
    let actual = content_hash(&doc);
    if recorded != actual {
        return Err(PlanError::HashMismatch { recorded, actual });
    }
    let model = PlanModel::from_json(&doc).map_err(PlanError::Malformed)?;
    Ok(Plan {
        doc,
        hash: actual,
        model,
    })
}

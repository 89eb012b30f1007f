//! Detached signatures of plans. The signature covers the plan's content
//! hash (which covers every byte of its canonical form), so a plan verifies
//! only with the signature made for exactly that content.

use crate::keys::key_id;
use crate::Plan;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// What `weft sign` writes beside the plan (`plan.json.sig`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DetachedSignature {
    pub format: String,
    pub algorithm: String,
    /// The id of the public key that verifies it.
    pub key_id: String,
    /// The hash of the plan it signs.
    pub plan_hash: String,
    pub signature: String,
}

const FORMAT: &str = "weft-plan-signature";

fn message(plan_hash: &str) -> Vec<u8> {
    format!("{FORMAT}-v1\n{plan_hash}").into_bytes()
}

/// Signs a loaded (hash-checked) plan.
pub fn sign(plan: &Plan, key: &SigningKey) -> DetachedSignature {
    DetachedSignature {
        format: FORMAT.into(),
        algorithm: "ed25519".into(),
        key_id: key_id(&key.verifying_key()),
        plan_hash: plan.hash.clone(),
        signature: B64.encode(key.sign(&message(&plan.hash)).to_bytes()),
    }
}

/// Where a plan's signature is kept unless told otherwise: `PLAN.sig`.
pub fn default_path(plan: &std::path::Path) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}.sig", plan.display()))
}

/// Reads the signature file at `path` and checks it like [`verify`].
pub fn verify_file(
    plan: &Plan,
    path: &std::path::Path,
    trusted: &[VerifyingKey],
) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "no signature for the plan: cannot read `{}` ({e}); sign it with `weft sign`",
            path.display()
        )
    })?;
    let sig: DetachedSignature = serde_json::from_str(&text)
        .map_err(|e| format!("`{}` is not a weft plan signature: {e}", path.display()))?;
    verify(plan, &sig, trusted)
}

/// Checks that `sig` is a signature of `plan` by one of the `trusted` keys;
/// returns that key's id.
pub fn verify(
    plan: &Plan,
    sig: &DetachedSignature,
    trusted: &[VerifyingKey],
) -> Result<String, String> {
    if sig.format != FORMAT || sig.algorithm != "ed25519" {
        return Err(format!(
            "the signature file is not a weft Ed25519 plan signature (format `{}`, algorithm `{}`)",
            sig.format, sig.algorithm
        ));
    }
    if sig.plan_hash != plan.hash {
        return Err(format!(
            "the signature is for another plan (it signs {}, this plan is {})",
            sig.plan_hash, plan.hash
        ));
    }
    let Some(key) = trusted.iter().find(|k| key_id(k) == sig.key_id) else {
        let ids: Vec<String> = trusted.iter().map(key_id).collect();
        return Err(format!(
            "the plan is signed by key {}, which is not trusted (trusted: {})",
            sig.key_id,
            if ids.is_empty() {
                "none".into()
            } else {
                ids.join(", ")
            }
        ));
    };
    let bytes = B64
        .decode(&sig.signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .ok_or("the signature is damaged (not 64 bytes of base64)")?;
    key.verify_strict(&message(&plan.hash), &Signature::from_bytes(&bytes))
        .map_err(|_| {
            format!(
                "the signature does not verify with key {}: the plan or the signature was altered",
                sig.key_id
            )
        })?;
    Ok(sig.key_id.clone())
}

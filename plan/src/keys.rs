//! Ed25519 key pairs for signing plans. A key is read from a file or, with
//! `env:NAME`, from an environment variable (CI secrets). Both halves are one
//! line of text: `weft-ed25519-secret <base64>` / `weft-ed25519-public <base64>`.
//! Secret keys are never printed; only a public key's id is.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

const SECRET_TAG: &str = "weft-ed25519-secret";
const PUBLIC_TAG: &str = "weft-ed25519-public";

/// A new signing key from the operating system's random source.
pub fn generate() -> Result<SigningKey, String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no randomness available: {e}"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The text of a secret key file.
pub fn secret_text(key: &SigningKey) -> String {
    format!("{SECRET_TAG} {}\n", B64.encode(key.to_bytes()))
}

/// The text of a public key file.
pub fn public_text(key: &VerifyingKey) -> String {
    format!("{PUBLIC_TAG} {}\n", B64.encode(key.to_bytes()))
}

/// A short, stable id of a public key (16 hex digits of its SHA-256).
pub fn key_id(key: &VerifyingKey) -> String {
    Sha256::digest(key.to_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The text a key reference names: a file path, or `env:NAME`.
fn read(reference: &str) -> Result<String, String> {
    match reference.strip_prefix("env:") {
        Some(var) => std::env::var(var).map_err(|_| {
            format!("environment variable `{var}` is not set (key reference `{reference}`)")
        }),
        None => std::fs::read_to_string(reference)
            .map_err(|e| format!("cannot read key file `{reference}`: {e}")),
    }
}

fn decode(reference: &str, tag: &str, other: &str) -> Result<[u8; 32], String> {
    let text = read(reference)?;
    let mut parts = text.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(t), Some(b64)) if t == tag => B64
            .decode(b64)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| format!("`{reference}` holds a damaged key (the base64 after `{tag}` is not 32 bytes)")),
        (Some(t), _) if t == other => Err(format!(
            "`{reference}` is a {} key; a {} key is needed here",
            if other == SECRET_TAG { "secret" } else { "public" },
            if tag == SECRET_TAG { "secret" } else { "public" },
        )),
        _ => Err(format!(
            "`{reference}` is not a weft key (expected a line `{tag} <base64>`; make keys with `weft keygen`)"
        )),
    }
}

/// Reads a secret (signing) key.
pub fn read_secret(reference: &str) -> Result<SigningKey, String> {
    decode(reference, SECRET_TAG, PUBLIC_TAG).map(|b| SigningKey::from_bytes(&b))
}

/// Reads a public (verifying) key.
pub fn read_public(reference: &str) -> Result<VerifyingKey, String> {
    let bytes = decode(reference, PUBLIC_TAG, SECRET_TAG)?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| format!("`{reference}` is not a valid Ed25519 public key"))
}

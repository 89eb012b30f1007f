//! `weft keygen`, `weft sign`, `weft verify`: signing plans with Ed25519 and
//! checking them before they run.

use super::plan::read_plan;
use super::Failure;
use std::path::{Path, PathBuf};
use weft_plan::keys;
use weft_plan::signature;

/// Writes the public key `FILE.pub`, then the secret key `FILE`, readable
/// by its owner only (also when an existing file is replaced).
pub fn keygen(secret_path: &Path, force: bool) -> Result<(), Failure> {
    let public_path = PathBuf::from(format!("{}.pub", secret_path.display()));
    for p in [secret_path, &public_path] {
        if !force && p.exists() {
            return Err(Failure::input(format!(
                "`{}` exists: refusing to overwrite a key (use --force to replace it)",
                p.display()
            )));
        }
    }
    let key = keys::generate().map_err(Failure::input)?;
    let cannot = |p: &Path, e: std::io::Error| {
        Failure::input(format!(
            "cannot write `{}`: {e} (the folder must exist and be writable)",
            p.display()
        ))
    };
    std::fs::write(&public_path, keys::public_text(&key.verifying_key()))
        .map_err(|e| cannot(&public_path, e))?;
    write_owner_only(secret_path, &keys::secret_text(&key)).map_err(|e| cannot(secret_path, e))?;
    eprintln!(
        "wrote secret key {} (keep it out of git; in CI pass it as `--key env:NAME`) and public key {} (id {})",
        secret_path.display(),
        public_path.display(),
        keys::key_id(&key.verifying_key())
    );
    Ok(())
}

fn write_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600);
        let mut file = opts.open(path)?;
        // `mode` applies only to a new file: a replaced one keeps its bits.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(text.as_bytes())
    }
    #[cfg(not(unix))]
    {
        opts.open(path)?.write_all(text.as_bytes())
    }
}

pub fn sign(plan_path: &Path, key: &str, output: Option<&Path>) -> Result<(), Failure> {
    let plan = read_plan(plan_path)?;
    let key = keys::read_secret(key).map_err(Failure::input)?;
    let sig = signature::sign(&plan, &key);
    let path = output.map_or_else(|| signature::default_path(plan_path), Path::to_path_buf);
    let text = serde_json::to_string_pretty(&sig).expect("serializes") + "\n";
    std::fs::write(&path, text)
        .map_err(|e| Failure::input(format!("cannot write `{}`: {e}", path.display())))?;
    eprintln!(
        "signed {} with key {} -> {}",
        plan.hash,
        sig.key_id,
        path.display()
    );
    Ok(())
}

pub fn verify(plan_path: &Path, sig: Option<&Path>, trust: &[String]) -> Result<(), Failure> {
    let plan = read_plan(plan_path)?;
    let trusted = trust
        .iter()
        .map(|t| keys::read_public(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::input)?;
    let path = sig.map_or_else(|| signature::default_path(plan_path), Path::to_path_buf);
    let key = signature::verify_file(&plan, &path, &trusted).map_err(Failure::refused)?;
    eprintln!(
        "ok: {} is intact and signed by trusted key {key}",
        plan.hash
    );
    Ok(())
}

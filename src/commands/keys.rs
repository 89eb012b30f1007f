//! `weft keygen`, `weft sign`, `weft verify`, `weft inspect`: signing plans
//! with Ed25519 and checking them before they run.

use crate::commands::plan::read_plan;
use std::path::{Path, PathBuf};
use weft_plan::keys;
use weft_plan::signature::{self, DetachedSignature};

/// Writes `NAME` (secret, owner-only) and `NAME.pub`.
pub fn keygen(out: &Path, force: bool) -> i32 {
    let public_path = PathBuf::from(format!("{}.pub", out.display()));
    if !force && (out.exists() || public_path.exists()) {
        eprintln!(
            "error: `{}` or `{}` exists: refusing to overwrite a key (use --force to replace it)",
            out.display(),
            public_path.display()
        );
        return 2;
    }
    let key = match keys::generate() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let write_secret = || -> std::io::Result<()> {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(out)?
            .write_all(keys::secret_text(&key).as_bytes())
    };
    if let Err(e) = write_secret()
        .and_then(|_| std::fs::write(&public_path, keys::public_text(&key.verifying_key())))
    {
        eprintln!("error: cannot write the key files: {e}");
        return 2;
    }
    eprintln!(
        "wrote secret key {} (keep it out of git; in CI pass it as `--key env:NAME`) and public key {} (id {})",
        out.display(),
        public_path.display(),
        keys::key_id(&key.verifying_key())
    );
    0
}

fn signature_path(plan: &Path, given: Option<&Path>) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(format!("{}.sig", plan.display())))
}

pub fn sign(plan_path: &Path, key: &str, out: Option<&Path>) -> i32 {
    let plan = match read_plan(plan_path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let key = match keys::read_secret(key) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let sig = signature::sign(&plan, &key);
    let path = signature_path(plan_path, out);
    let text = serde_json::to_string_pretty(&sig).expect("serializes") + "\n";
    if let Err(e) = std::fs::write(&path, text) {
        eprintln!("error: cannot write `{}`: {e}", path.display());
        return 2;
    }
    eprintln!(
        "signed {} with key {} -> {}",
        plan.hash,
        sig.key_id,
        path.display()
    );
    0
}

/// Loads a plan and checks its signature against trusted keys.
pub fn verified(
    plan_path: &Path,
    sig: Option<&Path>,
    trust: &[String],
) -> Result<(weft_plan::Plan, String), String> {
    let plan = read_plan(plan_path)?;
    let trusted = trust
        .iter()
        .map(|t| keys::read_public(t))
        .collect::<Result<Vec<_>, _>>()?;
    let path = signature_path(plan_path, sig);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "no signature for the plan: cannot read `{}` ({e}); sign it with `weft sign`",
            path.display()
        )
    })?;
    let sig: DetachedSignature = serde_json::from_str(&text)
        .map_err(|e| format!("`{}` is not a weft plan signature: {e}", path.display()))?;
    let key = signature::verify(&plan, &sig, &trusted)?;
    Ok((plan, key))
}

pub fn verify(plan_path: &Path, sig: Option<&Path>, trust: &[String]) -> i32 {
    match verified(plan_path, sig, trust) {
        Ok((plan, key)) => {
            eprintln!(
                "ok: {} is intact and signed by trusted key {key}",
                plan.hash
            );
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

pub fn inspect(plan_path: &Path) -> i32 {
    match read_plan(plan_path) {
        Ok(plan) => {
            print!("{}", weft_plan::inspect::summary(&plan.doc));
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

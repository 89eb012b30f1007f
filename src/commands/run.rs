//! `weft run`: load and verify a plan, open the store in the data directory
//! (one instance per directory, by an exclusive lock), and run every flow
//! until SIGTERM or Ctrl-C.

use super::Failure;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use weft_plan::Plan;

/// What `weft run` was asked.
pub struct Request {
    pub plan: PathBuf,
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    /// Trusted public keys (files or `env:NAME`); `WEFT_TRUST` adds more.
    pub trust: Vec<String>,
    pub signature: Option<PathBuf>,
    /// The environment variable holding the admin API's bearer token.
    pub admin_token_env: Option<String>,
    pub files_root: Option<PathBuf>,
    pub max_in_flight: usize,
    pub max_deliveries: usize,
    pub dedup_window: Duration,
    pub shutdown_grace: Duration,
    pub log_text: bool,
}

/// Runs the plan until a signal.
pub fn run(r: Request) -> Result<(), Failure> {
    weft_runtime::logging::init(!r.log_text);
    let plan = verified(&r.plan, r.signature.as_deref(), &r.trust)?;
    let config = config(&r)?;
    let (store, _lock) = open(&r.data_dir)?;
    let rt = tokio::runtime::Runtime::new().map_err(|e| Failure::internal(e.to_string()))?;
    rt.block_on(async move {
        let instance = weft_runtime::Instance::start(&plan, store, config, r.listen)
            .await
            .map_err(|e| Failure::refused(format!("the plan cannot run:\n{e}")))?;
        eprintln!(
            "weft is running {} on http://{} (data in {}); stop with Ctrl-C or SIGTERM",
            plan.hash,
            instance.addr(),
            r.data_dir.display()
        );
        instance.run_until_signal().await;
        Ok(())
    })
}

/// The runtime settings a request gives.
pub fn config(r: &Request) -> Result<weft_runtime::Config, Failure> {
    let admin_token = match &r.admin_token_env {
        None => None,
        Some(var) => match std::env::var(var) {
            Ok(t) if t.len() >= 16 => Some(weft_runtime::secrets::Secret::from_value(t)),
            Ok(_) => {
                return Err(Failure::input(format!(
                "the admin token in `{var}` is shorter than 16 characters; use a long random one"
            )))
            }
            Err(_) => {
                return Err(Failure::input(format!(
                    "--admin-token-env names `{var}`, which is not set"
                )))
            }
        },
    };
    Ok(weft_runtime::Config {
        max_in_flight: r.max_in_flight,
        max_deliveries: r.max_deliveries,
        dedup_window_ms: r.dedup_window.as_millis() as i64,
        admin_token,
        shutdown_grace: r.shutdown_grace,
        files_root: r.files_root.clone().unwrap_or_else(|| PathBuf::from(".")),
        poll_floor: None,
    })
}

/// Loads the plan and, when keys are trusted, checks its signature.
pub fn verified(path: &Path, signature: Option<&Path>, trust: &[String]) -> Result<Plan, Failure> {
    let plan = super::plan::read_plan(path)?;
    let mut keys: Vec<String> = trust.to_vec();
    if let Ok(more) = std::env::var("WEFT_TRUST") {
        keys.extend(
            more.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
    }
    if keys.is_empty() {
        tracing::warn!(
            plan = plan.hash.as_str(),
            "no trusted keys (--trust or WEFT_TRUST): the plan's signature is not checked"
        );
        return Ok(plan);
    }
    let trusted = keys
        .iter()
        .map(|k| weft_plan::keys::read_public(k))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::input)?;
    let sig = signature
        .map(Path::to_path_buf)
        .unwrap_or_else(|| weft_plan::signature::default_path(path));
    let key = weft_plan::signature::verify_file(&plan, &sig, &trusted)
        .map_err(|e| Failure::refused(format!("the plan is refused: {e}")))?;
    tracing::info!(
        plan = plan.hash.as_str(),
        key = key.as_str(),
        "plan signature verified"
    );
    Ok(plan)
}

/// Opens the store in `dir`, holding the directory's lock for as long as the
/// returned file lives.
pub fn open(
    dir: &Path,
) -> Result<(std::sync::Arc<dyn weft_runtime::Store>, std::fs::File), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::input(format!(
            "cannot create the data directory {}: {e}",
            dir.display()
        ))
    })?;
    let lock_path = dir.join("weft.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Failure::input(format!("cannot open {}: {e}", lock_path.display())))?;
    if lock.try_lock().is_err() {
        return Err(Failure::refused(format!(
            "another weft instance runs on {}; one data directory serves one instance",
            dir.display()
        )));
    }
    let store = weft_runtime::SqliteStore::open(dir).map_err(|e| Failure::input(e.to_string()))?;
    Ok((std::sync::Arc::new(store), lock))
}

//! A running instance: the HTTP server, the worker, a task per polling and
//! file trigger, and housekeeping, started together and stopped together.
//! Shutdown stops intake first, then lets in-flight messages finish within
//! the grace period; whatever is left stays queued in the store.

use crate::engine::{self, Config, Shared};
use crate::prepared::Prepared;
use crate::store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use weft_plan::model::Trigger;
use weft_plan::Plan;

/// A started instance.
pub struct Instance {
    pub shared: Arc<Shared>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    server_stop: watch::Sender<bool>,
    worker: JoinHandle<()>,
    server: JoinHandle<()>,
    triggers: Vec<JoinHandle<()>>,
}

impl Instance {
    /// Prepares `plan` and starts everything, listening on `listen`.
    pub async fn start(
        plan: &Plan,
        store: Arc<dyn Store>,
        config: Config,
        listen: SocketAddr,
    ) -> Result<Instance, String> {
        let prepared = Arc::new(Prepared::new(plan)?);
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let shared = Shared::new(store, prepared.clone(), config);
        let (stop, stop_rx) = watch::channel(false);
        let router = crate::server::router(shared.clone());
        // The server outlives the worker: while in-flight messages finish,
        // webhooks are answered 503 and /readyz says so.
        let (server_stop, mut server_stop_rx) = watch::channel(false);
        let server = tokio::spawn(async move {
            let shutdown = async move {
                let _ = server_stop_rx.wait_for(|s| *s).await;
            };
            if let Err(e) = axum::serve(listener, router)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!(error = %e, "the HTTP server stopped");
            }
        });
        let worker = tokio::spawn(engine::work(shared.clone(), stop_rx.clone()));
        let mut triggers = Vec::new();
        for (name, f) in &prepared.flows {
            let (s, n, rx) = (shared.clone(), name.clone(), stop_rx.clone());
            match f.model.trigger {
                Trigger::Poll { .. } => triggers.push(tokio::spawn(crate::poll::run(s, n, rx))),
                // One watcher per folder, below.
                Trigger::File { .. } => {}
                Trigger::Schedule { .. } => triggers.push(tokio::spawn(crate::tick::run(s, n, rx))),
                _ => {}
            }
        }
        for flows in crate::files::folders(&prepared) {
            let (s, rx) = (shared.clone(), stop_rx.clone());
            triggers.push(tokio::spawn(crate::files::run(s, flows, rx)));
        }
        triggers.push(tokio::spawn(housekeeping(shared.clone(), stop_rx)));
        tracing::info!(%addr, plan = prepared.hash.as_str(), flows = prepared.flows.len(), "weft is running");
        Ok(Instance {
            shared,
            addr,
            stop,
            server_stop,
            worker,
            server,
            triggers,
        })
    }

    /// Where the HTTP server listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops intake, finishes in-flight messages within the grace period, and
    /// stops every task.
    pub async fn shutdown(self) {
        tracing::info!("shutting down: intake stopped, finishing in-flight messages");
        engine::begin_shutdown(&self.shared, &self.stop);
        let _ = self.worker.await;
        for t in self.triggers {
            let _ = t.await;
        }
        let _ = self.server_stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(5), self.server).await;
        tracing::info!("stopped");
    }

    /// Runs until SIGTERM or Ctrl-C, then shuts down gracefully.
    pub async fn run_until_signal(self) {
        wait_for_signal().await;
        self.shutdown().await;
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Forgets idempotency keys older than the dedup window, hourly.
async fn housekeeping(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        let before = crate::clock::now_ms() - shared.config.dedup_window_ms;
        match shared.blocking(move |s| s.purge_keys(before)).await {
            Ok(n) if n > 0 => tracing::info!(keys = n, "expired idempotency keys forgotten"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot purge expired idempotency keys"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
            _ = stop.changed() => return,
        }
    }
}

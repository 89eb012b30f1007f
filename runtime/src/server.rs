//! The HTTP side of a running instance: webhooks (the fallback route),
//! `/healthz`, `/readyz`, `/metrics`, and the admin API under `/admin`,
//! which answers only to the configured bearer token and is off (404) when
//! none is configured.

use crate::engine::Shared;
use crate::ops;
use crate::store::{Action, MessageId, State, StoreError};
use axum::extract::{Path, Query, Request, State as Ctx};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use subtle::ConstantTimeEq;

type S = Arc<Shared>;

/// Every route of a running instance.
pub fn router(shared: S) -> Router {
    let admin = Router::new()
        .route("/status", get(status))
        .route("/messages/{id}", get(show))
        .route("/dlq", get(dead))
        .route("/held", get(held))
        .route("/dlq/{id}/replay", post(replay))
        .route("/dlq/{id}/discard", post(discard))
        .route("/held/{id}/release", post(release))
        .route("/held/{id}/reject", post(reject))
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            authorize,
        ));
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .nest("/admin", admin)
        .fallback(|Ctx(s): Ctx<S>, req: Request| crate::webhook::handle(s, req))
        .with_state(shared)
}

async fn authorize(
    Ctx(s): Ctx<S>,
    headers: HeaderMap,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    let Some(token) = &s.config.admin_token else {
        return (
            StatusCode::NOT_FOUND,
            "the admin API is off: start `weft run` with --admin-token-env VAR to turn it on\n",
        )
            .into_response();
    };
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if given.as_bytes().ct_eq(token.expose().as_bytes()).into() {
        next.run(req).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [("www-authenticate", "Bearer")],
            "a valid bearer token is required\n",
        )
            .into_response()
    }
}

async fn ready(Ctx(s): Ctx<S>) -> Response {
    if !s.accepting.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response();
    }
    match s.blocking(|st| st.next_due()).await {
        Ok(_) => "ready\n".into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response(),
    }
}

async fn metrics(Ctx(s): Ctx<S>) -> Response {
    match s.blocking(|st| st.counts()).await {
        Ok(counts) => (
            [(
                "content-type",
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            s.metrics.render(&counts, &s.outbound.breaker_states()),
        )
            .into_response(),
        Err(e) => failure(e),
    }
}

fn failure(e: StoreError) -> Response {
    let status = match e {
        StoreError::NotFound(_) => StatusCode::NOT_FOUND,
        StoreError::WrongState { .. } => StatusCode::CONFLICT,
        StoreError::Backend(_) => StatusCode::SERVICE_UNAVAILABLE,
    };
    (status, Json(serde_json::json!({ "error": e.to_string() }))).into_response()
}

fn answer<T: serde::Serialize>(r: Result<T, StoreError>) -> Response {
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => failure(e),
    }
}

async fn status(Ctx(s): Ctx<S>) -> Response {
    let hash = s.prepared.hash.clone();
    answer(s.blocking(move |st| ops::status(st, Some(hash))).await)
}

async fn show(Ctx(s): Ctx<S>, Path(id): Path<MessageId>) -> Response {
    answer(s.blocking(move |st| ops::detail(st, id)).await)
}

/// `?after=ID&limit=N` on lists.
#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    after: MessageId,
    #[serde(default = "default_limit")]
    limit: usize,
}

fn default_limit() -> usize {
    100
}

async fn dead(Ctx(s): Ctx<S>, Query(p): Query<Page>) -> Response {
    answer(
        s.blocking(move |st| ops::list(st, State::Dead, p.after, p.limit))
            .await,
    )
}

async fn held(Ctx(s): Ctx<S>, Query(p): Query<Page>) -> Response {
    answer(
        s.blocking(move |st| ops::list(st, State::Held, p.after, p.limit))
            .await,
    )
}

async fn act(s: S, id: MessageId, action: Action) -> Response {
    let r = s
        .blocking(move |st| ops::act(st, id, action, "admin-api", crate::clock::now_ms()))
        .await;
    if r.is_ok() {
        s.wake.notify_one();
    }
    answer(r)
}

async fn replay(Ctx(s): Ctx<S>, Path(id): Path<MessageId>) -> Response {
    let plan_hash = s.prepared.hash.clone();
    act(s, id, Action::Replay { plan_hash }).await
}

async fn discard(Ctx(s): Ctx<S>, Path(id): Path<MessageId>) -> Response {
    act(s, id, Action::Discard).await
}

async fn release(Ctx(s): Ctx<S>, Path(id): Path<MessageId>) -> Response {
    act(s, id, Action::Release).await
}

async fn reject(Ctx(s): Ctx<S>, Path(id): Path<MessageId>) -> Response {
    act(s, id, Action::Reject).await
}

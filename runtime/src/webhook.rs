//! Inbound webhooks. A request to a system's webhook path (`PATH/TOPIC`, or
//! `PATH` with the topic in `?topic=` or the `X-Weft-Topic` header, or
//! `PATH` alone when the system has one topic) is bounded in size, its
//! signature checked (HMAC-SHA256 over the raw body, compared in constant
//! time), and its payload committed to the store for every flow the topic
//! starts. Only then is it answered 202; every refusal is a 4xx with the
//! reason, and is recorded.

use crate::engine::Shared;
use crate::prepared::{SignatureCheck, WebhookRoute};
use crate::store::{Accepted, Rejection};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Handles a request that may be a webhook (the router's fallback).
pub async fn handle(shared: Arc<Shared>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_string();
    let Some((route_path, route, topic)) = route(&shared, &path, &req) else {
        return (
            StatusCode::NOT_FOUND,
            "no webhook or endpoint at this path\n",
        )
            .into_response();
    };
    let system = route.system.clone();
    if req.method() != axum::http::Method::POST {
        return refuse(
            &shared,
            &system,
            &path,
            StatusCode::METHOD_NOT_ALLOWED,
            "webhooks are POST requests",
        )
        .await;
    }
    if !shared.accepting.load(Ordering::SeqCst) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", "5")],
            "weft is shutting down; send again shortly\n",
        )
            .into_response();
    }
    let topic = match topic {
        Some(t) => t,
        None if route.topics.len() == 1 => route.topics.keys().next().cloned().unwrap_or_default(),
        None => {
            let known: Vec<&str> = route.topics.keys().map(String::as_str).collect();
            let reason = format!(
                "say the topic: POST {route_path}/TOPIC, with TOPIC one of: {}",
                known.join(", ")
            );
            return refuse(&shared, &system, &path, StatusCode::NOT_FOUND, &reason).await;
        }
    };
    let Some(flows) = route.topics.get(&topic) else {
        let reason = format!("`{system}` has no flow for the topic `{topic}`");
        return refuse(&shared, &system, &path, StatusCode::NOT_FOUND, &reason).await;
    };
    let max = route.max_body;
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, max).await {
        Ok(b) => b,
        Err(_) => {
            let reason = format!("the body is larger than the {max} bytes `{system}` allows");
            return refuse(
                &shared,
                &system,
                &path,
                StatusCode::PAYLOAD_TOO_LARGE,
                &reason,
            )
            .await;
        }
    };
    if let Some(check) = &route.signature {
        if let Err(reason) = verify(check, &parts.headers, &body) {
            return refuse(&shared, &system, &path, StatusCode::UNAUTHORIZED, &reason).await;
        }
    }
    let Ok(text) = String::from_utf8(Vec::from(body)) else {
        return refuse(
            &shared,
            &system,
            &path,
            StatusCode::BAD_REQUEST,
            "the body is not UTF-8 text",
        )
        .await;
    };
    let origin = format!("webhook {system} {topic}");
    let now = crate::clock::now_ms();
    let arrivals = match crate::ingress::arrivals(&shared.prepared, flows, text, &origin, now) {
        Ok(a) => a,
        Err(reason) => {
            return refuse(&shared, &system, &path, StatusCode::BAD_REQUEST, &reason).await
        }
    };
    let flows: Vec<String> = arrivals.iter().map(|a| a.flow.clone()).collect();
    match shared.accept(arrivals, None).await {
        Ok(accepted) => {
            let items: Vec<serde_json::Value> = flows
                .iter()
                .zip(&accepted)
                .map(|(flow, a)| {
                    serde_json::json!({
                        "flow": flow,
                        "message": a.id(),
                        "duplicate": matches!(a, Accepted::Duplicate(_)),
                    })
                })
                .collect();
            (
                StatusCode::ACCEPTED,
                [("content-type", "application/json")],
                serde_json::json!({ "accepted": items }).to_string(),
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, system, "cannot commit a webhook; answered 503");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [("retry-after", "5")],
                "weft cannot store the message now; send again shortly\n",
            )
                .into_response()
        }
    }
}

/// The route a path belongs to, its path, and the topic the request names.
fn route<'a>(
    shared: &'a Shared,
    path: &str,
    req: &Request<Body>,
) -> Option<(String, &'a WebhookRoute, Option<String>)> {
    let hooks = &shared.prepared.webhooks;
    let from_request = || {
        req.uri()
            .query()
            .and_then(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "topic")
                    .map(|(_, v)| v.into_owned())
            })
            .or_else(|| {
                req.headers()
                    .get("x-weft-topic")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            })
    };
    if let Some(r) = hooks.get(path) {
        return Some((path.to_string(), r, from_request()));
    }
    hooks.iter().find_map(|(p, r)| {
        let rest = path.strip_prefix(p.as_str())?.strip_prefix('/')?;
        let topic = percent_encoding::percent_decode_str(rest).decode_utf8_lossy();
        Some((p.clone(), r, Some(topic.into_owned())))
    })
}

/// Checks the request's signature header against the body.
pub fn verify(check: &SignatureCheck, headers: &HeaderMap, body: &[u8]) -> Result<(), String> {
    let Some(given) = headers
        .get(check.header.as_str())
        .and_then(|v| v.to_str().ok())
    else {
        return Err(format!(
            "the signature header `{}` is missing",
            check.header
        ));
    };
    let given = given.trim();
    let given = given.strip_prefix("sha256=").unwrap_or(given);
    let decoded = match check.encoding.as_str() {
        "base64" => base64::engine::general_purpose::STANDARD.decode(given).ok(),
        _ => hex::decode(given).ok(),
    };
    let Some(decoded) = decoded else {
        return Err(format!(
            "the signature header `{}` is not {} text",
            check.header, check.encoding
        ));
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(check.secret.expose().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&decoded).map_err(|_| {
        format!(
            "the signature in `{}` does not match the body",
            check.header
        )
    })
}

/// Signs `body` the way [`verify`] checks it (for stand-ins, tests and the demo).
pub fn sign(secret: &str, encoding: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    match encoding {
        "base64" => base64::engine::general_purpose::STANDARD.encode(tag),
        _ => hex::encode(tag),
    }
}

async fn refuse(
    shared: &Arc<Shared>,
    system: &str,
    path: &str,
    status: StatusCode,
    reason: &str,
) -> Response {
    shared.metrics.rejected(system);
    tracing::warn!(
        system,
        path,
        status = status.as_u16(),
        reason,
        "webhook refused"
    );
    let rejection = Rejection {
        at: crate::clock::now_ms(),
        system: system.to_string(),
        path: path.to_string(),
        status: status.as_u16(),
        reason: reason.to_string(),
    };
    if let Err(e) = shared.blocking(move |s| s.reject(rejection)).await {
        tracing::error!(error = %e, "cannot record a refused webhook");
    }
    (status, format!("{reason}\n")).into_response()
}

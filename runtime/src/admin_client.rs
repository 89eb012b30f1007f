//! The admin API seen from the other side: what `weft status`, `weft dlq`,
//! `weft held` and `weft trace` call when pointed at a running instance.

use crate::ops::{Detail, Status};
use crate::store::{Message, MessageId};
use serde::de::DeserializeOwned;

/// A client of one instance's admin API.
pub struct AdminClient {
    base: String,
    token: Option<String>,
    client: reqwest::Client,
}

impl AdminClient {
    /// A client of the instance at `url` (`http://host:port`).
    pub fn new(url: &str, token: Option<String>) -> AdminClient {
        AdminClient {
            base: url.trim_end_matches('/').to_string(),
            token,
            client: reqwest::Client::new(),
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> Result<T, String> {
        let url = format!("{}/admin{path}", self.base);
        let mut req = self.client.request(method, &url);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req
            .timeout(std::time::Duration::from_secs(30))
            .send()
            .await
            .map_err(|e| format!("cannot reach {}: {e}", self.base))?;
        let status = resp.status();
        let text = resp.text().await.map_err(|e| e.to_string())?;
        if status.is_success() {
            return serde_json::from_str(&text)
                .map_err(|e| format!("{url} answered something weft cannot read: {e}"));
        }
        let reason = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
            .unwrap_or_else(|| text.trim().to_string());
        Err(match status.as_u16() {
            401 => format!("the admin API refused the token ({reason}); set the one the instance was started with"),
            _ => format!("{reason} (HTTP {})", status.as_u16()),
        })
    }

    /// `weft status`.
    pub async fn status(&self) -> Result<Status, String> {
        self.call(reqwest::Method::GET, "/status").await
    }

    /// Dead (`dlq`) or held (`held`) messages.
    pub async fn list(
        &self,
        queue: &str,
        after: MessageId,
        limit: usize,
    ) -> Result<Vec<Message>, String> {
        self.call(
            reqwest::Method::GET,
            &format!("/{queue}?after={after}&limit={limit}"),
        )
        .await
    }

    /// A message and its trace.
    pub async fn detail(&self, id: MessageId) -> Result<Detail, String> {
        self.call(reqwest::Method::GET, &format!("/messages/{id}"))
            .await
    }

    /// `dlq/ID/replay`, `dlq/ID/discard`, `held/ID/release`, `held/ID/reject`.
    pub async fn act(&self, queue: &str, id: MessageId, verb: &str) -> Result<Message, String> {
        self.call(reqwest::Method::POST, &format!("/{queue}/{id}/{verb}"))
            .await
    }
}

//! A running instance against stand-ins on loopback, for the runtime's tests.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use weft_runtime::standin::{StandIn, StandInConfig};
use weft_runtime::store::{Count, Message, MessageId, State, Store};
use weft_runtime::{Config, Instance, SqliteStore};

/// The webhook secret of the test plan's storefront.
pub const SECRET: &str = "test-webhook-secret";
/// The admin token of instances that turn the admin API on.
pub const ADMIN: &str = "test-admin-token-0123456789";

/// An instance of the test plan, its target, and its folders.
pub struct Harness {
    pub instance: Option<Instance>,
    pub target: StandIn,
    pub dir: tempfile::TempDir,
    pub base: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
}

/// The test plan: a storefront webhook (`orders`), a polled feed (`stock`)
/// and a folder of JSON lines files (`rows`), each delivered to the ERP
/// stand-in under the policy `fast` (4 attempts, 50-200 ms, 300 ms timeout).
pub fn plan_doc(target: &str, secret_file: &str) -> Value {
    let policy = json!({
        "name": "fast",
        "retry": {
            "max_attempts": 4,
            "backoff": { "initial": "50ms", "max": "200ms", "multiplier": 2.0, "jitter": "none" },
            "retry_on": ["timeout", "connect", "http_429", "http_5xx"]
        },
        "timeout": "300ms",
        "dead_letter": true
    });
    let deliver = |path: &str| {
        json!({ "deliver": {
            "target": "erp.create",
            "endpoint": { "system": "erp", "endpoint": "create", "method": "POST", "path": path,
                          "base_url": target, "idempotency_header": "Idempotency-Key" },
            "policy": policy
        }})
    };
    json!({
        "format": "weft-plan", "format_version": 1, "weft_version": "test", "workspace": "test",
        "contracts": {
            "Order@1": { "from": "test", "schema": {
                "type": "object", "required": ["id", "customer", "seq", "total"],
                "properties": {
                    "id": { "type": "string" }, "customer": { "type": "string" },
                    "seq": { "type": "integer" }, "total": { "type": "number" }
                }
            }},
            "Row@1": { "from": "test", "schema": { "type": "object", "required": ["id"] } }
        },
        "mappings": {
            "to_erp": {
                "source": "Order@1", "target": "Order@1", "layout": "keep", "checked": true,
                "body": "order_id = \"SO-{source.id}\"\ncustomer_id = source.customer\nseq = source.seq\ntotal = source.total"
            }
        },
        "functions": {}, "tables": {},
        "systems": {
            "shop": { "role": "storefront", "connector": ["webhook"], "webhook": {
                "path": "/hooks/shop", "max_body": "4KiB",
                "signature": { "header": "X-Sig", "encoding": "hex", "secret": { "file": secret_file } },
                "topics": { "orders": "Order@1" }
            }},
            "erp": { "role": "erp", "connector": ["http", "poll"], "base_url": target,
                     "endpoints": { "create": { "method": "POST", "path": "/orders" } } },
            "tpl": { "role": "threepl", "connector": ["file"],
                     "files": { "path": "inbox", "format": "jsonl", "record": "Row@1", "archive": "done" } }
        },
        "policies": {},
        "flows": {
            "orders": {
                "trigger": { "webhook": { "system": "shop", "topic": "orders", "contract": "Order@1" } },
                "source": "Order@1",
                "steps": [
                    { "validate": "Order@1" },
                    { "map": "to_erp" },
                    { "hold": { "when": "current.total > 1000", "reason": "credit-review" } },
                    deliver("/orders")
                ],
                "idempotency_key": "source.id",
                "ordering_key": "source.customer"
            },
            "stock": {
                "trigger": { "poll": { "system": "erp", "every": "1m",
                    "endpoint": { "system": "erp", "endpoint": "feed", "method": "GET", "path": "/feed", "base_url": target },
                    "cursor": { "param": "since", "field": "rev" } } },
                "steps": [ deliver("/stock") ],
                "idempotency_key": "source.rev"
            },
            "rows": {
                "trigger": { "file": { "system": "tpl", "record": "Row@1",
                    "files": { "path": "inbox", "format": "jsonl", "record": "Row@1", "archive": "done" } } },
                "source": "Row@1",
                "steps": [ { "validate": "Row@1" }, deliver("/rows") ],
                "idempotency_key": "source.id"
            }
        }
    })
}

impl Harness {
    /// Starts a target with `target` settings and an instance of the test
    /// plan changed by `tweak`, with the admin API on.
    pub async fn start(target: StandInConfig, tweak: impl FnOnce(&mut Value)) -> Harness {
        let target = StandIn::start(StandInConfig {
            feeds: vec![("/feed".into(), "since".into(), "rev".into())],
            ..target
        })
        .await
        .expect("the stand-in starts");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let secret_file = dir.path().join("webhook.secret");
        std::fs::write(&secret_file, SECRET).unwrap();
        let mut doc = plan_doc(&target.url(), secret_file.to_str().unwrap());
        tweak(&mut doc);
        let model = weft_plan::PlanModel::from_json(&doc).expect("the test plan reads");
        let plan = weft_plan::seal(model);
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("data")).unwrap());
        let config = Config {
            admin_token: Some(weft_runtime::secrets::Secret::from_value(ADMIN.into())),
            files_root: dir.path().to_path_buf(),
            poll_floor: Some(Duration::from_millis(100)),
            shutdown_grace: Duration::from_secs(3),
            ..Config::default()
        };
        let instance =
            Instance::start(&plan, store.clone(), config, "127.0.0.1:0".parse().unwrap())
                .await
                .expect("the instance starts");
        let base = format!("http://{}", instance.addr());
        Harness {
            instance: Some(instance),
            target,
            dir,
            base,
            client: reqwest::Client::new(),
            store,
        }
    }

    /// Posts a signed order webhook; the status and body of the answer.
    pub async fn order(&self, body: &Value) -> (u16, String) {
        let text = body.to_string();
        let sig = weft_runtime::webhook::sign(SECRET, "hex", text.as_bytes());
        let r = self
            .client
            .post(format!("{}/hooks/shop/orders", self.base))
            .header("X-Sig", sig)
            .body(text)
            .send()
            .await
            .expect("the instance answers");
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Messages per state of one flow.
    pub fn count(&self, flow: &str, state: State) -> u64 {
        self.store
            .counts()
            .unwrap()
            .iter()
            .filter(|c: &&Count| c.flow == flow && c.state == state)
            .map(|c| c.count)
            .sum()
    }

    /// Waits (up to 20 s) until `done` holds; panics with `what` otherwise.
    pub async fn until(&self, what: &str, done: impl Fn(&Harness) -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !done(self) {
            if std::time::Instant::now() > deadline {
                let counts = self.store.counts().unwrap();
                panic!("timed out waiting for {what}; store: {counts:?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// One message.
    pub fn message(&self, id: MessageId) -> Message {
        self.store.message(id).unwrap()
    }

    /// The kinds of a message's events, in order.
    pub fn kinds(&self, id: MessageId) -> Vec<String> {
        self.store
            .trace(id)
            .unwrap()
            .into_iter()
            .map(|e| e.event.kind)
            .collect()
    }

    /// An admin API call with the token.
    pub async fn admin(&self, method: reqwest::Method, path: &str) -> (u16, Value) {
        let r = self
            .client
            .request(method, format!("{}/admin{path}", self.base))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Stops the instance gracefully.
    pub async fn stop(&mut self) {
        if let Some(i) = self.instance.take() {
            i.shutdown().await;
        }
    }
}

/// The message id in a 202 answer.
pub fn accepted_id(body: &str) -> MessageId {
    let v: Value = serde_json::from_str(body).unwrap();
    v["accepted"][0]["message"].as_i64().unwrap()
}

/// An order for `customer` with sequence `seq`.
pub fn order(id: &str, customer: &str, seq: i64, total: f64) -> Value {
    json!({ "id": id, "customer": customer, "seq": seq, "total": total })
}

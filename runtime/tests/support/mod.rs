//! A running instance against stand-ins on loopback, for the runtime's tests.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use weft_runtime::standin::{StandIn, StandInConfig};
use weft_runtime::store::{Count, Message, MessageId, State, Store};
use weft_runtime::testplan::TestPlan;
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
    pub plan: weft_plan::Plan,
    pub config: Config,
}

/// The test plan (`weft_runtime::testplan`, `orders` held above 1000) plus
/// a polled feed (`stock`), one paged with tokens on a cron schedule
/// (`paged`, polled as often as `stock` under the test's poll floor), and a folder of JSON lines files (`rows`), each
/// delivered to the ERP stand-in under the policy `fast` (4 attempts,
/// 50-200 ms, 300 ms timeout).
pub fn plan_doc(target: &str, secret_file: &str) -> Value {
    let mut p = TestPlan::new(target, secret_file);
    p.hold_above = Some(1000.0);
    let mut doc = p.doc();
    doc["contracts"]["Row@1"] =
        json!({ "from": "test", "schema": { "type": "object", "required": ["id"] } });
    doc["systems"]["erp"]["connector"] = json!(["http", "poll"]);
    doc["systems"]["tpl"] = json!({ "role": "threepl", "connector": ["file"],
        "files": { "path": "inbox", "format": "jsonl", "record": "Row@1", "archive": "done" } });
    doc["flows"]["stock"] = json!({
        "trigger": { "poll": { "system": "erp", "every": "1m",
            "endpoint": { "system": "erp", "endpoint": "feed", "method": "GET", "path": "/feed", "base_url": target },
            "cursor": { "param": "since", "field": "rev" } } },
        "steps": [ p.deliver("/stock") ],
        "idempotency_key": "source.rev"
    });
    doc["flows"]["paged"] = json!({
        "trigger": { "poll": { "system": "erp", "cron": "*/5 * * * *", "timezone": "Europe/Berlin",
            "endpoint": { "system": "erp", "endpoint": "paged", "method": "GET", "path": "/paged", "base_url": target },
            "records": "data.items",
            "cursor": { "param": "since", "field": "rev" },
            "pages": { "param": "page", "next": "meta.next" } } },
        "steps": [ p.deliver("/levels") ],
        "idempotency_key": "source.rev"
    });
    doc["flows"]["rows"] = json!({
        "trigger": { "file": { "system": "tpl", "record": "Row@1",
            "files": { "path": "inbox", "format": "jsonl", "record": "Row@1", "archive": "done" } } },
        "source": "Row@1",
        "steps": [ { "validate": "Row@1" }, p.deliver("/rows") ],
        "idempotency_key": "source.id"
    });
    doc
}

impl Harness {
    /// Starts a target with `target` settings and an instance of the test
    /// plan changed by `tweak`, with the admin API on.
    pub async fn start(target: StandInConfig, tweak: impl FnOnce(&mut Value)) -> Harness {
        let target = StandIn::start(StandInConfig {
            feeds: vec![
                ("/feed".into(), "since".into(), "rev".into()),
                ("/paged".into(), "since".into(), "rev".into()),
                ("/linked".into(), "since".into(), "rev".into()),
            ],
            paged_feeds: vec![("/paged".into(), "page".into())],
            linked_feeds: vec![("/linked".into(), "page_info".into())],
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
        let instance = Instance::start(
            &plan,
            store.clone(),
            config.clone(),
            "127.0.0.1:0".parse().unwrap(),
        )
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
            plan,
            config,
        }
    }

    /// Stops the instance and starts a new one on the same plan and store,
    /// with `config` from now on.
    pub async fn restart(&mut self, config: Config) {
        self.stop().await;
        let instance = Instance::start(
            &self.plan,
            self.store.clone(),
            config.clone(),
            "127.0.0.1:0".parse().unwrap(),
        )
        .await
        .expect("the instance starts again");
        self.base = format!("http://{}", instance.addr());
        self.instance = Some(instance);
        self.config = config;
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

pub use weft_runtime::testplan::order;

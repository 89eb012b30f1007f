//! A small plan for tests, the crash test and the load benchmark: a signed
//! storefront webhook (`orders`) whose payload is validated, mapped,
//! optionally held above a total, and delivered to one target under a
//! retry policy, with idempotency and ordering keys. Built as a plan
//! document so tests exercise the same loading path as `weft run`.

use serde_json::{json, Value};

/// The webhook path and topic of the `orders` flow.
pub const WEBHOOK_PATH: &str = "/hooks/shop/orders";
/// The signature header (HMAC-SHA256, hex) of the webhook.
pub const SIGNATURE_HEADER: &str = "X-Sig";

/// Settings of the test plan.
#[derive(Clone, Debug)]
pub struct TestPlan {
    /// The target's base URL.
    pub target: String,
    /// A file holding the webhook secret.
    pub secret_file: String,
    /// Hold orders whose total is above this.
    pub hold_above: Option<f64>,
    pub max_attempts: u32,
    /// Backoff: initial and maximum delay, e.g. `50ms`, `200ms`.
    pub backoff: (String, String),
    pub timeout: String,
}

impl TestPlan {
    /// Defaults: no hold, 4 attempts, 50-200 ms without jitter, 300 ms timeout.
    pub fn new(target: &str, secret_file: &str) -> TestPlan {
        TestPlan {
            target: target.into(),
            secret_file: secret_file.into(),
            hold_above: None,
            max_attempts: 4,
            backoff: ("50ms".into(), "200ms".into()),
            timeout: "300ms".into(),
        }
    }

    /// The delivery step to `path` on the target (also used by other flows of a test).
    pub fn deliver(&self, path: &str) -> Value {
        json!({ "deliver": {
            "target": "erp.create",
            "endpoint": { "system": "erp", "endpoint": "create", "method": "POST", "path": path,
                          "base_url": self.target, "idempotency_header": "Idempotency-Key" },
            "policy": {
                "name": "fast",
                "retry": {
                    "max_attempts": self.max_attempts,
                    "backoff": { "initial": self.backoff.0, "max": self.backoff.1, "multiplier": 2.0,
                                 "jitter": if self.max_attempts > 10 { "full" } else { "none" } },
                    "retry_on": ["timeout", "connect", "http_429", "http_5xx"]
                },
                "timeout": self.timeout,
                "dead_letter": true
            }
        }})
    }

    /// The plan document (unsealed).
    pub fn doc(&self) -> Value {
        let mut steps = vec![json!({ "validate": "Order@1" }), json!({ "map": "to_erp" })];
        if let Some(limit) = self.hold_above {
            steps.push(json!({ "hold": { "when": format!("current.total > {limit}"), "reason": "credit-review" } }));
        }
        steps.push(self.deliver("/orders"));
        json!({
            "format": "weft-plan", "format_version": 1, "weft_version": "test", "workspace": "test",
            "contracts": {
                "Order@1": { "from": "test", "schema": {
                    "type": "object", "required": ["id", "customer", "seq", "total"],
                    "properties": {
                        "id": { "type": "string" }, "customer": { "type": "string" },
                        "seq": { "type": "integer" }, "total": { "type": "number" }
                    }
                }}
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
                    "signature": { "header": SIGNATURE_HEADER, "encoding": "hex", "secret": { "file": self.secret_file } },
                    "topics": { "orders": "Order@1" }
                }},
                "erp": { "role": "erp", "connector": ["http"], "base_url": self.target,
                         "endpoints": { "create": { "method": "POST", "path": "/orders" } } }
            },
            "policies": {},
            "flows": {
                "orders": {
                    "trigger": { "webhook": { "system": "shop", "topic": "orders", "contract": "Order@1" } },
                    "source": "Order@1",
                    "steps": steps,
                    "idempotency_key": "source.id",
                    "ordering_key": "source.customer"
                }
            }
        })
    }

    /// The plan, sealed.
    pub fn seal(&self) -> weft_plan::Plan {
        let model = weft_plan::PlanModel::from_json(&self.doc())
            .expect("the test plan fits the plan model");
        weft_plan::seal(model)
    }
}

/// An order of the test plan's contract.
pub fn order(id: &str, customer: &str, seq: i64, total: f64) -> Value {
    json!({ "id": id, "customer": customer, "seq": seq, "total": total })
}

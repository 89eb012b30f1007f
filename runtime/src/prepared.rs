//! A plan made ready to run: contract validators compiled once, mappings
//! compiled with the workspace's functions and tables, key and condition
//! expressions parsed, secrets resolved, and every outbound host listed.
//! Everything that can fail does so here, at start, with the plan field
//! that is wrong; nothing is looked up by name per message.

use crate::secrets::{self, Secret};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use weft_mapping::ast::Function;
use weft_mapping::{Coerce, CompiledExpr, CompiledMapping, Value};
use weft_plan::model::{Auth, Flow, Policy, Step, Trigger};
use weft_plan::Plan;

/// The plan, ready to run.
pub struct Prepared {
    /// `sha256:...`, recorded with every message and step.
    pub hash: String,
    pub flows: BTreeMap<String, Arc<PreparedFlow>>,
    /// Outbound connections, by system name.
    pub systems: BTreeMap<String, Arc<SystemLink>>,
    /// Inbound webhooks, by path.
    pub webhooks: BTreeMap<String, WebhookRoute>,
    pub globals: Vec<(String, Value)>,
    pub functions: Vec<Function>,
    /// `scheme://host:port` of every system the plan may call.
    pub allowed_origins: BTreeSet<String>,
    /// Contract schemas by `Name@MAJOR` (file triggers type CSV cells by them).
    pub contracts: BTreeMap<String, serde_json::Value>,
}

/// One flow: its steps and keys.
pub struct PreparedFlow {
    pub name: String,
    pub model: Flow,
    pub steps: Vec<PreparedStep>,
    /// Compiled with `source` bound.
    pub idempotency_key: Option<CompiledExpr>,
    pub ordering_key: Option<CompiledExpr>,
    /// When a polling or scheduled trigger fires (checked here, once).
    pub schedule: Option<crate::poll::Schedule>,
}

/// One step, compiled.
pub enum PreparedStep {
    Validate {
        contract: String,
        validator: Arc<jsonschema::Validator>,
    },
    Map {
        name: String,
        mapping: CompiledMapping,
        /// The mapping's text, to place a failure at its line and column.
        body: String,
    },
    /// Conditions are compiled with `source` and `current` bound.
    Filter {
        when: CompiledExpr,
        reason: String,
    },
    Hold {
        when: CompiledExpr,
        reason: String,
    },
    Deliver(Box<Delivery>),
}

/// A delivery: where, how, and under which policy.
pub struct Delivery {
    /// `system.endpoint`.
    pub target: String,
    pub system: String,
    pub method: reqwest::Method,
    /// The base URL, without a trailing slash.
    pub base_url: String,
    /// The path, possibly with `{placeholders}` filled from the message.
    pub path: String,
    /// The whole URL, parsed once, when the path has no placeholders.
    pub url: Option<reqwest::Url>,
    pub idempotency_header: Option<String>,
    pub policy: Effective,
}

/// A policy with every default filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    pub name: String,
    pub max_attempts: u32,
    pub initial_ms: u64,
    pub max_ms: u64,
    pub multiplier: f64,
    pub jitter: Jitter,
    /// Failure classes worth retrying (`timeout`, `connect`, `http_429`, `http_5xx`, ...).
    pub retry_on: Vec<String>,
    pub timeout_ms: u64,
    /// Failures within `window_ms` that open the breaker, and how long it stays open.
    pub breaker: Option<(u64, u64, u64)>,
    pub dead_letter: bool,
    /// Requests per second and burst, when the policy limits them.
    pub rate_limit: Option<(f64, u64)>,
}

/// How backoff delays are randomized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    None,
    Full,
    Equal,
    Decorrelated,
}

/// Retried by default: timeouts, failed connections, 408, 429 and 5xx.
pub const DEFAULT_RETRY_ON: [&str; 5] = ["timeout", "connect", "http_408", "http_429", "http_5xx"];

impl Effective {
    /// The policy's settings, or weft's defaults where it says nothing.
    pub fn of(policy: Option<&Policy>) -> Effective {
        let retry = policy.and_then(|p| p.retry.as_ref());
        let backoff = retry.and_then(|r| r.backoff.as_ref());
        let jitter = match backoff.and_then(|b| b.jitter.as_deref()) {
            Some("none") => Jitter::None,
            Some("equal") => Jitter::Equal,
            Some("decorrelated") => Jitter::Decorrelated,
            _ => Jitter::Full,
        };
        let breaker = policy.and_then(|p| p.circuit_breaker.as_ref()).map(|b| {
            (
                b.failures,
                b.window.map_or(60_000, |d| d.0),
                b.cool_down.map_or(30_000, |d| d.0),
            )
        });
        Effective {
            name: policy.map_or_else(|| "default".to_string(), |p| p.name.clone()),
            max_attempts: retry.map_or(5, |r| r.max_attempts.clamp(1, 1000) as u32),
            initial_ms: backoff.and_then(|b| b.initial).map_or(1_000, |d| d.0),
            max_ms: backoff.and_then(|b| b.max).map_or(300_000, |d| d.0),
            multiplier: backoff.and_then(|b| b.multiplier).unwrap_or(2.0),
            jitter,
            retry_on: match retry {
                Some(r) if !r.retry_on.is_empty() => r.retry_on.clone(),
                _ => DEFAULT_RETRY_ON.iter().map(|s| s.to_string()).collect(),
            },
            timeout_ms: policy.and_then(|p| p.timeout).map_or(30_000, |d| d.0),
            breaker,
            dead_letter: policy.and_then(|p| p.dead_letter).unwrap_or(true),
            rate_limit: policy.and_then(|p| p.rate_limit.as_ref()).map(bucket),
        }
    }
}

/// How weft reaches one system.
pub struct SystemLink {
    pub name: String,
    pub base_url: Option<String>,
    pub auth: Option<Credentials>,
    /// Requests per second and burst.
    pub rate_limit: Option<(f64, u64)>,
}

/// Resolved credentials.
pub enum Credentials {
    Bearer(Secret),
    Basic(Secret, Secret),
    Header(String, Secret),
    OAuth2 {
        token_url: String,
        client_id: Secret,
        client_secret: Secret,
        scopes: Vec<String>,
    },
}

/// An inbound webhook path.
pub struct WebhookRoute {
    pub system: String,
    pub signature: Option<SignatureCheck>,
    pub max_body: usize,
    /// Topic -> the flows it starts (with the contract of its payload).
    pub topics: BTreeMap<String, Vec<String>>,
}

/// How a webhook's signature is checked.
pub struct SignatureCheck {
    pub header: String,
    /// `hex` or `base64`.
    pub encoding: String,
    pub secret: Secret,
}

/// Default bound on a webhook body when the system declares none.
pub const DEFAULT_MAX_BODY: usize = 1 << 20;

impl Prepared {
    /// Prepares `plan`; the error lists every problem found, one per line.
    pub fn new(plan: &Plan) -> Result<Prepared, String> {
        let model = &plan.model;
        let mut errors = Vec::new();
        let functions: Vec<Function> = model
            .functions
            .iter()
            .filter_map(
                |(name, f)| match weft_mapping::parse_function_body(&f.body) {
                    Ok(body) => Some(Function {
                        name: name.clone(),
                        params: f.params.clone(),
                        body,
                    }),
                    Err(e) => {
                        errors.push(format!("functions.{name}: does not parse: {e}"));
                        None
                    }
                },
            )
            .collect();
        let globals: Vec<(String, Value)> = model
            .tables
            .iter()
            .filter_map(|(name, t)| {
                let coerce: Coerce = serde_json::from_value(t.value_layout.clone()).ok()?;
                let entries = t
                    .entries
                    .iter()
                    .filter_map(|(k, v)| {
                        Some((k.as_str().into(), Value::from_json(v, &coerce).ok()?))
                    })
                    .collect();
                Some((name.clone(), Value::Object(entries)))
            })
            .collect();

        let mut systems = BTreeMap::new();
        let mut allowed_origins = BTreeSet::new();
        let mut webhooks = BTreeMap::new();
        for (name, s) in &model.systems {
            let base_url = match &s.base_url {
                Some(b) => match secrets::setting(b, &format!("systems.{name}.base_url")) {
                    Ok(url) => match origin(&url) {
                        Ok(o) => {
                            allowed_origins.insert(o);
                            Some(url.trim_end_matches('/').to_string())
                        }
                        Err(e) => {
                            errors.push(format!("systems.{name}.base_url: {e}"));
                            None
                        }
                    },
                    Err(e) => {
                        errors.push(e);
                        None
                    }
                },
                None => None,
            };
            let auth = s.auth.as_ref().and_then(|a| {
                let at = format!("systems.{name}.auth");
                let r = credentials(a, &at, &mut allowed_origins);
                r.map_err(|e| errors.push(e)).ok()
            });
            let rate_limit = s.rate_limit.as_ref().map(bucket);
            systems.insert(
                name.clone(),
                Arc::new(SystemLink {
                    name: name.clone(),
                    base_url,
                    auth,
                    rate_limit,
                }),
            );
            if let Some(w) = &s.webhook {
                let path = w.path.clone().unwrap_or_else(|| format!("/hooks/{name}"));
                let signature = w.signature.as_ref().and_then(|sig| {
                    let at = format!("systems.{name}.webhook.signature.secret");
                    match secrets::resolve(&sig.secret, &at) {
                        Ok(secret) => Some(SignatureCheck {
                            header: sig.header.clone(),
                            encoding: sig.encoding.clone().unwrap_or_else(|| "hex".into()),
                            secret,
                        }),
                        Err(e) => {
                            errors.push(e);
                            None
                        }
                    }
                });
                webhooks.insert(
                    path,
                    WebhookRoute {
                        system: name.clone(),
                        signature,
                        max_body: w.max_body.map_or(DEFAULT_MAX_BODY, |b| b.0 as usize),
                        topics: BTreeMap::new(),
                    },
                );
            }
        }

        let mut flows = BTreeMap::new();
        for (name, f) in &model.flows {
            let at = format!("flows.{name}");
            if let Trigger::Webhook { system, topic, .. } = &f.trigger {
                match webhooks.values_mut().find(|w| &w.system == system) {
                    Some(route) => route
                        .topics
                        .entry(topic.clone().unwrap_or_default())
                        .or_default()
                        .push(name.clone()),
                    None => errors.push(format!(
                        "{at}.trigger: system `{system}` declares no webhook"
                    )),
                }
            }
            let schedule = match &f.trigger {
                Trigger::Poll { .. } | Trigger::Schedule { .. } => {
                    crate::poll::Schedule::of(&f.trigger)
                        .map_err(|e| errors.push(format!("{at}.trigger: {e}")))
                        .ok()
                }
                _ => None,
            };
            if let Trigger::Poll {
                system, endpoint, ..
            } = &f.trigger
            {
                match systems.get(system).and_then(|s| s.base_url.as_deref()) {
                    Some(base) => {
                        if let Err(m) = stays_on(base, &endpoint.path) {
                            errors.push(format!("{at}.trigger: {m}"));
                        }
                    }
                    None => errors.push(format!(
                        "{at}.trigger: system `{system}` has no base_url to poll; give it one"
                    )),
                }
            }
            let steps = f
                .steps
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let at = format!("{at}.steps[{i}]");
                    step(s, model, &systems, &globals, &functions, &at)
                        .map_err(|e| errors.push(e))
                        .ok()
                })
                .collect();
            let mut expr = |text: &Option<String>, what: &str| {
                text.as_ref().and_then(|t| {
                    weft_mapping::parse_expr(t)
                        .map_err(|e| errors.push(format!("{at}.{what}: does not parse: {e}")))
                        .ok()
                        .map(|e| CompiledExpr::new(&e, &["source"], &globals, &functions))
                })
            };
            let idempotency_key = expr(&f.idempotency_key, "idempotency_key");
            let ordering_key = expr(&f.ordering_key, "ordering_key");
            flows.insert(
                name.clone(),
                Arc::new(PreparedFlow {
                    name: name.clone(),
                    model: f.clone(),
                    steps,
                    idempotency_key,
                    ordering_key,
                    schedule,
                }),
            );
        }
        if !errors.is_empty() {
            return Err(errors.join("\n"));
        }
        Ok(Prepared {
            hash: plan.hash.clone(),
            flows,
            systems,
            webhooks,
            globals,
            functions,
            allowed_origins,
            contracts: model
                .contracts
                .iter()
                .map(|(k, c)| (k.clone(), c.schema.clone()))
                .collect(),
        })
    }
}

fn step(
    s: &Step,
    model: &weft_plan::PlanModel,
    systems: &BTreeMap<String, Arc<SystemLink>>,
    globals: &[(String, Value)],
    functions: &[Function],
    at: &str,
) -> Result<PreparedStep, String> {
    let condition = |when: &str| {
        weft_mapping::parse_expr(when)
            .map(|e| CompiledExpr::new(&e, &["source", "current"], globals, functions))
            .map_err(|e| format!("{at}: the condition does not parse: {e}"))
    };
    Ok(match s {
        Step::Validate(contract) => {
            let c = model
                .contracts
                .get(contract)
                .ok_or_else(|| format!("{at}: contract `{contract}` is not in the plan"))?;
            PreparedStep::Validate {
                contract: contract.clone(),
                validator: Arc::new(validator(&c.schema).map_err(|e| format!("{at}: {e}"))?),
            }
        }
        Step::Map(name) => {
            let m = model
                .mappings
                .get(name)
                .ok_or_else(|| format!("{at}: mapping `{name}` is not in the plan"))?;
            let body = weft_mapping::parse_body(&m.body).map_err(|e| {
                let all: Vec<String> = e.iter().map(|e| e.to_string()).collect();
                format!("{at}: mapping `{name}` does not parse: {}", all.join("; "))
            })?;
            let layout: Coerce = serde_json::from_value(m.layout.clone()).map_err(|e| {
                format!("{at}: mapping `{name}` has a layout weft cannot read: {e}")
            })?;
            PreparedStep::Map {
                name: name.clone(),
                mapping: CompiledMapping::new(body, functions.to_vec(), globals.to_vec(), &layout),
                body: m.body.clone(),
            }
        }
        Step::Filter(c) => PreparedStep::Filter {
            when: condition(&c.when)?,
            reason: c.reason.clone().unwrap_or_else(|| c.when.clone()),
        },
        Step::Hold(c) => PreparedStep::Hold {
            when: condition(&c.when)?,
            reason: c.reason.clone().unwrap_or_else(|| c.when.clone()),
        },
        Step::Deliver(d) => {
            let e = &d.endpoint;
            let link = systems
                .get(&e.system)
                .ok_or_else(|| format!("{at}: system `{}` is not in the plan", e.system))?;
            let base_url = link.base_url.clone().ok_or_else(|| {
                format!("{at}: system `{}` has no base_url to deliver to", e.system)
            })?;
            stays_on(&base_url, &e.path).map_err(|m| format!("{at}: {m}"))?;
            let method = reqwest::Method::from_bytes(e.method.to_ascii_uppercase().as_bytes())
                .map_err(|_| format!("{at}: `{}` is not an HTTP method", e.method))?;
            let url =
                crate::delivery::fixed_url(&base_url, &e.path).map_err(|m| format!("{at}: {m}"))?;
            PreparedStep::Deliver(Box::new(Delivery {
                target: d.target.clone(),
                system: e.system.clone(),
                method,
                base_url,
                path: e.path.clone(),
                url,
                idempotency_header: e.idempotency_header.clone(),
                policy: Effective::of(d.policy.as_ref()),
            }))
        }
    })
}

/// Checks that `path` (with any placeholder value, which deliveries
/// percent-encode) keeps requests on `base_url`'s origin, so the origin is
/// checked once here and not per attempt.
fn stays_on(base_url: &str, path: &str) -> Result<(), String> {
    let mut filled = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        filled.push('x');
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    filled.push_str(rest);
    let url = format!("{base_url}{filled}");
    if origin(&url)? == origin(base_url)? {
        Ok(())
    } else {
        Err(format!(
            "the path `{path}` takes requests off the system's base URL; write a path starting with `/`"
        ))
    }
}

/// A rate limit as a token bucket: per second, and the burst (one
/// second's worth when the spec gives none).
fn bucket(r: &weft_plan::model::RateLimit) -> (f64, u64) {
    (
        r.per_second,
        r.burst.unwrap_or(r.per_second.ceil().max(1.0) as u64),
    )
}

/// Compiles a contract's schema (once per plan).
pub fn validator(schema: &serde_json::Value) -> Result<jsonschema::Validator, String> {
    jsonschema::validator_for(schema)
        .map_err(|e| format!("the contract's schema does not compile: {e}"))
}

fn credentials(a: &Auth, at: &str, origins: &mut BTreeSet<String>) -> Result<Credentials, String> {
    Ok(match a {
        Auth::Bearer(r) => Credentials::Bearer(secrets::resolve(r, &format!("{at}.bearer"))?),
        Auth::Basic { username, password } => Credentials::Basic(
            secrets::resolve(username, &format!("{at}.basic.username"))?,
            secrets::resolve(password, &format!("{at}.basic.password"))?,
        ),
        Auth::Header { name, value } => Credentials::Header(
            name.clone(),
            secrets::resolve(value, &format!("{at}.header.value"))?,
        ),
        Auth::OAuth2 {
            token_url,
            client_id,
            client_secret,
            scopes,
        } => {
            let token_url = secrets::setting(token_url, &format!("{at}.oauth2.token_url"))?;
            origins.insert(origin(&token_url).map_err(|e| format!("{at}.oauth2.token_url: {e}"))?);
            Credentials::OAuth2 {
                token_url,
                client_id: secrets::resolve(client_id, &format!("{at}.oauth2.client_id"))?,
                client_secret: secrets::resolve(
                    client_secret,
                    &format!("{at}.oauth2.client_secret"),
                )?,
                scopes: scopes.clone(),
            }
        }
    })
}

/// `scheme://host:port` of a URL, the unit outbound calls are allowed by.
pub fn origin(url: &str) -> Result<String, String> {
    let u = reqwest::Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(format!("`{url}` is not an http or https URL"));
    }
    let host = u.host_str().ok_or_else(|| format!("`{url}` has no host"))?;
    let port = u.port_or_known_default().unwrap_or(0);
    Ok(format!("{}://{host}:{port}", u.scheme()))
}

#[cfg(test)]
mod tests {
    use super::stays_on;

    #[test]
    fn a_path_must_keep_requests_on_the_base_url() {
        assert_eq!(
            stays_on("https://erp.example", "/orders/{id}/lines"),
            Ok(())
        );
        assert_eq!(stays_on("http://127.0.0.1:9", "/a?b={c}"), Ok(()));
        for path in ["@evil.example/x", "{host}.evil.example/x", ".evil.example/"] {
            let e = stays_on("https://erp.example", path).unwrap_err();
            assert!(
                e.contains("takes requests off the system's base URL"),
                "{path}: {e}"
            );
        }
    }
}

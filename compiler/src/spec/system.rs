//! `kind: system`: an adapter to one external system (ERP, WMS, storefront, 3PL).

use crate::source::{Loc, Spanned};
use crate::spec::{contract_ref, spanned_str, Meta, RefSlot};
use crate::yaml::{Key, Node};

/// How weft talks to a system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    Http,
    Webhook,
    Poll,
    File,
}

impl Connector {
    pub fn parse(s: &str) -> Option<Connector> {
        Some(match s {
            "http" => Connector::Http,
            "webhook" => Connector::Webhook,
            "poll" => Connector::Poll,
            "file" => Connector::File,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Connector::Http => "http",
            Connector::Webhook => "webhook",
            Connector::Poll => "poll",
            Connector::File => "file",
        }
    }
}

/// A named outbound operation.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub name: Spanned<String>,
    pub method: Option<String>,
    pub path: Option<String>,
    pub body: Option<RefSlot>,
    pub response: Option<RefSlot>,
    pub idempotency_header: Option<String>,
}

/// Inbound webhook configuration.
#[derive(Clone, Debug)]
pub struct Webhook {
    pub loc: Loc,
    pub topics: Vec<(Spanned<String>, Option<RefSlot>)>,
}

/// Inbound files configuration.
#[derive(Clone, Debug)]
pub struct Files {
    pub loc: Loc,
    pub record: Option<RefSlot>,
}

/// A value that must be a secret reference, and where it was found.
#[derive(Clone, Debug)]
pub struct SecretSlot {
    /// Dotted path in the document, e.g. `auth.bearer`.
    pub path: String,
    pub node: Node,
}

/// A system and its endpoints.
#[derive(Clone, Debug)]
pub struct System {
    pub meta: Meta,
    pub role: Option<Spanned<String>>,
    pub connectors: Vec<Spanned<Connector>>,
    pub connector_loc: Loc,
    pub endpoints: Vec<Endpoint>,
    pub webhook: Option<Webhook>,
    pub files: Option<Files>,
    /// Values that must be secret references (auth credentials, signing secrets).
    pub secrets: Vec<SecretSlot>,
    /// `base_url` when written as a literal string (checked for embedded credentials).
    pub base_url: Option<Spanned<String>>,
    /// Whether `base_url` is given at all (a string or a secret reference).
    pub has_base_url: bool,
}

/// Keys whose values are credentials wherever they appear in a system.
const SECRET_KEYS: [&str; 10] = [
    "password",
    "secret",
    "token",
    "api_key",
    "apikey",
    "client_secret",
    "private_key",
    "access_token",
    "bearer",
    "signing_key",
];

/// The entry `key: value` at `path`, and everything under it, checked for
/// keys that name a secret.
fn secret_entry(key: &Key, value: &Node, path: String, out: &mut Vec<SecretSlot>) {
    let lower = key.name.to_ascii_lowercase();
    if SECRET_KEYS.contains(&lower.as_str()) && !out.iter().any(|s| s.node.loc == value.loc) {
        out.push(SecretSlot {
            path: path.clone(),
            node: value.clone(),
        });
    }
    secret_named_keys(value, &path, out);
}

fn secret_named_keys(node: &Node, path: &str, out: &mut Vec<SecretSlot>) {
    match &node.value {
        crate::yaml::NodeValue::Map(entries) => {
            for (k, v) in entries {
                let p = if path.is_empty() {
                    k.name.clone()
                } else {
                    format!("{path}.{}", k.name)
                };
                secret_entry(k, v, p, out);
            }
        }
        crate::yaml::NodeValue::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                secret_named_keys(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

impl System {
    pub fn has(&self, c: Connector) -> bool {
        self.connectors.iter().any(|s| s.value == c)
    }

    pub fn endpoint(&self, name: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.name.value == name)
    }

    /// Reads a system; `dropped` are its entries left out as duplicate keys,
    /// scanned for secrets too (their text is in the file all the same).
    pub fn decode(doc: &Node, dropped: &[(Key, Node)], meta: Meta) -> System {
        let connectors = match doc.get("connector") {
            Some(n) => match n.as_seq() {
                Some(items) => items
                    .iter()
                    .filter_map(|i| Some(Spanned::new(Connector::parse(i.as_str()?)?, i.loc)))
                    .collect(),
                None => n
                    .as_str()
                    .and_then(Connector::parse)
                    .map(|c| vec![Spanned::new(c, n.loc)])
                    .unwrap_or_default(),
            },
            None => Vec::new(),
        };
        let endpoints = doc
            .get("endpoints")
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| Endpoint {
                name: Spanned::new(k.name.clone(), k.loc),
                method: v.get_str("method").map(str::to_string),
                path: v.get_str("path").map(str::to_string),
                body: contract_ref(v, "body"),
                response: contract_ref(v, "response"),
                idempotency_header: v.get_str("idempotency_header").map(str::to_string),
            })
            .collect();
        let webhook = doc.entry("webhook").map(|(k, w)| Webhook {
            loc: k.loc,
            topics: w
                .get("topics")
                .and_then(Node::as_map)
                .unwrap_or_default()
                .iter()
                .map(|(k, v)| {
                    (
                        Spanned::new(k.name.clone(), k.loc),
                        v.as_str()
                            .map(|s| RefSlot::new(Spanned::new(s.to_string(), v.loc))),
                    )
                })
                .collect(),
        });
        let files = doc.entry("files").map(|(k, f)| Files {
            loc: k.loc,
            record: contract_ref(f, "record"),
        });
        let mut secrets = Vec::new();
        let mut slot = |path: &str, node: Option<&Node>| {
            if let Some(node) = node {
                secrets.push(SecretSlot {
                    path: path.to_string(),
                    node: node.clone(),
                });
            }
        };
        if let Some(auth) = doc.get("auth") {
            slot("auth.bearer", auth.get("bearer"));
            if let Some(basic) = auth.get("basic") {
                slot("auth.basic.password", basic.get("password"));
            }
            if let Some(header) = auth.get("header") {
                slot("auth.header.value", header.get("value"));
            }
            if let Some(oauth) = auth.get("oauth2") {
                slot("auth.oauth2.client_secret", oauth.get("client_secret"));
            }
        }
        if let Some(sig) = doc.get("webhook").and_then(|w| w.get("signature")) {
            slot("webhook.signature.secret", sig.get("secret"));
        }
        secret_named_keys(doc, "", &mut secrets);
        for (k, v) in dropped {
            secret_entry(k, v, format!("{} (repeated)", k.name), &mut secrets);
        }
        System {
            role: spanned_str(doc, "role"),
            connector_loc: doc.key_loc("connector"),
            connectors,
            endpoints,
            webhook,
            files,
            secrets,
            base_url: spanned_str(doc, "base_url"),
            has_base_url: doc.get("base_url").is_some(),
            meta,
        }
    }

    /// Every contract reference in the system.
    pub fn contract_refs(&self) -> Vec<&RefSlot> {
        let mut out: Vec<&RefSlot> = Vec::new();
        for e in &self.endpoints {
            out.extend(e.body.iter().chain(e.response.iter()));
        }
        if let Some(w) = &self.webhook {
            out.extend(w.topics.iter().filter_map(|(_, r)| r.as_ref()));
        }
        if let Some(f) = &self.files {
            out.extend(f.record.iter());
        }
        out
    }
}

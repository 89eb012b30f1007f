//! `kind: flow`: a trigger, a source contract and the steps a message goes through.

use crate::source::{Loc, Spanned};
use crate::spec::refs::EndpointRef;
use crate::spec::{contract_ref, spanned_str, Meta, RefSlot};
use crate::yaml::Node;

/// What starts a flow.
#[derive(Clone, Debug)]
pub enum Trigger {
    Webhook {
        system: Option<Spanned<String>>,
        topic: Option<Spanned<String>>,
    },
    Poll {
        system: Option<Spanned<String>>,
        endpoint: Option<Spanned<String>>,
        cron: Option<Cron>,
    },
    Schedule {
        cron: Option<Cron>,
    },
    File {
        system: Option<Spanned<String>>,
    },
}

/// A cron expression and the time zone it is read in.
#[derive(Clone, Debug)]
pub struct Cron {
    pub expression: Spanned<String>,
    pub timezone: Option<Spanned<String>>,
}

impl Cron {
    fn decode(body: &Node) -> Option<Cron> {
        Some(Cron {
            expression: spanned_str(body, "cron")?,
            timezone: spanned_str(body, "timezone"),
        })
    }
}

impl Trigger {
    /// The trigger's cron expression, if it has one.
    pub fn cron(&self) -> Option<&Cron> {
        match self {
            Trigger::Poll { cron, .. } | Trigger::Schedule { cron } => cron.as_ref(),
            _ => None,
        }
    }

    /// The system the trigger reads from, if any.
    pub fn system(&self) -> Option<&Spanned<String>> {
        match self {
            Trigger::Webhook { system, .. }
            | Trigger::Poll { system, .. }
            | Trigger::File { system } => system.as_ref(),
            Trigger::Schedule { .. } => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Trigger::Webhook { .. } => "webhook",
            Trigger::Poll { .. } => "poll",
            Trigger::Schedule { .. } => "schedule",
            Trigger::File { .. } => "file",
        }
    }
}

/// One step of a flow.
#[derive(Clone, Debug)]
pub enum Step {
    Validate(RefSlot),
    Map(Spanned<String>),
    Filter {
        when: Option<Spanned<String>>,
        reason: Option<Spanned<String>>,
    },
    Hold {
        when: Option<Spanned<String>>,
        reason: Option<Spanned<String>>,
    },
    Deliver {
        target: Spanned<String>,
        endpoint: Option<EndpointRef>,
        policy: Option<Spanned<String>>,
    },
}

#[derive(Clone, Debug)]
pub struct Flow {
    pub meta: Meta,
    pub domain: Option<Spanned<String>>,
    pub trigger: Option<(Trigger, Loc)>,
    pub source: Option<RefSlot>,
    pub steps: Vec<(Step, Loc)>,
    pub idempotency_key: Option<Spanned<String>>,
    pub ordering_key: Option<Spanned<String>>,
    pub policy: Option<Spanned<String>>,
}

impl Flow {
    pub fn decode(doc: &Node, meta: Meta) -> Flow {
        let trigger = doc.entry("trigger").and_then(|(k, t)| {
            let (kind_key, body) = t.as_map()?.first()?;
            let trigger = match kind_key.name.as_str() {
                "webhook" => Trigger::Webhook {
                    system: spanned_str(body, "system"),
                    topic: spanned_str(body, "topic"),
                },
                "poll" => Trigger::Poll {
                    system: spanned_str(body, "system"),
                    endpoint: spanned_str(body, "endpoint"),
                    cron: Cron::decode(body),
                },
                "schedule" => Trigger::Schedule {
                    cron: Cron::decode(body),
                },
                "file" => Trigger::File {
                    system: spanned_str(body, "system"),
                },
                _ => return None,
            };
            Some((trigger, k.loc))
        });
        let steps = doc
            .get("steps")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| {
                let (key, body) = s.as_map()?.first()?;
                let step = match key.name.as_str() {
                    "validate" => Step::Validate(RefSlot::new(Spanned::new(
                        body.as_str()?.to_string(),
                        body.loc,
                    ))),
                    "map" => Step::Map(Spanned::new(body.as_str()?.to_string(), body.loc)),
                    "filter" => Step::Filter {
                        when: spanned_str(body, "when"),
                        reason: spanned_str(body, "reason"),
                    },
                    "hold" => Step::Hold {
                        when: spanned_str(body, "when"),
                        reason: spanned_str(body, "reason"),
                    },
                    "deliver" => {
                        let (target, policy) = match body.as_str() {
                            Some(t) => (Spanned::new(t.to_string(), body.loc), None),
                            None => (spanned_str(body, "endpoint")?, spanned_str(body, "policy")),
                        };
                        Step::Deliver {
                            endpoint: EndpointRef::parse(&target.value),
                            target,
                            policy,
                        }
                    }
                    _ => return None,
                };
                Some((step, key.loc))
            })
            .collect();
        Flow {
            domain: spanned_str(doc, "domain"),
            trigger,
            source: contract_ref(doc, "source"),
            steps,
            idempotency_key: spanned_str(doc, "idempotency_key"),
            ordering_key: spanned_str(doc, "ordering_key"),
            policy: spanned_str(doc, "policy"),
            meta,
        }
    }

    /// Every contract reference in the flow.
    pub fn contract_refs(&self) -> Vec<&RefSlot> {
        let mut out: Vec<&RefSlot> = self.source.iter().collect();
        for (step, _) in &self.steps {
            if let Step::Validate(r) = step {
                out.push(r);
            }
        }
        out
    }

    /// The deliver steps: endpoint and step-level policy.
    pub fn deliveries(
        &self,
    ) -> impl Iterator<
        Item = (
            &Spanned<String>,
            Option<&EndpointRef>,
            Option<&Spanned<String>>,
        ),
    > {
        self.steps.iter().filter_map(|(s, _)| match s {
            Step::Deliver {
                target,
                endpoint,
                policy,
            } => Some((target, endpoint.as_ref(), policy.as_ref())),
            _ => None,
        })
    }
}

//! The operator commands: `weft status`, `weft dlq`, `weft held`, `weft
//! trace`. Each works on a data directory (opened directly, safe while an
//! instance runs on it) or on a running instance through its admin API.

use super::Failure;
use std::path::PathBuf;
use weft_runtime::admin_client::AdminClient;
use weft_runtime::ops::{self, Detail, Status};
use weft_runtime::store::{Action, Message, MessageId, State, Store};

/// Where the operator's command goes.
pub enum Target {
    /// A data directory.
    Dir(PathBuf),
    /// A running instance's admin API, with the bearer token.
    Url(String, Option<String>),
}

/// One operator command.
pub enum Op {
    Status,
    List {
        state: State,
        after: MessageId,
        limit: usize,
    },
    Show(MessageId),
    Act {
        id: MessageId,
        action: Action,
        plan: Option<PathBuf>,
    },
}

/// Runs `op` against `target`, printing JSON or text.
pub fn run(target: Target, op: Op, json: bool) -> Result<(), Failure> {
    let out = match target {
        Target::Dir(dir) => local(&dir, op)?,
        Target::Url(url, token) => remote(&url, token, op)?,
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&out.json()).expect("views serialize")
        );
    } else {
        print!("{}", out.text());
    }
    Ok(())
}

/// What a command shows.
enum View {
    Status(Status),
    List(State, Vec<Message>),
    Detail(Detail),
    Done(String, Message),
}

fn local(dir: &std::path::Path, op: Op) -> Result<View, Failure> {
    if !dir.join("weft.db").exists() {
        return Err(Failure::input(format!(
            "{} holds no weft store (no weft.db); give the --data-dir of `weft run`",
            dir.display()
        )));
    }
    let store = weft_runtime::SqliteStore::open(dir).map_err(|e| Failure::input(e.to_string()))?;
    let store: &dyn Store = &store;
    let fail = |e: weft_runtime::store::StoreError| Failure::refused(e.to_string());
    Ok(match op {
        Op::Status => View::Status(ops::status(store, None).map_err(fail)?),
        Op::List {
            state,
            after,
            limit,
        } => View::List(state, ops::list(store, state, after, limit).map_err(fail)?),
        Op::Show(id) => View::Detail(ops::detail(store, id).map_err(fail)?),
        Op::Act { id, action, plan } => {
            let action = match (action, plan) {
                (Action::Replay { .. }, Some(p)) => Action::Replay {
                    plan_hash: super::plan::read_plan(&p)?.hash,
                },
                (Action::Replay { .. }, None) => Action::Replay {
                    plan_hash: store.message(id).map_err(fail)?.plan_hash,
                },
                (a, _) => a,
            };
            let verb = action.kind();
            let m =
                ops::act(store, id, action, "cli", weft_runtime::clock::now_ms()).map_err(fail)?;
            View::Done(verb.into(), m)
        }
    })
}

fn remote(url: &str, token: Option<String>, op: Op) -> Result<View, Failure> {
    let client = AdminClient::new(url, token);
    let rt = tokio::runtime::Runtime::new().map_err(|e| Failure::internal(e.to_string()))?;
    rt.block_on(async {
        Ok(match op {
            Op::Status => View::Status(client.status().await.map_err(Failure::refused)?),
            Op::List { state, after, limit } => {
                let queue = if state == State::Held { "held" } else { "dlq" };
                View::List(state, client.list(queue, after, limit).await.map_err(Failure::refused)?)
            }
            Op::Show(id) => View::Detail(client.detail(id).await.map_err(Failure::refused)?),
            Op::Act { id, action, plan } => {
                if plan.is_some() {
                    return Err(Failure::input(
                        "--plan applies to a data directory; a running instance replays under the plan it runs",
                    ));
                }
                let (queue, verb) = match action {
                    Action::Release => ("held", "release"),
                    Action::Reject => ("held", "reject"),
                    Action::Replay { .. } => ("dlq", "replay"),
                    Action::Discard => ("dlq", "discard"),
                };
                let m = client.act(queue, id, verb).await.map_err(Failure::refused)?;
                View::Done(action.kind().into(), m)
            }
        })
    })
}

/// A time in the store (ms since the epoch) as RFC 3339, to the millisecond.
fn time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| format!("{t:.3}"))
        .unwrap_or_else(|_| ms.to_string())
}

impl View {
    fn json(&self) -> serde_json::Value {
        match self {
            View::Status(s) => serde_json::to_value(s),
            View::List(_, l) => serde_json::to_value(l),
            View::Detail(d) => serde_json::to_value(d),
            View::Done(verb, m) => Ok(serde_json::json!({ "done": verb, "message": m })),
        }
        .expect("views serialize")
    }

    fn text(&self) -> String {
        let mut out = String::new();
        match self {
            View::Status(s) => {
                if let Some(h) = &s.plan_hash {
                    out.push_str(&format!("running plan {h}\n"));
                }
                let states: Vec<State> = State::ALL.to_vec();
                out.push_str(&format!("{:<28}", "flow"));
                for st in &states {
                    out.push_str(&format!("{:>10}", st.as_str()));
                }
                out.push('\n');
                for (flow, counts) in &s.flows {
                    out.push_str(&format!("{flow:<28}"));
                    for st in &states {
                        out.push_str(&format!(
                            "{:>10}",
                            counts.get(st.as_str()).copied().unwrap_or(0)
                        ));
                    }
                    out.push('\n');
                }
                if s.flows.is_empty() {
                    out.push_str("(no messages yet)\n");
                }
                if !s.rejections.is_empty() {
                    out.push_str("\nrefused webhook requests (latest first):\n");
                    for r in &s.rejections {
                        out.push_str(&format!(
                            "  {}  {} {}  {}  {}\n",
                            time(r.at),
                            r.system,
                            r.path,
                            r.status,
                            r.reason
                        ));
                    }
                }
            }
            View::List(state, l) => {
                if l.is_empty() {
                    out.push_str(&format!("no {state} messages\n"));
                }
                for m in l {
                    out.push_str(&format!(
                        "{:>8}  {:<26} {}  attempts {}  {}\n",
                        m.id,
                        m.flow,
                        time(m.received_at),
                        m.attempts,
                        m.reason.as_deref().unwrap_or("")
                    ));
                }
            }
            View::Detail(d) => {
                let m = &d.message;
                out.push_str(&format!(
                    "message {}  flow {}  {}\n  from {}, received {}\n  plan {}\n",
                    m.id,
                    m.flow,
                    m.state,
                    m.origin,
                    time(m.received_at),
                    m.plan_hash
                ));
                if let Some(k) = &m.idempotency_key {
                    out.push_str(&format!("  idempotency key {k}\n"));
                }
                if let Some(k) = &m.ordering_key {
                    out.push_str(&format!("  ordering key {k}\n"));
                }
                if let Some(r) = &m.reason {
                    out.push_str(&format!("  reason: {r}\n"));
                }
                for e in &d.trace {
                    let e = &e.event;
                    let mut line = format!("  {}  {:<16}", time(e.at), e.kind);
                    if let Some(s) = e.step {
                        line.push_str(&format!(" step {s}"));
                    }
                    if let Some(a) = e.attempt {
                        line.push_str(&format!(" attempt {a}"));
                    }
                    if let Some(us) = e.duration_us {
                        line.push_str(&format!(" ({:.1} ms)", us as f64 / 1000.0));
                    }
                    if let Some(d) = &e.detail {
                        line.push_str(&format!("  {d}"));
                    }
                    out.push_str(line.trim_end());
                    out.push('\n');
                }
            }
            View::Done(verb, m) => {
                out.push_str(&format!("message {} {verb}: now {}\n", m.id, m.state));
            }
        }
        out
    }
}

//! The `weft` command line.

mod commands;
mod human;
mod out;
mod revision;

/// mimalloc instead of the system allocator: under load `weft run` spent a
/// tenth of its CPU in glibc's malloc and free (many short-lived buffers
/// per message, across threads).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};
use commands::exit_code;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "weft",
    version,
    about = "Integration-as-code: check, diff, plan and run integration specs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output format of findings.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Readable text with source snippets, on stderr.
    Human,
    /// Versioned JSON (docs/formats.md), on stdout.
    Json,
    /// GitHub Actions workflow commands (annotations), on stdout.
    Github,
    /// SARIF 2.1.0 for code scanning, on stdout.
    Sarif,
    /// JUnit XML for CI test reports, on stdout.
    Junit,
}

/// Output format of `weft lineage`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LineageFormat {
    /// One line per target field.
    Human,
    /// Versioned JSON with source positions.
    Json,
    /// The OpenLineage column-lineage dataset facet.
    Openlineage,
}

/// Output format of plan diffs (`weft plan --against`, `weft plan diff`).
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum PlanFormat {
    /// Grouped by part, with a unified diff of each changed entry.
    Human,
    /// A pull-request comment: a summary table, diffs in collapsible blocks.
    Markdown,
    /// Versioned JSON.
    Json,
}

/// Output format of `weft diff`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    /// Grouped by contract, with locations, impact and the spec diffs.
    Human,
    /// A pull-request comment: a summary table, details collapsible.
    Markdown,
    /// Versioned JSON (schemas/weft-diff.schema.json).
    Json,
    /// GitHub Actions annotations.
    Github,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// JUnit XML: a test case per contract and per other changed spec.
    Junit,
}

/// Compatibility profile of `weft diff`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Compat {
    /// Exact set semantics: old documents may carry undeclared names with any value.
    Strict,
    /// Adding or removing optional properties in open content models is compatible.
    Lenient,
}

/// Output format of `weft test`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum TestFormat {
    /// PASS/FAIL lines with a diff of expected vs actual JSON, on stderr.
    Human,
    /// Versioned JSON, on stdout.
    Json,
    /// JUnit XML, on stdout.
    Junit,
}

#[derive(Subcommand)]
enum Command {
    /// Validate every spec of a workspace and enforce the governance rules.
    Check {
        /// The workspace folder (holding weft.yaml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Evaluate sunset dates as of this day (YYYY-MM-DD) instead of today.
        #[arg(long, value_parser = parse_date)]
        today: Option<String>,
    },
    /// Create a new workspace from the starter template.
    Init {
        /// The folder to create (must be new or empty).
        dir: PathBuf,
        /// The workspace name (default: the folder name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Print the documentation of a rule.
    Explain {
        /// A rule id (`literal-secret`) or code (`WF406`).
        rule: Option<String>,
        /// Print every rule (the content of docs/rules.md).
        #[arg(long, conflicts_with = "rule")]
        all: bool,
    },
    /// Run the mapping tests (`kind: test`) of a workspace.
    Test {
        /// The workspace folder (holding weft.yaml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: TestFormat,
        /// Inputs to generate from each mapping's source contract for the
        /// property check (0 turns it off).
        #[arg(long, default_value_t = 100, value_name = "N")]
        generate: usize,
        /// Seed of the generated inputs (the same seed, the same inputs).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Show which source fields each target field of a mapping reads.
    Lineage {
        /// The mapping's name.
        mapping: String,
        /// The workspace folder.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: LineageFormat,
    },
    /// List the mapping language's functions.
    Functions {
        /// Print the full reference (the content of docs/functions.md).
        #[arg(long)]
        markdown: bool,
    },
    /// Compile a workspace that passes `weft check` into one sealed plan file.
    #[command(args_conflicts_with_subcommands = true)]
    Plan {
        #[command(subcommand)]
        action: Option<PlanAction>,
        /// The workspace folder (holding weft.yaml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Where to write the plan (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The plan deployed now: show what deploying this one would change.
        #[arg(long, value_name = "DEPLOYED")]
        against: Option<PathBuf>,
        /// Format of the `--against` diff.
        #[arg(long, value_enum, default_value = "human", requires = "against")]
        format: PlanFormat,
    },
    /// What changed between two versions of a workspace, what it breaks and for whom.
    ///
    /// `weft diff --base main` compares the workspace in the current folder
    /// (or `--dir`) at git revision `main` with the working tree (or
    /// `--head REV`); `weft diff OLD_DIR NEW_DIR` compares two folders.
    /// Exit 0: nothing fails; 1: an unapproved breaking change or a wrong
    /// version bump; 2: unusable input.
    Diff {
        /// Two workspace folders, old then new (instead of `--base`).
        #[arg(num_args = 0..=2, value_names = ["OLD_DIR", "NEW_DIR"])]
        folders: Vec<PathBuf>,
        /// The git revision to compare against (a branch, tag or commit).
        #[arg(long, conflicts_with = "folders")]
        base: Option<String>,
        /// The git revision to compare (default: the working tree).
        #[arg(long, requires = "base")]
        head: Option<String>,
        /// The workspace folder, with `--base`.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: DiffFormat,
        /// Compatibility profile (default: `compat:` in weft.yaml, else lenient).
        #[arg(long, value_enum)]
        compat: Option<Compat>,
        /// Approve every breaking change (for label-driven approval in CI).
        #[arg(long)]
        allow_breaking: bool,
        /// The date sunsets and approval expiries are compared with (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        today: Option<String>,
    },
    /// Create an Ed25519 key pair for signing plans: FILE and FILE.pub.
    Keygen {
        /// The secret key file to write (the public key goes to FILE.pub).
        #[arg(default_value = "weft-signing.key")]
        file: PathBuf,
        /// Replace existing key files.
        #[arg(long)]
        force: bool,
    },
    /// Sign a plan: writes a detached signature (PLAN.sig).
    Sign {
        plan: PathBuf,
        /// The secret key: a file, or `env:NAME`.
        #[arg(long)]
        key: String,
        /// Where to write the signature (default: PLAN.sig).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Check a plan's hash and its signature against trusted public keys.
    Verify {
        plan: PathBuf,
        /// A trusted public key: a file, or `env:NAME` (repeatable).
        #[arg(long, required = true)]
        trust: Vec<String>,
        /// The signature file (default: PLAN.sig).
        #[arg(long)]
        signature: Option<PathBuf>,
    },
    /// Summarize a plan for operators: flows, triggers, targets, policies.
    Inspect { plan: PathBuf },
    /// Check, plan and run a workspace against local stand-ins of its systems,
    /// send sample events through every flow, and show what happened.
    Demo {
        /// The workspace folder.
        #[arg(default_value = "specs/northwind")]
        dir: PathBuf,
        /// Keep the store here (for `weft status` and `weft trace` afterwards).
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
    /// Run a plan: receive, map and deliver, durably, until SIGTERM or Ctrl-C.
    Run {
        /// The plan file (`weft plan -o plan.json`).
        plan: PathBuf,
        /// Where the store lives (created if missing; one instance per directory).
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
        /// Address of the HTTP server (webhooks, /metrics, /healthz, /readyz, /admin).
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        listen: std::net::SocketAddr,
        /// A trusted public key, a file or `env:NAME` (repeatable; `WEFT_TRUST`
        /// adds a comma-separated list). With any, an unsigned or wrongly
        /// signed plan is refused.
        #[arg(long, value_name = "KEY")]
        trust: Vec<String>,
        /// The plan's signature file (default: PLAN.sig).
        #[arg(long)]
        signature: Option<PathBuf>,
        /// The environment variable holding the admin API's bearer token
        /// (without it the admin API is off).
        #[arg(long, value_name = "VAR")]
        admin_token_env: Option<String>,
        /// The folder file triggers' paths are relative to (default: the current folder).
        #[arg(long, value_name = "DIR")]
        files_root: Option<PathBuf>,
        /// Messages run at once.
        #[arg(long, default_value_t = 512)]
        max_in_flight: usize,
        /// Deliveries at once, over all systems.
        #[arg(long, default_value_t = 64)]
        max_deliveries: usize,
        /// How long an idempotency key deduplicates arrivals (e.g. 7d, 12h).
        #[arg(long, default_value = "7d", value_parser = parse_duration)]
        dedup_window: std::time::Duration,
        /// How long SIGTERM waits for in-flight messages.
        #[arg(long, default_value = "10s", value_parser = parse_duration)]
        shutdown_grace: std::time::Duration,
        /// Log as text instead of JSON lines.
        #[arg(long)]
        log_text: bool,
    },
    /// Messages per flow and state, and the latest refused webhook requests.
    Status {
        #[command(flatten)]
        target: OpsTarget,
    },
    /// The dead-letter queue: list, show, replay or discard messages.
    Dlq {
        #[command(subcommand)]
        action: DlqAction,
        #[command(flatten)]
        target: OpsTarget,
    },
    /// Held messages: list, release or reject them.
    Held {
        #[command(subcommand)]
        action: HeldAction,
        #[command(flatten)]
        target: OpsTarget,
    },
    /// Every step, attempt and timing of one message.
    Trace {
        id: i64,
        #[command(flatten)]
        target: OpsTarget,
    },
    /// Print a contract as JSON Schema.
    Schema {
        /// The contract, as `Name@MAJOR`.
        contract: String,
        /// The workspace folder.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
}

/// Where an operator command goes: a data directory or a running instance.
#[derive(clap::Args)]
struct OpsTarget {
    /// The data directory of `weft run`.
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "url")]
    data_dir: Option<PathBuf>,
    /// A running instance (`http://host:port`), through its admin API.
    #[arg(long, global = true)]
    url: Option<String>,
    /// The environment variable holding the admin API's bearer token.
    #[arg(
        long,
        global = true,
        default_value = "WEFT_ADMIN_TOKEN",
        value_name = "VAR"
    )]
    token_env: String,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
enum DlqAction {
    /// Dead-lettered messages, oldest first.
    List {
        /// Start after this message id.
        #[arg(long, default_value_t = 0)]
        after: i64,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// One message with its trace.
    Show { id: i64 },
    /// Send a message through its flow again, from the first step.
    Replay {
        id: i64,
        /// Record the replay under this (newer) plan (data directory only; a
        /// running instance replays under the plan it runs).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
    /// Remove a message from the queue (it stays in the audit trail).
    Discard { id: i64 },
}

#[derive(Subcommand)]
enum HeldAction {
    /// Held messages, oldest first.
    List {
        #[arg(long, default_value_t = 0)]
        after: i64,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Let a message go on past its hold.
    Release { id: i64 },
    /// Stop a held message for good.
    Reject { id: i64 },
}

impl DlqAction {
    /// What the command asks of the store or instance.
    fn op(self) -> commands::operate::Op {
        use commands::operate::Op;
        use weft_runtime::store::{Action, State};
        match self {
            DlqAction::List { after, limit } => Op::List {
                state: State::Dead,
                after,
                limit,
            },
            DlqAction::Show { id } => Op::Show(id),
            DlqAction::Replay { id, plan } => Op::Act {
                id,
                // Filled in when the command runs: from `--plan`, else the
                // message's own plan (an instance replays under its own).
                action: Action::Replay {
                    plan_hash: String::new(),
                },
                plan,
            },
            DlqAction::Discard { id } => Op::Act {
                id,
                action: Action::Discard,
                plan: None,
            },
        }
    }
}

impl HeldAction {
    /// What the command asks of the store or instance.
    fn op(self) -> commands::operate::Op {
        use commands::operate::Op;
        use weft_runtime::store::{Action, State};
        let act = |id, action| Op::Act {
            id,
            action,
            plan: None,
        };
        match self {
            HeldAction::List { after, limit } => Op::List {
                state: State::Held,
                after,
                limit,
            },
            HeldAction::Release { id } => act(id, Action::Release),
            HeldAction::Reject { id } => act(id, Action::Reject),
        }
    }
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    weft_plan::model::Duration::parse(s)
        .map(|d| d.std())
        .ok_or_else(|| format!("`{s}` is not a duration: write e.g. 500ms, 30s, 5m, 12h or 7d"))
}

fn operate(target: OpsTarget, op: commands::operate::Op) -> i32 {
    use commands::operate::Target;
    let t = match (target.data_dir, target.url) {
        (Some(d), _) => Target::Dir(d),
        (None, Some(u)) => Target::Url(u, std::env::var(&target.token_env).ok()),
        (None, None) => {
            eprintln!("error: say where: --data-dir DIR (the store of `weft run`) or --url http://HOST:PORT (a running instance)");
            return 2;
        }
    };
    exit_code(commands::operate::run(t, op, target.json))
}

#[derive(Subcommand)]
enum PlanAction {
    /// What deploying NEW instead of OLD would change.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: PlanFormat,
    },
}

fn parse_date(s: &str) -> Result<String, String> {
    s.parse::<jiff::civil::Date>()
        .map(|d| d.to_string())
        .map_err(|_| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

/// Exit code of an internal error (a bug), as documented in docs/formats.md.
const INTERNAL_ERROR: i32 = 101;

fn main() {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("internal error: {info}");
        eprintln!(
            "this is a bug in weft {}; please report it with the input that caused it",
            env!("CARGO_PKG_VERSION")
        );
        std::process::exit(INTERNAL_ERROR);
    }));
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check { dir, format, today } => commands::check::run(&dir, format, today),
        Command::Init { dir, name } => commands::init::run(&dir, name),
        Command::Explain { rule, all } => commands::explain::run(rule, all),
        Command::Schema { contract, dir } => commands::schema::run(&dir, &contract),
        Command::Test {
            dir,
            format,
            generate,
            seed,
        } => commands::test::run(&dir, format, generate, seed),
        Command::Functions { markdown } => commands::functions::run(markdown),
        Command::Plan {
            action: Some(PlanAction::Diff { old, new, format }),
            ..
        } => exit_code(commands::plan::diff_files(&old, &new, format)),
        Command::Plan {
            action: None,
            dir,
            output,
            against,
            format,
        } => exit_code(commands::plan::run(
            &dir,
            output.as_deref(),
            against.as_deref(),
            format,
        )),
        Command::Keygen { file, force } => exit_code(commands::sign::keygen(&file, force)),
        Command::Sign { plan, key, output } => {
            exit_code(commands::sign::sign(&plan, &key, output.as_deref()))
        }
        Command::Verify {
            plan,
            trust,
            signature,
        } => exit_code(commands::sign::verify(&plan, signature.as_deref(), &trust)),
        Command::Inspect { plan } => exit_code(commands::plan::inspect(&plan)),
        Command::Diff {
            folders,
            base,
            head,
            dir,
            format,
            compat,
            allow_breaking,
            today,
        } => {
            let request = commands::diff::Request {
                folders,
                dir,
                base,
                head,
                format,
                profile: compat.map(|c| match c {
                    Compat::Strict => weft_compat::Profile::Strict,
                    Compat::Lenient => weft_compat::Profile::Lenient,
                }),
                allow_breaking,
                today,
            };
            commands::diff::run(request).unwrap_or_else(|f| {
                eprintln!("error: {}", f.message);
                f.code
            })
        }
        Command::Run {
            plan,
            data_dir,
            listen,
            trust,
            signature,
            admin_token_env,
            files_root,
            max_in_flight,
            max_deliveries,
            dedup_window,
            shutdown_grace,
            log_text,
        } => exit_code(commands::run::run(commands::run::Request {
            plan,
            data_dir,
            listen,
            trust,
            signature,
            admin_token_env,
            files_root,
            max_in_flight,
            max_deliveries,
            dedup_window,
            shutdown_grace,
            log_text,
        })),
        Command::Demo { dir, data_dir } => exit_code(commands::demo::run(&dir, data_dir)),
        Command::Status { target } => operate(target, commands::operate::Op::Status),
        Command::Trace { id, target } => operate(target, commands::operate::Op::Show(id)),
        Command::Dlq { action, target } => operate(target, action.op()),
        Command::Held { action, target } => operate(target, action.op()),
        Command::Lineage {
            mapping,
            dir,
            format,
        } => commands::lineage::run(&dir, &mapping, format),
    };
    std::process::exit(code);
}

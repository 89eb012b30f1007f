//! The `weft` command line.

mod commands;
mod human;

use clap::{Parser, Subcommand, ValueEnum};
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
    /// Print a contract as JSON Schema.
    Schema {
        /// The contract, as `Name@MAJOR`.
        contract: String,
        /// The workspace folder.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
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
        Command::Lineage {
            mapping,
            dir,
            format,
        } => commands::lineage::run(&dir, &mapping, format),
    };
    std::process::exit(code);
}

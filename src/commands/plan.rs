//! `weft plan`: compile a checked workspace into one sealed plan file, and
//! show what deploying it would change (`--against`, `weft plan diff`).

use crate::{human, PlanFormat};
use std::path::Path;
use std::process::Command;
use weft_compiler::plan::GitState;
use weft_compiler::{check_workspace, CheckOptions};
use weft_plan::diff::diff;

/// The commit of the checkout holding `dir`, and whether `dir` has
/// uncommitted changes; `None` outside git.
fn git_state(dir: &Path) -> Option<GitState> {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "HEAD"])?;
    let status = git(&[
        "status",
        "--porcelain",
        "--untracked-files=normal",
        "--",
        ".",
    ])?;
    Some(GitState {
        commit,
        clean: status.is_empty(),
    })
}

/// Reads a plan file, verified (format, version, hash).
pub fn read_plan(path: &Path) -> Result<weft_plan::Plan, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    weft_plan::load(&bytes).map_err(|e| format!("`{}`: {e}", path.display()))
}

pub fn run(dir: &Path, out: Option<&Path>, against: Option<&Path>, format: PlanFormat) -> i32 {
    let report = match check_workspace(dir, &CheckOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if report.exit_code() != 0 {
        let sources = &report.compilation.sources;
        eprint!(
            "{}",
            human::render(sources, report.diagnostics(), human::stderr_color())
        );
        eprintln!("error: the workspace does not pass `weft check`; no plan was written");
        return 1;
    }
    let doc = match weft_compiler::plan::build(&report, git_state(dir).as_ref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let plan = weft_plan::seal(doc);
    let text = weft_plan::canonical::pretty(&plan.doc);
    if let Some(deployed) = against {
        let old = match read_plan(deployed) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        };
        print_diff(&old.doc, &plan.doc, format);
    }
    match out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                return 2;
            }
            eprintln!("wrote {} ({})", path.display(), plan.hash);
        }
        None if against.is_none() => print!("{text}"),
        None => {}
    }
    0
}

fn print_diff(old: &serde_json::Value, new: &serde_json::Value, format: PlanFormat) {
    let d = diff(old, new);
    match format {
        PlanFormat::Human => print!("{}", d.human()),
        PlanFormat::Markdown => print!("{}", d.markdown()),
        PlanFormat::Json => println!("{}", serde_json::to_string_pretty(&d).expect("serializes")),
    }
}

/// `weft plan diff OLD NEW`.
pub fn diff_files(old: &Path, new: &Path, format: PlanFormat) -> i32 {
    match (read_plan(old), read_plan(new)) {
        (Ok(a), Ok(b)) => {
            print_diff(&a.doc, &b.doc, format);
            0
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            1
        }
    }
}

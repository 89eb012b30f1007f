//! `weft plan`: compile a checked workspace into one sealed plan file, show
//! what deploying it would change (`--against`, `weft plan diff`), and
//! summarize a plan (`weft inspect`).

use super::Failure;
use crate::{human, out, PlanFormat};
use std::path::Path;
use std::process::Command;
use weft_compiler::check::Report;
use weft_compiler::plan::GitState;
use weft_compiler::{check_workspace, CheckOptions};
use weft_plan::diff::diff;
use weft_plan::PlanError;

/// The commit of the checkout holding `dir`, and whether any file weft read
/// for the plan (workspace files and imported folders, wherever they are)
/// differs from that commit; `None` outside git. Other files in the folder,
/// such as the plan itself or CI reports, do not count.
fn git_state(dir: &Path, report: &Report) -> Option<GitState> {
    let git = |args: &[&std::ffi::OsStr]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse".as_ref(), "HEAD".as_ref()])?;
    let mut args: Vec<&std::ffi::OsStr> =
        vec!["status".as_ref(), "--porcelain".as_ref(), "--".as_ref()];
    let read: Vec<&Path> = report
        .compilation
        .sources
        .files()
        .filter_map(|(_, f)| f.disk_path.as_deref())
        .collect();
    args.extend(read.iter().map(|p| p.as_os_str()));
    let status = git(&args)?;
    Some(GitState {
        commit,
        clean: status.is_empty(),
    })
}

/// Reads and verifies a plan file (format, version, hash).
pub fn read_plan(path: &Path) -> Result<weft_plan::Plan, Failure> {
    weft_plan::load_file(path).map_err(|e| {
        let message = format!("`{}`: {e}", path.display());
        match e {
            PlanError::Unreadable(_) => Failure::input(message),
            _ => Failure::refused(message),
        }
    })
}

/// Checks the workspace in `dir` and compiles it into a sealed plan; a
/// workspace with errors prints them and is refused.
pub fn compile(dir: &Path) -> Result<weft_plan::Plan, Failure> {
    let report = check_workspace(dir, &CheckOptions::default())
        .map_err(|e| Failure::input(e.to_string()))?;
    if report.exit_code() != 0 {
        let sources = &report.compilation.sources;
        eprint!(
            "{}",
            human::render(sources, report.diagnostics(), human::stderr_color())
        );
        return Err(Failure {
            code: report.exit_code(),
            message: "the workspace does not pass `weft check`; no plan was written".into(),
        });
    }
    let model = weft_compiler::plan::build(&report, git_state(dir, &report).as_ref())
        .map_err(|e| Failure::internal(format!("the plan does not fit its format {e}")))?;
    let plan = weft_plan::seal(model);
    Ok(plan)
}

pub fn run(
    dir: &Path,
    output: Option<&Path>,
    against: Option<&Path>,
    format: PlanFormat,
) -> Result<(), Failure> {
    // The deployed plan first: a wrong path should not wait for a full check.
    let deployed = against.map(read_plan).transpose()?;
    let plan = compile(dir)?;
    if let Some(old) = &deployed {
        print_diff(&old.doc, &plan.doc, format);
    }
    match output {
        Some(path) => {
            std::fs::write(path, weft_plan::canonical::pretty(&plan.doc))
                .map_err(|e| Failure::input(format!("cannot write `{}`: {e}", path.display())))?;
            eprintln!("wrote {} ({})", path.display(), plan.hash);
        }
        None if deployed.is_none() => out::print(&weft_plan::canonical::pretty(&plan.doc)),
        None => {}
    }
    Ok(())
}

fn print_diff(old: &serde_json::Value, new: &serde_json::Value, format: PlanFormat) {
    let d = diff(old, new);
    out::print(&match format {
        PlanFormat::Human => d.human(),
        PlanFormat::Markdown => d.markdown(),
        PlanFormat::Json => serde_json::to_string_pretty(&d).expect("serializes") + "\n",
    });
}

/// `weft plan diff OLD NEW`.
pub fn diff_files(old: &Path, new: &Path, format: PlanFormat) -> Result<(), Failure> {
    let (a, b) = (read_plan(old)?, read_plan(new)?);
    print_diff(&a.doc, &b.doc, format);
    Ok(())
}

/// `weft inspect PLAN`.
pub fn inspect(path: &Path) -> Result<(), Failure> {
    let plan = read_plan(path)?;
    out::print(&weft_plan::inspect::summary(&plan.model));
    Ok(())
}

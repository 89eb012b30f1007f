//! `weft diff`: compare two versions of a workspace — two git revisions of
//! it, or two folders — and report what breaks, for whom, and whether the
//! versions say so. Exit 0 when nothing fails, 1 on an unapproved breaking
//! change or a wrong version bump, 2 on unusable input.

use super::Failure;
use crate::revision::{self, Checkout};
use crate::DiffFormat;
use std::path::{Path, PathBuf};
use weft_compiler::check::Report;
use weft_compiler::diff::{compare, DiffOptions};
use weft_compiler::render::{diff as render, diff_ci};
use weft_compiler::{check_workspace, CheckOptions};

/// What was asked for on the command line.
pub struct Request {
    pub folders: Vec<PathBuf>,
    pub dir: PathBuf,
    pub base: Option<String>,
    pub head: Option<String>,
    pub format: DiffFormat,
    pub profile: Option<weft_compat::Profile>,
    pub allow_breaking: bool,
    pub today: Option<String>,
}

fn check(dir: &Path, options: &CheckOptions, side: &str) -> Result<Report, Failure> {
    let report = check_workspace(dir, options)
        .map_err(|e| Failure::input(format!("the {side} workspace cannot be read: {e}")))?;
    let errors = report
        .diagnostics()
        .iter()
        .filter(|d| d.severity == weft_compiler::diagnostic::Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "note: the {side} workspace has {errors} error(s) in `weft check`; the diff compares what could be read (run `weft check` on it)"
        );
    }
    Ok(report)
}

/// An empty workspace standing for one that does not exist at the base
/// revision (it is added by the change). Its name is not compared.
fn empty_workspace() -> Result<tempfile::TempDir, Failure> {
    let dir = tempfile::tempdir().map_err(|e| Failure::input(e.to_string()))?;
    std::fs::write(dir.path().join("weft.yaml"), "workspace: empty-base\n")
        .map_err(|e| Failure::input(e.to_string()))?;
    Ok(dir)
}

pub fn run(req: Request) -> Result<i32, Failure> {
    let check_options = match &req.today {
        Some(t) => CheckOptions { today: t.clone() },
        None => CheckOptions::default(),
    };
    // Keeps temporary checkouts alive until the end.
    let mut keep: Vec<Checkout> = Vec::new();
    let mut keep_empty = None;
    let (old_dir, new_dir, base_label, head_label) = match (&req.folders[..], &req.base) {
        ([old, new], None) => (
            old.clone(),
            new.clone(),
            old.display().to_string(),
            new.display().to_string(),
        ),
        ([], Some(base)) => {
            let (top, prefix) = revision::repository(&req.dir).map_err(Failure::input)?;
            let old = revision::checkout(&top, &prefix, base).map_err(Failure::input)?;
            let (new_dir, head_label) = match &req.head {
                Some(head) => {
                    let new = revision::checkout(&top, &prefix, head).map_err(Failure::input)?;
                    if !new.workspace.join("weft.yaml").is_file() {
                        return Err(Failure::input(format!(
                            "there is no workspace at `{}` in revision {} (no weft.yaml there): give the folder that holds weft.yaml with --dir, or another --head",
                            if prefix.is_empty() { "." } else { prefix.trim_end_matches('/') },
                            new.label
                        )));
                    }
                    let out = (new.workspace.clone(), new.label.clone());
                    keep.push(new);
                    out
                }
                None => (req.dir.clone(), "working tree".to_string()),
            };
            let mut old_dir = old.workspace.clone();
            let base_label = old.label.clone();
            keep.push(old);
            if !old_dir.join("weft.yaml").is_file() {
                let empty = empty_workspace()?;
                old_dir = empty.path().to_path_buf();
                keep_empty = Some(empty);
            }
            (old_dir, new_dir, base_label, head_label)
        }
        _ => {
            return Err(Failure::input(
                "give two folders (`weft diff OLD_DIR NEW_DIR`) or a base revision (`weft diff --base main [--head REV] [--dir WORKSPACE]`)",
            ))
        }
    };
    // The two sides are checked at once, one per core.
    let (old, new) = std::thread::scope(|s| {
        let old = s.spawn(|| check(&old_dir, &check_options, "base"));
        let new = check(&new_dir, &check_options, "head");
        (old.join(), new)
    });
    let old = old.map_err(|_| Failure::internal("checking the base workspace panicked"))??;
    let new = new?;
    let options = DiffOptions {
        profile: req.profile,
        today: check_options.today.clone(),
        allow_breaking: req.allow_breaking,
        base_label,
        head_label,
    };
    let report = compare(&old, &new, &options).map_err(Failure::input)?;
    drop(keep_empty);
    drop(keep);
    let text = match req.format {
        DiffFormat::Human => render::human(&report),
        DiffFormat::Markdown => render::markdown(&report),
        DiffFormat::Json => render::json(&report),
        DiffFormat::Github => diff_ci::github(&report),
        DiffFormat::Sarif => diff_ci::sarif(env!("CARGO_PKG_VERSION"), &report),
        DiffFormat::Junit => diff_ci::junit(&report),
    };
    crate::out::print(&text);
    Ok(report.exit_code())
}

//! Running the real `weft` binary in tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The date every test checks against, so sunset findings do not drift.
pub const TODAY: &str = "2026-11-23";

/// What one run printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `weft` with `args` in the repository root, without colour.
pub fn weft(args: &[&str]) -> Run {
    weft_in(&repo(), args)
}

/// Runs `weft` with `args` in `dir`.
pub fn weft_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("weft runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> String {
    repo()
        .join("tests/fixtures")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// Copies a folder tree (for tests that modify a workspace).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Checks that a generated document in the repository is up to date;
/// with `WEFT_UPDATE_DOCS` set, rewrites it first.
pub fn assert_generated(rel: &str, generated: &str, test_name: &str) {
    let path = repo().join(rel);
    if std::env::var_os("WEFT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{rel} is stale: run `WEFT_UPDATE_DOCS=1 cargo test --test cli {test_name}`"
    );
}

/// Runs git in `dir` with a fixed identity; panics with git's message when it fails.
#[allow(dead_code)] // not every test binary uses it
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Replaces the first `from` in the file at `path` with `to`, after checking
/// that it is there; returns the text as it was.
#[allow(dead_code)] // not every test binary uses it
pub fn replace_in(path: &Path, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    text
}

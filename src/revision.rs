//! A workspace as it was at a git revision: the revision's tree written to a
//! temporary folder (`git ls-tree` + `git cat-file --batch`; the working tree
//! and the index are not touched), with the workspace at the same place
//! below the repository root as the folder it was asked for.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A revision's tree on disk; removed when dropped.
pub struct Checkout {
    _dir: tempfile::TempDir,
    /// The workspace folder inside it.
    pub workspace: PathBuf,
    /// `REV (abcdef123456)`.
    pub label: String,
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e} (install git, or compare two folders: `weft diff OLD_DIR NEW_DIR`)"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The repository root holding `dir` and `dir`'s path below it (`""` or `a/b/`).
pub fn repository(dir: &Path) -> Result<(PathBuf, String), String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| {
        format!(
            "`{}` is not inside a git repository ({e}): compare two folders instead, `weft diff OLD_DIR NEW_DIR`",
            dir.display()
        )
    })?;
    let prefix = git(dir, &["rev-parse", "--show-prefix"])?;
    Ok((PathBuf::from(top), prefix))
}

/// The commit `rev` names, with a clear message when the clone lacks it.
fn resolve(top: &Path, rev: &str) -> Result<String, String> {
    if let Ok(sha) = git(
        top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    ) {
        if !sha.is_empty() {
            return Ok(sha);
        }
    }
    let shallow = git(top, &["rev-parse", "--is-shallow-repository"]).unwrap_or_default() == "true";
    Err(if shallow {
        format!(
            "revision `{rev}` is not in this clone, which is shallow: fetch it (`git fetch --no-tags --depth=1 origin {rev}`), or check out with full history (GitHub Actions: `actions/checkout` with `fetch-depth: 0`)"
        )
    } else {
        format!("revision `{rev}` does not name a commit in this repository (try a branch, a tag or a commit id; `git fetch` it first if it is remote)")
    })
}

/// Writes the tree of `rev` to a temporary folder.
pub fn checkout(top: &Path, prefix: &str, rev: &str) -> Result<Checkout, String> {
    let sha = resolve(top, rev)?;
    let dir = tempfile::Builder::new()
        .prefix("weft-diff-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let listing = git(top, &["ls-tree", "-r", "-z", "--full-tree", &sha])?;
    let mut blobs: Vec<(String, String)> = Vec::new();
    for entry in listing.split('\0').filter(|e| !e.is_empty()) {
        // `<mode> <type> <object>\t<path>`; symbolic links and submodules are skipped.
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split(' ');
        let (mode, kind, object) = (parts.next(), parts.next(), parts.next());
        if kind == Some("blob") && mode != Some("120000") {
            if let Some(object) = object {
                blobs.push((object.to_string(), path.to_string()));
            }
        }
    }
    write_blobs(top, &blobs, dir.path())?;
    Ok(Checkout {
        workspace: dir.path().join(prefix),
        _dir: dir,
        label: format!("{rev} ({})", &sha[..12.min(sha.len())]),
    })
}

/// Reads every blob through one `git cat-file --batch` and writes it under `root`.
fn write_blobs(top: &Path, blobs: &[(String, String)], root: &Path) -> Result<(), String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let ids: String = blobs.iter().map(|(o, _)| format!("{o}\n")).collect();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(ids.as_bytes());
    });
    let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
    for (_, path) in blobs {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| format!("reading from git cat-file: {e}"))?;
        let size: usize = header
            .split(' ')
            .nth(2)
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| format!("unexpected answer from git cat-file: `{}`", header.trim()))?;
        let mut content = vec![0; size + 1]; // the content and a newline
        reader
            .read_exact(&mut content)
            .map_err(|e| format!("reading from git cat-file: {e}"))?;
        content.pop();
        let target = root.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot write `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&target, content)
            .map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(())
}

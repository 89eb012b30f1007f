//! `weft init`: a new workspace from the starter template.

use std::path::Path;

pub fn run(dir: &Path, name: Option<String>) -> i32 {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!(
            "error: `{}` exists and is not empty; choose a new folder",
            dir.display()
        );
        return 2;
    }
    let name = name.unwrap_or_else(|| {
        let base = dir
            .canonicalize()
            .ok()
            .or_else(|| std::env::current_dir().ok().map(|c| c.join(dir)))
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
            .unwrap_or_else(|| "my-workspace".into());
        sanitize(&base)
    });
    let files = weft_stdlib::template("starter").expect("starter template is embedded");
    for (rel, text) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                eprintln!("error: cannot create `{}`: {e}", parent.display());
                return 2;
            }
        }
        if let Err(e) = std::fs::write(&path, text.replace("{{name}}", &name)) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return 2;
        }
    }
    eprintln!("created workspace `{name}` in {}", dir.display());
    eprintln!("next: weft check {}", dir.display());
    0
}

/// A workspace name from a folder name: lowercase letters, digits and `-`.
fn sanitize(s: &str) -> String {
    let mut out: String = s
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    out = out.trim_matches('-').to_string();
    if out.is_empty() || !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out = format!("ws-{out}");
    }
    out
}

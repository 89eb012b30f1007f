//! weft's standard library, embedded in the binary: canonical contracts and
//! policies (`std/distribution@1`) and the `weft init` templates.

use include_dir::{include_dir, Dir, DirEntry};

static PACKAGES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/packages");
static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The files of a standard-library package (`distribution`, major 1), as
/// `(path relative to the package, text)` sorted by path; `None` if there is no such package.
pub fn package(name: &str, major: u64) -> Option<Vec<(String, &'static str)>> {
    let dir = PACKAGES.get_dir(format!("{name}/v{major}"))?;
    let prefix = dir.path().to_path_buf();
    Some(text_files(dir, &prefix))
}

/// Every standard-library package as `std/NAME@MAJOR`, sorted.
pub fn package_names() -> Vec<String> {
    let mut out = Vec::new();
    for pkg in PACKAGES.dirs() {
        for version in pkg.dirs() {
            let (Some(name), Some(v)) = (
                pkg.path().file_name().and_then(|n| n.to_str()),
                version.path().file_name().and_then(|n| n.to_str()),
            ) else {
                continue;
            };
            if let Some(major) = v.strip_prefix('v') {
                out.push(format!("std/{name}@{major}"));
            }
        }
    }
    out.sort();
    out
}

/// The files of a `weft init` template, as `(relative path, text)`.
pub fn template(name: &str) -> Option<Vec<(String, &'static str)>> {
    let dir = TEMPLATES.get_dir(name)?;
    let prefix = dir.path().to_path_buf();
    Some(text_files(dir, &prefix))
}

fn text_files(dir: &'static Dir<'static>, prefix: &std::path::Path) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    collect(dir, prefix, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn collect(
    dir: &'static Dir<'static>,
    prefix: &std::path::Path,
    out: &mut Vec<(String, &'static str)>,
) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(d) => collect(d, prefix, out),
            DirEntry::File(f) => {
                if let (Ok(rel), Some(text)) = (f.path().strip_prefix(prefix), f.contents_utf8()) {
                    let rel = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    out.push((rel, text));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_v1_is_embedded() {
        let files = package("distribution", 1).expect("package");
        assert!(files.iter().any(|(p, _)| p == "weft.yaml"));
        assert!(files.iter().any(|(p, _)| p.starts_with("contracts/")));
        assert_eq!(package("distribution", 99), None);
        assert!(package_names().contains(&"std/distribution@1".to_string()));
    }

    #[test]
    fn starter_template_is_embedded() {
        let files = template("starter").expect("template");
        assert!(files.iter().any(|(p, _)| p == "weft.yaml"));
    }
}

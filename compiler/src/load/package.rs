//! Package roots: the workspace folder, imported folders, and embedded
//! standard-library packages, behind one way of listing and reading files.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Where a package's files live.
#[derive(Debug, Clone)]
pub enum Root {
    Disk(PathBuf),
    Embedded(BTreeMap<String, &'static str>),
}

/// One package being loaded: the workspace itself or an import.
#[derive(Debug, Clone)]
pub struct Package {
    pub root: Root,
    /// Prefix of display names (`""` for the workspace, `std/distribution@1/`, `../shared/`).
    pub prefix: String,
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    Missing,
    OutsidePackage,
    Io(std::io::Error),
    NotUtf8,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Missing => f.write_str("no such file"),
            ReadError::OutsidePackage => {
                f.write_str("the path leaves the workspace or package folder")
            }
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotUtf8 => f.write_str("the file is not UTF-8 text"),
        }
    }
}

/// Folders never searched for specs.
fn skip_dir(name: &str) -> bool {
    name.starts_with('.') || name == "target" || name == "node_modules"
}

impl Package {
    /// Spec files of the package (`.yaml`, `.yml`, `.weft`), relative, `/`-separated, sorted.
    /// Sub-folders holding their own `weft.yaml` are separate packages and are skipped.
    pub fn spec_files(&self) -> Vec<String> {
        let is_spec = |p: &str| p.ends_with(".yaml") || p.ends_with(".yml") || p.ends_with(".weft");
        let mut out = match &self.root {
            Root::Embedded(files) => files.keys().filter(|p| is_spec(p)).cloned().collect(),
            Root::Disk(dir) => {
                let mut out = Vec::new();
                walk(dir, "", &mut out);
                out.retain(|p| is_spec(p));
                out
            }
        };
        out.retain(|p| p != "weft.yaml" && p != crate::diff::APPROVALS_FILE);
        out.sort();
        out
    }

    /// Reads a file by its package-relative path.
    pub fn read(&self, rel: &str) -> Result<String, ReadError> {
        match &self.root {
            Root::Embedded(files) => files
                .get(rel)
                .map(|s| s.to_string())
                .ok_or(ReadError::Missing),
            Root::Disk(dir) => {
                let path = dir.join(rel);
                match std::fs::read(&path) {
                    Ok(bytes) => String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ReadError::Missing),
                    Err(e) => Err(ReadError::Io(e)),
                }
            }
        }
    }

    /// Whether a file exists in the package.
    pub fn exists(&self, rel: &str) -> bool {
        match &self.root {
            Root::Embedded(files) => files.contains_key(rel),
            Root::Disk(dir) => dir.join(rel).is_file(),
        }
    }

    /// The path on disk of a package file, if on disk.
    pub fn disk_path(&self, rel: &str) -> Option<PathBuf> {
        match &self.root {
            Root::Disk(dir) => Some(dir.join(rel)),
            Root::Embedded(_) => None,
        }
    }

    /// The display name of a package file.
    pub fn display(&self, rel: &str) -> String {
        format!("{}{}", self.prefix, rel)
    }
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().to_string();
        let child_rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            if skip_dir(&name) || entry.path().join("weft.yaml").is_file() {
                continue;
            }
            walk(&entry.path(), &child_rel, out);
        } else if ft.is_file() || ft.is_symlink() {
            out.push(child_rel);
        }
    }
}

/// Joins `rel` (relative to the folder of `from`) and normalizes `.` and `..`.
/// `None` when the result would leave the package root.
pub fn join_relative(from: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for c in Path::new(rel).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(s) => parts.push(s.to_str()?),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_inside() {
        assert_eq!(
            join_relative("contracts/shopify/order.yaml", "./order.schema.json").as_deref(),
            Some("contracts/shopify/order.schema.json")
        );
        assert_eq!(
            join_relative("contracts/a.yaml", "../schemas/x.json").as_deref(),
            Some("schemas/x.json")
        );
        assert_eq!(join_relative("a.yaml", "../../etc/passwd"), None);
        assert_eq!(join_relative("a.yaml", "/etc/passwd"), None);
    }
}

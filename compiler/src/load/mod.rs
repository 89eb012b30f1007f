//! Loading a workspace: the manifest, imported packages, every spec file and
//! document, structural validation and decoding into [`Specs`].

mod contracts;
pub mod package;
pub mod structure;
mod weft_file;

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::rules;
use crate::source::{FileId, Loc, Origin, SourceFile, SourceMap, Spanned};
use crate::spec::flow::Flow;
use crate::spec::manifest::{Import, Manifest};
use crate::spec::mapping::Mapping;
use crate::spec::ownership::Ownership;
use crate::spec::policy::Policy;
use crate::spec::system::System;
use crate::spec::test_spec::TestSpec;
use crate::spec::{Meta, RefSlot, Specs, KINDS};
use crate::yaml::{load_documents, Document, Limits, YamlErrorKind};
use package::{Package, Root};
use std::path::{Path, PathBuf};

/// A loaded workspace: sources, manifest, specs and the findings so far.
#[derive(Debug)]
pub struct Compilation {
    pub root: PathBuf,
    pub sources: SourceMap,
    pub manifest: Option<Manifest>,
    pub specs: Specs,
    pub diagnostics: Vec<Diagnostic>,
    /// Some input could not be read at all (exit code 2).
    pub unreadable: bool,
    /// Packages loaded (workspace first), as `(display prefix, origin)`.
    pub packages: Vec<(String, Origin)>,
}

/// Why a workspace could not be loaded at all.
#[derive(Debug)]
pub enum LoadError {
    NotADirectory(PathBuf),
    NoManifest(PathBuf),
    ManifestUnreadable(PathBuf, String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NotADirectory(p) => write!(f, "`{}` is not a folder", p.display()),
            LoadError::NoManifest(p) => write!(
                f,
                "`{}` has no weft.yaml: a workspace is a folder with weft.yaml at its root (create one with `weft init`)",
                p.display()
            ),
            LoadError::ManifestUnreadable(p, e) => write!(f, "cannot read `{}`: {e}", p.display()),
        }
    }
}

impl std::error::Error for LoadError {}

/// Loads the workspace whose `weft.yaml` is in `root`.
pub fn load_workspace(root: &Path) -> Result<Compilation, LoadError> {
    if !root.is_dir() {
        return Err(LoadError::NotADirectory(root.to_path_buf()));
    }
    let manifest_path = root.join("weft.yaml");
    if !manifest_path.is_file() {
        return Err(LoadError::NoManifest(root.to_path_buf()));
    }
    let mut loader = Loader {
        c: Compilation {
            root: root.to_path_buf(),
            sources: SourceMap::default(),
            manifest: None,
            specs: Specs::default(),
            diagnostics: Vec::new(),
            unreadable: false,
            packages: Vec::new(),
        },
        stack: Vec::new(),
        loaded_dirs: Vec::new(),
        referenced: Vec::new(),
        kindless: Vec::new(),
    };
    let workspace = Package {
        root: Root::Disk(root.to_path_buf()),
        prefix: String::new(),
    };
    let manifest = match workspace.read("weft.yaml") {
        Ok(text) => loader.read_manifest(&workspace, text, Origin::Workspace),
        Err(e) => return Err(LoadError::ManifestUnreadable(manifest_path, e.to_string())),
    };
    let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    loader.stack.push(canonical.clone());
    loader.loaded_dirs.push(canonical);
    if let Some(m) = &manifest {
        loader.load_imports(&workspace, m);
    }
    loader.load_package(&workspace, Origin::Workspace, manifest.as_ref());
    loader.c.manifest = manifest;
    loader.finish();
    Ok(loader.c)
}

struct Loader {
    c: Compilation,
    /// Canonical folders on the current import path (cycle detection).
    stack: Vec<PathBuf>,
    loaded_dirs: Vec<PathBuf>,
    /// Display names of schema files referenced by contracts.
    referenced: Vec<String>,
    /// Documents without `kind:` (decided once all `$ref` targets are known).
    kindless: Vec<(String, Loc)>,
}

impl Loader {
    fn add_source(&mut self, pkg: &Package, rel: &str, text: String, origin: Origin) -> FileId {
        self.c.sources.add(SourceFile::new(
            pkg.display(rel),
            pkg.disk_path(rel),
            text,
            origin,
        ))
    }

    fn read_manifest(&mut self, pkg: &Package, text: String, origin: Origin) -> Option<Manifest> {
        let file = self.add_source(pkg, "weft.yaml", text, origin);
        let docs = self.parse_yaml(file)?;
        let doc = docs.into_iter().next()?.root;
        self.c
            .diagnostics
            .extend(structure::validate("manifest", &doc));
        Some(Manifest::decode(&doc))
    }

    /// Parses a YAML file into document roots, reporting syntax errors.
    fn parse_yaml(&mut self, file: FileId) -> Option<Vec<Document>> {
        let text = &self.c.sources.get(file).text;
        let (docs, errors) = load_documents(file, text, Limits::default());
        for err in errors {
            let rule = match err.kind {
                YamlErrorKind::Syntax => &rules::YAML_SYNTAX,
                YamlErrorKind::DuplicateKey => &rules::DUPLICATE_KEY,
                YamlErrorKind::Limit => &rules::INPUT_LIMIT,
            };
            let mut d = Diagnostic::new(rule, err.loc, err.message.clone());
            if let Some(first) = err.related {
                d = d
                    .related(first, "first defined here")
                    .hint("remove one of the two entries");
            } else if err.kind == YamlErrorKind::Syntax {
                d = d.hint("check indentation, brackets and quotes around this position");
            }
            self.c.diagnostics.push(d);
        }
        Some(docs)
    }

    fn load_imports(&mut self, importer: &Package, manifest: &Manifest) {
        for import in &manifest.imports {
            match import {
                Import::Std { name, major, loc } => self.load_std(name, *major, *loc),
                Import::Path(path) => self.load_path_import(importer, path),
                Import::Invalid(s) => {
                    if !s.value.is_empty() {
                        self.c.diagnostics.push(
                            Diagnostic::new(&rules::UNKNOWN_IMPORT, s.loc, format!("`{}` is not an import", s.value))
                                .hint("write `std/NAME@MAJOR` for the standard library or `{ path: ../folder }` for a folder"),
                        );
                    }
                }
            }
        }
    }

    fn load_std(&mut self, name: &str, major: u64, loc: Loc) {
        let display = format!("std/{name}@{major}");
        if self
            .c
            .packages
            .iter()
            .any(|(p, _)| p.trim_end_matches('/') == display)
        {
            return;
        }
        let Some(files) = weft_stdlib::package(name, major) else {
            let known = weft_stdlib::package_names();
            self.c.diagnostics.push(
                Diagnostic::new(
                    &rules::UNKNOWN_IMPORT,
                    loc,
                    format!("the standard library has no package `{display}`"),
                )
                .label("unknown package")
                .hint(
                    did_you_mean(&display, known.iter().map(String::as_str))
                        .unwrap_or_else(|| format!("available: {}", known.join(", "))),
                ),
            );
            return;
        };
        let pkg = Package {
            root: Root::Embedded(files.into_iter().collect()),
            prefix: format!("{display}/"),
        };
        let origin = Origin::Import(display);
        let manifest = pkg
            .read("weft.yaml")
            .ok()
            .and_then(|t| self.read_manifest(&pkg, t, origin.clone()));
        if let Some(m) = &manifest {
            self.load_imports(&pkg, m);
        }
        self.load_package(&pkg, origin, manifest.as_ref());
    }

    fn load_path_import(&mut self, importer: &Package, path: &Spanned<String>) {
        let Root::Disk(base) = &importer.root else {
            self.c.diagnostics.push(Diagnostic::new(
                &rules::UNKNOWN_IMPORT,
                path.loc,
                "a standard-library package cannot import a folder",
            ));
            return;
        };
        let dir = base.join(&path.value);
        let canonical = match dir.canonicalize() {
            Ok(c) if c.join("weft.yaml").is_file() => c,
            _ => {
                self.c.diagnostics.push(
                    Diagnostic::new(&rules::UNKNOWN_IMPORT, path.loc, format!("`{}` is not a folder with a weft.yaml", path.value))
                        .label("no package here")
                        .hint("the path is relative to the folder of the weft.yaml that imports it; the folder needs its own weft.yaml with `package: NAME`"),
                );
                return;
            }
        };
        if let Some(pos) = self.stack.iter().position(|p| *p == canonical) {
            let chain: Vec<String> = self.stack[pos..]
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| {
                    p.file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default()
                })
                .collect();
            self.c.diagnostics.push(
                Diagnostic::new(
                    &rules::IMPORT_CYCLE,
                    path.loc,
                    format!("import cycle: {}", chain.join(" -> ")),
                )
                .label("closes the cycle")
                .hint("move what both packages need into a third package that both import"),
            );
            return;
        }
        if self.loaded_dirs.contains(&canonical) {
            return;
        }
        self.loaded_dirs.push(canonical.clone());
        let prefix = normalize_prefix(&format!("{}{}/", importer.prefix, path.value));
        let pkg = Package {
            root: Root::Disk(canonical.clone()),
            prefix: prefix.clone(),
        };
        let origin = Origin::Import(prefix.trim_end_matches('/').to_string());
        self.stack.push(canonical);
        let manifest = match pkg.read("weft.yaml") {
            Ok(t) => self.read_manifest(&pkg, t, origin.clone()),
            Err(_) => None,
        };
        if let Some(m) = &manifest {
            self.load_imports(&pkg, m);
        }
        self.stack.pop();
        self.load_package(&pkg, origin, manifest.as_ref());
    }

    fn load_package(&mut self, pkg: &Package, origin: Origin, manifest: Option<&Manifest>) {
        self.c.packages.push((pkg.prefix.clone(), origin.clone()));
        let excludes = manifest.map(|m| self.exclude_set(m)).unwrap_or_default();
        for rel in pkg.spec_files() {
            if excludes.is_match(&rel) {
                continue;
            }
            let text = match pkg.read(&rel) {
                Ok(t) => t,
                Err(e) => {
                    let file = self.add_source(pkg, &rel, String::new(), origin.clone());
                    self.c.unreadable = true;
                    self.c.diagnostics.push(
                        Diagnostic::new(&rules::UNREADABLE_FILE, Loc::new(file, 0, 0), format!("cannot read `{}`: {e}", pkg.display(&rel)))
                            .hint("make the file readable UTF-8 text, or exclude it in weft.yaml (`exclude: [glob]`)"),
                    );
                    continue;
                }
            };
            let file = self.add_source(pkg, &rel, text, origin.clone());
            if rel.ends_with(".weft") {
                self.load_weft_file(file, &origin);
            } else {
                self.load_yaml_file(file, pkg, &rel, &origin);
            }
        }
    }

    fn exclude_set(&mut self, m: &Manifest) -> globset::GlobSet {
        let mut b = globset::GlobSetBuilder::new();
        for g in &m.exclude {
            match globset::Glob::new(&g.value) {
                Ok(glob) => {
                    b.add(glob);
                }
                Err(e) => self.c.diagnostics.push(
                    Diagnostic::new(&rules::INVALID_SETTING, g.loc, format!("invalid glob: {e}"))
                        .hint("write globs like `drafts/**` or `**/*.draft.yaml`"),
                ),
            }
        }
        b.build().unwrap_or_else(|_| globset::GlobSet::empty())
    }

    fn load_weft_file(&mut self, file: FileId, origin: &Origin) {
        let (headers, functions, err) = weft_file::parse(file, &self.c.sources.get(file).text);
        self.c.diagnostics.extend(err);
        for f in functions {
            self.c
                .specs
                .functions
                .push(crate::spec::function::UserFunction {
                    meta: Meta {
                        name: f.name,
                        description: None,
                        loc: f.loc,
                        file,
                        origin: origin.clone(),
                        valid: true,
                        doc: None,
                    },
                    params: f.params,
                    body: f.body,
                });
        }
        for h in headers {
            self.c.specs.mappings.push(Mapping {
                meta: Meta {
                    name: h.name,
                    description: None,
                    loc: h.loc,
                    file,
                    origin: origin.clone(),
                    valid: true,
                    doc: None,
                },
                source: Some(RefSlot::new(h.source)),
                target: Some(RefSlot::new(h.target)),
                body: Some(h.body),
            });
        }
    }

    fn load_yaml_file(&mut self, file: FileId, pkg: &Package, rel: &str, origin: &Origin) {
        let Some(docs) = self.parse_yaml(file) else {
            return;
        };
        for document in docs {
            let doc = &document.root;
            let Some(kind_node) = doc.get("kind") else {
                if doc.get("workspace").is_some() || doc.get("package").is_some() {
                    self.c.diagnostics.push(
                        Diagnostic::new(&rules::UNKNOWN_KIND, doc.loc, "a manifest belongs in `weft.yaml` at the root of the workspace or package")
                            .hint("move it to weft.yaml, or give the folder its own weft.yaml to make it a package"),
                    );
                } else {
                    self.kindless.push((pkg.display(rel), doc.loc));
                }
                continue;
            };
            let Some(kind) = kind_node.as_str().filter(|k| KINDS.contains(k)) else {
                let given = kind_node.as_str().unwrap_or_default();
                self.c.diagnostics.push(
                    Diagnostic::new(
                        &rules::UNKNOWN_KIND,
                        kind_node.loc,
                        format!("unknown kind `{given}`"),
                    )
                    .label("not a spec kind")
                    .hint(
                        did_you_mean(given, KINDS)
                            .unwrap_or_else(|| format!("use one of: {}", KINDS.join(", "))),
                    ),
                );
                continue;
            };
            let findings = structure::validate(kind, doc);
            let valid = findings.is_empty();
            self.c.diagnostics.extend(findings);
            let meta = Meta::read(doc, origin, valid);
            let specs = &mut self.c.specs;
            match kind {
                "contract" => {
                    let c = contracts::decode(
                        doc,
                        meta,
                        pkg,
                        rel,
                        &mut self.c.sources,
                        &mut self.c.diagnostics,
                        &mut self.referenced,
                    );
                    self.c.specs.contracts.push(c);
                }
                "system" => specs
                    .systems
                    .push(System::decode(doc, &document.dropped, meta)),
                "ownership" => specs.ownership.push(Ownership::decode(doc, meta)),
                "policy" => specs.policies.push(Policy::decode(doc, meta)),
                "flow" => specs.flows.push(Flow::decode(doc, meta)),
                "mapping" => specs.mappings.push(Mapping::decode(doc, meta)),
                "test" => specs.tests.push(TestSpec::decode(doc, meta)),
                "table" => specs
                    .tables
                    .push(crate::spec::table::Table::decode(doc, meta)),
                _ => unreachable!("kind checked against KINDS"),
            }
        }
    }

    /// Reports documents without `kind:` unless their file is a schema referenced by a contract.
    fn finish(&mut self) {
        for (display, loc) in std::mem::take(&mut self.kindless) {
            if self.referenced.contains(&display) {
                continue;
            }
            self.c.diagnostics.push(
                Diagnostic::new(&rules::UNKNOWN_KIND, Loc::new(loc.file, loc.start as usize, loc.start as usize), "document has no `kind:`")
                    .label("kind missing")
                    .hint(format!(
                        "add `kind:` with one of {}; a JSON Schema file is only read through a contract's `schema: {{ $ref: ... }}`",
                        KINDS.join(", ")
                    )),
            );
        }
    }
}

/// `a/../b/` -> `b/`; keeps leading `../`.
fn normalize_prefix(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

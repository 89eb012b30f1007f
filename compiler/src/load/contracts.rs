//! Decoding contracts: field syntax, inline JSON Schema and `$ref` schema files.

use super::package::{join_relative, Package};
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::{Loc, SourceFile, SourceMap, Spanned};
use crate::spec::contract::{
    decode_deprecation, decode_fields, object_from_schema, Contract, ContractBody, Dialect,
};
use crate::spec::shape::Object;
use crate::spec::{contract_ref, spanned_str, Meta};
use crate::yaml::{load_documents, Limits, Node};

/// Reads a contract document. `rel` is the spec file's path in `pkg`;
/// schema files loaded through `$ref` are added to `sources` and their
/// display names to `referenced`.
pub fn decode(
    doc: &Node,
    meta: Meta,
    pkg: &Package,
    rel: &str,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
    referenced: &mut Vec<String>,
) -> Contract {
    let version = doc.get("version").and_then(|v| {
        let text = v.as_str()?;
        match semver::Version::parse(text) {
            Ok(ver) => Some(Spanned::new(ver, v.loc)),
            Err(e) => {
                let parts = text.split('.').count();
                let hint = if parts < 3 && text.split('.').all(|p| p.parse::<u64>().is_ok()) {
                    let mut fixed: Vec<&str> = text.split('.').collect();
                    fixed.resize(3, "0");
                    format!("write all three parts: `{}`", fixed.join("."))
                } else {
                    "write MAJOR.MINOR.PATCH, e.g. `2.1.0`".to_string()
                };
                diags.push(
                    Diagnostic::new(
                        &rules::INVALID_VERSION,
                        v.loc,
                        format!("`{text}` is not a semantic version: {e}"),
                    )
                    .label("not MAJOR.MINOR.PATCH")
                    .hint(hint),
                );
                None
            }
        }
    });
    let (body, shape) = match (doc.entry("fields"), doc.entry("schema")) {
        (Some((fk, _)), Some((sk, _))) => {
            diags.push(
                Diagnostic::new(
                    &rules::INVALID_CONTRACT,
                    sk.loc,
                    "a contract has either `fields:` or `schema:`, not both",
                )
                .related(fk.loc, "`fields:` is here")
                .hint("keep one of them"),
            );
            (ContractBody::Invalid, Object::unknown())
        }
        (Some((_, fields)), None) => (
            ContractBody::Fields,
            Object {
                fields: decode_fields(fields, diags),
                additional: doc
                    .get("additional_fields")
                    .and_then(Node::as_bool)
                    .unwrap_or(true),
            },
        ),
        (None, Some((_, schema))) => {
            match schema_body(schema, pkg, rel, sources, diags, referenced) {
                Some((schema, dialect)) => {
                    let shape = object_from_schema(&schema, meta.loc);
                    (ContractBody::JsonSchema { schema, dialect }, shape)
                }
                None => (ContractBody::Invalid, Object::unknown()),
            }
        }
        // Only `extends`: the parent's fields are merged in later.
        (None, None) if doc.get("extends").is_some() => (ContractBody::Fields, Object::unknown()),
        (None, None) => {
            diags.push(
                Diagnostic::new(&rules::INVALID_CONTRACT, meta.name.loc, "contract has no `fields:` and no `schema:`")
                    .hint("describe the data with `fields:` (weft's field syntax) or `schema:` (JSON Schema)"),
            );
            (ContractBody::Invalid, Object::unknown())
        }
    };
    check_deprecations(doc, diags);
    Contract {
        version,
        owner: spanned_str(doc, "owner"),
        domain: spanned_str(doc, "domain"),
        extends: contract_ref(doc, "extends"),
        deprecated: doc.get("deprecated").and_then(decode_deprecation),
        body,
        shape,
        meta,
    }
}

/// Loads the JSON Schema of a contract (inline or through a `$ref` file), checks it
/// against its dialect's meta-schema and returns it with the dialect.
fn schema_body(
    schema: &Node,
    pkg: &Package,
    rel: &str,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
    referenced: &mut Vec<String>,
) -> Option<(serde_json::Value, Dialect)> {
    let file_ref = schema
        .as_map()
        .filter(|m| m.len() == 1)
        .and_then(|_| schema.get("$ref"))
        .and_then(|r| Some((r.as_str()?, r.loc)))
        .filter(|(r, _)| !r.starts_with('#'));
    let owned;
    let node: &Node = match file_ref {
        Some((path, loc)) => {
            owned = load_schema_file(path, loc, pkg, rel, sources, diags, referenced)?;
            &owned
        }
        None => schema,
    };
    let value = node.to_json();
    let dialect = match value.get("$schema") {
        None => Dialect::Draft202012,
        Some(uri) => match uri.as_str().and_then(Dialect::from_uri) {
            Some(d) => d,
            None => {
                diags.push(
                    Diagnostic::new(
                        &rules::INVALID_CONTRACT,
                        node.get("$schema").map(|n| n.loc).unwrap_or(node.loc),
                        "unsupported JSON Schema dialect",
                    )
                    .label("not a supported `$schema`")
                    .hint(format!(
                        "use {}, {} or {} (or omit `$schema` for 2020-12)",
                        Dialect::Draft7.uri(),
                        Dialect::Draft201909.uri(),
                        Dialect::Draft202012.uri()
                    )),
                );
                return None;
            }
        },
    };
    if !value.is_object() && !value.is_boolean() {
        diags.push(Diagnostic::new(
            &rules::INVALID_CONTRACT,
            node.loc,
            "a JSON Schema must be an object or a boolean",
        ));
        return None;
    }
    let draft = match dialect {
        Dialect::Draft7 => jsonschema::Draft::Draft7,
        Dialect::Draft201909 => jsonschema::Draft::Draft201909,
        Dialect::Draft202012 => jsonschema::Draft::Draft202012,
    };
    if let Err(e) = jsonschema::options().with_draft(draft).build(&value) {
        let pointer = e.instance_path().as_str().to_string();
        let (at, _) = node.locate(&pointer);
        diags.push(
            Diagnostic::new(&rules::INVALID_CONTRACT, at.loc, format!("invalid JSON Schema: {e}"))
                .label("here")
                .hint(format!("the schema must be valid {}; references may only point inside the schema (`#/...`) or to a file beside the spec", dialect.uri())),
        );
        return None;
    }
    // A loop of references (or of `allOf`/`anyOf` through them) describes
    // no value. The contract still decodes, so `weft diff` can say what it
    // cannot compare; the error keeps it from a plan.
    if let Err(weft_compat::SchemaError::Cycle { pointer, .. }) =
        weft_compat::check(&value, "contract")
    {
        let (at, _) = node.locate(&pointer);
        diags.push(
            Diagnostic::new(
                &rules::INVALID_CONTRACT,
                at.loc,
                format!("the schema loops at `{pointer}`: its references lead back here without describing a value"),
            )
            .label("a reference loop")
            .hint("a chain of references must end at a schema with keywords of its own (`type`, `properties`, ...); a recursive type recurses through `properties` or `items`"),
        );
    }
    Some((value, dialect))
}

fn load_schema_file(
    path: &str,
    loc: Loc,
    pkg: &Package,
    rel: &str,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
    referenced: &mut Vec<String>,
) -> Option<Node> {
    let Some(target) = join_relative(rel, path) else {
        diags.push(
            Diagnostic::new(
                &rules::INVALID_CONTRACT,
                loc,
                format!("`{path}` points outside the workspace"),
            )
            .hint("schema files must live inside the workspace (or package) folder"),
        );
        return None;
    };
    let display = pkg.display(&target);
    if let Some(id) = sources.find(&display) {
        // Already loaded for another contract: parse again from the stored text.
        let text = sources.get(id).text.clone();
        referenced.push(display);
        return parse_schema_text(id, &text, loc, diags);
    }
    let text = match pkg.read(&target) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    &rules::INVALID_CONTRACT,
                    loc,
                    format!("cannot read schema file `{display}`: {e}"),
                )
                .label("referenced here")
                .hint("check the path: it is relative to the file holding this contract"),
            );
            return None;
        }
    };
    referenced.push(display.clone());
    let origin = sources.get(loc.file).origin.clone();
    let id = sources.add(SourceFile::new(
        display,
        pkg.disk_path(&target),
        text.clone(),
        origin,
    ));
    parse_schema_text(id, &text, loc, diags)
}

fn parse_schema_text(
    id: crate::source::FileId,
    text: &str,
    loc: Loc,
    diags: &mut Vec<Diagnostic>,
) -> Option<Node> {
    let (mut docs, errors) = load_documents(id, text, Limits::default());
    if let Some(err) = errors.into_iter().next() {
        diags.push(
            Diagnostic::new(
                &rules::INVALID_CONTRACT,
                err.loc,
                format!("schema file is not valid JSON or YAML: {}", err.message),
            )
            .related(loc, "referenced here"),
        );
        return None;
    }
    if docs.is_empty() {
        diags.push(Diagnostic::new(
            &rules::INVALID_CONTRACT,
            loc,
            "schema file is empty",
        ));
        return None;
    }
    Some(docs.swap_remove(0).root)
}

/// Reports `deprecated.since` values that are not semantic versions.
pub fn check_deprecations(doc: &Node, diags: &mut Vec<Diagnostic>) {
    let check = |dep: &Node, diags: &mut Vec<Diagnostic>| {
        if let Some(since) = dep.get("since") {
            let text = match &since.value {
                crate::yaml::NodeValue::String(s) | crate::yaml::NodeValue::Number(s) => s.as_str(),
                _ => return,
            };
            if semver::Version::parse(text).is_err() {
                diags.push(
                    Diagnostic::new(
                        &rules::INVALID_VERSION,
                        since.loc,
                        format!("`since: {text}` is not a semantic version"),
                    )
                    .label("not MAJOR.MINOR.PATCH")
                    .hint("name the contract version that deprecated it, e.g. `since: 2.1.0`"),
                );
            }
        }
    };
    fn walk(node: &Node, check: &dyn Fn(&Node, &mut Vec<Diagnostic>), diags: &mut Vec<Diagnostic>) {
        if let Some(entries) = node.as_map() {
            for (k, v) in entries {
                if k.name == "deprecated" {
                    check(v, diags);
                } else {
                    walk(v, check, diags);
                }
            }
        }
    }
    walk(doc, &check, diags);
}

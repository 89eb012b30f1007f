//! Field lineage of a mapping: which source fields each target field reads.
//! Rendered for people, as JSON (format version 1), and as the OpenLineage
//! column-lineage dataset facet.

use super::Position;
use crate::check::Report;
use serde::Serialize;
use serde_json::json;

/// The lineage of one mapping.
#[derive(Debug, Serialize)]
pub struct MappingLineage {
    pub format_version: u32,
    pub mapping: String,
    pub source: String,
    pub target: String,
    pub fields: Vec<TargetLineage>,
}

/// One target field and the source fields it is computed from.
#[derive(Debug, Serialize)]
pub struct TargetLineage {
    pub target: String,
    #[serde(flatten)]
    pub position: Position,
    pub sources: Vec<SourceRead>,
}

/// A source field read, at the first place it is read.
#[derive(Debug, Serialize)]
pub struct SourceRead {
    pub path: String,
    #[serde(flatten)]
    pub position: Position,
}

/// Why there is no lineage to show.
pub enum LineageError {
    UnknownMapping(Vec<String>),
    /// The mapping does not parse or type-check: fix it first (`weft check`).
    Invalid(String),
}

/// The lineage of the mapping called `name` in a checked workspace.
pub fn of(report: &Report, name: &str) -> Result<MappingLineage, LineageError> {
    let c = &report.compilation;
    let Some((m, checked)) = report.mapping(name) else {
        let mut names: Vec<String> = c
            .specs
            .mappings
            .iter()
            .map(|m| m.meta.name.value.clone())
            .collect();
        names.sort();
        return Err(LineageError::UnknownMapping(names));
    };
    let Some((checked, Ok(result))) = checked.filter(|c| c.is_clean()).map(|c| (c, &c.result))
    else {
        return Err(LineageError::Invalid(format!(
            "mapping `{name}` has errors: run `weft check` and fix them first"
        )));
    };
    let position = |span: weft_mapping::ast::Span| {
        Position::of(&c.sources, checked.map.loc(span.start, span.end))
    };
    Ok(MappingLineage {
        format_version: 1,
        mapping: name.to_string(),
        source: m
            .source
            .as_ref()
            .map(|s| s.text.value.clone())
            .unwrap_or_default(),
        target: m
            .target
            .as_ref()
            .map(|s| s.text.value.clone())
            .unwrap_or_default(),
        fields: result
            .lineage
            .iter()
            .map(|f| TargetLineage {
                target: f.target.clone(),
                position: position(f.target_span),
                sources: f
                    .sources
                    .iter()
                    .map(|(p, s)| SourceRead {
                        path: p.clone(),
                        position: position(*s),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// For people: one line per target field.
pub fn human(l: &MappingLineage) -> String {
    let width = l.fields.iter().map(|f| f.target.len()).max().unwrap_or(0);
    let mut out = format!("mapping {}: {} -> {}\n", l.mapping, l.source, l.target);
    for f in &l.fields {
        let sources: Vec<&str> = f.sources.iter().map(|s| s.path.as_str()).collect();
        let from = if sources.is_empty() {
            "(constant)".to_string()
        } else {
            sources.join(", ")
        };
        out.push_str(&format!(
            "  {:width$}  <- {from}   ({}:{})\n",
            f.target, f.position.file, f.position.line
        ));
    }
    out
}

pub fn json(l: &MappingLineage) -> String {
    let mut out = serde_json::to_string_pretty(l).expect("lineage serializes");
    out.push('\n');
    out
}

/// The OpenLineage `columnLineage` dataset facet of the target dataset.
pub fn openlineage(l: &MappingLineage, tool_version: &str) -> String {
    let mut fields = serde_json::Map::new();
    for f in &l.fields {
        let inputs: Vec<serde_json::Value> = f
            .sources
            .iter()
            .map(|s| {
                json!({
                    "namespace": "weft",
                    "name": l.source,
                    "field": s.path,
                    "transformations": [{ "type": "DIRECT", "subtype": "TRANSFORMATION", "description": format!("mapping {}", l.mapping), "masking": false }],
                })
            })
            .collect();
        fields.insert(f.target.clone(), json!({ "inputFields": inputs }));
    }
    let facet = json!({
        "columnLineage": {
            "_producer": format!("https://weft.dev/weft/{tool_version}"),
            "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet",
            "fields": fields,
        }
    });
    let mut out = serde_json::to_string_pretty(&facet).expect("facet serializes");
    out.push('\n');
    out
}

//! JSON Schema contracts in every supported dialect, normalized into the field model.

use weft_compiler::spec::shape::FieldType;
use weft_compiler::{check_workspace, CheckOptions, Report};

fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, Report) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let report = check_workspace(
        dir.path(),
        &CheckOptions {
            today: "2026-11-23".into(),
        },
    )
    .unwrap();
    (dir, report)
}

fn rules(report: &Report) -> Vec<&'static str> {
    report.diagnostics().iter().map(|d| d.rule.id).collect()
}

const MANIFEST: (&str, &str) = (
    "weft.yaml",
    "workspace: t\nlint: { unused-contract: off }\n",
);

#[test]
fn three_dialects_normalize_to_fields() {
    let draft7 = r##"{
      "$schema": "http://json-schema.org/draft-07/schema#",
      "type": "object",
      "required": ["id"],
      "definitions": { "money": { "type": "string", "format": "decimal" } },
      "properties": {
        "id": { "type": "integer" },
        "total": { "$ref": "#/definitions/money" },
        "note": { "type": ["string", "null"] },
        "tags": { "type": "array", "items": { "type": "string" } }
      },
      "additionalProperties": false
    }"##;
    let (_d, report) = workspace(&[
        MANIFEST,
        ("a/draft7.schema.json", draft7),
        ("a/contracts.yaml", "kind: contract\nname: A\nversion: 1.0.0\nowner: t\nschema: { $ref: ./draft7.schema.json }\n---\nkind: contract\nname: B\nversion: 1.0.0\nowner: t\nschema:\n  $schema: https://json-schema.org/draft/2019-09/schema\n  type: object\n  $defs: { when: { type: string, format: date-time } }\n  properties:\n    at: { $ref: '#/$defs/when' }\n---\nkind: contract\nname: C\nversion: 1.0.0\nowner: t\nschema:\n  type: object\n  properties:\n    status: { enum: [open, closed] }\n    day: { type: string, format: date }\n"),
    ]);
    assert!(report.diagnostics().is_empty(), "{:?}", rules(&report));
    let specs = &report.compilation.specs;
    let find = |n: &str| {
        specs
            .contracts
            .iter()
            .find(|c| c.meta.name.value == n)
            .unwrap()
    };
    let a = &find("A").shape;
    assert!(!a.additional);
    assert_eq!(a.field("id").unwrap().ty, FieldType::Integer);
    assert!(a.field("id").unwrap().required);
    assert_eq!(a.field("total").unwrap().ty, FieldType::Decimal);
    assert!(a.field("note").unwrap().nullable);
    assert!(
        matches!(&a.field("tags").unwrap().ty, FieldType::Array(item) if item.ty == FieldType::String)
    );
    assert_eq!(find("B").shape.field("at").unwrap().ty, FieldType::DateTime);
    let c = &find("C").shape;
    assert_eq!(
        c.field("status").unwrap().ty,
        FieldType::Enum(vec!["open".into(), "closed".into()])
    );
    assert_eq!(c.field("day").unwrap().ty, FieldType::Date);
    // The schema file is not mistaken for a spec without `kind:`.
    assert!(report
        .compilation
        .sources
        .find("a/draft7.schema.json")
        .is_some());
}

#[test]
fn invalid_schemas_point_into_the_schema_file() {
    let (_d, report) = workspace(&[
        MANIFEST,
        ("bad.schema.json", "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"id\": { \"type\": \"strng\" }\n  }\n}\n"),
        ("c.yaml", "kind: contract\nname: A\nversion: 1.0.0\nowner: t\nschema: { $ref: ./bad.schema.json }\n---\nkind: contract\nname: B\nversion: 1.0.0\nowner: t\nschema: { $schema: 'http://json-schema.org/draft-04/schema#', type: object }\n---\nkind: contract\nname: D\nversion: 1.0.0\nowner: t\nschema: { $ref: ./missing.json }\n---\nkind: contract\nname: E\nversion: 1.0.0\nowner: t\nschema: { $ref: ../../outside.json }\n"),
    ]);
    let ds = report.diagnostics();
    assert!(
        ds.iter().all(|d| d.rule.id == "invalid-contract"),
        "{:?}",
        rules(&report)
    );
    assert_eq!(
        ds.len(),
        4,
        "{:?}",
        ds.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let sources = &report.compilation.sources;
    let bad = ds
        .iter()
        .find(|d| sources.get(d.loc.file).name == "bad.schema.json")
        .expect("finding in the schema file");
    let (line, _) = sources.get(bad.loc.file).line_col(bad.loc.start as usize);
    assert_eq!(line, 4, "{}", bad.message);
    assert!(ds
        .iter()
        .any(|d| d.message.contains("unsupported JSON Schema dialect")));
    assert!(ds
        .iter()
        .any(|d| d.message.contains("cannot read schema file `missing.json`")));
    assert!(ds
        .iter()
        .any(|d| d.message.contains("points outside the workspace")));
}

#[test]
fn extends_adds_fields_and_rejects_redefinitions() {
    let (_d, report) = workspace(&[
        MANIFEST,
        ("c.yaml", "kind: contract\nname: Base\nversion: 1.0.0\nowner: t\nfields:\n  id: { type: string, required: true }\n---\nkind: contract\nname: Ext\nversion: 1.0.0\nowner: t\nextends: Base@1\nfields:\n  extra: integer\n---\nkind: contract\nname: Bad\nversion: 1.0.0\nowner: t\nextends: Base@1\nfields:\n  id: integer\n"),
    ]);
    let ext = report
        .compilation
        .specs
        .contracts
        .iter()
        .find(|c| c.meta.name.value == "Ext")
        .unwrap();
    assert_eq!(ext.shape.names().collect::<Vec<_>>(), ["id", "extra"]);
    assert_eq!(rules(&report), ["invalid-contract"]);
    assert!(report.diagnostics()[0]
        .message
        .contains("already a field of `Base@1.0.0`"));
}

#[test]
fn stdlib_contracts_emit_valid_json_schema() {
    let (_d, report) = workspace(&[("weft.yaml", "workspace: t\nimports: [std/distribution@1]\n")]);
    assert!(report.diagnostics().is_empty(), "{:?}", rules(&report));
    let specs = &report.compilation.specs;
    assert!(specs.contracts.len() >= 8);
    for c in &specs.contracts {
        let lookup = |r: &weft_compiler::spec::refs::ContractRef| {
            report.index.contract(r).map(|i| specs.contracts[i].clone())
        };
        let schema = weft_compiler::spec::contract::fields_to_json_schema(c, &lookup);
        jsonschema::meta::validate(&schema).unwrap_or_else(|e| panic!("{}: {e}", c.display()));
        jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{}: {e}", c.display()));
    }
}

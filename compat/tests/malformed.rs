//! Malformed input gives an error or an `Unknown` verdict, never a panic.

use serde_json::{json, Value};
use weft_compat::{compare, Profile, SchemaError};

fn err(old: Value, new: Value) -> SchemaError {
    compare(&old, &new, Profile::Strict).expect_err("should be refused")
}

#[test]
fn non_schema_values() {
    for v in [json!(1), json!("x"), json!(null), json!([1, 2])] {
        assert!(matches!(
            err(v.clone(), json!({})),
            SchemaError::NotASchema { side: "old" }
        ));
        assert!(matches!(
            err(json!({}), v),
            SchemaError::NotASchema { side: "new" }
        ));
    }
}

#[test]
fn bad_refs() {
    assert!(matches!(
        err(json!({"$ref":"#/$defs/missing"}), json!({})),
        SchemaError::BadRef { .. }
    ));
    assert!(matches!(
        err(json!({}), json!({"$ref":"https://example.com/other.json"})),
        SchemaError::BadRef { .. }
    ));
    assert!(matches!(
        err(
            json!({"properties":{"a":{"$ref":"#/properties/b/items"}}}),
            json!({})
        ),
        SchemaError::BadRef { .. }
    ));
}

#[test]
fn cyclic_refs_without_descent() {
    assert!(matches!(
        err(json!({"$ref":"#"}), json!({})),
        SchemaError::Cycle { .. }
    ));
    assert!(matches!(
        err(
            json!({"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"allOf":[{"$ref":"#/$defs/a"}]}},"properties":{"x":{"$ref":"#/$defs/a"}}}),
            json!({})
        ),
        SchemaError::Cycle { .. }
    ));
    assert!(matches!(
        err(json!({"anyOf":[{"$ref":"#"},{"type":"string"}]}), json!({})),
        SchemaError::Cycle { .. }
    ));
}

#[test]
fn invalid_keywords_and_dialects() {
    assert!(matches!(
        err(json!({"type":"strin"}), json!({})),
        SchemaError::Invalid { .. }
    ));
    assert!(matches!(
        err(json!({"minLength":-1}), json!({})),
        SchemaError::Invalid { .. }
    ));
    assert!(matches!(
        err(json!({"required":"a"}), json!({})),
        SchemaError::Invalid { .. }
    ));
    assert!(matches!(
        err(
            json!({"$schema":"https://example.com/my-dialect"}),
            json!({})
        ),
        SchemaError::UnsupportedDialect { .. }
    ));
    assert!(matches!(
        err(json!({"$schema": 7}), json!({})),
        SchemaError::UnsupportedDialect { .. }
    ));
}

#[test]
fn odd_but_valid_schemas_do_not_panic() {
    let odd = [
        json!({"pattern":"(?<=a)b"}),
        json!({"patternProperties":{"(?=x)":{"type":"string"}}}),
        json!({"type":"string","pattern":"^(a|b"}),
        json!({"maxLength": 1e300}),
        json!({"minimum": -1e308, "maximum": 1e308, "multipleOf": 1e-300}),
        json!({"enum": []}),
        json!({"type": []}),
        json!({"items": false, "minItems": 3}),
        json!({"unevaluatedProperties": false, "properties": {"a": {}}}),
        json!({"$dynamicRef": "#meta", "$dynamicAnchor": "meta"}),
        json!({"oneOf": [{}, {}, {}]}),
        json!({"not": {"not": {"not": {}}}}),
        json!({"contains": false, "minContains": 0}),
        json!({"propertyNames": false}),
        json!({"format": "no-such-format", "type": "string"}),
        json!({"$defs": {"x~y/z": {"type": "integer"}}, "$ref": "#/$defs/x~0y~1z"}),
        json!({"$defs": {"a b": {"type": "integer"}}, "$ref": "#/$defs/a%20b"}),
    ];
    for a in &odd {
        for b in &odd {
            for p in [Profile::Strict, Profile::Lenient] {
                let _ = compare(a, b, p);
            }
        }
        let _ = compare(a, &json!({"type":"integer"}), Profile::Strict);
    }
}

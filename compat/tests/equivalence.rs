//! Refactorings that keep the set of documents produce no change.

use serde_json::{json, Value};
use weft_compat::{compare, Profile, Verdict};

fn assert_same(old: Value, new: Value) {
    for profile in [Profile::Strict, Profile::Lenient] {
        let c = compare(&old, &new, profile).unwrap();
        assert!(
            c.changes.is_empty(),
            "{profile:?}: expected no change, got {:#?}",
            c.changes
        );
        assert_eq!(
            (c.backward, c.forward),
            (Verdict::Compatible, Verdict::Compatible)
        );
        let c = compare(&new, &old, profile).unwrap();
        assert!(
            c.changes.is_empty(),
            "{profile:?} (reversed): {:#?}",
            c.changes
        );
    }
}

#[test]
fn identical_schemas() {
    let s = json!({"type":"object","properties":{"a":{"type":"string","maxLength":3}},"required":["a"]});
    assert_same(s.clone(), s);
}

#[test]
fn moving_a_subschema_behind_a_ref() {
    assert_same(
        json!({"type":"object","properties":{"addr":{"type":"object","properties":{"zip":{"type":"string","maxLength":10}},"required":["zip"]}}}),
        json!({"type":"object","properties":{"addr":{"$ref":"#/$defs/Address"}},"$defs":{"Address":{"type":"object","properties":{"zip":{"type":"string","maxLength":10}},"required":["zip"]}}}),
    );
}

#[test]
fn reordering_any_of_enum_and_required() {
    assert_same(
        json!({"anyOf":[{"type":"string"},{"type":"integer","minimum":0}],"enum":["a",1,2],"required":[]}),
        json!({"anyOf":[{"type":"integer","minimum":0},{"type":"string"}],"enum":[2,"a",1]}),
    );
    assert_same(
        json!({"type":"object","properties":{"a":{},"b":{}},"required":["a","b"]}),
        json!({"type":"object","properties":{"b":{},"a":{}},"required":["b","a"]}),
    );
}

#[test]
fn splitting_into_all_of() {
    assert_same(
        json!({"type":"object","properties":{"a":{"type":"string","minLength":1,"maxLength":5}},"required":["a"]}),
        json!({"allOf":[{"type":"object","properties":{"a":{"type":"string","minLength":1}}},{"properties":{"a":{"maxLength":5}},"required":["a"]}]}),
    );
}

#[test]
fn type_array_of_one_and_annotations() {
    assert_same(
        json!({"type":["string"],"title":"x","description":"d","examples":["a"],"default":"a","deprecated":true,"$comment":"c","readOnly":true,"x-owner":"team"}),
        json!({"type":"string"}),
    );
}

#[test]
fn integer_bounds_and_number_multiple_of_one() {
    assert_same(
        json!({"type":"integer","minimum":0.5}),
        json!({"type":"integer","exclusiveMinimum":0}),
    );
    assert_same(
        json!({"type":"number","multipleOf":1}),
        json!({"type":"integer"}),
    );
}

#[test]
fn recursive_tree_behind_refs() {
    let old = json!({
        "$defs": {"node": {"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["name"]}},
        "$ref": "#/$defs/node"
    });
    let new = json!({
        "type":"object",
        "properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}},
        "required":["name"]
    });
    assert_same(old, new);
}

#[test]
fn nullable_ref_written_two_ways() {
    assert_same(
        json!({"type":"object","properties":{"a":{"anyOf":[{"$ref":"#/$defs/A"},{"type":"null"}]}},"$defs":{"A":{"type":"string","maxLength":4}}}),
        json!({"type":"object","properties":{"a":{"type":["string","null"],"maxLength":4}}}),
    );
}

#[test]
fn empty_schema_and_true() {
    assert_same(json!({}), json!(true));
    assert_same(json!({"not":{}}), json!(false));
}

#[test]
fn draft07_tuple_and_2020_prefix_items() {
    assert_same(
        json!({"$schema":"http://json-schema.org/draft-07/schema#","type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}),
        json!({"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}),
    );
}

#[test]
fn draft04_boolean_exclusive_minimum() {
    assert_same(
        json!({"$schema":"http://json-schema.org/draft-04/schema#","type":"number","minimum":5,"exclusiveMinimum":true}),
        json!({"type":"number","exclusiveMinimum":5}),
    );
}

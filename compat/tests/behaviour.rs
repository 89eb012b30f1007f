//! Behaviour on realistic contract changes: verdicts, paths, pointers, witnesses, profiles.

use serde_json::{json, Value};
use weft_compat::{compare, Change, Profile, Verdict};

const C: Verdict = Verdict::Compatible;
const I: Verdict = Verdict::Incompatible;

fn order() -> Value {
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
            "note": {"type": "string"}
        },
        "required": ["id", "lines"],
        "$defs": {"Line": {"type": "object", "properties": {"sku": {"type": "string", "maxLength": 40}, "qty": {"type": "integer", "minimum": 1}}, "required": ["sku", "qty"], "additionalProperties": false}}
    })
}

fn one(old: &Value, new: &Value, profile: Profile) -> (weft_compat::Comparison, Change) {
    let c = compare(old, new, profile).unwrap();
    assert_eq!(c.changes.len(), 1, "{:#?}", c.changes);
    let ch = c.changes[0].clone();
    (c, ch)
}

#[test]
fn nested_max_length_decrease_names_path_pointers_and_witness() {
    let old = order();
    let mut new = order();
    new["$defs"]["Line"]["properties"]["sku"]["maxLength"] = json!(20);
    let (c, ch) = one(&old, &new, Profile::Strict);
    assert_eq!((c.backward, c.forward), (I, C));
    assert_eq!(ch.rule, "max-length-decreased");
    assert_eq!(ch.path, "/lines/*/sku");
    assert_eq!(
        ch.old_pointer.as_deref(),
        Some("/$defs/Line/properties/sku/maxLength")
    );
    assert_eq!(
        ch.new_pointer.as_deref(),
        Some("/$defs/Line/properties/sku/maxLength")
    );
    assert_eq!(
        (ch.old.clone(), ch.new.clone()),
        (Some(json!(40)), Some(json!(20)))
    );
    assert!(
        ch.message.contains("`sku`") && ch.message.contains("40") && ch.message.contains("20"),
        "{}",
        ch.message
    );
    let w = ch.witness.expect("witness");
    let sku = w["lines"][0]["sku"].as_str().unwrap();
    assert!(sku.chars().count() > 20 && sku.chars().count() <= 40);
    assert!(weft_compat::validator(&old).unwrap().is_valid(&w));
    assert!(!weft_compat::validator(&new).unwrap().is_valid(&w));
}

#[test]
fn required_added_and_removed() {
    let old = order();
    let mut new = order();
    new["required"] = json!(["id", "lines", "note"]);
    let (c, ch) = one(&old, &new, Profile::Strict);
    assert_eq!((c.backward, c.forward), (I, C));
    assert_eq!((ch.rule, ch.path.as_str()), ("required-added", "/note"));
    assert_eq!(ch.new_pointer.as_deref(), Some("/required/2"));
    assert!(ch.witness.unwrap().get("note").is_none());
    let c = compare(&new, &old, Profile::Strict).unwrap();
    assert_eq!((c.backward, c.forward), (C, I));
}

#[test]
fn optional_property_in_open_model_strict_versus_lenient() {
    let old = json!({"type":"object","properties":{"a":{"type":"string"}}});
    let new = json!({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}});
    let (c, ch) = one(&old, &new, Profile::Strict);
    assert_eq!(ch.rule, "property-added");
    assert_eq!(ch.path, "/b");
    assert_eq!((c.backward, c.forward), (I, C));
    let w = ch.witness.unwrap();
    assert!(w.get("b").is_some_and(|b| !b.is_i64()), "{w}");
    let c = compare(&old, &new, Profile::Lenient).unwrap();
    assert_eq!((c.backward, c.forward), (C, C), "{:#?}", c.changes);
    // Removing it is the mirror image.
    let c = compare(&new, &old, Profile::Strict).unwrap();
    assert_eq!((c.backward, c.forward), (C, I));
    let c = compare(&new, &old, Profile::Lenient).unwrap();
    assert_eq!((c.backward, c.forward), (C, C));
}

#[test]
fn lenient_still_breaks_closed_models() {
    let old =
        json!({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false});
    let new = json!({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":false});
    for p in [Profile::Strict, Profile::Lenient] {
        let c = compare(&old, &new, p).unwrap();
        assert_eq!((c.backward, c.forward), (C, I), "{p:?}");
        assert!(c.changes[0].witness.as_ref().unwrap().get("b").is_some());
    }
}

#[test]
fn lenient_counts_names_declared_in_other_branches_at_the_same_place() {
    // `b` is declared at the root place by an anyOf branch, so old documents may carry it.
    let old = json!({"type":"object","properties":{"a":{}},"anyOf":[{"properties":{"b":{"type":"string"}}},{"required":["a"]}]});
    let new = json!({"type":"object","properties":{"a":{},"b":{"type":"string"}},"anyOf":[{"properties":{"b":{"type":"string"}}},{"required":["a"]}]});
    let c = compare(&old, &new, Profile::Lenient).unwrap();
    assert_eq!(c.backward, I, "{:#?}", c.changes);
}

#[test]
fn integer_to_number_and_back() {
    let (c, ch) = one(
        &json!({"type":"integer"}),
        &json!({"type":"number"}),
        Profile::Strict,
    );
    assert_eq!((c.backward, c.forward), (C, I));
    assert_eq!(ch.rule, "type-widened");
    assert!(!ch.witness.unwrap().as_f64().unwrap().fract().eq(&0.0));
    let c = compare(
        &json!({"type":"number"}),
        &json!({"type":"integer"}),
        Profile::Strict,
    )
    .unwrap();
    assert_eq!((c.backward, c.forward), (I, C));
}

#[test]
fn decimal_money_bounds() {
    let old = json!({"type":"object","properties":{"price":{"type":"string","format":"decimal","pattern":"^-?[0-9]+(\\.[0-9]{1,2})?$","x-weft-minimum":0}}});
    let mut new = old.clone();
    new["properties"]["price"]["x-weft-minimum"] = json!("10.50");
    let (c, ch) = one(&old, &new, Profile::Strict);
    assert_eq!(ch.rule, "decimal-minimum-increased");
    assert_eq!((c.backward, c.forward), (I, C));
    let w = ch.witness.unwrap();
    let p = w["price"].as_str().unwrap();
    assert!(p.parse::<f64>().unwrap() < 10.5, "{p}");
    // Other x- keywords are annotations.
    let mut ann = old.clone();
    ann["properties"]["price"]["x-weft-label"] = json!("Price");
    assert!(compare(&old, &ann, Profile::Strict)
        .unwrap()
        .changes
        .is_empty());
}

#[test]
fn nullable_made_and_unmade() {
    let old = json!({"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"string"}}});
    let new = json!({"type":"object","properties":{"a":{"anyOf":[{"$ref":"#/$defs/A"},{"type":"null"}]}},"$defs":{"A":{"type":"string"}}});
    let (c, ch) = one(&old, &new, Profile::Strict);
    assert_eq!((c.backward, c.forward), (C, I));
    assert_eq!(ch.rule, "any-of-branch-added");
    assert_eq!(ch.witness, Some(json!({"a": null})));
}

#[test]
fn change_inside_a_nullable_ref_is_reported_at_its_path() {
    let old = json!({"type":"object","properties":{"a":{"anyOf":[{"$ref":"#/$defs/A"},{"type":"null"}]}},"$defs":{"A":{"type":"object","properties":{"zip":{"type":"string","maxLength":10}}}}});
    let mut new = old.clone();
    new["$defs"]["A"]["properties"]["zip"]["maxLength"] = json!(5);
    let (c, ch) = one(&old, &new, Profile::Strict);
    assert_eq!(
        (ch.rule, ch.path.as_str()),
        ("max-length-decreased", "/a/zip")
    );
    assert_eq!((c.backward, c.forward), (I, C));
}

#[test]
fn recursive_change_is_found_once() {
    let old = json!({"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}}});
    let mut new = old.clone();
    new["properties"]["name"]["minLength"] = json!(1);
    let c = compare(&old, &new, Profile::Strict).unwrap();
    assert_eq!((c.backward, c.forward), (I, C));
    assert!(c
        .changes
        .iter()
        .any(|x| x.path == "/name" && x.rule == "min-length-increased"));
}

#[test]
fn pattern_change_without_a_witness_is_unknown() {
    let c = compare(
        &json!({"type":"string","pattern":"^[a-z]+$"}),
        &json!({"type":"string","pattern":"^[a-z]*$"}),
        Profile::Strict,
    )
    .unwrap();
    assert_eq!(c.forward, I);
    assert_eq!(c.backward, Verdict::Unknown);
}

#[test]
fn output_is_deterministic_and_sorted() {
    let old = order();
    let mut new = order();
    new["$defs"]["Line"]["properties"]["qty"]["minimum"] = json!(0);
    new["properties"]["note"]["maxLength"] = json!(3);
    new["required"] = json!(["lines"]);
    let a = compare(&old, &new, Profile::Strict).unwrap();
    for _ in 0..5 {
        assert_eq!(compare(&old, &new, Profile::Strict).unwrap(), a);
    }
    let keys: Vec<(String, &str)> = a.changes.iter().map(|c| (c.path.clone(), c.rule)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(a.changes.len(), 3, "{:#?}", a.changes);
}

#[test]
fn many_contracts_compare_quickly() {
    let mut props = serde_json::Map::new();
    for i in 0..40 {
        props.insert(
            format!("f{i}"),
            json!({"type":"string","maxLength": 10 + i}),
        );
    }
    props.insert("lines".into(), json!({"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer","minimum":1},"price":{"type":"string","format":"decimal","x-weft-minimum":0}},"required":["sku"]}}));
    let old = json!({"type":"object","properties": props, "required": ["f1","f2"]});
    let mut new = old.clone();
    new["properties"]["f3"]["maxLength"] = json!(5);
    new["properties"]["lines"]["items"]["properties"]["qty"]["minimum"] = json!(0);
    let start = std::time::Instant::now();
    for _ in 0..200 {
        let c = compare(&old, &new, Profile::Strict).unwrap();
        assert_eq!(c.changes.len(), 2);
    }
    let per = start.elapsed() / 200;
    println!("{per:?} per comparison");
    // Generous bound for debug builds on slow machines; release is far faster.
    assert!(per < std::time::Duration::from_millis(100), "{per:?}");
}

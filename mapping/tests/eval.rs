//! The evaluator: exact money, kept offsets, null propagation and failures.

use serde_json::json;
use weft_mapping::{evaluate, parse_body, Coerce, Value};

fn run(body: &str, input: serde_json::Value, coerce: Coerce) -> Result<serde_json::Value, String> {
    let ast = parse_body(body).expect("parses");
    let source = Value::from_json(&input, &coerce).map_err(|e| format!("input: {e}"))?;
    evaluate(&ast, source)
        .map(|v| v.to_json())
        .map_err(|e| e.message)
}

fn obj(fields: &[(&str, Coerce)]) -> Coerce {
    Coerce::Object(
        fields
            .iter()
            .map(|(n, c)| (n.to_string(), c.clone()))
            .collect(),
    )
}

#[test]
fn decimals_are_exact_and_keep_their_scale() {
    let out = run(
        "a = decimal(source.x)? + decimal(source.y)?\n  b = source.price * 3\n  c = round(decimal(\"2.345\")?, 2)\n  d = round(decimal(\"2.345\")?, 2, \"half_up\")\n",
        json!({ "x": "0.1", "y": "0.2", "price": "19.99" }),
        obj(&[("price", Coerce::Decimal)]),
    )
    .unwrap();
    assert_eq!(
        out,
        json!({ "a": "0.3", "b": "59.97", "c": "2.34", "d": "2.35" })
    );
}

#[test]
fn datetimes_keep_their_offset() {
    let out = run(
        "at = source.at\n  parsed = parse_datetime(source.local)?\n  later = source.at > parse_datetime(\"2024-01-01T00:00:00Z\")?\n",
        json!({ "at": "2024-05-02T09:41:17-05:00", "local": "2024-05-02T16:41:17+02:00" }),
        obj(&[("at", Coerce::DateTime)]),
    )
    .unwrap();
    assert_eq!(
        out,
        json!({ "at": "2024-05-02T09:41:17-05:00", "parsed": "2024-05-02T16:41:17+02:00", "later": true })
    );
}

#[test]
fn null_propagates_and_null_fields_are_left_out() {
    let out = run(
        "a = source.missing.deeper\n  b = upper(source.missing)\n  c = source.missing ?? \"default\"\n  d = \"X-{source.missing}\"\n  e = source.items[5]\n",
        json!({ "items": [1] }),
        Coerce::Keep,
    )
    .unwrap();
    assert_eq!(out, json!({ "c": "default" }));
}

#[test]
fn collections_lets_and_branches() {
    let out = run(
        "let parts = split(source.items, \";\")\n  skus = parts.map(p -> split(p, \":\")[0])\n  big = parts.filter(p -> integer(split(p, \":\")[1])? > 5).count()\n  kind = if count(parts) > 1 { \"multi\" } else { \"single\" }\n",
        json!({ "items": "A:3;B:12;C:7" }),
        Coerce::Keep,
    )
    .unwrap();
    assert_eq!(
        out,
        json!({ "skus": ["A", "B", "C"], "big": 2, "kind": "multi" })
    );
}

#[test]
fn failures_carry_their_reason_and_position() {
    let body = "a = decimal(source.x)?\n";
    let ast = parse_body(body).unwrap();
    let src = Value::from_json(&json!({ "x": "12,50" }), &Coerce::Keep).unwrap();
    let e = evaluate(&ast, src).unwrap_err();
    assert_eq!(e.message, "`12,50` is not a decimal");
    assert_eq!(
        &body[e.span.start as usize..e.span.end as usize],
        "decimal(source.x)"
    );
    assert_eq!(
        run(
            "a = source.c ?? fail(\"no customer\")\n",
            json!({}),
            Coerce::Keep
        )
        .unwrap_err(),
        "no customer"
    );
    let e = run(
        "a = match source.s { \"x\" => 1 }\n",
        json!({ "s": "y" }),
        Coerce::Keep,
    )
    .unwrap_err();
    assert_eq!(e, "no match arm for the value \"y\"");
    assert!(run(
        "a = 1\n",
        json!({ "p": "1.x" }),
        obj(&[("p", Coerce::Decimal)])
    )
    .unwrap_err()
    .starts_with("input:"));
}

#[test]
fn user_functions_run_and_recursion_is_bounded() {
    let f = |name: &str, params: &[&str], body: &str| weft_mapping::ast::Function {
        name: name.into(),
        params: params.iter().map(|p| p.to_string()).collect(),
        body: weft_mapping::parse_function_body(body).unwrap(),
    };
    let functions = vec![
        f("money", &["t"], "decimal(trim(t))?"),
        f("forever", &["x"], "forever(x)"),
    ];
    let run = |body: &str| {
        let ast = parse_body(body).unwrap();
        let src = Value::from_json(&json!({ "p": " 12.50 " }), &Coerce::Keep).unwrap();
        weft_mapping::evaluate_with(&ast, src, &[], &functions).map(|v| v.to_json())
    };
    assert_eq!(
        run("a = money(source.p)?\n").unwrap(),
        json!({ "a": "12.50" })
    );
    let e = run("a = forever(1)\n").unwrap_err();
    assert!(e.message.contains("more than 32 deep"), "{}", e.message);
    let e = run("a = money(\"x\")?\n").unwrap_err();
    assert_eq!(e.message, "in `money`: `x` is not a decimal");
}

#[test]
fn user_functions_see_the_lookup_tables() {
    let functions = vec![weft_mapping::ast::Function {
        name: "kind".into(),
        params: vec!["c".into()],
        body: weft_mapping::parse_function_body("lookup(order_types, c) ?? \"OTHER\"").unwrap(),
    }];
    let tables = vec![(
        "order_types".to_string(),
        Value::Object(vec![("edi".into(), Value::Str("EDI".into()))]),
    )];
    let ast = parse_body("a = kind(source.c)\n  b = kind(\"fax\")\n").unwrap();
    let src = Value::from_json(&json!({ "c": "edi" }), &Coerce::Keep).unwrap();
    let out = weft_mapping::evaluate_with(&ast, src, &tables, &functions).unwrap();
    assert_eq!(out.to_json(), json!({ "a": "EDI", "b": "OTHER" }));
}

#[test]
fn a_null_in_any_argument_gives_null_not_a_guess() {
    // Before, a null separator or pattern became "" (splitting into
    // characters, matching everything).
    let out = run(
        "a = replace(source.id, source.missing, \"-\")\n  b = contains(source.id, source.missing)\n  c = split(source.id, source.missing)\n  d = merge({ x: 1 }, source.missing ?? {})\n",
        json!({ "id": "ABC" }),
        Coerce::Keep,
    )
    .unwrap();
    assert_eq!(out, json!({ "d": { "x": 1 } }));
}

#[test]
fn repeated_keys_keep_the_last_value_in_the_first_place() {
    // Past 16 keys the object is indexed: the rule must not change.
    let mut text = String::from("{");
    for i in 0..40 {
        text.push_str(&format!("\"k{i}\": {i}, "));
    }
    text.push_str("\"k3\": \"again\", \"k30\": \"again\"}");
    let v = Value::from_json_text(&text, &Coerce::Keep).unwrap();
    let Value::Object(fields) = &v else { panic!() };
    assert_eq!(fields.len(), 40);
    assert_eq!(fields[3], ("k3".into(), Value::Str("again".into())));
    assert_eq!(fields[30], ("k30".into(), Value::Str("again".into())));
    let ast = parse_body("o = { a: 1, b: 2, a: 3 }\n").unwrap();
    let out = evaluate(&ast, Value::Null).unwrap();
    assert_eq!(out.to_json_text(), r#"{"o":{"a":3,"b":2}}"#);
}

#[test]
fn copying_a_list_counts_against_the_budget() {
    // Each lambda copies the whole list: 4,000 copies of 4,000 items.
    let items: Vec<u32> = (0..4000).collect();
    let e = run(
        "n = count(source.items.map(i -> source.items).flat_map(x -> [1]))\n",
        json!({ "items": items }),
        Coerce::Keep,
    )
    .unwrap_err();
    assert!(e.contains("bytes of strings and lists"), "{e}");
}

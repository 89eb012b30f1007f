//! Compiled mappings: projected reading gives the same results as reading
//! everything, the budgets stop runaway mappings, and JSON text goes in and
//! out directly.

use serde_json::json;
use weft_mapping::{
    ast::Function, parse_body, parse_function_body, Coerce, CompiledMapping, Limits, RunError,
    Value,
};

fn compiled(body: &str) -> CompiledMapping {
    CompiledMapping::new(
        parse_body(body).expect("parses"),
        vec![Function {
            name: "label".into(),
            params: vec!["x".into()],
            body: parse_function_body("\"<{x.name}>\"").expect("parses"),
        }],
        vec![(
            "codes".into(),
            Value::Object(vec![("a".into(), Value::Str("Alpha".into()))]),
        )],
        &source_layout(),
    )
}

/// The source contract's layout: item prices are decimals.
fn source_layout() -> Coerce {
    Coerce::Object(vec![(
        "items".into(),
        Coerce::Array(Box::new(Coerce::Object(vec![(
            "price".into(),
            Coerce::Decimal,
        )]))),
    )])
}

fn field_names(c: &Coerce) -> Vec<String> {
    match c {
        Coerce::Record(f) => f.iter().map(|(n, _)| n.clone()).collect(),
        other => panic!("expected a projected record, got {other:?}"),
    }
}

#[test]
fn the_layout_keeps_only_what_the_mapping_reads() {
    let m = compiled(
        "id = source.id\n  let c = source.customer\n  who = c.name\n  lines = source.items.map(i -> { sku: i.sku, total: i.price * 2 })\n  first = source.tags[0]\n",
    );
    assert_eq!(field_names(m.layout()), ["customer", "id", "items", "tags"]);
    let Coerce::Record(fields) = m.layout() else {
        unreachable!()
    };
    assert_eq!(field_names(&fields[0].1), ["name"]);
    let Coerce::Array(item) = &fields[2].1 else {
        panic!("items should stay a list: {:?}", fields[2].1)
    };
    // The item keeps its decimal coercion and only the two fields read.
    assert_eq!(
        **item,
        Coerce::Record(vec![
            ("price".into(), Coerce::Decimal),
            ("sku".into(), Coerce::Keep)
        ])
    );
}

#[test]
fn values_used_whole_are_read_whole() {
    // `source` passed whole, a filtered list (its items are the result), a
    // computed index and a user function's argument all need everything.
    for (body, whole_field) in [
        ("all = source\n", None),
        (
            "kept = source.items.filter(i -> i.price > 1)\n",
            Some("items"),
        ),
        ("x = source.items[source.n]\n", Some("items")),
        ("x = label(source.customer)\n", Some("customer")),
        ("x = keys(source.customer)\n", Some("customer")),
    ] {
        let m = compiled(body);
        match whole_field {
            None => assert!(
                matches!(m.layout(), Coerce::Object(_)),
                "{body}: {:?}",
                m.layout()
            ),
            Some(f) => {
                let Coerce::Record(fields) = m.layout() else {
                    panic!("{body}: {:?}", m.layout())
                };
                let (_, c) = fields.iter().find(|(n, _)| n == f).expect(f);
                assert!(
                    !matches!(c, Coerce::Record(_)),
                    "{body}: `{f}` must not be projected: {c:?}"
                );
            }
        }
    }
}

#[test]
fn projected_and_full_reading_give_the_same_output() {
    let input = json!({
        "id": 7, "n": 1, "tags": ["x", "y"], "extra": {"deep": [1, 2, 3]},
        "customer": {"name": "Ada", "tier": "gold", "code": "a"},
        "items": [
            {"sku": "A", "price": "2.50", "qty": 2, "noise": "zzz"},
            {"sku": "B", "price": "1.25", "qty": 1, "noise": [1, {"a": 2}]}
        ]
    });
    let text = input.to_string();
    for body in [
        "id = source.id\n  lines = source.items.map(i -> { sku: i.sku, total: i.price * i.qty })\n",
        "let c = source.customer\n  who = label(c)\n  code = lookup(codes, c.code) ?? \"?\"\n",
        "kept = source.items.filter(i -> i.price > 2)\n  any = source.items.any(i -> i.sku == \"B\")\n",
        "tier = match source.customer.tier { \"gold\" | \"silver\" => 1, _ => 2 }\n  t = source.tags[-1]\n",
        "x = if source.n > 0 { let k = source.items[0]\n k.sku } else { null }\n",
        "all = source\n  n = source.n\n",
        "nested = source.items.flat_map(i -> [i.sku, i.noise])\n  keys = keys(source.extra)\n",
    ] {
        let m = compiled(body);
        let full = Value::from_json(&input, &source_layout()).unwrap();
        let expected = m.run(&full).unwrap().to_json();
        let projected: serde_json::Value =
            serde_json::from_str(&m.run_json(&text).unwrap()).unwrap();
        assert_eq!(projected, expected, "{body}");
    }
}

#[test]
fn json_text_in_and_out() {
    let m = compiled("price = source.items[0].price\n  at = source.at\n");
    assert_eq!(
        m.run_json(r#"{"items": [{"price": "19.990"}], "at": null, "skip": [1,2,{"x":[]}]}"#),
        Ok(r#"{"price":"19.990"}"#.to_string())
    );
    let Err(RunError::Input(e)) = m.run_json("{\"items\": [\n  {\"price\": \"lots\"}]}") else {
        panic!("a bad decimal is an input error")
    };
    assert!(
        e.contains("`lots` is not a decimal") && e.contains("line 2"),
        "{e}"
    );
    let Err(RunError::Input(e)) = m.run_json("{\"items\": []} trailing") else {
        panic!("trailing text is an input error")
    };
    assert!(e.contains("trailing"), "{e}");
    // Written directly: null fields left out, decimals as exact strings,
    // date-times with their offset, non-finite floats as null.
    let v = Value::Object(vec![
        (
            "a".into(),
            Value::Array(vec![
                Value::Int(1),
                Value::Float(2.5),
                Value::Null,
                Value::Float(f64::NAN),
            ]),
        ),
        ("b".into(), Value::Null),
        ("c".into(), Value::Dec("1.50".parse().unwrap())),
        (
            "d".into(),
            weft_mapping::value::parse_rfc3339("2024-05-02T09:41:17-05:00").unwrap(),
        ),
        ("e".into(), Value::Str("q\"uote".into())),
    ]);
    assert_eq!(
        v.to_json_text(),
        r#"{"a":[1,2.5,null,null],"c":"1.50","d":"2024-05-02T09:41:17-05:00","e":"q\"uote"}"#
    );
}

#[test]
fn a_runaway_mapping_hits_its_step_budget() {
    let m =
        compiled("x = source.items.map(a -> source.items.map(b -> source.items.map(c -> 1)))\n")
            .with_limits(Limits {
                max_steps: 50_000,
                ..Limits::default()
            });
    let items: Vec<_> = (0..100).map(|i| json!({ "sku": i })).collect();
    let e = m
        .run_json(&json!({ "items": items }).to_string())
        .unwrap_err();
    assert!(e.to_string().contains("more than 50000 steps"), "{e}");
    // The same mapping on a small list is fine.
    let small = json!({ "items": [{"sku": 1}, {"sku": 2}] }).to_string();
    assert_eq!(
        m.run_json(&small).unwrap(),
        r#"{"x":[[[1,1],[1,1]],[[1,1],[1,1]]]}"#
    );
}

#[test]
fn growing_strings_and_lists_hit_their_limits() {
    let limits = Limits {
        max_string_bytes: 1000,
        max_items: 100,
        ..Limits::default()
    };
    let m = compiled("let a = \"{source.s}{source.s}\"\n  let b = a + a\n  c = b + b\n")
        .with_limits(limits);
    let e = m
        .run_json(&json!({ "s": "x".repeat(200) }).to_string())
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("a string longer than its limit of 1000"),
        "{e}"
    );
    let m = compiled("x = source.items.flat_map(i -> source.items)\n").with_limits(limits);
    let items: Vec<_> = (0..20).collect();
    let e = m
        .run_json(&json!({ "items": items }).to_string())
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("a list longer than its limit of 100"),
        "{e}"
    );
}

#[test]
fn written_output_is_the_built_output_written() {
    // `run_json` writes flat bodies straight to text; it must give what
    // building the value and writing it gives, failures and budgets included.
    let input = json!({
        "id": 7, "name": "x\"y", "tags": ["a", null],
        "customer": {"name": "Ada", "code": "a"},
        "items": [
            {"sku": "A", "price": "2.50", "qty": 2},
            {"sku": null, "price": "1.25", "qty": 1},
            {"price": "0.10"}
        ]
    });
    let text = input.to_string();
    for body in [
        "id = source.id\n  gone = source.missing\n  lines = source.items.map(i -> { sku: i.sku, total: i.price * i.qty, none: null })\n",
        "a = source.items.map(i -> i.sku)\n  b = source.missing.map(i -> i)\n  c = source.tags\n  d = { x: { y: source.customer.name } }\n",
        "let c = source.customer\n  who = label(c)\n  code = lookup(codes, c.code) ?? \"?\"\n  o = { k: 1, k: 2, j: source.name }\n",
        "nested = source.items.map(i -> source.tags.map(t -> \"{t}-{i.sku}\"))\n  x = source.items.map(i -> if i.qty > 1 { i } else { null })\n",
        "a.b = 1\n  a.c = source.name\n",
        "a = 1\n  a = 2\n",
        "x = source.items.map(i -> i.price * 2)\n  y = fail(\"stop {source.id}\")\n",
        "x = source.items.map(i -> fail(\"item {i.sku}\"))\n",
        "x = source.items.map(7)\n",
        "all = source\n  c = source.customer\n",
    ] {
        let m = compiled(body);
        let read = Value::from_json_text(&text, m.layout()).unwrap();
        let built = m.run(&read).map(|v| v.to_json_text());
        let written = m.run_json(&text).map_err(|e| match e {
            RunError::Mapping(e) => e,
            RunError::Input(e) => panic!("{e}"),
        });
        assert_eq!(written, built, "{body}");
    }
    // The same budget either way: the list written counts as the list built.
    let m = compiled("x = source.items.map(i -> i.sku)\n").with_limits(Limits {
        max_items: 2,
        ..Limits::default()
    });
    let e = m.run_json(&text).unwrap_err();
    assert!(
        e.to_string().contains("a list longer than its limit of 2"),
        "{e}"
    );
}

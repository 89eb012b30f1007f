//! Mapping type checking through lets, lambdas, nested objects and branches.

use weft_compiler::{check_workspace, CheckOptions};

const CONTRACTS: &str = r#"kind: contract
name: In
version: 1.0.0
owner: t
fields:
  id: { type: string, required: true }
  note: string
  amount: { type: string, required: true }
  state: { type: enum, values: [paid, open], required: true }
  items:
    type: array
    required: true
    items:
      fields:
        sku: { type: string, required: true }
        qty: { type: integer, required: true }
---
kind: contract
name: Out
version: 1.0.0
owner: t
fields:
  id: { type: string, required: true }
  total: { type: decimal, required: true }
  label: { type: string, required: true }
  status: { type: enum, values: [confirmed, pending], required: true }
  lines:
    type: array
    required: true
    items:
      fields:
        sku: { type: string, required: true }
        quantity: { type: integer, required: true }
"#;

/// Findings of a workspace holding the contracts above and `mapping` (as `m.weft`).
fn findings(mapping: &str) -> Vec<(String, usize, String)> {
    findings_with(CONTRACTS, mapping)
}

fn findings_with(contracts: &str, mapping: &str) -> Vec<(String, usize, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("weft.yaml"),
        "workspace: t\nlint: { unused-contract: off }\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("contracts.yaml"), contracts).unwrap();
    std::fs::write(dir.path().join("m.weft"), mapping).unwrap();
    let report = check_workspace(
        dir.path(),
        &CheckOptions {
            today: "2026-11-23".into(),
        },
    )
    .unwrap();
    report
        .diagnostics()
        .iter()
        .map(|d| {
            let f = report.compilation.sources.get(d.loc.file);
            (
                d.rule.id.to_string(),
                f.line_col(d.loc.start as usize).0,
                d.message.clone(),
            )
        })
        .collect()
}

#[test]
fn a_correct_mapping_through_lets_lambdas_and_branches_is_clean() {
    let found = findings(
        r#"mapping m: In@1 -> Out@1 {
  let amount = decimal(source.amount)?
  id     = "X-{source.id}"
  total  = if amount > 100 { amount } else { amount + 1 }
  label  = source.note ?? "none"
  status = match source.state { "paid" => "confirmed" "open" => "pending" }
  lines  = source.items.map(i -> { sku: i.sku, quantity: i.qty })
}
"#,
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn errors_inside_lambdas_and_objects_point_at_their_line() {
    let found = findings(
        r#"mapping m: In@1 -> Out@1 {
  id     = source.id
  total  = decimal(source.amount)?
  label  = source.note
  status = match source.state { "paid" => "confirmed" }
  lines  = source.items.map(i -> {
    sku: i.skuu,
    quantity: i.qty,
  })
}
"#,
    );
    let rules: Vec<(&str, usize)> = found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
    assert_eq!(
        rules,
        [
            ("mapping-nullable-to-required", 4),
            ("mapping-match-not-exhaustive", 5),
            ("mapping-unknown-field", 7),
        ],
        "{found:?}"
    );
    assert!(found[1].2.contains("\"open\""), "{}", found[1].2);
    assert!(found[2].2.contains("`skuu`"), "{}", found[2].2);
}

#[test]
fn object_literals_are_checked_field_by_field() {
    let found = findings(
        r#"mapping m: In@1 -> Out@1 {
  id     = source.id
  total  = decimal(source.amount)?
  label  = "x"
  status = "confirmed"
  lines  = source.items.map(i -> { sku: i.sku, qty: i.qty })
}
"#,
    );
    let rules: Vec<&str> = found.iter().map(|(r, _, _)| r.as_str()).collect();
    // Same position: sorted by rule code.
    assert_eq!(
        rules,
        ["mapping-unknown-field", "mapping-missing-field"],
        "{found:?}"
    );
    assert!(found[0].2.contains("lines[].qty"), "{}", found[0].2);
    assert!(found[1].2.contains("lines[].quantity"), "{}", found[1].2);
}

#[test]
fn a_coalesce_that_can_fire_is_not_flagged_and_one_that_cannot_is() {
    let found = findings(
        r#"mapping m: In@1 -> Out@1 {
  id     = source.id ?? "never"
  total  = decimal(source.amount)?
  label  = source.note ?? "none"
  status = "pending"
  lines  = []
}
"#,
    );
    let rules: Vec<(&str, usize)> = found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
    assert_eq!(rules, [("mapping-unreachable-fallback", 2)], "{found:?}");
}

const NESTED: &str = r#"kind: contract
name: In
version: 1.0.0
owner: t
fields:
  id: { type: string, required: true }
  amount: { type: decimal, required: true }
  weight: { type: number, required: true }
  state: { type: enum, values: [a, b] }
  note: string
---
kind: contract
name: Out
version: 1.0.0
owner: t
fields:
  ref: { type: string, required: true }
  label: { type: string, required: true }
  kind: { type: enum, values: [x, y, z], required: true }
  same: { type: boolean, required: true }
  ship_to:
    required: true
    fields:
      city: { type: string, required: true }
      zip: { type: string, required: true }
"#;

#[test]
fn regressions_found_while_writing_fixtures() {
    let found = findings_with(
        NESTED,
        r#"mapping m: In@1 -> Out@1 {
  ref          = source.id
  ref.extra    = source.id
  label        = "L-{source.note}"
  kind         = match source.state { "a" => "x"  "b" => "y"  null => "z" }
  same         = source.amount == source.weight
  ship_to.city = source.id.uppercase()
}
"#,
    );
    let got: Vec<(&str, usize)> = found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
    assert_eq!(
        got,
        [
            // a path through a string field
            ("mapping-unknown-field", 3),
            // interpolating a value that may be null may give null
            ("mapping-nullable-to-required", 4),
            // `==` mixes decimal and float too
            ("mapping-decimal-float", 6),
            // the underline is on the method name
            ("mapping-unknown-function", 7),
            // ship_to.zip is required even though ship_to is assigned field by field
            ("mapping-missing-field", 7),
        ],
        "{found:?}"
    );
    assert!(
        found[0]
            .2
            .contains("`ref` is a string; it has no field `extra`"),
        "{}",
        found[0].2
    );
    assert!(found[4].2.contains("ship_to.zip"), "{}", found[4].2);
}

#[test]
fn lineage_follows_lets_lambdas_and_indexing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("weft.yaml"),
        "workspace: t\nlint: { unused-contract: off }\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("contracts.yaml"), CONTRACTS).unwrap();
    std::fs::write(
        dir.path().join("m.weft"),
        r#"mapping m: In@1 -> Out@1 {
  let amount = decimal(source.amount)?
  id     = "X-{source.id}"
  total  = amount + 1
  label  = source.note ?? source.items[0].sku ?? "none"
  status = "pending"
  lines  = source.items.map(i -> { sku: i.sku, quantity: i.qty })
}
"#,
    )
    .unwrap();
    let report = check_workspace(
        dir.path(),
        &CheckOptions {
            today: "2026-11-23".into(),
        },
    )
    .unwrap();
    assert!(
        report.diagnostics().is_empty(),
        "{:?}",
        report
            .diagnostics()
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    let l = weft_compiler::render::lineage::of(&report, "m").unwrap_or_else(|_| panic!("lineage"));
    let got: Vec<(String, Vec<String>)> = l
        .fields
        .iter()
        .map(|f| {
            (
                f.target.clone(),
                f.sources.iter().map(|s| s.path.clone()).collect(),
            )
        })
        .collect();
    let want: Vec<(String, Vec<String>)> = [
        ("id", vec!["id"]),
        ("total", vec!["amount"]),
        ("label", vec!["items[].sku", "note"]),
        ("status", vec![]),
        ("lines", vec!["items", "items[].qty", "items[].sku"]),
    ]
    .into_iter()
    .map(|(t, s)| (t.to_string(), s.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(got, want);
    // Positions point at the first read, in the mapping file.
    let total = &l.fields[1];
    assert_eq!(
        (
            total.sources[0].position.file.as_str(),
            total.sources[0].position.line
        ),
        ("m.weft", 2)
    );
}

#[test]
fn every_function_of_the_library_has_a_static_type() {
    // A call with arguments of unknown type must be understood by the checker.
    for f in weft_mapping::functions::ALL {
        let text = format!("mapping m: In@1 -> Out@1 {{\n  let x = {}(source.id, source.id)\n  id = source.id\n  total = decimal(source.amount)?\n  label = \"x\"\n  status = \"pending\"\n  lines = []\n}}\n", f.name);
        let found = findings(&text);
        assert!(
            !found
                .iter()
                .any(|(r, _, _)| r == "mapping-unknown-function"),
            "{}: {found:?}",
            f.name
        );
    }
}

#[test]
fn lookup_tables_are_typed_and_complete_for_enum_keys() {
    let tables = "---\nkind: table\nname: codes\nversion: 1.0.0\nkey: string\nvalue: string\nentries:\n  paid: P\n";
    let contracts = format!("{CONTRACTS}{tables}");
    let found = findings_with(
        &contracts,
        r#"mapping m: In@1 -> Out@1 {
  id     = lookup(codes, source.state)
  total  = decimal(source.amount)?
  label  = lookup(codes, source.id) ?? "none"
  status = "pending"
  lines  = []
}
"#,
    );
    let got: Vec<(&str, usize)> = found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
    // state is enum [paid, open]: "open" has no entry; and the result may be null.
    assert_eq!(
        got,
        [
            ("mapping-nullable-to-required", 2),
            ("mapping-incomplete-table", 2)
        ],
        "{found:?}"
    );
    assert!(found[1].2.contains("\"open\""), "{}", found[1].2);
}

#[test]
fn user_functions_are_checked_where_defined_and_at_each_call() {
    let found = findings(
        r#"fn money(text) {
  decimal(trim(text))?
}

fn label_of(note) { upper(nte) }

fn loop_a(x) { loop_b(x) }
fn loop_b(x) { loop_a(x) }

mapping m: In@1 -> Out@1 {
  id     = source.id
  total  = money(source.amount)
  label  = label_of(source.id)
  status = "pending"
  lines  = [money(source.amount, 2)?]
}
"#,
    );
    let got: Vec<(&str, usize)> = found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
    assert_eq!(
        got,
        [
            // the typo in label_of is reported once, in the function, though it is called
            ("mapping-unknown-field", 5),
            // loop_b calls loop_a, which calls loop_b: reported in both
            ("mapping-unknown-function", 7),
            ("mapping-unknown-function", 8),
            // money can fail (its body uses `?`): the call needs `?`
            ("mapping-unhandled-failure", 12),
            // two arguments for one parameter
            ("mapping-type-mismatch", 15),
        ],
        "{found:?}"
    );
}

#[test]
fn a_user_function_result_has_the_type_of_its_body_for_the_arguments_given() {
    let found = findings(
        r#"fn first_sku(items) { items[0].sku }

mapping m: In@1 -> Out@1 {
  id     = first_sku(source.items)
  total  = decimal(source.amount)?
  label  = "x"
  status = "pending"
  lines  = []
}
"#,
    );
    // items[0] may be missing: the result may be null, and `id` is required.
    let got: Vec<(&str, usize)> = found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
    assert_eq!(got, [("mapping-nullable-to-required", 4)], "{found:?}");
}

#[test]
fn a_match_over_a_boolean_must_cover_both_values() {
    let found = findings(
        r#"mapping m: In@1 -> Out@1 {
  id     = match count(source.items) > 0 { true => "some" }
  total  = decimal(source.amount)?
  label  = match source.id == "x" { true => "x"  false => "y" }
  status = "pending"
  lines  = []
}
"#,
    );
    let got: Vec<(&str, usize)> = found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
    assert_eq!(got, [("mapping-match-not-exhaustive", 2)], "{found:?}");
    assert!(
        found[0].2.ends_with("does not cover false"),
        "{}",
        found[0].2
    );
}

#[test]
fn a_field_past_its_sunset_is_found_through_lambdas() {
    let contracts = CONTRACTS.replace(
        "        qty: { type: integer, required: true }",
        "        qty: { type: integer, required: true }\n        old_sku: { type: string, deprecated: { since: 1.1.0, sunset: 2020-01-01 } }",
    );
    let found = findings_with(
        &contracts,
        r#"mapping m: In@1 -> Out@1 {
  id     = source.id
  total  = decimal(source.amount)?
  label  = "x"
  status = "pending"
  lines  = source.items.map(i -> { sku: i.old_sku ?? i.sku, quantity: i.qty })
}
"#,
    );
    let got: Vec<(&str, usize)> = found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
    assert_eq!(got, [("deprecated-field-past-sunset", 6)], "{found:?}");
    assert!(
        found[0].2.contains("source.items[].old_sku"),
        "{}",
        found[0].2
    );
}

/// `(rule, line)` of each finding.
fn rules_at(found: &[(String, usize, String)]) -> Vec<(&str, usize)> {
    found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect()
}

#[test]
fn arithmetic_and_comparisons_are_typed_as_the_evaluator_computes_them() {
    let found = findings(
        r#"mapping m: In@1 -> Out@1 {
  id     = source.id + 1
  total  = decimal(source.amount)?
  label  = source.id - "x"
  status = if source.items[0].qty / 2 > 1 { "confirmed" } else { "pending" }
  lines  = source.items.map(i -> { sku: i.sku, quantity: i.qty / 2 })
}
"#,
    );
    assert_eq!(
        rules_at(&found),
        [
            ("mapping-type-mismatch", 2),
            ("mapping-type-mismatch", 4),
            ("mapping-type-mismatch", 6),
        ],
        "{found:?}"
    );
    assert!(
        found[0].2.contains("`+` joins two strings"),
        "{}",
        found[0].2
    );
    // 7 / 2 is 3.5: integer division gives a decimal, not an integer.
    assert!(found[2].2.contains("decimal"), "{}", found[2].2);
    let found = findings(
        r#"mapping m: In@1 -> Out@1 {
  id     = source.id
  total  = decimal(source.amount)?
  label  = if source.id < 3 { "a" } else { "b" }
  status = "pending"
  lines  = []
}
"#,
    );
    assert_eq!(
        rules_at(&found),
        [("mapping-type-mismatch", 4)],
        "{found:?}"
    );
    assert!(
        found[0]
            .2
            .contains("cannot compare a string with an integer"),
        "{}",
        found[0].2
    );
}

#[test]
fn a_match_over_a_string_needs_a_wildcard_and_calls_need_their_arguments() {
    let found = findings(
        r#"mapping m: In@1 -> Out@1 {
  id     = match source.id { "a" => "x" }
  total  = round(decimal(source.amount)?, 2, "half_up", "extra")
  label  = upper()
  status = "pending"
  lines  = []
}
"#,
    );
    assert_eq!(
        rules_at(&found),
        [
            ("mapping-match-not-exhaustive", 2),
            ("mapping-type-mismatch", 3),
            ("mapping-type-mismatch", 4),
        ],
        "{found:?}"
    );
    assert!(
        found[1]
            .2
            .contains("`round` takes 1 to 3 argument(s), 4 given"),
        "{}",
        found[1].2
    );
    assert!(
        found[2].2.contains("`upper` takes 1 argument(s), 0 given"),
        "{}",
        found[2].2
    );
}

#[test]
fn a_function_that_fails_must_be_called_with_a_question_mark() {
    let found = findings(
        r#"mapping m: In@1 -> Out@1 {
  id     = checked(source.id)
  total  = decimal(source.amount)?
  label  = checked(source.id)?
  status = "pending"
  lines  = []
}

fn checked(s) {
  if length(s) > 3 { fail("too long: {s}") } else { s }
}
"#,
    );
    assert_eq!(
        rules_at(&found),
        [("mapping-unhandled-failure", 2)],
        "{found:?}"
    );
}

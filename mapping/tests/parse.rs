//! The mapping-language parser on real mappings and on broken ones.

use weft_mapping::ast::*;
use weft_mapping::{parse_body, parse_expr};

/// The example of shared/design/LANGUAGE.md, as written.
const LANGUAGE_EXAMPLE: &str = r#"
  id          = "SHOP-{source.id}"
  customer_id = source.customer.id ?? fail("order has no customer")
  placed_at   = parse_datetime(source.created_at)?
  currency    = source.currency
  total       = decimal(source.total_price)?    # parsing can fail: `?` sends the
  lines       = source.line_items.map(li -> {   # message to the dead-letter queue
                  sku: li.sku,
                  quantity: li.quantity,
                  unit_price: decimal(li.price)?,
                })
  status      = match source.financial_status {
                  "paid" => "confirmed"
                  "pending" | "authorized" => "pending"
                  _ => "held"
                }
"#;

fn targets(body: &Body) -> Vec<String> {
    body.items
        .iter()
        .map(|i| match i {
            Item::Assign { target, .. } => target.join("."),
            Item::Let { name, .. } => format!("let {name}"),
        })
        .collect()
}

#[test]
fn parses_the_language_md_example() {
    let body = parse_body(LANGUAGE_EXAMPLE).expect("parses");
    assert_eq!(
        targets(&body),
        [
            "id",
            "customer_id",
            "placed_at",
            "currency",
            "total",
            "lines",
            "status"
        ]
    );
    let Item::Assign { value, .. } = &body.items[6] else {
        panic!()
    };
    let ExprKind::Match { arms, .. } = &value.kind else {
        panic!("{value:?}")
    };
    assert_eq!(arms.len(), 3);
    assert_eq!(arms[1].patterns.len(), 2);
    assert!(matches!(arms[2].patterns[0], Pattern::Wildcard(_)));
    let Item::Assign { value, .. } = &body.items[1] else {
        panic!()
    };
    assert!(matches!(
        value.kind,
        ExprKind::Binary(BinaryOp::Coalesce, _, _)
    ));
    let Item::Assign { value, .. } = &body.items[0] else {
        panic!()
    };
    let ExprKind::Str(parts) = &value.kind else {
        panic!()
    };
    assert_eq!(parts[0], StrPart::Text("SHOP-".into()));
    assert!(
        matches!(&parts[1], StrPart::Expr(e) if matches!(&e.kind, ExprKind::Field(_, f) if f == "id"))
    );
}

#[test]
fn spans_point_into_the_body() {
    let body = parse_body(LANGUAGE_EXAMPLE).unwrap();
    let Item::Assign {
        value, target_span, ..
    } = &body.items[2]
    else {
        panic!()
    };
    assert_eq!(
        &LANGUAGE_EXAMPLE[target_span.start as usize..target_span.end as usize],
        "placed_at"
    );
    assert_eq!(
        &LANGUAGE_EXAMPLE[value.span.start as usize..value.span.end as usize],
        "parse_datetime(source.created_at)?"
    );
}

#[test]
fn operator_precedence() {
    let e = parse_expr("a + b * c > d && !e || f ?? g").unwrap();
    // `??` binds loosest, then ||, &&, comparison, +, *.
    let ExprKind::Binary(BinaryOp::Coalesce, lhs, _) = &e.kind else {
        panic!("{e:?}")
    };
    let ExprKind::Binary(BinaryOp::Or, and, _) = &lhs.kind else {
        panic!()
    };
    let ExprKind::Binary(BinaryOp::And, cmp, not) = &and.kind else {
        panic!()
    };
    assert!(matches!(not.kind, ExprKind::Unary(UnaryOp::Not, _)));
    let ExprKind::Binary(BinaryOp::Gt, sum, _) = &cmp.kind else {
        panic!()
    };
    let ExprKind::Binary(BinaryOp::Add, _, product) = &sum.kind else {
        panic!()
    };
    assert!(matches!(
        product.kind,
        ExprKind::Binary(BinaryOp::Mul, _, _)
    ));
}

#[test]
fn literals_keep_decimals_exact() {
    assert_eq!(
        parse_expr("19.99").unwrap().kind,
        ExprKind::Decimal("19.99".parse().unwrap())
    );
    assert_eq!(parse_expr("42").unwrap().kind, ExprKind::Integer(42));
    assert!(matches!(
        parse_expr("1e3").unwrap().kind,
        ExprKind::Float(_)
    ));
    assert_eq!(parse_expr("null").unwrap().kind, ExprKind::Null);
    assert!(matches!(
        parse_expr("nullable").unwrap().kind,
        ExprKind::Var(_)
    ));
}

#[test]
fn lets_ifs_lambdas_indexing_and_nested_strings() {
    let text = r#"
  let parts = split(source.items, ";")
  first     = parts[0]
  kind      = if source.total > 100 { "big" } else if source.total > 10 { "mid" } else { "small" }
  label     = "{join(source.tags, ", ")} / {source.name}"
  pairs     = parts.map(p -> split(p, ":")).filter((x) -> count(x) == 2)
  neg       = match source.code { -1 => "none" 0 => "zero" _ => "some" }
  meta.code = source.code
"#;
    let body = parse_body(text).expect("parses");
    assert_eq!(
        targets(&body),
        [
            "let parts",
            "first",
            "kind",
            "label",
            "pairs",
            "neg",
            "meta.code"
        ]
    );
}

#[test]
fn reports_every_broken_item() {
    let text = "  id = source.id +\n  ok = 1\n  total = decimal(source.total\n  status = match x { \"a\" = \"b\" }\n";
    let errors = parse_body(text).unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:?}");
    let lines: Vec<usize> = errors
        .iter()
        .map(|e| text[..e.span.start as usize].lines().count())
        .collect();
    assert_eq!(lines, [1, 3, 4], "{errors:?}");
    assert!(
        errors[1].message.contains("expected"),
        "{}",
        errors[1].message
    );
    insta::assert_debug_snapshot!(errors);
}

#[test]
fn hostile_input_fails_fast() {
    let deep = format!("a = {}1{}", "[".repeat(50_000), "]".repeat(50_000));
    let started = std::time::Instant::now();
    let errors = parse_body(&deep).unwrap_err();
    assert!(errors[0].message.contains("nesting"));
    let huge = "a = 1\n".repeat(200_000);
    assert!(parse_body(&huge).unwrap_err()[0]
        .message
        .contains("at most"));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn literals_and_lambdas_the_evaluator_cannot_honour_are_syntax_errors() {
    // A lambda takes one parameter: collection functions pass one item.
    let e = parse_body("a = source.items.map((x, y) -> y)\n").unwrap_err();
    assert!(e[0].message.contains("expected"), "{}", e[0].message);
    // A quoted key is written as it is: an interpolation there was dropped.
    let e = parse_body("a = { \"k-{source.id}\": 1 }\n").unwrap_err();
    assert!(e[0].message.contains("expected"), "{}", e[0].message);
    assert!(parse_body("a = { \"unit price\": 1, \"\\{x\\}\": 2 }\n").is_ok());
    // A decimal beyond 28 digits would fail every message: refused here, at its place.
    let body = "a = 1\n  b = 123456789012345678901234567890.5\n";
    let e = parse_body(body).unwrap_err();
    assert!(e[0].message.contains("out of range"), "{}", e[0].message);
    assert_eq!(
        &body[e[0].span.start as usize..e[0].span.end as usize],
        "123456789012345678901234567890.5"
    );
    // Nesting is bounded for single expressions too.
    let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
    assert!(weft_mapping::parse_expr(&deep)
        .unwrap_err()
        .message
        .contains("nesting"));
}

//! Every documented example of every function runs and gives its documented result.

use weft_mapping::functions::ALL;
use weft_mapping::{evaluate_expr, parse_expr, Value};

#[test]
fn every_example_gives_its_documented_result() {
    let mut problems = Vec::new();
    for f in ALL {
        assert!(!f.examples.is_empty(), "`{}` has no example", f.name);
        for ex in f.examples {
            let expr = match parse_expr(ex.call) {
                Ok(e) => e,
                Err(e) => {
                    problems.push(format!(
                        "{}: `{}` does not parse: {}",
                        f.name, ex.call, e.message
                    ));
                    continue;
                }
            };
            let got = match evaluate_expr(&expr, &Value::Null) {
                Ok(v) => serde_json::to_string(&v.to_json()).unwrap(),
                Err(e) => format!("error: {}", e.message),
            };
            let want = match ex.result.strip_prefix("error: ") {
                Some(_) => ex.result.to_string(),
                None => serde_json::to_string(
                    &serde_json::from_str::<serde_json::Value>(ex.result)
                        .expect("example result is JSON"),
                )
                .unwrap(),
            };
            let ok = if want.starts_with("error: ") {
                got.starts_with(&want)
            } else {
                got == want
            };
            if !ok {
                problems.push(format!(
                    "{}: `{}` gave {got}, documented {want}",
                    f.name, ex.call
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn functions_are_sorted_and_unique() {
    let names: Vec<&str> = ALL.iter().map(|f| f.name).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted);
}

#[test]
fn every_signature_states_how_many_arguments_and_examples_agree() {
    for f in weft_mapping::functions::ALL {
        let (min, max) = f.arity();
        assert!(min <= max && max >= 1, "{}: {min}..{max}", f.name);
        for ex in f.examples {
            let e = parse_expr(ex.call).unwrap();
            let n = match &e.kind {
                weft_mapping::ast::ExprKind::Call { args, .. } => args.len(),
                weft_mapping::ast::ExprKind::Method { args, .. } => args.len() + 1,
                _ => continue,
            };
            assert!(
                (min..=max).contains(&n),
                "{}: example `{}` has {n} arguments, signature says {min}..{max}",
                f.name,
                ex.call
            );
        }
    }
    let round = weft_mapping::functions::find("round").unwrap();
    assert_eq!(round.arity(), (1, 3));
}

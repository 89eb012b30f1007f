//! Every rule of the catalogue is produced by its own example, with the stated verdicts.

use serde_json::Value;
use weft_compat::{compare, Profile, Verdict, RULES};

#[test]
fn every_rule_example_produces_its_rule() {
    let mut failures = Vec::new();
    for r in RULES {
        let old: Value = serde_json::from_str(r.example_old).expect("example old parses");
        let new: Value = serde_json::from_str(r.example_new).expect("example new parses");
        let cmp = compare(&old, &new, Profile::Strict).expect("example compares");
        let found = cmp.changes.iter().find(|c| c.rule == r.id);
        match found {
            None => failures.push(format!(
                "{}: not produced; got {:?}",
                r.id,
                cmp.changes
                    .iter()
                    .map(|c| (c.rule, c.backward, c.forward))
                    .collect::<Vec<_>>()
            )),
            Some(c) => {
                if (c.backward, c.forward) != (r.example_backward, r.example_forward) {
                    failures.push(format!(
                        "{}: verdicts {:?}/{:?}, expected {:?}/{:?} ({})",
                        r.id,
                        c.backward,
                        c.forward,
                        r.example_backward,
                        r.example_forward,
                        c.message
                    ));
                }
                for (v, w) in [(c.backward, true), (c.forward, false)] {
                    if v == Verdict::Incompatible && c.witness.is_none() && w {
                        failures.push(format!("{}: incompatible without a witness", r.id));
                    }
                }
            }
        }
        for c in &cmp.changes {
            assert!(
                RULES.iter().any(|x| x.id == c.rule),
                "unknown rule {}",
                c.rule
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn rule_ids_are_unique_kebab_case() {
    for (i, r) in RULES.iter().enumerate() {
        assert!(
            r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            r.id
        );
        assert!(
            !RULES[..i].iter().any(|x| x.id == r.id),
            "duplicate {}",
            r.id
        );
        assert!(!r.summary.is_empty());
    }
}

//! Findings inside flow expressions point at the exact text, whatever the YAML style.

use weft_compiler::{check_workspace, CheckOptions};

#[test]
fn paths_in_block_and_quoted_conditions_point_at_the_field() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("weft.yaml"),
        "workspace: t\nimports: [std/distribution@1]\n",
    )
    .unwrap();
    let spec = "kind: system\nname: shop\nrole: storefront\nconnector: webhook\nwebhook:\n  topics:\n    orders: Order@1\n---\nkind: flow\nname: f\ntrigger: { webhook: { system: shop, topic: orders } }\nsource: Order@1\nsteps:\n  - hold:\n      when: |\n        current.total > 100\n          && current.totl > 5\n      reason: review\n  - filter: { when: \"current.custmer_id != null\" }\nidempotency_key: source.id\n";
    std::fs::write(dir.path().join("flow.yaml"), spec).unwrap();
    let report = check_workspace(
        dir.path(),
        &CheckOptions {
            today: "2026-11-23".into(),
        },
    )
    .unwrap();
    let found: Vec<(usize, usize, &str)> = report
        .diagnostics()
        .iter()
        .filter(|d| d.rule.id == "unknown-field")
        .map(|d| {
            let f = report.compilation.sources.get(d.loc.file);
            let (line, col) = f.line_col(d.loc.start as usize);
            (line, col, &f.text[d.loc.range()])
        })
        .collect();
    assert_eq!(
        found,
        [(17, 14, "current.totl"), (19, 22, "current.custmer_id")],
        "{:?}",
        report.diagnostics()
    );
}

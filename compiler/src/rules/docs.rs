//! Documentation generated from the rule catalogue (`docs/rules.md`, `weft explain`).

use super::{Rule, ALL};
use std::fmt::Write;

/// The documentation of one rule, as Markdown.
pub fn rule_markdown(rule: &Rule) -> String {
    let mut out = String::new();
    let level = match (rule.configurable, rule.default_severity.as_str()) {
        (true, sev) => format!("{sev} (configurable)"),
        (false, sev) => format!("{sev} (fixed)"),
    };
    let _ = writeln!(out, "## `{}` ({})\n", rule.id, rule.code);
    let _ = writeln!(out, "{}\n", rule.summary);
    let _ = writeln!(out, "- **Category:** {}", rule.category.title());
    let _ = writeln!(out, "- **Default level:** {level}\n");
    let _ = writeln!(out, "**Why:** {}\n", rule.why);
    let _ = writeln!(out, "**How to fix:** {}\n", rule.fix);
    let _ = writeln!(
        out,
        "Example that triggers it:\n\n```\n{}\n```",
        rule.example.trim_end()
    );
    out
}

/// `docs/rules.md`: every rule, grouped by category.
pub fn all_rules_markdown() -> String {
    let mut out = String::from(
        "# weft check rules\n\n\
         Generated from `compiler/src/rules/catalog.rs` by `weft explain --all`; do not edit by hand.\n\n\
         Lint rules can be re-levelled in `weft.yaml` (`lint: { RULE-ID: error | warn | info | off }`) and \
         suppressed in place with `# weft:allow RULE-ID -- REASON`. The other rules are always errors.\n\n\
         | id | code | default | summary |\n|---|---|---|---|\n",
    );
    for rule in ALL {
        let _ = writeln!(
            out,
            "| [`{}`](#{}-{}) | {} | {} | {} |",
            rule.id,
            rule.id,
            rule.code.to_lowercase(),
            rule.code,
            rule.default_severity.as_str(),
            rule.summary.replace('|', "\\|")
        );
    }
    let mut category = None;
    for rule in ALL {
        if category != Some(rule.category) {
            category = Some(rule.category);
            let _ = writeln!(out, "\n# {}\n", rule.category.title());
        }
        out.push_str(&rule_markdown(rule));
        out.push('\n');
    }
    out
}

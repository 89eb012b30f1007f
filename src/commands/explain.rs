//! `weft explain`: the documentation of a rule.

use weft_compiler::rules;

pub fn run(rule: Option<String>, all: bool) -> i32 {
    if all {
        crate::out::print(&rules::docs::all_rules_markdown());
        return 0;
    }
    let Some(id) = rule else {
        eprintln!("error: name a rule (`weft explain literal-secret`) or pass --all");
        return 2;
    };
    match rules::find(&id) {
        Some(r) => {
            crate::out::print(&rules::docs::rule_markdown(r));
            0
        }
        None => {
            let hint =
                weft_compiler::diagnostic::did_you_mean(&id, rules::ALL.iter().map(|r| r.id))
                    .unwrap_or_else(|| "`weft explain --all` lists every rule".into());
            eprintln!("error: unknown rule `{id}`: {hint}");
            2
        }
    }
}

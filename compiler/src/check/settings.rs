//! Settings that pass the schema but cannot work: backoff bounds, cron
//! expressions, and the `lint:` section of `weft.yaml`.

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::rules;
use crate::spec::flow::Trigger;
use crate::spec::manifest::Manifest;
use crate::spec::Specs;

pub fn check(specs: &Specs, manifest: Option<&Manifest>, diags: &mut Vec<Diagnostic>) {
    for p in &specs.policies {
        if let Some(retry) = &p.retry {
            if let (Some((initial, max)), Some(max_loc)) = (retry.backoff_ms(), retry.max.as_ref())
            {
                if max < initial {
                    diags.push(
                        Diagnostic::new(
                            &rules::INVALID_SETTING,
                            max_loc.loc,
                            format!(
                                "backoff `max` ({}) is shorter than `initial` ({})",
                                max_loc.value,
                                retry
                                    .initial
                                    .as_ref()
                                    .map(|i| i.value.as_str())
                                    .unwrap_or("")
                            ),
                        )
                        .label("below initial")
                        .hint("make `max` at least as long as `initial`"),
                    );
                }
            }
        }
    }
    for f in &specs.flows {
        let cron = match &f.trigger {
            Some((Trigger::Schedule { cron: Some(c) }, _)) => c,
            _ => continue,
        };
        let fields = cron.value.split_whitespace().count();
        if fields != 5 && fields != 6 {
            diags.push(
                Diagnostic::new(&rules::INVALID_SETTING, cron.loc, format!("a cron expression has 5 fields (or 6 with seconds); this one has {fields}"))
                    .label("not a cron expression")
                    .hint("write minute hour day-of-month month day-of-week, e.g. `*/15 * * * *`; or use `every: 15m`"),
            );
        }
    }
    let Some(m) = manifest else { return };
    for (id, _level) in &m.lint {
        match rules::find(&id.value) {
            None => {
                let ids = rules::ALL.iter().filter(|r| r.configurable).map(|r| r.id);
                diags.push(
                    Diagnostic::new(
                        &rules::INVALID_SETTING,
                        id.loc,
                        format!("unknown rule `{}`", id.value),
                    )
                    .label("no such rule")
                    .hint(
                        did_you_mean(&id.value, ids)
                            .unwrap_or_else(|| "`weft explain --all` lists every rule".into()),
                    ),
                );
            }
            Some(rule) if !rule.configurable => diags.push(
                Diagnostic::new(
                    &rules::INVALID_SETTING,
                    id.loc,
                    format!("rule `{}` cannot be re-levelled", rule.id),
                )
                .label("fixed rule")
                .hint("only lint rules are configurable; this one always reports an error"),
            ),
            // A bad level is reported by the schema.
            Some(_) => {}
        }
    }
}

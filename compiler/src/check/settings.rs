//! Settings that pass the schema but cannot work: backoff bounds, cron
//! expressions, and the `lint:` section of `weft.yaml`.

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::rules;
use crate::spec::flow::Cron;
use crate::spec::manifest::Manifest;
use crate::spec::Specs;
use weft_plan::schedule::ScheduleError;

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
        if let Some(cron) = f.trigger.as_ref().and_then(|(t, _)| t.cron()) {
            check_cron(cron, diags);
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

/// A cron expression must parse, match some time, and name a real time zone.
fn check_cron(cron: &Cron, diags: &mut Vec<Diagnostic>) {
    let zone = cron.timezone.as_ref().map(|z| z.value.as_str());
    let Err(e) = weft_plan::schedule::Cron::parse(&cron.expression.value, zone) else {
        return;
    };
    let diag = match e {
        ScheduleError::TimeZone(_) => {
            let z = cron.timezone.as_ref().expect("a zone was given");
            Diagnostic::new(&rules::INVALID_SETTING, z.loc, e.to_string())
                .label("unknown time zone")
                .hint("write an IANA name such as `Europe/Berlin` or `America/Chicago`; leave it out for UTC")
        }
        ScheduleError::NeverMatches => Diagnostic::new(
            &rules::INVALID_SETTING,
            cron.expression.loc,
            format!("`{}` matches no time", cron.expression.value),
        )
        .label("never fires")
        .hint("check the day of the month against the month (February has no 30th)"),
        ScheduleError::Expression(why) => Diagnostic::new(
            &rules::INVALID_SETTING,
            cron.expression.loc,
            format!("not a cron expression: {why}"),
        )
        .label("not a cron expression")
        .hint("write minute hour day-of-month month day-of-week, e.g. `*/15 * * * *` (6 fields put seconds first); or use `every: 15m`"),
    };
    diags.push(diag);
}

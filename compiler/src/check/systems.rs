//! System checks: each section matches a declared connector.

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::Loc;
use crate::spec::system::Connector;
use crate::spec::Specs;

pub fn check(specs: &Specs, diags: &mut Vec<Diagnostic>) {
    for s in &specs.systems {
        if !s.meta.valid {
            continue;
        }
        let mut need = |section: &str, loc: Loc, options: &[Connector]| {
            if !options.iter().any(|c| s.has(*c)) {
                let names: Vec<&str> = options.iter().map(|c| c.as_str()).collect();
                diags.push(
                    Diagnostic::new(
                        &rules::CONNECTOR_MISMATCH,
                        loc,
                        format!("`{section}` needs the {} connector, which system `{}` does not declare", names.join(" or "), s.meta.name.value),
                    )
                    .label("section without its connector")
                    .related(s.connector_loc, "connectors declared here")
                    .hint(format!("add `{}` to `connector:`, or remove `{section}`", names[0])),
                );
            }
        };
        if let Some(w) = &s.webhook {
            need("webhook", w.loc, &[Connector::Webhook]);
        }
        if let Some(f) = &s.files {
            need("files", f.loc, &[Connector::File]);
        }
        if let Some(first) = s.endpoints.first() {
            need(
                "endpoints",
                first.name.loc,
                &[Connector::Http, Connector::Poll],
            );
        }
        let outbound = s.has(Connector::Http) || s.has(Connector::Poll);
        if outbound && !s.has_base_url {
            diags.push(
                Diagnostic::new(
                    &rules::INVALID_SPEC,
                    s.connector_loc,
                    format!(
                        "system `{}` uses an outbound connector but has no `base_url`",
                        s.meta.name.value
                    ),
                )
                .label("http/poll needs base_url")
                .hint("add `base_url: https://...` or `base_url: { env: NAME }`"),
            );
        }
        if s.has(Connector::File) && s.files.is_none() {
            diags.push(
                Diagnostic::new(
                    &rules::INVALID_SPEC,
                    s.connector_loc,
                    format!(
                        "system `{}` declares the file connector but no `files:` section",
                        s.meta.name.value
                    ),
                )
                .hint("add `files: { path: inbox/NAME, format: csv, record: Contract@1 }`"),
            );
        }
    }
}

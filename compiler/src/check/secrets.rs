//! The literal-secret rule: credentials must be references, never values.
//! A literal secret is masked in every rendering of its file, and no message repeats it.

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::SourceMap;
use crate::spec::Specs;
use crate::yaml::ValueMap;
use crate::yaml::{Node, NodeValue};

/// A value written where a secret reference belongs (not `{ env: NAME }`).
fn is_literal(node: &Node) -> bool {
    match &node.value {
        NodeValue::String(s) => !s.is_empty(),
        NodeValue::Number(_) => true,
        _ => false,
    }
}

pub fn check(specs: &Specs, sources: &SourceMap, diags: &mut Vec<Diagnostic>) {
    for system in &specs.systems {
        for slot in &system.secrets {
            if !is_literal(&slot.node) {
                continue;
            }
            sources
                .get(slot.node.loc.file)
                .redact(slot.node.loc.range());
            diags.push(
                Diagnostic::new(
                    &rules::LITERAL_SECRET,
                    slot.node.loc,
                    format!("`{}` of system `{}` holds a literal secret", slot.path, system.meta.name.value),
                )
                .label("secret value (hidden)")
                .hint("reference it instead: `{ env: NAME }` or `{ file: PATH }`, and rotate the exposed secret: it is in git history"),
            );
        }
        if let Some(url) = &system.base_url {
            if let Some(range) = url_password(&url.value) {
                let loc = ValueMap::of(sources, url).loc(range.start as u32, range.end as u32);
                sources.get(url.loc.file).redact(loc.range());
                diags.push(
                    Diagnostic::new(
                        &rules::LITERAL_SECRET,
                        loc,
                        format!("`base_url` of system `{}` embeds a password", system.meta.name.value),
                    )
                    .label("password (hidden)")
                    .hint("remove the credentials from the URL and use `auth:` with `{ env: NAME }` references"),
                );
            }
        }
    }
}

/// The byte range of the password in `scheme://user:password@host`, if any.
fn url_password(url: &str) -> Option<std::ops::Range<usize>> {
    let after_scheme = url.find("://")? + 3;
    let rest = &url[after_scheme..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@')?;
    let colon = rest[..at].find(':')?;
    Some(after_scheme + colon + 1..after_scheme + at)
}

#[cfg(test)]
mod tests {
    use super::url_password;

    #[test]
    fn finds_passwords_in_urls() {
        let u = "https://svc:hunter2@erp.example.com/api";
        assert_eq!(&u[url_password(u).unwrap()], "hunter2");
        assert_eq!(url_password("https://erp.example.com/a@b"), None);
        assert_eq!(url_password("https://user@erp.example.com"), None);
    }
}

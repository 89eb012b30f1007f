//! Lookup tables: a semantic version, and every entry of the declared value type.

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::spec::Specs;

pub fn check(specs: &Specs, diags: &mut Vec<Diagnostic>) {
    for t in &specs.tables {
        if let Some(v) = &t.version {
            if let Err(e) = semver::Version::parse(&v.value) {
                diags.push(
                    Diagnostic::new(
                        &rules::INVALID_VERSION,
                        v.loc,
                        format!("`{}` is not a semantic version: {e}", v.value),
                    )
                    .label("not MAJOR.MINOR.PATCH")
                    .hint("write MAJOR.MINOR.PATCH, e.g. `1.0.0`"),
                );
            }
        }
        for (key, value) in &t.entries {
            if t.key == "integer" && key.value.parse::<i64>().is_err() {
                diags.push(
                    Diagnostic::new(
                        &rules::INVALID_SPEC,
                        key.loc,
                        format!(
                            "key `{}` of table `{}` is not an integer",
                            key.value, t.meta.name.value
                        ),
                    )
                    .label("not an integer")
                    .hint("the table declares `key: integer`"),
                );
            }
            if !t.value_fits(value) {
                diags.push(
                    Diagnostic::new(
                        &rules::INVALID_SPEC,
                        value.loc,
                        format!(
                            "the value of `{}` in table `{}` is not a {}",
                            key.value, t.meta.name.value, t.value
                        ),
                    )
                    .label(format!("not a {}", t.value))
                    .hint(format!("the table declares `value: {}`", t.value)),
                );
            }
        }
    }
}

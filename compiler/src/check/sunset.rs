//! The sunset rule: deprecated fields and contracts past their sunset date must not be used.

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::Loc;
use crate::spec::shape::{Deprecation, Field};

/// Today's date (`YYYY-MM-DD`), against which sunset dates are compared.
pub struct Sunset {
    pub today: String,
}

impl Sunset {
    /// Whether a deprecation's sunset date has passed; returns the date.
    pub fn passed<'d>(&self, d: &'d Deprecation) -> Option<&'d str> {
        let s = d.sunset.as_ref()?;
        (s.value.as_str() < self.today.as_str()).then_some(s.value.as_str())
    }

    /// Reports a use (at `loc`) of `field` if it is past its sunset.
    pub fn check_field_use(
        &self,
        field: &Field,
        what: &str,
        loc: Loc,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Some(dep) = &field.deprecated else { return };
        let Some(date) = self.passed(dep) else { return };
        let mut d = Diagnostic::new(
            &rules::DEPRECATED_FIELD_PAST_SUNSET,
            loc,
            format!("`{what}` is deprecated and its sunset date {date} has passed"),
        )
        .label("used after sunset")
        .related(dep.loc, "deprecated here");
        d = d.hint(match &dep.reason {
            Some(r) => format!("stop using it ({r})"),
            None => {
                "stop using it, or remove it in a new major version of the contract".to_string()
            }
        });
        diags.push(d);
    }
}

//! Checking witnesses with a real validator, with weft's semantics: formats are asserted, the
//! `decimal` format is known, and `x-weft-*` bounds constrain decimal strings.

use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError, Validator};
use serde_json::{Map, Value};

use crate::decimal::Decimal;
use crate::dialect::Dialect;

struct DecimalBound {
    limit: Decimal,
    lower: bool,
    exclusive: bool,
}

impl DecimalBound {
    fn ok(&self, v: &Value) -> bool {
        let Some(d) = v.as_str().and_then(Decimal::parse) else {
            return true;
        };
        match (self.lower, self.exclusive) {
            (true, false) => d >= self.limit,
            (true, true) => d > self.limit,
            (false, false) => d <= self.limit,
            (false, true) => d < self.limit,
        }
    }
}

impl<'i> Keyword<'i> for DecimalBound {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.ok(instance) {
            Ok(())
        } else {
            Err(ValidationError::custom(format!(
                "decimal value out of bounds ({})",
                self.limit
            )))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        self.ok(instance)
    }
}

type KwResult<'a> = Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>>;

fn bound(
    lower: bool,
    exclusive: bool,
) -> impl for<'a> Fn(&'a Map<String, Value>, &'a Value, Location) -> KwResult<'a> + Send + Sync + 'static
{
    move |_, value, _| match Decimal::from_json(value) {
        Some(limit) => Ok(Box::new(DecimalBound {
            limit,
            lower,
            exclusive,
        })),
        None => Err(ValidationError::custom(
            "x-weft bound must be a decimal number or string",
        )),
    }
}

/// A validator for a whole schema document with weft's semantics (None if it will not build).
pub fn validator(schema: &Value, dialect: Dialect) -> Option<Validator> {
    jsonschema::options()
        .with_draft(dialect.draft())
        .should_validate_formats(true)
        .with_format("decimal", crate::formats::is_decimal)
        .with_keyword("x-weft-minimum", bound(true, false))
        .with_keyword("x-weft-exclusive-minimum", bound(true, true))
        .with_keyword("x-weft-maximum", bound(false, false))
        .with_keyword("x-weft-exclusive-maximum", bound(false, true))
        .build(schema)
        .ok()
}

//! JSON Schema dialects and the keyword differences between them.

use serde_json::Value;

/// A JSON Schema dialect, detected from `$schema`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dialect {
    Draft4,
    Draft6,
    Draft7,
    Draft201909,
    Draft202012,
}

impl Dialect {
    /// Detects the dialect of a schema document (2020-12 when `$schema` is absent).
    pub fn detect(root: &Value) -> Result<Dialect, String> {
        let Some(uri) = root.get("$schema") else {
            return Ok(Dialect::Draft202012);
        };
        let Some(uri) = uri.as_str() else {
            return Err(uri.to_string());
        };
        let norm = uri
            .trim_end_matches('#')
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        match norm {
            "json-schema.org/draft-04/schema" => Ok(Dialect::Draft4),
            "json-schema.org/draft-06/schema" => Ok(Dialect::Draft6),
            "json-schema.org/draft-07/schema" => Ok(Dialect::Draft7),
            "json-schema.org/draft/2019-09/schema" => Ok(Dialect::Draft201909),
            "json-schema.org/draft/2020-12/schema" => Ok(Dialect::Draft202012),
            _ => Err(uri.to_string()),
        }
    }

    /// The matching `jsonschema` draft.
    pub fn draft(self) -> jsonschema::Draft {
        match self {
            Dialect::Draft4 => jsonschema::Draft::Draft4,
            Dialect::Draft6 => jsonschema::Draft::Draft6,
            Dialect::Draft7 => jsonschema::Draft::Draft7,
            Dialect::Draft201909 => jsonschema::Draft::Draft201909,
            Dialect::Draft202012 => jsonschema::Draft::Draft202012,
        }
    }

    /// Validates a schema against this dialect's meta-schema.
    pub fn meta_check(self, schema: &Value) -> Result<(), String> {
        let r = match self {
            Dialect::Draft4 => jsonschema::draft4::meta::validate(schema),
            Dialect::Draft6 => jsonschema::draft6::meta::validate(schema),
            Dialect::Draft7 => jsonschema::draft7::meta::validate(schema),
            Dialect::Draft201909 => jsonschema::draft201909::meta::validate(schema),
            Dialect::Draft202012 => jsonschema::draft202012::meta::validate(schema),
        };
        r.map_err(|e| e.to_string())
    }

    /// `$ref` replaces its sibling keywords (draft-07 and earlier).
    pub fn ref_overrides(self) -> bool {
        self <= Dialect::Draft7
    }

    /// Array-form `items` with `additionalItems` (before 2020-12).
    pub fn tuple_items(self) -> bool {
        self <= Dialect::Draft201909
    }

    /// Boolean `exclusiveMinimum`/`exclusiveMaximum` (draft-04).
    pub fn boolean_exclusive(self) -> bool {
        self == Dialect::Draft4
    }

    /// `dependencies` instead of `dependentRequired`/`dependentSchemas`.
    pub fn legacy_dependencies(self) -> bool {
        self <= Dialect::Draft7
    }

    /// Keywords introduced after draft-04 (`const`, `contains`, `propertyNames`, boolean schemas).
    pub fn has_draft6_keywords(self) -> bool {
        self >= Dialect::Draft6
    }

    /// `if`/`then`/`else`.
    pub fn has_conditionals(self) -> bool {
        self >= Dialect::Draft7
    }

    /// `minContains`/`maxContains`, `$anchor`, `dependentRequired`.
    pub fn has_2019_keywords(self) -> bool {
        self >= Dialect::Draft201909
    }

    /// The keyword naming a schema resource (`id` in draft-04).
    pub fn id_keyword(self) -> &'static str {
        if self == Dialect::Draft4 {
            "id"
        } else {
            "$id"
        }
    }
}

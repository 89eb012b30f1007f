//! Parses every mapping body with the mapping language, reports syntax errors
//! at their exact place (in `.weft` files and in YAML block scalars), and type
//! checks the bodies that parse against their source and target contracts.

use super::index::Index;
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::source::SourceMap;
use crate::spec::mapping::Mapping;
use crate::spec::table::Table;
use crate::spec::Specs;
use crate::typeck;
use crate::yaml::ValueMap;

/// What every mapping body sees besides its source, built once per check:
/// the lookup tables (as types to check against and as values to run with)
/// and the user functions whose bodies parse.
#[derive(Debug, Default)]
pub struct MappingEnv {
    pub table_types: Vec<(String, typeck::Ty)>,
    pub table_values: Vec<(String, weft_mapping::Value)>,
    pub functions: Vec<weft_mapping::ast::Function>,
}

impl MappingEnv {
    pub fn of(specs: &Specs) -> MappingEnv {
        MappingEnv {
            table_types: specs
                .tables
                .iter()
                .map(|t| (t.meta.name.value.clone(), table_type(t)))
                .collect(),
            table_values: specs
                .tables
                .iter()
                .map(|t| (t.meta.name.value.clone(), table_value(t)))
                .collect(),
            functions: specs
                .functions
                .iter()
                .filter_map(|f| {
                    Some(weft_mapping::ast::Function {
                        name: f.meta.name.value.clone(),
                        params: f.params.iter().map(|p| p.value.clone()).collect(),
                        body: weft_mapping::parse_function_body(&f.body.value).ok()?,
                    })
                })
                .collect(),
        }
    }
}

/// A table as a type: its keys, and its value type (a string table's values are known).
fn table_type(t: &Table) -> typeck::Ty {
    let value = match t.value.as_str() {
        "integer" => typeck::Ty::Int,
        "decimal" => typeck::Ty::Decimal,
        "boolean" => typeck::Ty::Bool,
        _ => {
            let mut values: Vec<String> = Vec::new();
            for v in t.entries.iter().filter_map(|(_, v)| v.as_str()) {
                if !values.iter().any(|x| x == v) {
                    values.push(v.to_string());
                }
            }
            typeck::Ty::Enum(values)
        }
    };
    typeck::Ty::Table {
        keys: t.entries.iter().map(|(k, _)| k.value.clone()).collect(),
        value: Box::new(value),
    }
}

/// How a table's values are read (decimals stay exact).
pub fn table_layout(t: &Table) -> weft_mapping::Coerce {
    if t.value == "decimal" {
        weft_mapping::Coerce::Decimal
    } else {
        weft_mapping::Coerce::Keep
    }
}

/// A table as the evaluator reads it.
fn table_value(t: &Table) -> weft_mapping::Value {
    let coerce = table_layout(t);
    weft_mapping::Value::Object(
        t.entries
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    k.value.as_str().into(),
                    weft_mapping::Value::from_json(&v.to_json(), &coerce).ok()?,
                ))
            })
            .collect(),
    )
}

/// A mapping's body, parsed and type-checked, with the map from body offsets to its file.
#[derive(Debug)]
pub struct CheckedMapping {
    /// From body offsets to file positions.
    pub map: ValueMap,
    /// The parsed body (when it parses).
    pub ast: Option<weft_mapping::ast::Body>,
    /// The source contract's type (when both contracts resolve): how inputs are read.
    pub source: Option<typeck::Ty>,
    /// Syntax errors, or the type check (empty when a contract is unresolved:
    /// the resolver reports that).
    pub result: Result<typeck::Checked, Vec<weft_mapping::SyntaxError>>,
    /// See [`CheckedMapping::is_clean`]; set once the workspace's findings are final.
    clean: bool,
}

impl CheckedMapping {
    /// Parsed, both contracts resolved, and no error left in its body once
    /// lint levels and suppressions apply (a warning does not count): safe
    /// to run.
    pub fn is_clean(&self) -> bool {
        self.clean
    }
}

/// Marks which mappings are clean, from the workspace's final findings.
pub fn mark_clean(
    specs: &Specs,
    checked: &mut [Option<CheckedMapping>],
    diags: &[crate::diagnostic::Diagnostic],
) {
    for (m, c) in specs.mappings.iter().zip(checked.iter_mut()) {
        let (Some(c), Some(body)) = (c, &m.body) else {
            continue;
        };
        let inside = |d: &&crate::diagnostic::Diagnostic| {
            d.loc.file == body.loc.file
                && body.loc.start <= d.loc.start
                && d.loc.start <= body.loc.end
        };
        c.clean = c.source.is_some()
            && c.result.is_ok()
            && !diags.iter().filter(inside).any(|d| {
                d.severity == crate::diagnostic::Severity::Error && d.suppressed.is_none()
            });
    }
}

/// Parses and type-checks every mapping once; the result is index-aligned with
/// `specs.mappings` (`None` for a mapping without a body).
pub fn check_all(
    specs: &Specs,
    idx: &Index,
    sources: &SourceMap,
    env: &MappingEnv,
) -> Vec<Option<CheckedMapping>> {
    specs
        .mappings
        .iter()
        .map(|m| check_mapping(specs, idx, sources, env, m))
        .collect()
}

fn check_mapping(
    specs: &Specs,
    idx: &Index,
    sources: &SourceMap,
    env: &MappingEnv,
    m: &Mapping,
) -> Option<CheckedMapping> {
    let body = m.body.as_ref()?;
    let map = ValueMap::of(sources, body);
    let ast = match weft_mapping::parse_body(&body.value) {
        Ok(ast) => ast,
        Err(errors) => {
            return Some(CheckedMapping {
                map,
                ast: None,
                source: None,
                result: Err(errors),
                clean: false,
            })
        }
    };
    let contract = |slot: &Option<crate::spec::RefSlot>| {
        let i = idx.contract(slot.as_ref()?.get()?)?;
        Some(typeck::object_ty(specs, idx, &specs.contracts[i].shape, 0))
    };
    let (source, result) = match (contract(&m.source), contract(&m.target)) {
        (Some(source), Some(target)) => {
            let checked =
                typeck::check_body(&ast, &source, &target, &env.table_types, &env.functions);
            (Some(source), checked)
        }
        _ => (
            None,
            typeck::Checked {
                errors: Vec::new(),
                lineage: Vec::new(),
            },
        ),
    };
    Some(CheckedMapping {
        map,
        ast: Some(ast),
        source,
        result: Ok(result),
        clean: false,
    })
}

/// Reports syntax and type errors of user functions and of the checked mappings.
pub fn report(
    specs: &Specs,
    sources: &SourceMap,
    env: &MappingEnv,
    checked: &[Option<CheckedMapping>],
    diags: &mut Vec<Diagnostic>,
) {
    for f in &specs.functions {
        let map = ValueMap::of(sources, &f.body);
        let name = &f.meta.name.value;
        match weft_mapping::parse_function_body(&f.body.value) {
            Err(e) => diags.push(
                Diagnostic::new(&rules::MAPPING_SYNTAX, map.loc(e.span.start, e.span.end), format!("in function `{name}`: {}", e.message))
                    .label("here")
                    .hint("a function body is `let` lines followed by one expression: `fn money(text) { decimal(trim(text))? }`"),
            ),
            Ok(body) => {
                let ast = weft_mapping::ast::Function { name: name.clone(), params: f.params.iter().map(|p| p.value.clone()).collect(), body };
                for e in typeck::check_function(&ast, &env.table_types, &env.functions) {
                    diags.push(
                        Diagnostic::new(e.rule, map.loc(e.span.start, e.span.end), format!("in function `{name}`: {}", e.message))
                            .label(e.label)
                            .maybe_hint(e.hint),
                    );
                }
            }
        }
    }
    for (m, checked) in specs.mappings.iter().zip(checked) {
        let Some(checked) = checked else { continue };
        let map = &checked.map;
        match &checked.result {
            Err(errors) => {
                for e in errors {
                    diags.push(
                        Diagnostic::new(&rules::MAPPING_SYNTAX, map.loc(e.span.start, e.span.end), format!("in mapping `{}`: {}", m.meta.name.value, e.message))
                            .label("here")
                            .hint("each line of a mapping body is `target_field = expression` or `let name = expression`; see docs/mapping-language.md"),
                    );
                }
            }
            Ok(result) => {
                for e in &result.errors {
                    diags.push(
                        Diagnostic::new(
                            e.rule,
                            map.loc(e.span.start, e.span.end),
                            format!("in mapping `{}`: {}", m.meta.name.value, e.message),
                        )
                        .label(e.label.clone())
                        .maybe_hint(e.hint.clone()),
                    );
                }
            }
        }
    }
}

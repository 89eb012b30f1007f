//! The property check of `weft test`: every clean mapping of the workspace
//! runs on inputs generated from its source contract (each one validated
//! against the contract's JSON Schema first), and must never fail where it
//! does not say it can (a `fail(...)` or a `?`), and must produce a valid
//! document of its target contract. A counterexample is shrunk before it is
//! shown.

use super::generate::{Generator, Rng};
use crate::check::Report;
use crate::typeck;
use serde::Serialize;
use serde_json::Value as Json;
use weft_mapping::ast::{Body, Expr, ExprKind, Item, Span};

/// How one mapping fared on generated inputs.
#[derive(Debug, Serialize)]
pub struct PropertyResult {
    pub file: String,
    pub line: usize,
    pub mapping: String,
    /// The source contract inputs were generated for.
    pub source: String,
    /// Valid inputs the mapping ran on.
    pub inputs: usize,
    #[serde(flatten)]
    pub outcome: PropertyOutcome,
}

impl PropertyResult {
    pub fn passed(&self) -> bool {
        matches!(self.outcome, PropertyOutcome::Pass { .. })
    }

    /// Not run, or nothing checked: neither a pass nor a failure.
    pub fn skipped(&self) -> bool {
        matches!(self.outcome, PropertyOutcome::Skipped { .. })
    }

    /// `PASS`, `FAIL` or `SKIP`.
    pub fn tag(&self) -> &'static str {
        match &self.outcome {
            PropertyOutcome::Pass { .. } => "PASS",
            PropertyOutcome::Skipped { .. } => "SKIP",
            _ => "FAIL",
        }
    }

    /// What happened, for people: one line, then indented JSON for a
    /// counterexample.
    pub fn describe(&self) -> String {
        let pretty =
            |j: &Json| super::indented(&serde_json::to_string_pretty(j).unwrap_or_default());
        match &self.outcome {
            PropertyOutcome::Pass {
                declared_failures,
                most_frequent,
            } => {
                let mut s = format!("{} ran", self.inputs);
                if *declared_failures > 0 {
                    s.push_str(&format!(
                        ", {declared_failures} failed where the mapping says it can"
                    ));
                }
                if let Some(m) = most_frequent {
                    s.push_str(&format!(" (most often: {m})"));
                }
                s
            }
            PropertyOutcome::UndeclaredFailure { message, at, input } => format!(
                "input {} failed at {at}, where the mapping does not say it can fail: {message}\n     handle it (`??` a default, `?` to dead-letter, or `fail(...)` with a reason); the input, shrunk:\n{}",
                self.inputs,
                pretty(input)
            ),
            PropertyOutcome::InvalidOutput {
                problem,
                input,
                output,
            } => format!(
                "input {} gave an output that is not a valid target document ({problem}); the input, shrunk:\n{}     and the output:\n{}",
                self.inputs,
                pretty(input),
                pretty(output)
            ),
            PropertyOutcome::Skipped { reason } => reason.clone(),
        }
    }
}

/// What the generated inputs showed.
#[derive(Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PropertyOutcome {
    /// No undeclared failure and every output valid. `declared_failures`
    /// counts inputs that failed where the mapping says it can.
    Pass {
        declared_failures: usize,
        /// The most frequent of those failures' messages.
        #[serde(skip_serializing_if = "Option::is_none")]
        most_frequent: Option<String>,
    },
    /// A valid input made the mapping fail outside `fail(...)` and `?`.
    UndeclaredFailure {
        message: String,
        at: String,
        input: Json,
    },
    /// The mapping's output is not a valid document of its target contract.
    InvalidOutput {
        problem: String,
        input: Json,
        output: Json,
    },
    /// The check could not run (no valid input could be generated, a schema
    /// that does not compile).
    Skipped { reason: String },
}

/// Runs the property check on every clean mapping of the workspace.
pub fn run_all(report: &Report, inputs: usize, seed: u64) -> Vec<PropertyResult> {
    let c = &report.compilation;
    // Lookup-table keys: generated strings hit the tables as well as miss them.
    let mut vocabulary: Vec<String> = Vec::new();
    for (_, table) in &report.mapping_env.table_values {
        if let weft_mapping::Value::Object(entries) = table {
            vocabulary.extend(entries.iter().map(|(k, _)| k.to_string()));
        }
    }
    vocabulary.sort();
    vocabulary.dedup();
    let mut out = Vec::new();
    for (i, m) in c.specs.mappings.iter().enumerate() {
        if !m.meta.is_workspace() {
            continue;
        }
        let Some(checked) = report.mappings.get(i).and_then(Option::as_ref) else {
            continue;
        };
        let (Some(ast), Some(source_ty), true) =
            (&checked.ast, &checked.source, checked.is_clean())
        else {
            continue;
        };
        let refs = (
            m.source.as_ref().and_then(|s| s.parsed.clone().ok()),
            m.target.as_ref().and_then(|s| s.parsed.clone().ok()),
        );
        let (Some(source), Some(target)) = refs else {
            continue;
        };
        let (line, _) = c
            .sources
            .get(m.meta.file)
            .line_col(m.meta.name.loc.start as usize);
        let mut result = PropertyResult {
            file: c.sources.get(m.meta.file).name.clone(),
            line,
            mapping: m.meta.name.value.clone(),
            source: source.to_string(),
            inputs: 0,
            outcome: PropertyOutcome::Pass {
                declared_failures: 0,
                most_frequent: None,
            },
        };
        let schemas = (
            report.contract_schema(&source),
            report.contract_schema(&target),
        );
        let validators = match &schemas {
            (Some(s), Some(t)) => jsonschema::validator_for(s)
                .and_then(|s| Ok((s, jsonschema::validator_for(t)?)))
                .map_err(|e| format!("a contract's JSON Schema does not compile: {e}")),
            _ => Err("a contract does not resolve".into()),
        };
        match validators {
            Ok((sv, tv)) => {
                let schema = schemas.0.as_ref().expect("validated above");
                let file = c.sources.get(checked.map.file);
                let locate = |offset: u32| {
                    let (l, col) = file.line_col(checked.map.file_offset(offset as usize));
                    format!("{}:{l}:{col}", file.name)
                };
                let run = Run {
                    report,
                    ast,
                    coerce: typeck::coerce(source_ty),
                    declared: declared_spans(ast),
                    source: &sv,
                    target: &tv,
                    locate: &locate,
                };
                let generator = Generator::new(schema, &vocabulary);
                run.check(&mut result, &generator, inputs, seed);
            }
            Err(reason) => result.outcome = PropertyOutcome::Skipped { reason },
        }
        out.push(result);
    }
    out
}

/// One mapping under test.
struct Run<'a> {
    report: &'a Report,
    ast: &'a Body,
    coerce: weft_mapping::Coerce,
    declared: Vec<Span>,
    source: &'a jsonschema::Validator,
    target: &'a jsonschema::Validator,
    /// `file:line:column` of a byte offset in the body.
    locate: &'a dyn Fn(u32) -> String,
}

/// What one input showed.
enum Verdict {
    Ok,
    Declared(String),
    /// The message and the byte offset in the body where it failed.
    Undeclared(String, u32),
    /// Where in the output, the problem, and the output.
    Invalid(String, String, Json),
    /// Not a valid input after all (the contract is stricter than its type).
    NotAnInput,
}

impl Run<'_> {
    fn check(&self, result: &mut PropertyResult, generator: &Generator, inputs: usize, seed: u64) {
        let mut rng = Rng::new(seed);
        let mut declared: std::collections::BTreeMap<String, usize> = Default::default();
        // Stricter contracts (patterns, bounds) reject some generated inputs.
        for _ in 0..inputs.saturating_mul(20) {
            if result.inputs == inputs {
                break;
            }
            let input = generator.document(&mut rng);
            match self.verdict(&input) {
                Verdict::NotAnInput => continue,
                Verdict::Ok => {}
                Verdict::Declared(m) => *declared.entry(m).or_default() += 1,
                Verdict::Undeclared(..) | Verdict::Invalid(..) => {
                    result.inputs += 1;
                    let input = self.shrink(input);
                    result.outcome = match self.verdict(&input) {
                        Verdict::Undeclared(message, at) => PropertyOutcome::UndeclaredFailure {
                            message,
                            at: (self.locate)(at),
                            input,
                        },
                        Verdict::Invalid(_, problem, output) => PropertyOutcome::InvalidOutput {
                            problem,
                            input,
                            output,
                        },
                        _ => unreachable!("shrinking keeps the failure"),
                    };
                    return;
                }
            }
            result.inputs += 1;
        }
        let declared_failures: usize = declared.values().sum();
        let most_frequent = declared
            .iter()
            .max_by_key(|(m, n)| (**n, std::cmp::Reverse(m.to_string())))
            .map(|(m, _)| m.clone());
        result.outcome = if result.inputs == 0 {
            PropertyOutcome::Skipped {
                reason: "no generated input satisfied the source contract (a constraint the generator cannot honour): add `kind: test` cases instead".into(),
            }
        } else if declared_failures == result.inputs {
            // Nothing was mapped, so no output was checked: not a pass.
            PropertyOutcome::Skipped {
                reason: format!(
                    "every generated input failed where the mapping says it can (most often: {}), so no output was checked: add `kind: test` cases with inputs it accepts",
                    most_frequent.unwrap_or_default()
                ),
            }
        } else {
            PropertyOutcome::Pass {
                declared_failures,
                most_frequent,
            }
        };
    }

    fn verdict(&self, input: &Json) -> Verdict {
        if !self.source.is_valid(input) {
            return Verdict::NotAnInput;
        }
        let Ok(value) = weft_mapping::Value::from_json(input, &self.coerce) else {
            return Verdict::NotAnInput;
        };
        let env = &self.report.mapping_env;
        match weft_mapping::evaluate_within(
            self.ast,
            &value,
            &env.table_values,
            &env.functions,
            weft_mapping::Limits::default(),
        ) {
            Err(e) if self.declared.iter().any(|d| within(e.span, *d)) => {
                Verdict::Declared(e.message)
            }
            Err(e) => Verdict::Undeclared(e.message, e.span.start),
            Ok(out) => {
                let out = out.to_json();
                let problem = self.target.iter_errors(&out).next().map(|e| {
                    let at = e.instance_path().as_str().to_string();
                    let at = if at.is_empty() { "/".to_string() } else { at };
                    let problem = format!("at `{at}`: {e}");
                    (at, problem)
                });
                match problem {
                    None => Verdict::Ok,
                    Some((at, p)) => Verdict::Invalid(at, p, out),
                }
            }
        }
    }

    /// A smaller input that fails the same way: fields dropped, lists cut,
    /// strings emptied, numbers zeroed, while the input stays valid.
    fn shrink(&self, mut input: Json) -> Json {
        // The same failure: at the same place in the mapping, or the same
        // place in the output (messages quote values, which shrink).
        let kind = |v: &Verdict| match v {
            Verdict::Undeclared(_, at) => Some(format!("u:{at}")),
            Verdict::Invalid(at, _, _) => Some(format!("i:{at}")),
            _ => None,
        };
        let Some(wanted) = kind(&self.verdict(&input)) else {
            return input;
        };
        let mut budget = 300;
        'outer: while budget > 0 {
            for candidate in smaller(&input) {
                budget -= 1;
                if kind(&self.verdict(&candidate)).as_deref() == Some(wanted.as_str()) {
                    input = candidate;
                    continue 'outer;
                }
                if budget == 0 {
                    break 'outer;
                }
            }
            break;
        }
        input
    }
}

/// Inputs one step simpler than `v`.
fn smaller(v: &Json) -> Vec<Json> {
    let mut out = Vec::new();
    match v {
        Json::Object(m) => {
            for k in m.keys() {
                let mut c = m.clone();
                c.shift_remove(k);
                out.push(Json::Object(c));
            }
            for (k, inner) in m {
                for s in smaller(inner) {
                    let mut c = m.clone();
                    c.insert(k.clone(), s);
                    out.push(Json::Object(c));
                }
            }
        }
        Json::Array(items) => {
            for i in 0..items.len() {
                let mut c = items.clone();
                c.remove(i);
                out.push(Json::Array(c));
            }
            for (i, inner) in items.iter().enumerate() {
                for s in smaller(inner) {
                    let mut c = items.clone();
                    c[i] = s;
                    out.push(Json::Array(c));
                }
            }
        }
        Json::String(s) if !s.is_empty() => {
            let chars: Vec<char> = s.chars().collect();
            out.push(Json::String(String::new()));
            out.push(Json::String(chars[..chars.len() / 2].iter().collect()));
            out.push(Json::String(chars[..chars.len() - 1].iter().collect()));
        }
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) if i != 0 => out.extend([Json::from(0), Json::from(i / 2)]),
            (None, Some(f)) if f != 0.0 => out.push(Json::from(0)),
            _ => {}
        },
        _ => {}
    }
    out
}

fn within(inner: Span, outer: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Where the mapping says it can fail: inside `expr?` and at `fail(...)`.
fn declared_spans(body: &Body) -> Vec<Span> {
    fn walk(e: &Expr, out: &mut Vec<Span>) {
        match &e.kind {
            ExprKind::Try(x) => out.push(x.span),
            ExprKind::Call { name, .. } if name == "fail" => out.push(e.span),
            _ => {}
        }
        for c in weft_mapping::children(e) {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    for item in &body.items {
        match item {
            Item::Let { value, .. } | Item::Assign { value, .. } => walk(value, &mut out),
        }
    }
    out
}

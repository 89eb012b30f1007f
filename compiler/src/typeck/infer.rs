//! Type checks a mapping body against its source and target contracts,
//! without running it.

use super::functions;
use super::types::{FieldTy, Ty};
use crate::diagnostic::did_you_mean;
use crate::rules::{self, Rule};
use weft_mapping::ast::*;

/// A type error in a body (span in body offsets).
#[derive(Debug)]
pub struct TypeError {
    pub rule: &'static Rule,
    pub span: Span,
    pub message: String,
    pub label: String,
    pub hint: Option<String>,
}

/// The source fields one target field is computed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldLineage {
    /// The target field path (`customer_id`, `lines`).
    pub target: String,
    pub target_span: Span,
    /// Source field paths read (`customer.id`, `line_items[].price`), sorted, each with
    /// the first place it is read.
    pub sources: Vec<(String, Span)>,
}

/// The outcome of checking a body: type errors and lineage.
#[derive(Debug)]
pub struct Checked {
    pub errors: Vec<TypeError>,
    pub lineage: Vec<FieldLineage>,
}

/// Where a name's value comes from, for lineage.
#[derive(Clone, Debug)]
enum Origin {
    /// A path of the source (`""` is `source` itself; lambda parameters over a
    /// source list are `items[]`).
    Path(String),
    /// A `let`: the source paths its value reads.
    Reads(Vec<(String, Span)>),
    None,
}

fn table_bindings(tables: &[(String, Ty)]) -> Vec<Binding> {
    tables
        .iter()
        .map(|(name, ty)| Binding {
            name: name.clone(),
            ty: ty.clone(),
            origin: Origin::None,
        })
        .collect()
}

/// Checks a user function's body on its own, its parameters of unknown type.
pub fn check_function(
    f: &Function,
    tables: &[(String, Ty)],
    functions: &[Function],
) -> Vec<TypeError> {
    let tables = table_bindings(tables);
    let params = f
        .params
        .iter()
        .map(|p| Binding {
            name: p.clone(),
            ty: Ty::Any,
            origin: Origin::None,
        })
        .collect();
    let mut cx = Cx {
        errors: Vec::new(),
        scopes: vec![tables.clone(), params],
        tables,
        functions: functions.to_vec(),
        call_stack: vec![f.name.clone()],
        quiet: 0,
        visible_call: None,
        reads: Vec::new(),
        chain: 0,
    };
    cx.expr(&f.body, false);
    cx.errors
}

/// Whether an expression contains `?` (so it can fail).
/// Whether a function body can fail: it propagates a failure (`?`) or fails
/// itself (`fail(...)`). Its callers must then handle the call with `?`.
fn can_fail(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Try(_))
        || matches!(&e.kind, ExprKind::Call { name, .. } if name == "fail")
        || weft_mapping::children(e).into_iter().any(can_fail)
}

#[derive(Clone)]
struct Binding {
    name: String,
    ty: Ty,
    origin: Origin,
}

/// Checks `body`, reading `source`, writing `target` (both object types), with
/// the workspace's lookup tables in scope by name.
pub fn check_body(
    body: &Body,
    source: &Ty,
    target: &Ty,
    tables: &[(String, Ty)],
    functions: &[Function],
) -> Checked {
    let table_bindings: Vec<Binding> = table_bindings(tables);
    let mut globals = table_bindings.clone();
    globals.push(Binding {
        name: "source".to_string(),
        ty: source.clone(),
        origin: Origin::Path(String::new()),
    });
    let mut cx = Cx {
        errors: Vec::new(),
        scopes: vec![globals],
        tables: table_bindings,
        functions: functions.to_vec(),
        call_stack: Vec::new(),
        quiet: 0,
        visible_call: None,
        reads: Vec::new(),
        chain: 0,
    };
    let mut lineage = Vec::new();
    let target_fields: &[FieldTy] = match target {
        Ty::Object(f) => f,
        _ => &[],
    };
    let mut assigned: Vec<&[String]> = Vec::new();
    for item in &body.items {
        match item {
            Item::Let { name, value, .. } => {
                cx.reads.clear();
                let t = cx.expr(value, false);
                let origin = Origin::Reads(std::mem::take(&mut cx.reads));
                cx.scopes[0].push(Binding {
                    name: name.clone(),
                    ty: t,
                    origin,
                });
            }
            Item::Assign {
                target: path,
                target_span,
                value,
            } => {
                cx.reads.clear();
                let t = cx.expr(value, false);
                let mut sources: Vec<(String, Span)> = Vec::new();
                for (p, span) in std::mem::take(&mut cx.reads) {
                    if !sources.iter().any(|(q, _)| *q == p) {
                        sources.push((p, span));
                    }
                }
                sources.sort_by(|a, b| a.0.cmp(&b.0));
                lineage.push(FieldLineage {
                    target: path.join("."),
                    target_span: *target_span,
                    sources,
                });
                if target_fields.is_empty() {
                    continue;
                }
                assigned.push(path);
                match resolve_target(target_fields, path) {
                    Ok(field) => cx.assign(&t, field, value.span, &path.join(".")),
                    Err(TargetError::Unknown(segment, names)) => cx.error(
                        &rules::MAPPING_UNKNOWN_FIELD,
                        *target_span,
                        format!(
                            "`{}` is not a field of the target contract",
                            path[..=segment].join(".")
                        ),
                        "not in the target",
                        did_you_mean(&path[segment], names.iter().map(String::as_str))
                            .or_else(|| Some(format!("target fields: {}", names.join(", ")))),
                    ),
                    Err(TargetError::NotAnObject(segment, ty)) => cx.error(
                        &rules::MAPPING_UNKNOWN_FIELD,
                        *target_span,
                        format!(
                            "`{}` is a {}; it has no field `{}`",
                            path[..segment].join("."),
                            ty,
                            path[segment]
                        ),
                        "not an object",
                        None,
                    ),
                }
            }
        }
    }
    let end = body.items.last().map(item_end).unwrap_or_default();
    missing_required(
        &mut cx,
        target_fields,
        &assigned,
        0,
        "",
        Span { start: end, end },
    );
    Checked {
        errors: cx.errors,
        lineage,
    }
}

/// Reports required fields that no assignment covers; an object assigned only
/// through some of its sub-paths must still get all its required sub-fields.
fn missing_required(
    cx: &mut Cx,
    fields: &[FieldTy],
    assigned: &[&[String]],
    depth: usize,
    prefix: &str,
    at: Span,
) {
    for f in fields {
        let paths: Vec<&[String]> = assigned
            .iter()
            .filter(|p| p.get(depth) == Some(&f.name))
            .copied()
            .collect();
        let whole = paths.iter().any(|p| p.len() == depth + 1);
        let name = format!("{prefix}{}", f.name);
        if paths.is_empty() {
            if f.required {
                cx.error(
                    &rules::MAPPING_MISSING_FIELD,
                    at,
                    format!(
                        "required target field `{name}` ({}) is never assigned",
                        f.ty.name()
                    ),
                    "missing assignment",
                    Some(format!("add `{name} = ...`")),
                );
            }
        } else if !whole {
            if let Ty::Object(inner) = &f.ty {
                missing_required(cx, inner, &paths, depth + 1, &format!("{name}."), at);
            }
        }
    }
}

fn item_end(item: &Item) -> u32 {
    match item {
        Item::Let { value, .. } | Item::Assign { value, .. } => value.span.end,
    }
}

enum TargetError {
    /// The segment at this index is not a field; the names that are.
    Unknown(usize, Vec<String>),
    /// The path continues (at this index) past a field of this (non-object) type.
    NotAnObject(usize, String),
}

fn resolve_target<'a>(fields: &'a [FieldTy], path: &[String]) -> Result<&'a FieldTy, TargetError> {
    let mut current = fields;
    for (i, seg) in path.iter().enumerate() {
        let Some(f) = current.iter().find(|f| &f.name == seg) else {
            return Err(TargetError::Unknown(
                i,
                current.iter().map(|f| f.name.clone()).collect(),
            ));
        };
        if i + 1 == path.len() {
            return Ok(f);
        }
        match &f.ty {
            Ty::Object(inner) => current = inner,
            Ty::Any => return Ok(f),
            other => return Err(TargetError::NotAnObject(i + 1, other.name())),
        }
    }
    Err(TargetError::Unknown(0, Vec::new()))
}

struct Cx {
    errors: Vec<TypeError>,
    scopes: Vec<Vec<Binding>>,
    /// The lookup tables, the only names a user function's body sees besides its parameters.
    tables: Vec<Binding>,
    functions: Vec<Function>,
    /// User functions being typed (recursion is refused).
    call_stack: Vec<String>,
    /// Above 0 while typing a user function's body for a call: its own errors are
    /// reported once, where it is defined.
    quiet: u32,
    /// The outermost user-function call being typed, as written where it is visible.
    visible_call: Option<Span>,
    /// Source paths read by the item being checked.
    reads: Vec<(String, Span)>,
    /// Above 0 while typing the inside of a path (`source.a` in `source.a.b`):
    /// only whole paths are recorded.
    chain: u32,
}

impl Cx {
    fn error(
        &mut self,
        rule: &'static Rule,
        span: Span,
        message: String,
        label: &str,
        hint: Option<String>,
    ) {
        if self.quiet > 0 {
            return;
        }
        self.errors.push(TypeError {
            rule,
            span,
            message,
            label: label.to_string(),
            hint,
        });
    }

    fn binding(&self, name: &str) -> Option<&Binding> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|b| b.name == name)
    }

    fn lookup(&self, name: &str) -> Option<Ty> {
        self.binding(name).map(|b| b.ty.clone())
    }

    fn names(&self) -> Vec<String> {
        self.scopes
            .iter()
            .flat_map(|s| s.iter().map(|b| b.name.clone()))
            .collect()
    }

    /// The source path an expression reads, if it is a path (`source.a.b`, `item.sku`, `xs[0]`).
    fn path_of(&self, e: &Expr) -> Option<String> {
        match &e.kind {
            ExprKind::Var(n) => match &self.binding(n)?.origin {
                Origin::Path(p) => Some(p.clone()),
                _ => None,
            },
            ExprKind::Field(b, f) => {
                let base = self.path_of(b)?;
                Some(if base.is_empty() {
                    f.clone()
                } else {
                    format!("{base}.{f}")
                })
            }
            ExprKind::Index(b, _) => Some(format!("{}[]", self.path_of(b)?)),
            _ => None,
        }
    }

    /// Records what a whole path (or a `let` name) reads.
    fn record(&mut self, e: &Expr) {
        if self.chain > 0 || self.quiet > 0 {
            return;
        }
        if let Some(p) = self.path_of(e) {
            if !p.is_empty() {
                self.reads.push((p, e.span));
            }
        } else if let ExprKind::Var(n) = &e.kind {
            if let Some(Origin::Reads(r)) = self.binding(n).map(|b| b.origin.clone()) {
                self.reads.extend(r);
            }
        }
    }

    /// Checks that a value of type `value` may be written to `field`.
    fn assign(&mut self, value: &Ty, field: &FieldTy, span: Span, path: &str) {
        if value.is_nullable() && !field.nullable && field.required {
            self.error(
                &rules::MAPPING_NULLABLE_TO_REQUIRED,
                span,
                format!(
                    "`{path}` is required, but this value may be null ({})",
                    value.name()
                ),
                "may be null",
                Some(
                    "give a default with `?? value`, or fail explicitly with `?? fail(\"reason\")`"
                        .into(),
                ),
            );
            return;
        }
        self.compatible(value.non_null(), &field.ty, span, path);
    }

    fn compatible(&mut self, value: &Ty, target: &Ty, span: Span, path: &str) {
        match (value, target) {
            (Ty::Any | Ty::Never, _) | (_, Ty::Any) => {}
            (Ty::Null, _) => {}
            (Ty::Float, Ty::Decimal) | (Ty::Decimal, Ty::Float) => self.error(
                &rules::MAPPING_DECIMAL_FLOAT,
                span,
                format!("`{path}` is a {}, but this value is a {}", target.name(), value.name()),
                "decimal and float mixed",
                Some(if matches!(target, Ty::Decimal) {
                    "money and quantities stay exact: produce a decimal (`decimal(x)?`), never a float".into()
                } else {
                    "convert explicitly with `float(x)` if a binary float is really wanted".into()
                }),
            ),
            (Ty::Enum(vs), Ty::Enum(allowed)) => {
                let outside: Vec<&String> = vs.iter().filter(|v| !allowed.contains(v)).collect();
                if !outside.is_empty() {
                    let list: Vec<String> = outside.iter().map(|v| format!("\"{v}\"")).collect();
                    self.error(
                        &rules::MAPPING_ENUM_VALUE,
                        span,
                        format!("`{path}` does not allow {}", list.join(", ")),
                        "value not in the target enum",
                        Some(format!("allowed: {}", allowed.join(", "))),
                    );
                }
            }
            (Ty::Enum(_), Ty::Str) | (Ty::Int, Ty::Decimal | Ty::Float) => {}
            (Ty::Str, Ty::Enum(allowed)) => self.error(
                &rules::MAPPING_TYPE_MISMATCH,
                span,
                format!("`{path}` is an enum, but this value is any string"),
                "may hold other values",
                Some(format!("map the values with `match` (allowed: {})", allowed.join(", "))),
            ),
            (Ty::Array(a), Ty::Array(b)) => {
                if a.is_nullable() && !b.is_nullable() {
                    self.error(
                        &rules::MAPPING_NULLABLE_TO_REQUIRED,
                        span,
                        format!("the elements of `{path}` may not be null, but these may"),
                        "elements may be null",
                        Some("filter out nulls or give a default in the lambda".into()),
                    );
                }
                self.compatible(a.non_null(), b.non_null(), span, &format!("{path}[]"));
            }
            (Ty::Object(given), Ty::Object(wanted)) => {
                for w in wanted {
                    match given.iter().find(|g| g.name == w.name) {
                        Some(g) => self.assign(&g.ty, w, span, &format!("{path}.{}", w.name)),
                        None if w.required => self.error(
                            &rules::MAPPING_MISSING_FIELD,
                            span,
                            format!("required field `{path}.{}` ({}) is missing from this object", w.name, w.ty.name()),
                            "missing field",
                            Some(format!("add `{}: ...`", w.name)),
                        ),
                        None => {}
                    }
                }
                for g in given.iter().filter(|g| !wanted.iter().any(|w| w.name == g.name)) {
                    let names: Vec<&str> = wanted.iter().map(|w| w.name.as_str()).collect();
                    self.error(
                        &rules::MAPPING_UNKNOWN_FIELD,
                        span,
                        format!("`{path}.{}` is not a field of the target contract", g.name),
                        "not in the target",
                        did_you_mean(&g.name, names.iter().copied()).or_else(|| Some(format!("fields: {}", names.join(", ")))),
                    );
                }
            }
            (a, b) if a == b => {}
            _ => {
                let hint = match (value, target) {
                    (Ty::Str, Ty::DateTime) => Some("parse it: `parse_datetime(x)?`".to_string()),
                    (Ty::Str, Ty::Date) => Some("parse it: `parse_date(x)?`".to_string()),
                    (Ty::Str, Ty::Decimal) => Some("parse it: `decimal(x)?`".to_string()),
                    (Ty::Str, Ty::Int) => Some("parse it: `integer(x)?`".to_string()),
                    (_, Ty::Str) => Some("convert it: `string(x)`".to_string()),
                    _ => None,
                };
                self.error(
                    &rules::MAPPING_TYPE_MISMATCH,
                    span,
                    format!("`{path}` is a {}, but this value is a {}", target.name(), value.name()),
                    "wrong type",
                    hint,
                );
            }
        }
    }

    /// The type of `e`. `handled` is true when `e` is directly under `?`.
    fn expr(&mut self, e: &Expr, handled: bool) -> Ty {
        match &e.kind {
            ExprKind::Null => Ty::Null,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Integer(_) => Ty::Int,
            ExprKind::Decimal(_) => Ty::Decimal,
            ExprKind::Float(_) => Ty::Float,
            ExprKind::Str(parts) => {
                let mut literal = String::new();
                let mut only_text = true;
                let mut nullable = false;
                for p in parts {
                    match p {
                        StrPart::Text(t) => literal.push_str(t),
                        StrPart::Expr(x) => {
                            only_text = false;
                            // Null propagates: interpolating a value that may be null may give null.
                            nullable |= self.expr(x, false).is_nullable();
                        }
                    }
                }
                match (only_text, nullable) {
                    (true, _) => Ty::Enum(vec![literal]),
                    (false, false) => Ty::Str,
                    (false, true) => Ty::Str.nullable(),
                }
            }
            ExprKind::Array(items) => {
                let mut t = Ty::Never;
                for i in items {
                    let it = self.expr(i, false);
                    t = Ty::unify(t, it);
                }
                Ty::Array(Box::new(if t == Ty::Never { Ty::Any } else { t }))
            }
            ExprKind::Object(entries) => Ty::Object(
                entries
                    .iter()
                    .map(|(name, _, v)| {
                        let t = self.expr(v, false);
                        FieldTy {
                            name: name.clone(),
                            nullable: t.is_nullable(),
                            required: true,
                            ty: t,
                        }
                    })
                    .collect(),
            ),
            ExprKind::Var(name) => {
                self.record(e);
                match self.lookup(name) {
                    Some(t) => t,
                    None => {
                        let names = self.names();
                        self.error(
                        &rules::MAPPING_UNKNOWN_FIELD,
                        e.span,
                        format!("unknown name `{name}`"),
                        "not defined",
                        did_you_mean(name, names.iter().map(String::as_str))
                            .or_else(|| Some("read the input through `source.`, or define the name with `let`".into())),
                    );
                        Ty::Any
                    }
                }
            }
            ExprKind::Field(base, name) => {
                self.record(e);
                self.chain += 1;
                let bt = self.expr(base, false);
                self.chain -= 1;
                let nullable = bt.is_nullable();
                let t = match bt.non_null() {
                    Ty::Object(fields) => match fields.iter().find(|f| &f.name == name) {
                        Some(f) => f.read(),
                        None => {
                            let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                            let field_span = Span {
                                start: e.span.end - name.len() as u32,
                                end: e.span.end,
                            };
                            self.error(
                                &rules::MAPPING_UNKNOWN_FIELD,
                                field_span,
                                format!("`{name}` is not a field here"),
                                "unknown field",
                                did_you_mean(name, names.iter().copied())
                                    .or_else(|| Some(format!("fields: {}", names.join(", ")))),
                            );
                            Ty::Any
                        }
                    },
                    Ty::Any | Ty::Never => Ty::Any,
                    other => {
                        self.error(
                            &rules::MAPPING_TYPE_MISMATCH,
                            e.span,
                            format!("a {} has no field `{name}`", other.name()),
                            "not an object",
                            None,
                        );
                        Ty::Any
                    }
                };
                if nullable {
                    t.nullable()
                } else {
                    t
                }
            }
            ExprKind::Index(base, index) => {
                self.record(e);
                self.chain += 1;
                let bt = self.expr(base, false);
                self.chain -= 1;
                let saved = std::mem::take(&mut self.chain);
                self.expr(index, false);
                self.chain = saved;
                match bt.non_null() {
                    Ty::Array(item) => item.as_ref().clone().nullable(),
                    _ => Ty::Any,
                }
            }
            ExprKind::Call { name, args } => {
                let name_span = Span {
                    start: e.span.start,
                    end: e.span.start + name.len() as u32,
                };
                self.call(e, name, name_span, args, handled)
            }
            ExprKind::Method {
                receiver,
                name,
                name_span,
                args,
            } => {
                let mut all = vec![receiver.as_ref().clone()];
                all.extend(args.iter().cloned());
                self.call(e, name, *name_span, &all, handled)
            }
            ExprKind::Lambda { body, .. } => {
                // A lambda outside a collection function: its parameters are unknown.
                self.expr(body, false);
                Ty::Any
            }
            ExprKind::Unary(op, x) => {
                let t = self.expr(x, false);
                match op {
                    UnaryOp::Not => Ty::Bool,
                    UnaryOp::Neg => t,
                }
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond, false);
                let t = self.expr(then, false);
                match otherwise {
                    Some(o) => {
                        let ot = self.expr(o, false);
                        Ty::unify(t, ot)
                    }
                    None => t.nullable(),
                }
            }
            ExprKind::Block { lets, value } => {
                self.scopes.push(Vec::new());
                for (n, v) in lets {
                    let before = self.reads.len();
                    let t = self.expr(v, false);
                    let origin = Origin::Reads(self.reads[before..].to_vec());
                    self.scopes.last_mut().expect("scope").push(Binding {
                        name: n.clone(),
                        ty: t,
                        origin,
                    });
                }
                let t = self.expr(value, false);
                self.scopes.pop();
                t
            }
            ExprKind::Match { subject, arms } => self.match_expr(e, subject, arms),
            ExprKind::Try(inner) => self.expr(inner, true),
        }
    }

    /// A call of a user function: arity, recursion, fallibility; the result type
    /// comes from typing its body with the actual argument types.
    fn call_user(
        &mut self,
        e: &Expr,
        f: &Function,
        name_span: Span,
        args: &[Expr],
        handled: bool,
    ) -> Ty {
        let arg_types: Vec<Ty> = args.iter().map(|a| self.expr(a, false)).collect();
        if args.len() != f.params.len() {
            self.error(
                &rules::MAPPING_TYPE_MISMATCH,
                e.span,
                format!(
                    "`{}` takes {} argument(s), {} given",
                    f.name,
                    f.params.len(),
                    args.len()
                ),
                "wrong number of arguments",
                Some(format!("call it as `{}({})`", f.name, f.params.join(", "))),
            );
            return Ty::Any;
        }
        if self.call_stack.contains(&f.name) {
            let chain = self.call_stack.join(" -> ");
            // Found while typing another function's body quietly: report it at the
            // call that is visible where the user reads it.
            let name_span = if self.quiet > 0 {
                self.visible_call.unwrap_or(name_span)
            } else {
                name_span
            };
            let quiet = std::mem::take(&mut self.quiet);
            self.error(
                &rules::MAPPING_UNKNOWN_FUNCTION,
                name_span,
                format!(
                    "`{}` calls itself ({chain} -> {}): recursion is not allowed",
                    f.name, f.name
                ),
                "recursive call",
                Some(
                    "mappings must terminate: use `map`, `filter` or `sum` over lists instead"
                        .into(),
                ),
            );
            self.quiet = quiet;
            return Ty::Any;
        }
        if can_fail(&f.body) && !handled {
            self.error(
                &rules::MAPPING_UNHANDLED_FAILURE,
                e.span,
                format!(
                    "`{}` can fail (its body uses `?` or `fail`), and the failure is not handled",
                    f.name
                ),
                "can fail",
                Some("add `?` after the call".into()),
            );
        }
        let params: Vec<Binding> = f
            .params
            .iter()
            .cloned()
            .zip(arg_types)
            .map(|(name, ty)| Binding {
                name,
                ty,
                origin: Origin::None,
            })
            .collect();
        let saved = std::mem::replace(&mut self.scopes, vec![self.tables.clone(), params]);
        self.call_stack.push(f.name.clone());
        let visible = self.visible_call;
        if self.quiet == 0 {
            self.visible_call = Some(name_span);
        }
        self.quiet += 1;
        let t = self.expr(&f.body, false);
        self.quiet -= 1;
        self.visible_call = visible;
        self.call_stack.pop();
        self.scopes = saved;
        t
    }

    fn call(&mut self, e: &Expr, name: &str, name_span: Span, args: &[Expr], handled: bool) -> Ty {
        if let Some(f) = self.functions.iter().find(|f| f.name == name).cloned() {
            return self.call_user(e, &f, name_span, args, handled);
        }
        let mut types = Vec::new();
        let mut lambda_result = None;
        for a in args {
            if let ExprKind::Lambda { params, body } = &a.kind {
                let param_ty = functions::lambda_param(name, types.first().unwrap_or(&Ty::Any));
                // A parameter over a source list reads its elements (`items[]`).
                let origin = match args.first().and_then(|first| self.path_of(first)) {
                    Some(p) => Origin::Path(format!("{p}[]")),
                    None => Origin::None,
                };
                self.scopes.push(
                    params
                        .iter()
                        .map(|p| Binding {
                            name: p.clone(),
                            ty: param_ty.clone(),
                            origin: origin.clone(),
                        })
                        .collect(),
                );
                lambda_result = Some(self.expr(body, false));
                self.scopes.pop();
                types.push(Ty::Any);
            } else {
                let t = self.expr(a, false);
                types.push(t);
            }
        }
        if let Some(f) = weft_mapping::functions::find(name) {
            let (min, max) = f.arity();
            if args.len() < min || args.len() > max {
                let takes = if min == max {
                    format!("{min}")
                } else {
                    format!("{min} to {max}")
                };
                self.error(
                    &rules::MAPPING_TYPE_MISMATCH,
                    e.span,
                    format!("`{name}` takes {takes} argument(s), {} given", args.len()),
                    "wrong number of arguments",
                    Some(format!("call it as `{}`", f.signature)),
                );
                return Ty::Any;
            }
        }
        // Null in, null out, for every argument (as the evaluator does).
        let null_in = types.iter().any(Ty::is_nullable) && name != "fail";
        // A lookup whose (non-null) enum key the table covers completely cannot miss.
        let mut certain_lookup = false;
        if let (Some(Ty::Table { keys, .. }), Some(key)) = (types.first(), types.get(1)) {
            if let Ty::Enum(values) = key.non_null() {
                let missing: Vec<String> = values
                    .iter()
                    .filter(|v| !keys.contains(v))
                    .map(|v| format!("\"{v}\""))
                    .collect();
                certain_lookup = missing.is_empty() && !key.is_nullable();
                if !missing.is_empty() {
                    self.error(
                        &rules::MAPPING_INCOMPLETE_TABLE,
                        args.get(1).map(|a| a.span).unwrap_or(e.span),
                        format!("the lookup table has no entry for {}", missing.join(", ")),
                        "some values have no entry",
                        Some("add the missing entries to the table, or handle a missing entry with `?? ...`".into()),
                    );
                }
            }
        }
        match functions::call(name, &types, lambda_result.as_ref()) {
            None => {
                self.error(
                    &rules::MAPPING_UNKNOWN_FUNCTION,
                    name_span,
                    format!("unknown function `{name}`"),
                    "no such function",
                    did_you_mean(name, weft_mapping::functions::ALL.iter().map(|f| f.name))
                        .or_else(|| {
                            Some("see docs/mapping-language.md for the functions available".into())
                        }),
                );
                Ty::Any
            }
            Some(Err(err)) => {
                let span = args.get(err.arg).map(|a| a.span).unwrap_or(e.span);
                let found = types.get(err.arg).map(Ty::name).unwrap_or_default();
                self.error(
                    &rules::MAPPING_TYPE_MISMATCH,
                    span,
                    format!("`{name}` expects {} here, found {found}", err.expected),
                    "wrong argument type",
                    None,
                );
                Ty::Any
            }
            Some(Ok(sig)) => {
                if sig.fallible && !handled {
                    self.error(
                        &rules::MAPPING_UNHANDLED_FAILURE,
                        e.span,
                        format!("`{name}` can fail, and the failure is not handled"),
                        "can fail",
                        Some("add `?` to send a failing message to the dead-letter queue with this error".into()),
                    );
                }
                if null_in {
                    sig.result.nullable()
                } else if certain_lookup {
                    sig.result.non_null().clone()
                } else {
                    sig.result
                }
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, a: &Expr, b: &Expr) -> Ty {
        let at = self.expr(a, false);
        let bt = self.expr(b, false);
        match op {
            BinaryOp::Coalesce => {
                if !at.is_nullable() && !matches!(at, Ty::Any) {
                    self.error(
                        &rules::MAPPING_UNREACHABLE_FALLBACK,
                        b.span,
                        format!(
                            "this fallback never fires: the left side ({}) is never null",
                            at.name()
                        ),
                        "never used",
                        Some(
                            "remove `?? ...`, or keep it deliberately if the contract may loosen"
                                .into(),
                        ),
                    );
                }
                Ty::unify(at.non_null().clone(), bt)
            }
            BinaryOp::And | BinaryOp::Or => Ty::Bool,
            // Equality is defined between any two values, null included.
            BinaryOp::Eq | BinaryOp::Ne => {
                self.numeric_mix(&at, &bt, b.span);
                Ty::Bool
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                self.numeric_mix(&at, &bt, b.span);
                let (x, y) = (at.non_null(), bt.non_null());
                let comparable = |t: &Ty| match t {
                    t if t.is_numeric() => 0,
                    Ty::Str | Ty::Enum(_) => 1,
                    Ty::Date => 2,
                    Ty::DateTime => 3,
                    Ty::Bool => 4,
                    _ => 5,
                };
                let open = |t: &Ty| matches!(t, Ty::Any | Ty::Null | Ty::Never);
                if !open(x) && !open(y) && (comparable(x) != comparable(y) || comparable(x) == 5) {
                    self.mismatch(
                        b.span,
                        format!("cannot compare {} with {}", a_(x), a_(y)),
                        "convert one side: `decimal(x)?`, `parse_date(x)?`, `string(x)`",
                    );
                }
                // A null side makes the comparison null (neither true nor false).
                if at.is_nullable() || bt.is_nullable() {
                    Ty::Bool.nullable()
                } else {
                    Ty::Bool
                }
            }
            _ => {
                let t = self.arithmetic(op, &at, &bt, b.span);
                if at.is_nullable() || bt.is_nullable() {
                    t.nullable()
                } else {
                    t
                }
            }
        }
    }

    /// The type of `a op b` for `+ - * / %`, as the evaluator computes it.
    fn arithmetic(&mut self, op: BinaryOp, a: &Ty, b: &Ty, span: Span) -> Ty {
        let (x, y) = (a.non_null(), b.non_null());
        let text = |t: &Ty| matches!(t, Ty::Str | Ty::Enum(_));
        match (x, y) {
            (Ty::Any | Ty::Never, _) | (_, Ty::Any | Ty::Never) => Ty::Any,
            (Ty::Null, _) | (_, Ty::Null) => Ty::Null,
            (s, t) if text(s) && text(t) && op == BinaryOp::Add => Ty::Str,
            (s, t) if text(s) || text(t) => {
                self.mismatch(
                    span,
                    if op == BinaryOp::Add {
                        format!("`+` joins two strings; found {} and {}", a_(s), a_(t))
                    } else {
                        format!("arithmetic on a string: found {} and {}", a_(s), a_(t))
                    },
                    "write `string(x)` or interpolate: \"{a}{b}\"; parse numbers with `decimal(x)?`",
                );
                Ty::Any
            }
            // Integer division is exact: it gives a decimal (7 / 2 is 3.5).
            (Ty::Int, Ty::Int) if op == BinaryOp::Div => Ty::Decimal,
            (s, t) if s.is_numeric() && t.is_numeric() => {
                self.numeric_mix(a, b, span);
                Ty::unify(s.clone(), t.clone())
            }
            (s, t) => {
                self.mismatch(
                    span,
                    format!("arithmetic needs numbers; found {} and {}", a_(s), a_(t)),
                    "dates move with `add_days`; lists are summed with `sum`",
                );
                Ty::Any
            }
        }
    }

    fn mismatch(&mut self, span: Span, message: String, hint: &str) {
        self.error(
            &rules::MAPPING_TYPE_MISMATCH,
            span,
            message,
            "wrong type",
            Some(hint.into()),
        );
    }

    fn numeric_mix(&mut self, a: &Ty, b: &Ty, span: Span) {
        let (a, b) = (a.non_null(), b.non_null());
        if matches!((a, b), (Ty::Decimal, Ty::Float) | (Ty::Float, Ty::Decimal)) {
            self.error(
                &rules::MAPPING_DECIMAL_FLOAT,
                span,
                "a decimal and a float are mixed in one operation".into(),
                "decimal and float mixed",
                Some("convert explicitly: `decimal(x)?` keeps the result exact".into()),
            );
        }
    }

    fn match_expr(&mut self, e: &Expr, subject: &Expr, arms: &[Arm]) -> Ty {
        let st = self.expr(subject, false);
        let mut result = Ty::Never;
        let mut covered: Vec<String> = Vec::new();
        let mut wildcard = false;
        let mut null_arm = false;
        for arm in arms {
            for p in &arm.patterns {
                match p {
                    Pattern::Wildcard(_) => wildcard = true,
                    Pattern::Literal(lit) => {
                        null_arm |= lit.kind == ExprKind::Null;
                        if let ExprKind::Bool(b) = lit.kind {
                            covered.push(b.to_string());
                        }
                        if let (ExprKind::Str(parts), Ty::Enum(values)) = (&lit.kind, st.non_null())
                        {
                            if let [StrPart::Text(v)] = parts.as_slice() {
                                if !values.contains(v) {
                                    self.error(
                                        &rules::MAPPING_ENUM_VALUE,
                                        lit.span,
                                        format!("\"{v}\" is not a value of the matched enum"),
                                        "never matches",
                                        Some(format!("values: {}", values.join(", "))),
                                    );
                                }
                                covered.push(v.clone());
                            }
                        }
                    }
                }
            }
            let t = self.expr(&arm.value, false);
            result = Ty::unify(result, t);
        }
        let booleans = ["true".to_string(), "false".to_string()];
        let finite: Option<&[String]> = match st.non_null() {
            Ty::Enum(values) => Some(values),
            Ty::Bool => Some(&booleans),
            _ => None,
        };
        if let Some(values) = finite {
            let quote = matches!(st.non_null(), Ty::Enum(_));
            let missing: Vec<&String> = values.iter().filter(|v| !covered.contains(v)).collect();
            if !wildcard && !missing.is_empty() {
                let list: Vec<String> = missing
                    .iter()
                    .map(|v| {
                        if quote {
                            format!("\"{v}\"")
                        } else {
                            v.to_string()
                        }
                    })
                    .collect();
                self.error(
                    &rules::MAPPING_MATCH_NOT_EXHAUSTIVE,
                    Span {
                        start: e.span.start,
                        end: e.span.start + 5,
                    },
                    format!("this match does not cover {}", list.join(", ")),
                    "not exhaustive",
                    Some("add arms for the missing values, or a `_ => ...` arm".into()),
                );
            }
        } else if !wildcard && !matches!(st.non_null(), Ty::Any | Ty::Null | Ty::Never) {
            // A string or a number has values no list of arms covers: every
            // other value would fail the message.
            self.error(
                &rules::MAPPING_MATCH_NOT_EXHAUSTIVE,
                Span {
                    start: e.span.start,
                    end: e.span.start + 5,
                },
                format!(
                    "this match over {} has no `_` arm: any other value fails the message",
                    a_(st.non_null())
                ),
                "not exhaustive",
                Some(
                    "add `_ => ...` (a default, or `fail(\"...\")` to dead-letter with a reason)"
                        .into(),
                ),
            );
        }
        if st.is_nullable() && !wildcard && !null_arm {
            result = result.nullable();
        }
        result
    }
}

/// A type's name with its article: "an integer", "a string".
fn a_(t: &Ty) -> String {
    let n = t.name();
    if n.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {n}")
    } else {
        format!("a {n}")
    }
}

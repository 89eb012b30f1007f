//! Evaluates a parsed mapping body. Every failure (`fail(...)`, a value that
//! does not parse, a match without an arm for the value) is an error with the
//! span where it happened; the runtime sends such a message to the
//! dead-letter queue.
//!
//! Reading is by reference: the payload, the lookup tables, `let` bindings of
//! paths and lambda parameters over lists in the payload are borrowed, never
//! copied; only what lands in the output is. Evaluation is bounded: the
//! language has no loops but collection functions over finite lists, nesting
//! is capped by the parser, and every run has a step and size budget
//! ([`Limits`]) so no input can make a mapping run or grow without end.

use crate::ast::*;
use crate::value::Value;

use rust_decimal::Decimal;
use std::borrow::Cow;

/// Why a mapping failed for one input.
#[derive(Clone, Debug, PartialEq)]
pub struct MappingError {
    pub message: String,
    pub span: Span,
}

type R = Result<Value, MappingError>;

/// Bounds on one evaluation. A run that exceeds one fails with a message that
/// names the limit (the runtime dead-letters it like any failure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Expressions evaluated, counting each lambda call.
    pub max_steps: u64,
    /// Longest string a mapping may build, in bytes.
    pub max_string_bytes: usize,
    /// Longest list a mapping may build.
    pub max_items: usize,
    /// Bytes of strings and lists a mapping may build or copy for one
    /// message, in all (a list counts its items' slots, not their contents).
    pub max_built_bytes: usize,
}

impl Default for Limits {
    /// Generous for real payloads (a 10,000-line order takes about 200,000
    /// steps), small enough that a runaway fails in well under a second.
    fn default() -> Limits {
        Limits {
            max_steps: 10_000_000,
            max_string_bytes: 16 << 20,
            max_items: 1_000_000,
            max_built_bytes: 256 << 20,
        }
    }
}

/// Evaluates one expression with `source` bound (used by flow conditions and
/// by the functions' examples).
pub fn evaluate_expr(e: &Expr, source: &Value) -> R {
    let mut env = Env::new(&[], &[], Limits::default());
    env.vars.push(("source", Cow::Borrowed(source)));
    env.eval(e)
}

/// Evaluates one expression with several names bound (a flow condition sees
/// `source` and `current`), the workspace's tables and functions in scope.
pub fn evaluate_bound(
    e: &Expr,
    vars: &[(&str, &Value)],
    globals: &[(String, Value)],
    functions: &[Function],
) -> R {
    let mut env = Env::new(globals, functions, Limits::default());
    for (name, v) in vars {
        env.vars.push((name, Cow::Borrowed(*v)));
    }
    env.eval(e)
}

/// Runs `body` on `source`, producing the target object.
pub fn evaluate(body: &Body, source: Value) -> R {
    evaluate_with(body, source, &[], &[])
}

/// Deepest chain of user-function calls (recursion is refused by the checker;
/// this bound makes evaluation safe even without it).
pub const MAX_CALL_DEPTH: u32 = 32;

/// Runs `body` on `source` with named globals (the workspace's lookup tables)
/// and the workspace's user functions.
pub fn evaluate_with(
    body: &Body,
    source: Value,
    globals: &[(String, Value)],
    functions: &[Function],
) -> R {
    evaluate_within(body, &source, globals, functions, Limits::default())
}

/// [`evaluate_with`] on a borrowed payload and with explicit limits.
pub fn evaluate_within(
    body: &Body,
    source: &Value,
    globals: &[(String, Value)],
    functions: &[Function],
    limits: Limits,
) -> R {
    let mut env = Env::new(globals, functions, limits);
    env.vars.push(("source", Cow::Borrowed(source)));
    let mut out = Value::Object(Vec::new());
    for item in &body.items {
        match item {
            Item::Let { name, value, .. } => {
                let v = env.bind(value)?;
                env.vars.push((name, v));
            }
            Item::Assign { target, value, .. } => {
                let v = env.eval(value)?;
                set_path(&mut out, target, v);
            }
        }
    }
    Ok(out)
}

fn set_path(obj: &mut Value, path: &[String], v: Value) {
    let Value::Object(fields) = obj else { return };
    let (first, rest) = (&path[0], &path[1..]);
    let slot = match fields.iter().position(|(k, _)| k == first) {
        Some(i) => &mut fields[i].1,
        None => {
            fields.push((
                first.as_str().into(),
                if rest.is_empty() {
                    Value::Null
                } else {
                    Value::Object(Vec::new())
                },
            ));
            &mut fields.last_mut().expect("just pushed").1
        }
    };
    if rest.is_empty() {
        *slot = v;
    } else {
        if !matches!(slot, Value::Object(_)) {
            *slot = Value::Object(Vec::new());
        }
        set_path(slot, rest, v);
    }
}

/// Names in scope (innermost last), the functions, and the budget left.
struct Env<'a> {
    vars: Vec<(&'a str, Cow<'a, Value>)>,
    /// The lookup tables, seen by the body and by every function.
    globals: &'a [(String, Value)],
    functions: &'a [Function],
    depth: u32,
    limits: Limits,
    steps: u64,
    built: usize,
}

fn err(span: Span, message: impl Into<String>) -> MappingError {
    MappingError {
        message: message.into(),
        span,
    }
}

/// Collection functions that take a lambda.
const WITH_LAMBDA: [&str; 7] = [
    "map", "filter", "any", "all", "flat_map", "sort_by", "group_by",
];

impl<'a> Env<'a> {
    /// A scope holding the globals only.
    fn new(globals: &'a [(String, Value)], functions: &'a [Function], limits: Limits) -> Env<'a> {
        Env {
            vars: globals
                .iter()
                .map(|(n, v)| (n.as_str(), Cow::Borrowed(v)))
                .collect(),
            globals,
            functions,
            depth: 0,
            limits,
            steps: 0,
            built: 0,
        }
    }

    fn get(&self, name: &str) -> Option<&Cow<'a, Value>> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// The value a path (`source.a.b`, a name) denotes, borrowed: reading one
    /// field must not copy the whole payload.
    fn path_ref(&self, e: &Expr) -> Option<&Value> {
        match &e.kind {
            ExprKind::Var(n) => self.get(n).map(|v| v.as_ref()),
            ExprKind::Field(b, f) => Some(self.path_ref(b)?.field(f)),
            _ => None,
        }
    }

    /// Like [`Env::path_ref`], for paths into borrowed data (the payload, the
    /// tables, lambda parameters over them): the reference outlives the scope.
    fn path_borrow(&self, e: &Expr) -> Option<&'a Value> {
        match &e.kind {
            ExprKind::Var(n) => match self.get(n)? {
                Cow::Borrowed(v) => Some(*v),
                Cow::Owned(_) => None,
            },
            ExprKind::Field(b, f) => Some(self.path_borrow(b)?.field(f)),
            _ => None,
        }
    }

    /// The value to bind a name to: borrowed when it is a path into borrowed
    /// data, computed otherwise.
    fn bind(&mut self, e: &'a Expr) -> Result<Cow<'a, Value>, MappingError> {
        match self.path_borrow(e) {
            Some(v) => Ok(Cow::Borrowed(v)),
            None => self.eval(e).map(Cow::Owned),
        }
    }

    /// Counts what a step built or copied against the budget.
    fn sized(&mut self, span: Span, v: Value) -> R {
        let (len, limit, what) = match &v {
            Value::Str(s) => (
                s.len(),
                self.limits.max_string_bytes,
                "a string longer than",
            ),
            Value::Array(items) => (items.len(), self.limits.max_items, "a list longer than"),
            _ => return Ok(v),
        };
        if len > limit {
            return Err(err(
                span,
                format!("the mapping built {what} its limit of {limit}"),
            ));
        }
        self.built = self.built.saturating_add(match &v {
            Value::Array(_) => len * std::mem::size_of::<Value>(),
            _ => len,
        });
        if self.built > self.limits.max_built_bytes {
            return Err(err(
                span,
                format!(
                    "the mapping built more than {} bytes of strings and lists for one message",
                    self.limits.max_built_bytes
                ),
            ));
        }
        Ok(v)
    }

    fn eval(&mut self, e: &'a Expr) -> R {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(err(
                e.span,
                format!(
                    "the mapping took more than {} steps for one message",
                    self.limits.max_steps
                ),
            ));
        }
        if matches!(e.kind, ExprKind::Field(..)) {
            if let Some(v) = self.path_ref(e) {
                let v = v.clone();
                return self.sized(e.span, v);
            }
        }
        Ok(match &e.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Integer(i) => Value::Int(*i),
            ExprKind::Decimal(d) => Value::Dec(*d),
            ExprKind::Float(f) => Value::Float(*f),
            ExprKind::Str(parts) => match self.interpolate(parts, None)? {
                Some(s) => return self.sized(e.span, Value::Str(s)),
                None => Value::Null,
            },
            ExprKind::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<_, _>>()?,
            ),
            ExprKind::Object(entries) => {
                // A key written twice: the last one wins, as in JSON.
                let mut fields = crate::value::Fields::new(Vec::with_capacity(entries.len()));
                for (k, _, v) in entries {
                    let v = self.eval(v)?;
                    fields.set(k, v);
                }
                fields.finish()
            }
            ExprKind::Var(n) => {
                let v = self
                    .get(n)
                    .map(|v| v.as_ref().clone())
                    .ok_or_else(|| err(e.span, format!("unknown name `{n}`")))?;
                return self.sized(e.span, v);
            }
            ExprKind::Field(b, f) => self.eval(b)?.field(f).clone(),
            ExprKind::Index(b, i) => {
                let index = self.eval(i)?;
                let base = match self.path_ref(b) {
                    Some(v) => Cow::Borrowed(v),
                    None => Cow::Owned(self.eval(b)?),
                };
                match (base.as_ref(), index) {
                    (Value::Array(items), Value::Int(n)) => {
                        let idx = if n < 0 { items.len() as i64 + n } else { n };
                        usize::try_from(idx)
                            .ok()
                            .and_then(|i| items.get(i).cloned())
                            .unwrap_or(Value::Null)
                    }
                    (o @ Value::Object(_), Value::Str(k)) => o.field(&k).clone(),
                    _ => Value::Null,
                }
            }
            ExprKind::Call { name, args } => self.call(e, name, None, args)?,
            ExprKind::Method {
                receiver,
                name,
                args,
                ..
            } => self.call(e, name, Some(receiver), args)?,
            ExprKind::Lambda { .. } => {
                return Err(err(
                    e.span,
                    "a lambda can only be passed to a collection function",
                ))
            }
            ExprKind::Unary(op, x) => match (op, self.eval(x)?) {
                (_, Value::Null) => Value::Null,
                (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
                (UnaryOp::Neg, Value::Int(i)) => Value::Int(
                    i.checked_neg()
                        .ok_or_else(|| err(e.span, "arithmetic overflow"))?,
                ),
                (UnaryOp::Neg, Value::Dec(d)) => Value::Dec(-d),
                (UnaryOp::Neg, Value::Float(f)) => Value::Float(-f),
                (_, v) => {
                    return Err(err(
                        e.span,
                        format!("cannot apply this operator to a {}", v.type_name()),
                    ))
                }
            },
            ExprKind::Binary(op, a, b) => self.binary(e, *op, a, b)?,
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => match self.eval(cond)? {
                Value::Bool(true) => self.eval(then)?,
                _ => match otherwise {
                    Some(o) => self.eval(o)?,
                    None => Value::Null,
                },
            },
            ExprKind::Block { lets, value } => {
                let depth = self.vars.len();
                let mut r = Ok(Value::Null);
                for (n, v) in lets {
                    match self.bind(v) {
                        Ok(v) => self.vars.push((n, v)),
                        Err(x) => {
                            r = Err(x);
                            break;
                        }
                    }
                }
                if r.is_ok() {
                    r = self.eval(value);
                }
                self.vars.truncate(depth);
                r?
            }
            ExprKind::Match { subject, arms } => {
                let s = self.eval(subject)?;
                for arm in arms {
                    for p in &arm.patterns {
                        let hit = match p {
                            Pattern::Wildcard(_) => true,
                            Pattern::Literal(lit) => equal(&self.eval(lit)?, &s),
                        };
                        if hit {
                            return self.eval(&arm.value);
                        }
                    }
                }
                // Null in, null out, as the checker types it (no `null` arm
                // and no `_`: the result may be null).
                if s == Value::Null {
                    return Ok(Value::Null);
                }
                return Err(err(
                    subject.span,
                    format!("no match arm for the value {}", show(&s)),
                ));
            }
            ExprKind::Try(x) => self.eval(x)?,
        })
    }

    /// An interpolated string. A null part makes the whole string null, or,
    /// with `null_text`, is written as that text.
    fn interpolate(
        &mut self,
        parts: &'a [StrPart],
        null_text: Option<&str>,
    ) -> Result<Option<crate::value::Text>, MappingError> {
        let mut s = crate::value::Text::default();
        for p in parts {
            match p {
                StrPart::Text(t) => s.push_str(t),
                StrPart::Expr(x) => match (self.eval(x)?, null_text) {
                    (Value::Null, Some(t)) => s.push_str(t),
                    (Value::Null, None) => return Ok(None),
                    (Value::Str(v), _) => s.push_str(&v),
                    (v, _) => s.push_str(&v.to_text()),
                },
            }
        }
        Ok(Some(s))
    }

    /// Calls lambda `f` on `arg`, handing the argument back with the result.
    fn lambda(
        &mut self,
        f: &'a Expr,
        arg: Cow<'a, Value>,
    ) -> Result<(Value, Cow<'a, Value>), MappingError> {
        let ExprKind::Lambda { params, body } = &f.kind else {
            return Err(err(f.span, "expected a lambda (`x -> ...`)"));
        };
        let depth = self.vars.len();
        let Some(p) = params.first() else {
            return Ok((self.eval(body)?, arg));
        };
        self.vars.push((p, arg));
        let r = self.eval(body);
        let (_, arg) = self.vars.pop().expect("pushed above");
        self.vars.truncate(depth);
        Ok((r?, arg))
    }

    /// The items of the list a collection function walks: borrowed when the
    /// list is in borrowed data, moved out of a computed list otherwise.
    fn items(
        &mut self,
        e: &Expr,
        name: &str,
        list: &'a Expr,
    ) -> Result<Option<Vec<Cow<'a, Value>>>, MappingError> {
        let not_a_list = |v: &Value| {
            err(
                e.span,
                format!("`{name}` needs a list, found a {}", v.type_name()),
            )
        };
        if let Some(v) = self.path_borrow(list) {
            return match v {
                Value::Array(items) => Ok(Some(items.iter().map(Cow::Borrowed).collect())),
                Value::Null => Ok(None),
                v => Err(not_a_list(v)),
            };
        }
        match self.eval(list)? {
            Value::Array(items) => Ok(Some(items.into_iter().map(Cow::Owned).collect())),
            Value::Null => Ok(None),
            v => Err(not_a_list(&v)),
        }
    }

    fn collection(&mut self, e: &Expr, name: &str, args: &[&'a Expr]) -> R {
        let Some(list) = args.first() else {
            return Ok(Value::Null);
        };
        let Some(list) = self.items(e, name, list)? else {
            return Ok(Value::Null);
        };
        let f = args
            .get(1)
            .ok_or_else(|| err(e.span, format!("`{name}` needs a lambda")))?;
        let truthy = |v: &Value| *v == Value::Bool(true);
        let owned = |c: Cow<'a, Value>| c.into_owned();
        Ok(match name {
            "map" => {
                let mut out = Vec::with_capacity(list.len());
                for item in list {
                    out.push(self.lambda(f, item)?.0);
                }
                Value::Array(out)
            }
            "any" | "all" => {
                let want = name == "any";
                for item in list {
                    if truthy(&self.lambda(f, item)?.0) == want {
                        return Ok(Value::Bool(want));
                    }
                }
                Value::Bool(!want)
            }
            "filter" => {
                let mut out = Vec::new();
                for item in list {
                    let (r, item) = self.lambda(f, item)?;
                    if truthy(&r) {
                        out.push(owned(item));
                    }
                }
                Value::Array(out)
            }
            "flat_map" => {
                let mut out = Vec::new();
                for item in list {
                    match self.lambda(f, item)?.0 {
                        Value::Array(items) => out.extend(items),
                        Value::Null => {}
                        other => out.push(other),
                    }
                    if out.len() > self.limits.max_items {
                        // Stop growing now; `sized` reports the limit.
                        break;
                    }
                }
                Value::Array(out)
            }
            "sort_by" => {
                let mut pairs = Vec::with_capacity(list.len());
                for item in list {
                    let (k, item) = self.lambda(f, item)?;
                    pairs.push((k, item));
                }
                let mut incomparable = None;
                pairs.sort_by(|(a, _), (b, _)| match (a, b) {
                    (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
                    (Value::Null, _) => std::cmp::Ordering::Greater,
                    (_, Value::Null) => std::cmp::Ordering::Less,
                    _ => compare(a, b).unwrap_or_else(|| {
                        incomparable = Some((a.type_name(), b.type_name()));
                        std::cmp::Ordering::Equal
                    }),
                });
                if let Some((a, b)) = incomparable {
                    return Err(err(
                        e.span,
                        format!("`sort_by` cannot compare a {a} with a {b}"),
                    ));
                }
                Value::Array(pairs.into_iter().map(|(_, v)| owned(v)).collect())
            }
            _ => {
                let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
                for item in list {
                    let (key, item) = self.lambda(f, item)?;
                    match groups.iter_mut().find(|(k, _)| equal(k, &key)) {
                        Some((_, items)) => items.push(owned(item)),
                        None => groups.push((key, vec![owned(item)])),
                    }
                }
                Value::Array(
                    groups
                        .into_iter()
                        .map(|(key, items)| {
                            Value::Object(vec![
                                ("key".into(), key),
                                ("items".into(), Value::Array(items)),
                            ])
                        })
                        .collect(),
                )
            }
        })
    }

    fn call(&mut self, e: &'a Expr, name: &str, receiver: Option<&'a Expr>, args: &'a [Expr]) -> R {
        let args: Vec<&'a Expr> = receiver.into_iter().chain(args).collect();
        if name == "fail" {
            let msg = match args.first().map(|a| (a, &a.kind)) {
                // In a failure's reason a null is shown, not swallowed: the
                // reason must say what was missing.
                Some((_, ExprKind::Str(parts))) => self
                    .interpolate(parts, Some("null"))?
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                Some((a, _)) => self.eval(a)?.to_text(),
                None => "failed".into(),
            };
            return Err(err(e.span, msg));
        }
        if WITH_LAMBDA.contains(&name) {
            let v = self.collection(e, name, &args)?;
            return self.sized(e.span, v);
        }
        if let Some(f) = self.functions.iter().find(|f| f.name == name) {
            return self.call_user(e, f, &args);
        }
        let Some(function) = crate::functions::find(name) else {
            return Err(err(e.span, format!("unknown function `{name}`")));
        };
        let crate::functions::Run::Plain(run) = function.run else {
            return Err(err(e.span, format!("`{name}` cannot be called this way")));
        };
        let vals: Vec<Cow<Value>> = args
            .iter()
            .map(|a| self.bind(a))
            .collect::<Result<_, _>>()?;
        let vals: Vec<&Value> = vals.iter().map(|v| v.as_ref()).collect();
        // Null in, null out: for every argument, so a missing separator or
        // pattern never silently becomes "".
        if vals.is_empty() || vals.iter().any(|v| **v == Value::Null) {
            return Ok(Value::Null);
        }
        let v = run(&vals).map_err(|m| err(e.span, m))?;
        self.sized(e.span, v)
    }

    /// A user function: arguments bound to its parameters, in a scope of their own.
    fn call_user(&mut self, e: &Expr, f: &'a Function, args: &[&'a Expr]) -> R {
        if self.depth >= MAX_CALL_DEPTH {
            return Err(err(
                e.span,
                format!("functions call each other more than {MAX_CALL_DEPTH} deep"),
            ));
        }
        // The function sees the tables and its parameters, nothing else.
        let mut inner = Env::new(self.globals, self.functions, self.limits);
        for (p, a) in f.params.iter().zip(args) {
            let v = self.bind(a)?;
            inner.vars.push((p.as_str(), v));
        }
        inner.depth = self.depth + 1;
        inner.steps = self.steps;
        inner.built = self.built;
        // A failure inside the function is reported at the call.
        let r = inner.eval(&f.body);
        self.steps = inner.steps;
        self.built = inner.built;
        r.map_err(|x| err(e.span, format!("in `{}`: {}", f.name, x.message)))
    }

    fn binary(&mut self, e: &Expr, op: BinaryOp, a: &'a Expr, b: &'a Expr) -> R {
        match op {
            BinaryOp::Coalesce => {
                let l = self.eval(a)?;
                return if l == Value::Null {
                    self.eval(b)
                } else {
                    Ok(l)
                };
            }
            BinaryOp::And | BinaryOp::Or => {
                let l = self.eval(a)? == Value::Bool(true);
                if (op == BinaryOp::And && !l) || (op == BinaryOp::Or && l) {
                    return Ok(Value::Bool(l));
                }
                return Ok(Value::Bool(self.eval(b)? == Value::Bool(true)));
            }
            _ => {}
        }
        let (l, r) = (self.eval(a)?, self.eval(b)?);
        match op {
            BinaryOp::Eq => Ok(Value::Bool(equal(&l, &r))),
            BinaryOp::Ne => Ok(Value::Bool(!equal(&l, &r))),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                if l == Value::Null || r == Value::Null {
                    return Ok(Value::Null);
                }
                let ord = compare(&l, &r).ok_or_else(|| {
                    err(
                        e.span,
                        format!(
                            "cannot compare a {} with a {}",
                            l.type_name(),
                            r.type_name()
                        ),
                    )
                })?;
                Ok(Value::Bool(match op {
                    BinaryOp::Lt => ord.is_lt(),
                    BinaryOp::Le => ord.is_le(),
                    BinaryOp::Gt => ord.is_gt(),
                    _ => ord.is_ge(),
                }))
            }
            _ => {
                let v = arith(e, op, l, r)?;
                self.sized(e.span, v)
            }
        }
    }
}

fn arith(e: &Expr, op: BinaryOp, l: Value, r: Value) -> R {
    use Value::*;
    let overflow = || err(e.span, "arithmetic overflow");
    Ok(match (l, r) {
        (Null, _) | (_, Null) => Null,
        (Str(a), Str(b)) if op == BinaryOp::Add => Str(a + &b),
        (Int(a), Int(b)) => match op {
            BinaryOp::Add => Int(a.checked_add(b).ok_or_else(overflow)?),
            BinaryOp::Sub => Int(a.checked_sub(b).ok_or_else(overflow)?),
            BinaryOp::Mul => Int(a.checked_mul(b).ok_or_else(overflow)?),
            BinaryOp::Div => Dec(Decimal::from(a)
                .checked_div(Decimal::from(b))
                .ok_or_else(|| err(e.span, "division by zero"))?),
            _ => Int(a
                .checked_rem(b)
                .ok_or_else(|| err(e.span, "division by zero"))?),
        },
        (Int(a), Dec(b)) => dec_op(e, op, Decimal::from(a), b)?,
        (Dec(a), Int(b)) => dec_op(e, op, a, Decimal::from(b))?,
        (Dec(a), Dec(b)) => dec_op(e, op, a, b)?,
        (Float(a), Float(b)) => Float(float_op(op, a, b)),
        (Int(a), Float(b)) => Float(float_op(op, a as f64, b)),
        (Float(a), Int(b)) => Float(float_op(op, a, b as f64)),
        (a, b) => {
            return Err(err(
                e.span,
                format!("cannot combine a {} and a {}", a.type_name(), b.type_name()),
            ))
        }
    })
}

fn dec_op(e: &Expr, op: BinaryOp, a: Decimal, b: Decimal) -> R {
    let r = match op {
        BinaryOp::Add => a.checked_add(b),
        BinaryOp::Sub => a.checked_sub(b),
        BinaryOp::Mul => a.checked_mul(b),
        BinaryOp::Div => a.checked_div(b),
        _ => a.checked_rem(b),
    };
    r.map(Value::Dec)
        .ok_or_else(|| err(e.span, "decimal overflow or division by zero"))
}

fn float_op(op: BinaryOp, a: f64, b: f64) -> f64 {
    match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => a / b,
        _ => a % b,
    }
}

/// Equality as `==` sees it: numbers by value (`1 == 1.0`), instants by time.
pub(crate) fn equal(a: &Value, b: &Value) -> bool {
    match compare(a, b) {
        Some(o) => o.is_eq(),
        None => a == b,
    }
}

pub(crate) fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    use Value::*;
    match (a, b) {
        (Int(x), Int(y)) => Some(x.cmp(y)),
        (Int(x), Dec(y)) => Some(Decimal::from(*x).cmp(y)),
        (Dec(x), Int(y)) => Some(x.cmp(&Decimal::from(*y))),
        (Dec(x), Dec(y)) => Some(x.cmp(y)),
        (Float(x), Float(y)) => x.partial_cmp(y),
        (Int(x), Float(y)) => (*x as f64).partial_cmp(y),
        (Float(x), Int(y)) => x.partial_cmp(&(*y as f64)),
        (Str(x), Str(y)) => Some(x.cmp(y)),
        (Date(x), Date(y)) => Some(x.cmp(y)),
        (DateTime(x, _), DateTime(y, _)) => Some(x.cmp(y)),
        (Bool(x), Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Str(s) => format!("\"{s}\""),
        other => other.to_text(),
    }
}

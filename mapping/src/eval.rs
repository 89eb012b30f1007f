//! Evaluates a parsed mapping body. Every failure (`fail(...)`, a value that
//! does not parse, a match without an arm for the value) is an error with the
//! span where it happened; the runtime sends such a message to the
//! dead-letter queue.
//!
//! It runs the executable form of [`crate::program`]: names are slots of a
//! frame, field names come with the place they are expected at, calls go
//! straight to their function.
//!
//! Reading is by reference: the payload, the lookup tables, `let` bindings of
//! paths and lambda parameters over lists in the payload are borrowed, never
//! copied; only what lands in the output is. Evaluation is bounded: the
//! language has no loops but collection functions over finite lists, nesting
//! is capped by the parser, and every run has a step and size budget
//! ([`Limits`]) so no input can make a mapping run or grow without end.

use crate::ast::{BinaryOp, Body, Expr, Function, Span, UnaryOp};
use crate::program::{Coll, Lambda, Name, Node, Op, Part, PlainFn, Program, Reason, Step, Var};
use crate::value::{same_name, Coerce, Text, Value};

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

/// Evaluates one expression with `source` bound (the functions' examples;
/// flow keys and conditions are [`CompiledExpr`]s).
pub fn evaluate_expr(e: &Expr, source: &Value) -> R {
    let program = Program::expr(e, &[("source", None)], &[], &[]);
    run(&program, &[source], &[], Limits::default())
}

/// An expression compiled once and run many times with the same names
/// bound: the runtime's flow keys and conditions, run for every message.
pub struct CompiledExpr {
    program: Program,
    names: Vec<String>,
}

impl CompiledExpr {
    /// Compiles `e` with `names` bound (in this order at every run) and the
    /// workspace's tables and functions in scope.
    pub fn new(
        e: &Expr,
        names: &[&str],
        globals: &[(String, Value)],
        functions: &[Function],
    ) -> CompiledExpr {
        let inputs: Vec<(&str, Option<&Coerce>)> = names.iter().map(|n| (*n, None)).collect();
        CompiledExpr {
            program: Program::expr(e, &inputs, globals, functions),
            names: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    /// Runs with `values` bound to the names given to [`CompiledExpr::new`],
    /// in order; `globals` are the tables it was compiled with.
    pub fn run(&self, values: &[&Value], globals: &[(String, Value)]) -> R {
        if values.len() != self.names.len() {
            return Err(MappingError {
                message: format!(
                    "the expression was compiled for {} values ({}), and given {}",
                    self.names.len(),
                    self.names.join(", "),
                    values.len()
                ),
                span: Span::default(),
            });
        }
        run(&self.program, values, globals, Limits::default())
    }
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
    let program = Program::body(body, &[("source", None)], globals, functions);
    run(&program, &[source], globals, limits)
}

/// Runs a compiled program with its inputs in its first slots: a body gives
/// the target object, an expression its value.
pub(crate) fn run<'a>(
    program: &'a Program,
    inputs: &[&'a Value],
    globals: &'a [(String, Value)],
    limits: Limits,
) -> R {
    let mut env = Env::new(program, inputs, globals, limits);
    if let Some(node) = &program.result {
        return env.eval(node);
    }
    env.steps_into_value()
}

/// Runs a compiled body and writes its target object as JSON text: straight
/// to text when every item assigns a different top-level field (the output's
/// order and content are then known as it runs), through a built value
/// otherwise.
pub(crate) fn run_json<'a>(
    program: &'a Program,
    inputs: &[&'a Value],
    globals: &'a [(String, Value)],
    limits: Limits,
    out: &mut String,
) -> Result<(), MappingError> {
    let mut env = Env::new(program, inputs, globals, limits);
    if !program.flat || program.result.is_some() {
        let v = match &program.result {
            Some(node) => env.eval(node)?,
            None => env.steps_into_value()?,
        };
        crate::json_write::write(out, &v);
        return Ok(());
    }
    out.push('{');
    let mut first = true;
    for step in &program.steps {
        match step {
            Step::Let(slot, value) => {
                let v = env.bind(value)?;
                env.frame[*slot as usize] = v;
            }
            Step::Assign(_, key, value) => {
                let mark = out.len();
                if !first {
                    out.push(',');
                }
                out.push_str(key);
                if env.emit(value, out)? {
                    first = false;
                } else {
                    out.truncate(mark);
                }
            }
        }
    }
    out.push('}');
    Ok(())
}

impl<'a> Env<'a> {
    fn new(
        program: &'a Program,
        inputs: &[&'a Value],
        globals: &'a [(String, Value)],
        limits: Limits,
    ) -> Env<'a> {
        debug_assert_eq!(inputs.len(), program.inputs);
        let mut frame: Vec<Cow<'a, Value>> = Vec::with_capacity(program.frame);
        frame.extend(inputs.iter().map(|v| Cow::Borrowed(*v)));
        frame.resize(program.frame.max(inputs.len()), Cow::Owned(Value::Null));
        Env {
            program,
            globals,
            frame,
            depth: 0,
            limits,
            steps: 0,
            built: 0,
        }
    }

    /// Runs the body's items, building the target object.
    fn steps_into_value(&mut self) -> R {
        let env = self;
        let program = env.program;
        let mut out = Value::Object(Vec::new());
        for step in &program.steps {
            match step {
                Step::Let(slot, value) => {
                    let v = env.bind(value)?;
                    env.frame[*slot as usize] = v;
                }
                Step::Assign(target, _, value) => {
                    let v = env.eval(value)?;
                    set_path(&mut out, target, v);
                }
            }
        }
        Ok(out)
    }
}

fn set_path(obj: &mut Value, path: &[Text], v: Value) {
    let Value::Object(fields) = obj else { return };
    let (first, rest) = (&path[0], &path[1..]);
    let slot = match fields.iter().position(|(k, _)| k == first) {
        Some(i) => &mut fields[i].1,
        None => {
            fields.push((
                first.clone(),
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

static NULL: Value = Value::Null;

/// The field `name` of a value (null when absent or not an object), tried
/// first at the place the layout keeps it.
fn field<'v>(v: &'v Value, name: &Name) -> &'v Value {
    let Value::Object(fields) = v else {
        return &NULL;
    };
    let want = &*name.text;
    if let Some((k, x)) = fields.get(name.hint as usize) {
        if same_name(k, want) {
            return x;
        }
    }
    fields
        .iter()
        .find(|(k, _)| same_name(k, want))
        .map_or(&NULL, |(_, v)| v)
}

/// The field `name` taken out of a computed value (no copy).
fn take_field(v: Value, name: &Name) -> Value {
    let Value::Object(mut fields) = v else {
        return Value::Null;
    };
    match fields.iter().position(|(k, _)| same_name(k, &name.text)) {
        Some(i) => fields.swap_remove(i).1,
        None => Value::Null,
    }
}

/// The frame of the running body or function, the tables, and the budget left.
struct Env<'a> {
    program: &'a Program,
    /// The lookup tables, seen by the body and by every function.
    globals: &'a [(String, Value)],
    /// The slots: inputs, `let`s, lambda and function parameters.
    frame: Vec<Cow<'a, Value>>,
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

impl<'a> Env<'a> {
    fn var(&self, var: Var) -> &Value {
        match var {
            Var::Local(slot) => self.frame[slot as usize].as_ref(),
            Var::Global(i) => &self.globals[i as usize].1,
        }
    }

    /// A name's value when it is borrowed data (the payload, a table, a
    /// lambda parameter over them): the reference outlives the frame.
    fn var_borrow(&self, var: Var) -> Option<&'a Value> {
        match var {
            Var::Local(slot) => match &self.frame[slot as usize] {
                Cow::Borrowed(v) => Some(*v),
                Cow::Owned(_) => None,
            },
            Var::Global(i) => Some(&self.globals[i as usize].1),
        }
    }

    /// The value a path (`source.a.b`, a name) denotes, borrowed: reading one
    /// field must not copy the whole payload.
    fn path_ref(&self, n: &Node) -> Option<&Value> {
        match &n.op {
            Op::Var(var) => Some(self.var(*var)),
            Op::Path(var, names) => Some(follow(self.var(*var), names)),
            _ => None,
        }
    }

    /// Like [`Env::path_ref`], for paths into borrowed data: the reference
    /// outlives the scope.
    fn path_borrow(&self, n: &Node) -> Option<&'a Value> {
        match &n.op {
            Op::Var(var) => self.var_borrow(*var),
            Op::Path(var, names) => Some(follow(self.var_borrow(*var)?, names)),
            _ => None,
        }
    }

    /// The value to bind a name to: borrowed when it is a path into borrowed
    /// data, computed otherwise.
    fn bind(&mut self, n: &'a Node) -> Result<Cow<'a, Value>, MappingError> {
        match self.path_borrow(n) {
            Some(v) => Ok(Cow::Borrowed(v)),
            None => self.eval(n).map(Cow::Owned),
        }
    }

    /// Counts what a step built or copied against the budget.
    fn sized(&mut self, span: Span, v: Value) -> R {
        self.count(span, &v)?;
        Ok(v)
    }

    /// [`Env::sized`] on a value written out without being copied: the same
    /// budget whether a mapping's output is built or written.
    fn count(&mut self, span: Span, v: &Value) -> Result<(), MappingError> {
        match v {
            Value::Str(s) => self.count_len(span, s.len(), false),
            Value::Array(items) => self.count_len(span, items.len(), true),
            _ => Ok(()),
        }
    }

    /// Counts a string of `len` bytes or a list of `len` items.
    fn count_len(&mut self, span: Span, len: usize, list: bool) -> Result<(), MappingError> {
        let (limit, what) = if list {
            (self.limits.max_items, "a list longer than")
        } else {
            (self.limits.max_string_bytes, "a string longer than")
        };
        if len > limit {
            return Err(err(
                span,
                format!("the mapping built {what} its limit of {limit}"),
            ));
        }
        self.built = self.built.saturating_add(if list {
            len * std::mem::size_of::<Value>()
        } else {
            len
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
        Ok(())
    }

    /// Writes the JSON of `n`'s value to `out` as [`Env::eval`] then
    /// [`crate::json_write::write`] would, without building what it can write
    /// directly: object literals, `map` results, paths. `false` (and nothing
    /// written) when the value is null. Steps, budgets, errors and their
    /// order are those of `eval`.
    fn emit(&mut self, n: &'a Node, out: &mut String) -> Result<bool, MappingError> {
        match &n.op {
            // Without repeated keys, values go out in the order written.
            Op::Object {
                keys,
                values,
                written,
            } if keys.len() == values.len() => {
                self.step(n.span)?;
                out.push('{');
                let mut first = true;
                for (at, v) in values {
                    let mark = out.len();
                    if !first {
                        out.push(',');
                    }
                    out.push_str(&written[*at as usize]);
                    if self.emit(v, out)? {
                        first = false;
                    } else {
                        out.truncate(mark);
                    }
                }
                out.push('}');
                Ok(true)
            }
            Op::Var(_) | Op::Path(..) => {
                self.step(n.span)?;
                let v = self.path_ref(n).expect("a path");
                if matches!(v, Value::Null) {
                    return Ok(false);
                }
                let size = match v {
                    Value::Str(s) => Some((s.len(), false)),
                    Value::Array(items) => Some((items.len(), true)),
                    _ => None,
                };
                crate::json_write::write(out, v);
                if let Some((len, list)) = size {
                    self.count_len(n.span, len, list)?;
                }
                Ok(true)
            }
            Op::Collection {
                coll: Coll::Map,
                list: Some(list),
                lambda: Lambda::Fn { param, body },
            } => {
                self.step(n.span)?;
                let Some(items) = self.items(n.span, "map", list)? else {
                    return Ok(false);
                };
                let len = items.len();
                out.push('[');
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if let Some(slot) = param {
                        self.frame[*slot as usize] = item;
                    }
                    let written = self.emit(body, out);
                    if let Some(slot) = param {
                        self.frame[*slot as usize] = Cow::Owned(Value::Null);
                    }
                    if !written? {
                        out.push_str("null");
                    }
                }
                out.push(']');
                self.count_len(n.span, len, true)?;
                Ok(true)
            }
            _ => {
                let v = self.eval(n)?;
                if matches!(v, Value::Null) {
                    return Ok(false);
                }
                crate::json_write::write(out, &v);
                Ok(true)
            }
        }
    }

    /// Counts one step against the budget.
    fn step(&mut self, span: Span) -> Result<(), MappingError> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(err(
                span,
                format!(
                    "the mapping took more than {} steps for one message",
                    self.limits.max_steps
                ),
            ));
        }
        Ok(())
    }

    fn eval(&mut self, n: &'a Node) -> R {
        self.step(n.span)?;
        Ok(match &n.op {
            Op::Const(v) => v.clone(),
            Op::Str(parts) => match self.interpolate(parts, None)? {
                Some(s) => return self.sized(n.span, Value::Str(s)),
                None => Value::Null,
            },
            Op::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<_, _>>()?,
            ),
            Op::Object { keys, values, .. } => {
                // A key written twice: the last value in the first place, as in JSON.
                let mut fields: Vec<(Text, Value)> =
                    keys.iter().map(|k| (k.clone(), Value::Null)).collect();
                for (at, v) in values {
                    fields[*at as usize].1 = self.eval(v)?;
                }
                Value::Object(fields)
            }
            Op::Var(var) => {
                let v = self.var(*var).clone();
                return self.sized(n.span, v);
            }
            Op::Path(var, names) => {
                let v = follow(self.var(*var), names).clone();
                return self.sized(n.span, v);
            }
            Op::Field(b, name) => take_field(self.eval(b)?, name),
            Op::Index(b, i) => {
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
            Op::Plain { run, args } => return self.plain(n.span, *run, args),
            Op::User { routine, args } => return self.call_user(n.span, *routine, args),
            Op::Collection { coll, list, lambda } => {
                let v = self.collection(n.span, *coll, list.as_deref(), lambda)?;
                return self.sized(n.span, v);
            }
            Op::Fail(reason) => {
                let msg = match reason {
                    // In a failure's reason a null is shown, not swallowed: the
                    // reason must say what was missing.
                    Reason::Parts(parts) => self
                        .interpolate(parts, Some("null"))?
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    Reason::Node(a) => self.eval(a)?.to_text(),
                    Reason::Default => "failed".into(),
                };
                return Err(err(n.span, msg));
            }
            Op::Error(message) => return Err(err(n.span, message.clone())),
            Op::Unary(op, x) => match (op, self.eval(x)?) {
                (_, Value::Null) => Value::Null,
                (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
                (UnaryOp::Neg, Value::Int(i)) => Value::Int(
                    i.checked_neg()
                        .ok_or_else(|| err(n.span, "arithmetic overflow"))?,
                ),
                (UnaryOp::Neg, Value::Dec(d)) => Value::Dec(-d),
                (UnaryOp::Neg, Value::Float(f)) => Value::Float(-f),
                (_, v) => {
                    return Err(err(
                        n.span,
                        format!("cannot apply this operator to a {}", v.type_name()),
                    ))
                }
            },
            Op::Binary(op, a, b) => return self.binary(n.span, *op, a, b),
            Op::If {
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
            Op::Block { lets, value } => {
                for (slot, v) in lets {
                    let v = self.bind(v)?;
                    self.frame[*slot as usize] = v;
                }
                self.eval(value)?
            }
            Op::Match { subject, arms } => {
                let s = self.eval(subject)?;
                for (patterns, value) in arms {
                    for p in patterns {
                        let hit = match p {
                            None => true,
                            Some(lit) => equal(&self.eval(lit)?, &s),
                        };
                        if hit {
                            return self.eval(value);
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
            Op::Try(x) => self.eval(x)?,
        })
    }

    /// An interpolated string. A null part makes the whole string null, or,
    /// with `null_text`, is written as that text.
    fn interpolate(
        &mut self,
        parts: &'a [Part],
        null_text: Option<&str>,
    ) -> Result<Option<Text>, MappingError> {
        let mut s = Text::default();
        for p in parts {
            match p {
                Part::Text(t) => s.push_str(t),
                Part::Node(x) => {
                    // A path is read in place, not copied first.
                    let held;
                    let v = if matches!(x.op, Op::Var(_) | Op::Path(..)) {
                        self.step(x.span)?;
                        self.path_ref(x).expect("a path")
                    } else {
                        held = self.eval(x)?;
                        &held
                    };
                    match (v, null_text) {
                        (Value::Null, Some(t)) => s.push_str(t),
                        (Value::Null, None) => return Ok(None),
                        (v, _) => crate::json_write::text_into(&mut s, v),
                    }
                }
            }
        }
        Ok(Some(s))
    }

    /// Calls the lambda on `arg`, handing the argument back with the result.
    fn lambda(
        &mut self,
        f: &'a Lambda,
        arg: Cow<'a, Value>,
    ) -> Result<(Value, Cow<'a, Value>), MappingError> {
        match f {
            Lambda::Fn { param: None, body } => Ok((self.eval(body)?, arg)),
            Lambda::Fn {
                param: Some(slot),
                body,
            } => {
                let slot = *slot as usize;
                self.frame[slot] = arg;
                let r = self.eval(body);
                let arg = std::mem::replace(&mut self.frame[slot], Cow::Owned(Value::Null));
                Ok((r?, arg))
            }
            Lambda::Not(span) => Err(err(*span, "expected a lambda (`x -> ...`)")),
            Lambda::Missing => unreachable!("checked before any call"),
        }
    }

    /// The items of the list a collection function walks: borrowed when the
    /// list is in borrowed data, moved out of a computed list otherwise.
    fn items(
        &mut self,
        span: Span,
        name: &str,
        list: &'a Node,
    ) -> Result<Option<Vec<Cow<'a, Value>>>, MappingError> {
        let not_a_list = |v: &Value| {
            err(
                span,
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

    fn collection(&mut self, span: Span, coll: Coll, list: Option<&'a Node>, f: &'a Lambda) -> R {
        let name = coll.name();
        let Some(list) = list else {
            return Ok(Value::Null);
        };
        let Some(list) = self.items(span, name, list)? else {
            return Ok(Value::Null);
        };
        if matches!(f, Lambda::Missing) {
            return Err(err(span, format!("`{name}` needs a lambda")));
        }
        let truthy = |v: &Value| *v == Value::Bool(true);
        let owned = |c: Cow<'a, Value>| c.into_owned();
        Ok(match coll {
            Coll::Map => {
                let mut out = Vec::with_capacity(list.len());
                for item in list {
                    out.push(self.lambda(f, item)?.0);
                }
                Value::Array(out)
            }
            Coll::Any | Coll::All => {
                let want = coll == Coll::Any;
                for item in list {
                    if truthy(&self.lambda(f, item)?.0) == want {
                        return Ok(Value::Bool(want));
                    }
                }
                Value::Bool(!want)
            }
            Coll::Filter => {
                let mut out = Vec::new();
                for item in list {
                    let (r, item) = self.lambda(f, item)?;
                    if truthy(&r) {
                        out.push(owned(item));
                    }
                }
                Value::Array(out)
            }
            Coll::FlatMap => {
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
            Coll::SortBy => {
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
                        span,
                        format!("`sort_by` cannot compare a {a} with a {b}"),
                    ));
                }
                Value::Array(pairs.into_iter().map(|(_, v)| owned(v)).collect())
            }
            Coll::GroupBy => {
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

    /// A standard function on its arguments, borrowed where they are paths
    /// into borrowed data. Null in, null out: for every argument, so a
    /// missing separator or pattern never silently becomes "".
    fn plain(&mut self, span: Span, run: PlainFn, args: &'a [Node]) -> R {
        const INLINE: usize = 4;
        let v = if args.len() <= INLINE {
            let mut held: [Cow<'a, Value>; INLINE] = std::array::from_fn(|_| Cow::Borrowed(&NULL));
            for (h, a) in held.iter_mut().zip(args) {
                *h = self.bind(a)?;
            }
            let vals: [&Value; INLINE] = std::array::from_fn(|i| held[i].as_ref());
            let vals = &vals[..args.len()];
            if vals.is_empty() || vals.iter().any(|v| **v == Value::Null) {
                return Ok(Value::Null);
            }
            run(vals)
        } else {
            let held: Vec<Cow<Value>> = args
                .iter()
                .map(|a| self.bind(a))
                .collect::<Result<_, _>>()?;
            let vals: Vec<&Value> = held.iter().map(|v| v.as_ref()).collect();
            if vals.iter().any(|v| **v == Value::Null) {
                return Ok(Value::Null);
            }
            run(&vals)
        };
        let v = v.map_err(|m| err(span, m))?;
        self.sized(span, v)
    }

    /// A user function: arguments bound to its parameters, in a frame of its own.
    fn call_user(&mut self, span: Span, routine: u32, args: &'a [Node]) -> R {
        if self.depth >= MAX_CALL_DEPTH {
            return Err(err(
                span,
                format!("functions call each other more than {MAX_CALL_DEPTH} deep"),
            ));
        }
        let r = &self.program.routines[routine as usize];
        debug_assert_eq!(args.len(), r.params);
        let mut frame = Vec::with_capacity(r.frame);
        for a in args {
            frame.push(self.bind(a)?);
        }
        frame.resize(r.frame.max(args.len()), Cow::Owned(Value::Null));
        let outer = std::mem::replace(&mut self.frame, frame);
        self.depth += 1;
        let result = self.eval(&r.body);
        self.depth -= 1;
        self.frame = outer;
        // A failure inside the function is reported at the call.
        result.map_err(|x| err(span, format!("in `{}`: {}", r.name, x.message)))
    }

    fn binary(&mut self, span: Span, op: BinaryOp, a: &'a Node, b: &'a Node) -> R {
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
                        span,
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
                let v = arith(span, op, l, r)?;
                self.sized(span, v)
            }
        }
    }
}

/// Follows field names from a value.
fn follow<'v>(mut v: &'v Value, names: &[Name]) -> &'v Value {
    for name in names {
        v = field(v, name);
    }
    v
}

fn arith(span: Span, op: BinaryOp, l: Value, r: Value) -> R {
    use Value::*;
    let overflow = || err(span, "arithmetic overflow");
    Ok(match (l, r) {
        (Null, _) | (_, Null) => Null,
        (Str(a), Str(b)) if op == BinaryOp::Add => Str(a + &b),
        (Int(a), Int(b)) => match op {
            BinaryOp::Add => Int(a.checked_add(b).ok_or_else(overflow)?),
            BinaryOp::Sub => Int(a.checked_sub(b).ok_or_else(overflow)?),
            BinaryOp::Mul => Int(a.checked_mul(b).ok_or_else(overflow)?),
            BinaryOp::Div => Dec(Decimal::from(a)
                .checked_div(Decimal::from(b))
                .ok_or_else(|| err(span, "division by zero"))?),
            _ => Int(a
                .checked_rem(b)
                .ok_or_else(|| err(span, "division by zero"))?),
        },
        (Int(a), Dec(b)) => dec_op(span, op, Decimal::from(a), b)?,
        (Dec(a), Int(b)) => dec_op(span, op, a, Decimal::from(b))?,
        (Dec(a), Dec(b)) => dec_op(span, op, a, b)?,
        (Float(a), Float(b)) => Float(float_op(op, a, b)),
        (Int(a), Float(b)) => Float(float_op(op, a as f64, b)),
        (Float(a), Int(b)) => Float(float_op(op, a, b as f64)),
        (a, b) => {
            return Err(err(
                span,
                format!("cannot combine a {} and a {}", a.type_name(), b.type_name()),
            ))
        }
    })
}

fn dec_op(span: Span, op: BinaryOp, a: Decimal, b: Decimal) -> R {
    let r = match op {
        BinaryOp::Add => a.checked_add(b),
        BinaryOp::Sub => a.checked_sub(b),
        BinaryOp::Mul => a.checked_mul(b),
        BinaryOp::Div => a.checked_div(b),
        _ => a.checked_rem(b),
    };
    r.map(Value::Dec)
        .ok_or_else(|| err(span, "decimal overflow or division by zero"))
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

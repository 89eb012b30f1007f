//! Evaluates a parsed mapping body. Every failure (`fail(...)`, a value that
//! does not parse, a match without an arm for the value) is an error with the
//! span where it happened; the runtime sends such a message to the
//! dead-letter queue. Evaluation is bounded: the language has no loops but
//! `map`/`filter` over finite lists, and nesting is capped by the parser.

use crate::ast::*;
use crate::value::Value;

use rust_decimal::Decimal;
use std::str::FromStr;

/// Why a mapping failed for one input.
#[derive(Clone, Debug, PartialEq)]
pub struct MappingError {
    pub message: String,
    pub span: Span,
}

type R = Result<Value, MappingError>;

/// Evaluates one expression with `source` bound (used by flow conditions and
/// by the functions' examples).
pub fn evaluate_expr(e: &Expr, source: &Value) -> R {
    Env {
        vars: vec![("source".to_string(), source.clone())],
        functions: &[],
        depth: 0,
    }
    .eval(e)
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
    let mut vars = globals.to_vec();
    // The payload is moved in, never copied.
    vars.push(("source".to_string(), source));
    let mut env = Env {
        vars,
        functions,
        depth: 0,
    };
    let mut out = Value::Object(Vec::new());
    for item in &body.items {
        match item {
            Item::Let { name, value, .. } => {
                let v = env.eval(value)?;
                env.vars.push((name.clone(), v));
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

struct Env<'f> {
    vars: Vec<(String, Value)>,
    functions: &'f [Function],
    depth: u32,
}

fn err(span: Span, message: impl Into<String>) -> MappingError {
    MappingError {
        message: message.into(),
        span,
    }
}

impl Env<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The value a path (`source.a.b`, a name) denotes, borrowed: reading one
    /// field must not copy the whole payload.
    fn path_ref(&self, e: &Expr) -> Option<&Value> {
        static NULL: Value = Value::Null;
        match &e.kind {
            ExprKind::Var(n) => self.get(n),
            ExprKind::Field(b, f) => Some(match self.path_ref(b)? {
                Value::Object(fields) => fields
                    .iter()
                    .find(|(k, _)| k == f)
                    .map(|(_, v)| v)
                    .unwrap_or(&NULL),
                _ => &NULL,
            }),
            _ => None,
        }
    }

    fn eval(&mut self, e: &Expr) -> R {
        if matches!(e.kind, ExprKind::Field(..)) {
            if let Some(v) = self.path_ref(e) {
                return Ok(v.clone());
            }
        }
        Ok(match &e.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Integer(i) => Value::Int(*i),
            ExprKind::Decimal(d) => Value::Dec(
                Decimal::from_str(d).map_err(|_| err(e.span, format!("`{d}` is not a decimal")))?,
            ),
            ExprKind::Float(f) => Value::Float(*f),
            ExprKind::Str(parts) => {
                let mut s = String::new();
                for p in parts {
                    match p {
                        StrPart::Text(t) => s.push_str(t),
                        StrPart::Expr(x) => match self.eval(x)? {
                            Value::Null => return Ok(Value::Null),
                            v => s.push_str(&v.to_text()),
                        },
                    }
                }
                Value::Str(s)
            }
            ExprKind::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<_, _>>()?,
            ),
            ExprKind::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, _, v)| Ok((k.clone(), self.eval(v)?)))
                    .collect::<Result<_, MappingError>>()?,
            ),
            ExprKind::Var(n) => self
                .get(n)
                .cloned()
                .ok_or_else(|| err(e.span, format!("unknown name `{n}`")))?,
            ExprKind::Field(b, f) => self.eval(b)?.field(f),
            ExprKind::Index(b, i) => {
                let base = self.eval(b)?;
                match (base, self.eval(i)?) {
                    (Value::Array(items), Value::Int(n)) => {
                        let idx = if n < 0 { items.len() as i64 + n } else { n };
                        usize::try_from(idx)
                            .ok()
                            .and_then(|i| items.get(i).cloned())
                            .unwrap_or(Value::Null)
                    }
                    (o @ Value::Object(_), Value::Str(k)) => o.field(&k),
                    _ => Value::Null,
                }
            }
            ExprKind::Call { name, args } => self.call(e, name, args)?,
            ExprKind::Method {
                receiver,
                name,
                args,
                ..
            } => {
                let mut all = vec![receiver.as_ref().clone()];
                all.extend(args.iter().cloned());
                self.call(e, name, &all)?
            }
            ExprKind::Lambda { .. } => {
                return Err(err(
                    e.span,
                    "a lambda can only be passed to a collection function",
                ))
            }
            ExprKind::Unary(op, x) => match (op, self.eval(x)?) {
                (_, Value::Null) => Value::Null,
                (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
                (UnaryOp::Neg, Value::Int(i)) => Value::Int(-i),
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
                for (n, v) in lets {
                    let v = self.eval(v)?;
                    self.vars.push((n.clone(), v));
                }
                let r = self.eval(value);
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
                return Err(err(
                    subject.span,
                    format!("no match arm for the value {}", show(&s)),
                ));
            }
            ExprKind::Try(x) => self.eval(x)?,
        })
    }

    fn lambda(&mut self, f: &Expr, arg: Value) -> R {
        let ExprKind::Lambda { params, body } = &f.kind else {
            return Err(err(f.span, "expected a lambda (`x -> ...`)"));
        };
        let depth = self.vars.len();
        if let Some(p) = params.first() {
            self.vars.push((p.clone(), arg));
        }
        let r = self.eval(body);
        self.vars.truncate(depth);
        r
    }

    fn call(&mut self, e: &Expr, name: &str, args: &[Expr]) -> R {
        if name == "fail" {
            let msg = match args.first() {
                Some(a) => self.eval(a)?.to_text(),
                None => "failed".into(),
            };
            return Err(err(e.span, msg));
        }
        if matches!(
            name,
            "map" | "filter" | "any" | "all" | "flat_map" | "sort_by" | "group_by"
        ) {
            let list = match args.first().map(|a| self.eval(a)).transpose()? {
                Some(Value::Array(items)) => items,
                Some(Value::Null) | None => return Ok(Value::Null),
                Some(v) => {
                    return Err(err(
                        e.span,
                        format!("`{name}` needs a list, found a {}", v.type_name()),
                    ))
                }
            };
            let f = args
                .get(1)
                .ok_or_else(|| err(e.span, format!("`{name}` needs a lambda")))?;
            let mut results = Vec::with_capacity(list.len());
            for item in &list {
                results.push(self.lambda(f, item.clone())?);
            }
            let truthy = |v: &Value| *v == Value::Bool(true);
            return Ok(match name {
                "map" => Value::Array(results),
                "filter" => Value::Array(
                    list.into_iter()
                        .zip(&results)
                        .filter(|(_, r)| truthy(r))
                        .map(|(i, _)| i)
                        .collect(),
                ),
                "any" => Value::Bool(results.iter().any(truthy)),
                "all" => Value::Bool(results.iter().all(truthy)),
                "flat_map" => {
                    let mut out = Vec::new();
                    for r in results {
                        match r {
                            Value::Array(items) => out.extend(items),
                            Value::Null => {}
                            other => out.push(other),
                        }
                    }
                    Value::Array(out)
                }
                "sort_by" => {
                    let mut pairs: Vec<(Value, Value)> = results.into_iter().zip(list).collect();
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
                    Value::Array(pairs.into_iter().map(|(_, v)| v).collect())
                }
                _ => {
                    let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
                    for (key, item) in results.into_iter().zip(list) {
                        match groups.iter_mut().find(|(k, _)| equal(k, &key)) {
                            Some((_, items)) => items.push(item),
                            None => groups.push((key, vec![item])),
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
            });
        }
        if let Some(f) = self.functions.iter().find(|f| f.name == name) {
            return self.call_user(e, f, args);
        }
        let Some(function) = crate::functions::find(name) else {
            return Err(err(e.span, format!("unknown function `{name}`")));
        };
        let crate::functions::Run::Plain(run) = function.run else {
            return Err(err(e.span, format!("`{name}` cannot be called this way")));
        };
        let vals: Vec<Value> = args
            .iter()
            .map(|a| self.eval(a))
            .collect::<Result<_, _>>()?;
        // Null in, null out.
        if vals.first().is_none_or(|v| *v == Value::Null) {
            return Ok(Value::Null);
        }
        run(&vals).map_err(|m| err(e.span, m))
    }

    /// A user function: arguments bound to its parameters, in a scope of their own.
    fn call_user(&mut self, e: &Expr, f: &Function, args: &[Expr]) -> R {
        if self.depth >= MAX_CALL_DEPTH {
            return Err(err(
                e.span,
                format!("functions call each other more than {MAX_CALL_DEPTH} deep"),
            ));
        }
        let values: Vec<Value> = args
            .iter()
            .map(|a| self.eval(a))
            .collect::<Result<_, _>>()?;
        let mut inner = Env {
            vars: f.params.iter().cloned().zip(values).collect(),
            functions: self.functions,
            depth: self.depth + 1,
        };
        // A failure inside the function is reported at the call.
        inner
            .eval(&f.body)
            .map_err(|x| err(e.span, format!("in `{}`: {}", f.name, x.message)))
    }

    fn binary(&mut self, e: &Expr, op: BinaryOp, a: &Expr, b: &Expr) -> R {
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
            _ => arith(e, op, l, r),
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

fn equal(a: &Value, b: &Value) -> bool {
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

//! Evaluates a parsed mapping body. Every failure (`fail(...)`, a value that
//! does not parse, a match without an arm for the value) is an error with the
//! span where it happened; the runtime sends such a message to the
//! dead-letter queue. Evaluation is bounded: the language has no loops but
//! `map`/`filter` over finite lists, and nesting is capped by the parser.

use crate::ast::*;
use crate::value::Value;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// Why a mapping failed for one input.
#[derive(Clone, Debug, PartialEq)]
pub struct MappingError {
    pub message: String,
    pub span: Span,
}

type R = Result<Value, MappingError>;

/// Runs `body` on `source`, producing the target object.
pub fn evaluate(body: &Body, source: &Value) -> R {
    let mut env = Env {
        vars: vec![("source".to_string(), source.clone())],
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

struct Env {
    vars: Vec<(String, Value)>,
}

fn err(span: Span, message: impl Into<String>) -> MappingError {
    MappingError {
        message: message.into(),
        span,
    }
}

impl Env {
    fn get(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    fn eval(&mut self, e: &Expr) -> R {
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
        if matches!(name, "map" | "filter") {
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
            let mut out = Vec::with_capacity(list.len());
            for item in list {
                let r = self.lambda(f, item.clone())?;
                if name == "map" {
                    out.push(r);
                } else if r == Value::Bool(true) {
                    out.push(item);
                }
            }
            return Ok(Value::Array(out));
        }
        let vals: Vec<Value> = args
            .iter()
            .map(|a| self.eval(a))
            .collect::<Result<_, _>>()?;
        let first = vals.first().cloned().unwrap_or(Value::Null);
        if first == Value::Null {
            return Ok(Value::Null);
        }
        let text = |v: &Value| v.to_text();
        let fails = |m: String| err(e.span, m);
        Ok(match (name, &first) {
            ("decimal", Value::Int(i)) => Value::Dec(Decimal::from(*i)),
            ("decimal", Value::Dec(d)) => Value::Dec(*d),
            ("decimal", Value::Float(f)) => Value::Dec(
                Decimal::from_f64(*f).ok_or_else(|| fails(format!("{f} cannot be a decimal")))?,
            ),
            ("decimal", v) => Value::Dec(
                Decimal::from_str(text(v).trim())
                    .map_err(|_| fails(format!("`{}` is not a decimal", text(v))))?,
            ),
            ("integer", Value::Int(i)) => Value::Int(*i),
            ("integer", Value::Dec(d)) if d.fract().is_zero() => Value::Int(
                d.to_i64()
                    .ok_or_else(|| fails(format!("{d} is too large")))?,
            ),
            ("integer", v) => Value::Int(
                text(v)
                    .trim()
                    .parse()
                    .map_err(|_| fails(format!("`{}` is not a whole number", text(v))))?,
            ),
            ("float", Value::Int(i)) => Value::Float(*i as f64),
            ("float", Value::Dec(d)) => Value::Float(d.to_f64().unwrap_or(f64::NAN)),
            ("float", Value::Float(f)) => Value::Float(*f),
            ("float", v) => Value::Float(
                text(v)
                    .trim()
                    .parse()
                    .map_err(|_| fails(format!("`{}` is not a number", text(v))))?,
            ),
            ("string", v) => Value::Str(text(v)),
            ("parse_datetime", v) => match vals.get(1) {
                Some(fmt) => {
                    let z = jiff::Zoned::strptime(text(fmt), text(v)).map_err(|x| {
                        fails(format!(
                            "`{}` does not match the format `{}`: {x}",
                            text(v),
                            text(fmt)
                        ))
                    })?;
                    Value::DateTime(z.timestamp(), z.offset())
                }
                None => crate::value::parse_rfc3339(&text(v)).ok_or_else(|| {
                    fails(format!(
                        "`{}` is not an RFC 3339 date-time with an offset",
                        text(v)
                    ))
                })?,
            },
            ("parse_date", v) => Value::Date(match vals.get(1) {
                Some(fmt) => jiff::civil::Date::strptime(text(fmt), text(v)).map_err(|x| {
                    fails(format!("`{}` does not match `{}`: {x}", text(v), text(fmt)))
                })?,
                None => text(v)
                    .parse()
                    .map_err(|_| fails(format!("`{}` is not a date (YYYY-MM-DD)", text(v))))?,
            }),
            ("split", v) => {
                let sep = vals.get(1).map(text).unwrap_or_default();
                Value::Array(
                    text(v)
                        .split(sep.as_str())
                        .map(|s| Value::Str(s.to_string()))
                        .collect(),
                )
            }
            ("join", Value::Array(items)) => {
                let sep = vals.get(1).map(text).unwrap_or_default();
                Value::Str(
                    items
                        .iter()
                        .filter(|i| **i != Value::Null)
                        .map(text)
                        .collect::<Vec<_>>()
                        .join(&sep),
                )
            }
            ("lower", v) => Value::Str(text(v).to_lowercase()),
            ("upper", v) => Value::Str(text(v).to_uppercase()),
            ("trim", v) => Value::Str(text(v).trim().to_string()),
            ("count", Value::Array(items)) => Value::Int(items.len() as i64),
            ("first", Value::Array(items)) => items.first().cloned().unwrap_or(Value::Null),
            ("last", Value::Array(items)) => items.last().cloned().unwrap_or(Value::Null),
            ("sum", Value::Array(items)) => {
                let mut acc = Value::Int(0);
                for i in items {
                    acc = arith(e, BinaryOp::Add, acc, i.clone())?;
                }
                acc
            }
            ("round", v) => {
                let d = match v {
                    Value::Dec(d) => *d,
                    Value::Int(i) => Decimal::from(*i),
                    other => {
                        return Err(fails(format!(
                            "`round` needs a decimal, found a {}",
                            other.type_name()
                        )))
                    }
                };
                let places = match vals.get(1) {
                    Some(Value::Int(p)) if (0..=28).contains(p) => *p as u32,
                    None => 0,
                    _ => return Err(fails("`round` takes 0 to 28 decimal places".into())),
                };
                // Half-even ("banker's rounding") unless a mode is named.
                let mode = match vals.get(2).map(text).as_deref() {
                    None | Some("half_even") => RoundingStrategy::MidpointNearestEven,
                    Some("half_up") => RoundingStrategy::MidpointAwayFromZero,
                    Some("down") => RoundingStrategy::ToZero,
                    Some("up") => RoundingStrategy::AwayFromZero,
                    Some(m) => {
                        return Err(fails(format!(
                            "unknown rounding mode `{m}` (half_even, half_up, down, up)"
                        )))
                    }
                };
                Value::Dec(d.round_dp_with_strategy(places, mode))
            }
            (_, v) => return Err(fails(format!("`{name}` cannot take a {}", v.type_name()))),
        })
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

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
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

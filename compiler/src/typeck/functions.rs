//! Signatures of the mapping language's functions, for type checking.
//!
//! Documentation, examples and run-time behaviour live in
//! `mapping/src/functions/` (one file per function); this file holds the
//! static typing of each, which needs the compiler's types.

use super::types::{FieldTy, Ty};

/// What a call produces.
pub struct Signature {
    pub result: Ty,
    /// Whether the call can fail at run time (must be handled with `?`).
    pub fallible: bool,
}

/// A problem with a call's arguments: which argument (0-based) and what was expected.
pub struct ArgError {
    pub arg: usize,
    pub expected: &'static str,
}

/// The result of calling `name` with arguments of these types (lambdas are
/// typed by the caller: `lambda_result` is the type of the lambda's body).
pub fn call(
    name: &str,
    args: &[Ty],
    lambda_result: Option<&Ty>,
) -> Option<Result<Signature, ArgError>> {
    let arg = |i: usize| args.get(i).map(Ty::non_null).cloned().unwrap_or(Ty::Any);
    let ok = |result: Ty, fallible: bool| Some(Ok(Signature { result, fallible }));
    let bad = |i: usize, expected: &'static str| Some(Err(ArgError { arg: i, expected }));
    let is = |t: &Ty, f: fn(&Ty) -> bool| matches!(t, Ty::Any) || f(t);
    let string_like = |t: &Ty| matches!(t, Ty::Str | Ty::Enum(_));
    match name {
        "fail" => ok(Ty::Never, false),
        "decimal" => match arg(0) {
            Ty::Int | Ty::Decimal => ok(Ty::Decimal, false),
            Ty::Float => ok(Ty::Decimal, true),
            t if is(&t, string_like) => ok(Ty::Decimal, true),
            _ => bad(0, "a string or a number"),
        },
        "integer" => match arg(0) {
            Ty::Int => ok(Ty::Int, false),
            Ty::Decimal | Ty::Float => ok(Ty::Int, true),
            t if is(&t, string_like) => ok(Ty::Int, true),
            _ => bad(0, "a string or a number"),
        },
        "float" => match arg(0) {
            t if t.is_numeric() => ok(Ty::Float, false),
            t if is(&t, string_like) => ok(Ty::Float, true),
            _ => bad(0, "a string or a number"),
        },
        "string" => ok(Ty::Str, false),
        "parse_datetime" | "parse_date" => {
            if !is(&arg(0), string_like) {
                return bad(0, "a string");
            }
            ok(
                if name == "parse_date" {
                    Ty::Date
                } else {
                    Ty::DateTime
                },
                true,
            )
        }
        "split" => {
            if !is(&arg(0), string_like) {
                return bad(0, "a string");
            }
            ok(Ty::Array(Box::new(Ty::Str)), false)
        }
        "join" => match arg(0) {
            Ty::Array(_) | Ty::Any => ok(Ty::Str, false),
            _ => bad(0, "a list of strings"),
        },
        "length" => {
            if !is(&arg(0), string_like) {
                return bad(0, "a string");
            }
            ok(Ty::Int, false)
        }
        "starts_with" | "ends_with" | "contains" => match arg(0) {
            Ty::Array(_) if name == "contains" => ok(Ty::Bool, false),
            t if is(&t, string_like) => ok(Ty::Bool, false),
            _ => bad(0, "a string"),
        },
        "replace" => {
            if !is(&arg(0), string_like) {
                return bad(0, "a string");
            }
            ok(Ty::Str, false)
        }
        "abs" => match arg(0) {
            t if t.is_numeric() || t == Ty::Any => ok(t, false),
            _ => bad(0, "a number"),
        },
        "keys" => match arg(0) {
            Ty::Object(_) | Ty::Any => ok(Ty::Array(Box::new(Ty::Str)), false),
            _ => bad(0, "an object"),
        },
        "lower" | "upper" | "trim" => {
            if !is(&arg(0), string_like) {
                return bad(0, "a string");
            }
            ok(Ty::Str, false)
        }
        "map" => match arg(0) {
            Ty::Array(_) | Ty::Any => ok(
                Ty::Array(Box::new(lambda_result.cloned().unwrap_or(Ty::Any))),
                false,
            ),
            _ => bad(0, "a list"),
        },
        "any" | "all" => match arg(0) {
            Ty::Array(_) | Ty::Any => ok(Ty::Bool, false),
            _ => bad(0, "a list"),
        },
        "flat_map" => match arg(0) {
            Ty::Array(_) | Ty::Any => ok(
                match lambda_result.map(Ty::non_null) {
                    Some(Ty::Array(item)) => Ty::Array(item.clone()),
                    _ => Ty::Array(Box::new(Ty::Any)),
                },
                false,
            ),
            _ => bad(0, "a list"),
        },
        "sort_by" | "distinct" => match arg(0) {
            t @ (Ty::Array(_) | Ty::Any) => ok(t, false),
            _ => bad(0, "a list"),
        },
        "group_by" => match arg(0) {
            Ty::Array(item) => ok(
                Ty::Array(Box::new(Ty::Object(vec![
                    FieldTy {
                        name: "key".into(),
                        ty: lambda_result.cloned().unwrap_or(Ty::Any),
                        required: true,
                        nullable: false,
                    },
                    FieldTy {
                        name: "items".into(),
                        ty: Ty::Array(item.clone()),
                        required: true,
                        nullable: false,
                    },
                ]))),
                false,
            ),
            Ty::Any => ok(Ty::Any, false),
            _ => bad(0, "a list"),
        },
        "min" | "max" => match arg(0) {
            Ty::Array(item) => ok(item.non_null().clone().nullable(), false),
            Ty::Any => ok(Ty::Any, false),
            _ => bad(0, "a list"),
        },
        "values" => match arg(0) {
            Ty::Object(_) | Ty::Any => ok(Ty::Array(Box::new(Ty::Any)), false),
            _ => bad(0, "an object"),
        },
        "merge" => match (arg(0), arg(1)) {
            (Ty::Object(mut base), Ty::Object(over)) => {
                for f in over {
                    match base.iter_mut().find(|b| b.name == f.name) {
                        Some(slot) => *slot = f,
                        None => base.push(f),
                    }
                }
                ok(Ty::Object(base), false)
            }
            (Ty::Object(_) | Ty::Any, _) => ok(Ty::Any, false),
            _ => bad(0, "an object"),
        },
        "sha256" => ok(Ty::Str, false),
        "uuid_v5" => ok(Ty::Str, true),
        "format_datetime" => match arg(0) {
            Ty::DateTime | Ty::Date | Ty::Any => ok(Ty::Str, false),
            _ => bad(0, "a date or datetime"),
        },
        "to_timezone" => match arg(0) {
            Ty::DateTime | Ty::Any => ok(Ty::DateTime, true),
            _ => bad(0, "a datetime"),
        },
        "add_days" => match arg(0) {
            t @ (Ty::DateTime | Ty::Date | Ty::Any) => ok(t, false),
            _ => bad(0, "a date or datetime"),
        },
        "date_of" => match arg(0) {
            Ty::DateTime | Ty::Any => ok(Ty::Date, false),
            _ => bad(0, "a datetime"),
        },
        "filter" => match arg(0) {
            t @ (Ty::Array(_) | Ty::Any) => ok(t, false),
            _ => bad(0, "a list"),
        },
        "count" => match arg(0) {
            Ty::Array(_) | Ty::Any => ok(Ty::Int, false),
            _ => bad(0, "a list"),
        },
        "sum" => match arg(0) {
            Ty::Array(item) if item.non_null().is_numeric() => ok(item.non_null().clone(), false),
            Ty::Any => ok(Ty::Any, false),
            _ => bad(0, "a list of numbers"),
        },
        "first" | "last" => match arg(0) {
            Ty::Array(item) => ok(item.as_ref().clone().nullable(), false),
            Ty::Any => ok(Ty::Any, false),
            _ => bad(0, "a list"),
        },
        "lookup" => match arg(0) {
            Ty::Table { value, .. } => ok(value.as_ref().clone().nullable(), false),
            Ty::Any => ok(Ty::Any, false),
            _ => bad(0, "a lookup table (`kind: table`)"),
        },
        "round" => match arg(0) {
            Ty::Decimal | Ty::Int | Ty::Any => ok(Ty::Decimal, false),
            _ => bad(0, "a decimal"),
        },
        _ => None,
    }
}

/// The element type a lambda passed to `name` receives, given the first argument's type.
pub fn lambda_param(name: &str, first: &Ty) -> Ty {
    match (name, first.non_null()) {
        (
            "map" | "filter" | "any" | "all" | "flat_map" | "sort_by" | "group_by",
            Ty::Array(item),
        ) => item.as_ref().clone(),
        _ => Ty::Any,
    }
}

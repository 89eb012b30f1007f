//! The standard functions of the mapping language, one per file: signature,
//! fallibility, documentation, examples (run as tests, and rendered into
//! `docs/functions.md`) and run-time behaviour. Their static types are
//! checked by the compiler (`compiler/src/typeck/functions.rs`).

use crate::value::Value;

mod abs;
mod add_days;
mod all;
mod any;
mod contains;
mod count;
mod date_of;
mod decimal;
mod distinct;
mod ends_with;
mod fail;
mod filter;
mod first;
mod flat_map;
mod float;
mod format_datetime;
mod group_by;
mod integer;
mod join;
mod keys;
mod last;
mod length;
mod lookup;
mod lower;
mod map;
mod max;
mod merge;
mod min;
mod parse_date;
mod parse_datetime;
mod replace;
mod round;
mod sha256;
mod sort_by;
mod split;
mod starts_with;
mod string;
mod sum;
mod to_timezone;
mod trim;
mod upper;
mod uuid_v5;
mod values;

/// One example: a call and its result as JSON, or `error: ...` for a failure.
pub struct Example {
    pub call: &'static str,
    pub result: &'static str,
}

/// How a function runs.
pub enum Run {
    /// On evaluated arguments (borrowed: a table or a list passed in is not
    /// copied); an `Err` is the failure's reason. Called only when no
    /// argument is null: a null argument makes the result null.
    Plain(fn(&[&Value]) -> Result<Value, String>),
    /// Evaluated by the evaluator itself (`fail`, and functions taking a lambda).
    Special,
}

/// A standard function.
pub struct Function {
    pub name: &'static str,
    /// As users read it: `decimal(value: string | integer) -> decimal`.
    pub signature: &'static str,
    /// When it can fail (`None`: never).
    pub fails: Option<&'static str>,
    pub doc: &'static str,
    pub examples: &'static [Example],
    pub run: Run,
}

impl Function {
    /// How many arguments it takes, at least and at most, read from its
    /// signature (a parameter written `name?:` is optional).
    pub fn arity(&self) -> (usize, usize) {
        let params = self
            .signature
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .map_or("", |(params, _)| params);
        let params: Vec<&str> = params
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let optional = params
            .iter()
            .filter(|p| {
                p.split(':')
                    .next()
                    .is_some_and(|n| n.trim_end().ends_with('?'))
            })
            .count();
        (params.len() - optional, params.len())
    }
}

/// Every function, sorted by name.
pub static ALL: &[&Function] = &[
    &abs::FUNCTION,
    &add_days::FUNCTION,
    &all::FUNCTION,
    &any::FUNCTION,
    &contains::FUNCTION,
    &count::FUNCTION,
    &date_of::FUNCTION,
    &decimal::FUNCTION,
    &distinct::FUNCTION,
    &ends_with::FUNCTION,
    &fail::FUNCTION,
    &filter::FUNCTION,
    &first::FUNCTION,
    &flat_map::FUNCTION,
    &float::FUNCTION,
    &format_datetime::FUNCTION,
    &group_by::FUNCTION,
    &integer::FUNCTION,
    &join::FUNCTION,
    &keys::FUNCTION,
    &last::FUNCTION,
    &length::FUNCTION,
    &lookup::FUNCTION,
    &lower::FUNCTION,
    &map::FUNCTION,
    &max::FUNCTION,
    &merge::FUNCTION,
    &min::FUNCTION,
    &parse_date::FUNCTION,
    &parse_datetime::FUNCTION,
    &replace::FUNCTION,
    &round::FUNCTION,
    &sha256::FUNCTION,
    &sort_by::FUNCTION,
    &split::FUNCTION,
    &starts_with::FUNCTION,
    &string::FUNCTION,
    &sum::FUNCTION,
    &to_timezone::FUNCTION,
    &trim::FUNCTION,
    &upper::FUNCTION,
    &uuid_v5::FUNCTION,
    &values::FUNCTION,
];

/// The function called `name`.
pub fn find(name: &str) -> Option<&'static Function> {
    ALL.iter().copied().find(|f| f.name == name)
}

/// The text of a value (strings as they are).
pub(crate) fn text(v: &Value) -> std::borrow::Cow<'_, str> {
    match v {
        Value::Str(s) => std::borrow::Cow::Borrowed(s.as_str()),
        other => std::borrow::Cow::Owned(other.to_text()),
    }
}

/// The least (`Less`) or greatest (`Greater`) non-null element of a list, or null.
pub(crate) fn ordered(list: &Value, want: std::cmp::Ordering) -> Result<Value, String> {
    let Value::Array(items) = list else {
        return Err(format!("needs a list, found a {}", list.type_name()));
    };
    let mut best: Option<&Value> = None;
    for item in items.iter().filter(|i| **i != Value::Null) {
        match best {
            None => best = Some(item),
            Some(b) => match crate::eval::compare(item, b) {
                Some(o) if o == want => best = Some(item),
                Some(_) => {}
                None => {
                    return Err(format!(
                        "cannot compare a {} with a {}",
                        item.type_name(),
                        b.type_name()
                    ))
                }
            },
        }
    }
    Ok(best.cloned().unwrap_or(Value::Null))
}

/// The `n`th argument, or null.
pub(crate) fn arg<'v>(args: &[&'v Value], n: usize) -> &'v Value {
    args.get(n).copied().unwrap_or(&Value::Null)
}

/// `docs/functions.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Mapping-language functions\n\nGenerated from `mapping/src/functions/` by `weft functions`; do not edit by hand. \
         Every example below runs as a test. A function whose first argument is null returns null \
         (except `fail`); `x.f(a)` is the same call as `f(x, a)`.\n\n| function | can fail |\n|---|---|\n",
    );
    for f in ALL {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} |\n",
            f.name,
            f.name,
            if f.fails.is_some() { "yes" } else { "no" }
        ));
    }
    for f in ALL {
        out.push_str(&format!(
            "\n## {}\n\n`{}`\n\n{}\n\n",
            f.name, f.signature, f.doc
        ));
        match f.fails {
            Some(_) if f.name == "fail" => {
                out.push_str("Always stops the mapping: no `?` is needed.\n\n")
            }
            Some(when) => out.push_str(&format!(
                "**Can fail** {when}: the checker requires `?` after the call.\n\n"
            )),
            None => out.push_str("Never fails.\n\n"),
        }
        out.push_str("| call | result |\n|---|---|\n");
        for e in f.examples {
            out.push_str(&format!(
                "| `{}` | `{}` |\n",
                e.call.replace('|', "\\|"),
                e.result.replace('|', "\\|")
            ));
        }
    }
    out
}

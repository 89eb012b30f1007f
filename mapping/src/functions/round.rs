//! `round`: a decimal rounded to a number of places, with a named mode.
use super::{arg, text, Example, Function, Run};
use crate::value::Value;
use rust_decimal::{Decimal, RoundingStrategy};

pub static FUNCTION: Function = Function {
    name: "round",
    signature: "round(value: decimal | integer, places?: integer, mode?: \"half_even\" | \"half_up\" | \"down\" | \"up\") -> decimal",
    fails: None,
    doc: "Rounds to `places` (0–28, default 0). The default mode is `half_even` (banker's rounding: ties go to the even digit, so sums do not drift); `half_up` rounds ties away from zero, `down` truncates toward zero, `up` rounds away from zero.",
    examples: &[
        Example { call: "round(decimal(\"2.345\")?, 2)", result: "\"2.34\"" },
        Example { call: "round(decimal(\"2.345\")?, 2, \"half_up\")", result: "\"2.35\"" },
        Example { call: "round(decimal(\"-1.5\")?, 0, \"down\")", result: "\"-1\"" },
    ],
    run: Run::Plain(|args| {
        let d = match arg(args, 0) {
            Value::Dec(d) => *d,
            Value::Int(i) => Decimal::from(*i),
            v => return Err(format!("`round` needs a decimal, found a {}", v.type_name())),
        };
        let places = match args.get(1) {
            Some(Value::Int(p)) if (0..=28).contains(p) => *p as u32,
            None => 0,
            _ => return Err("`round` takes 0 to 28 decimal places".into()),
        };
        let mode = match args.get(2).map(|v| text(v)).as_deref() {
            None | Some("half_even") => RoundingStrategy::MidpointNearestEven,
            Some("half_up") => RoundingStrategy::MidpointAwayFromZero,
            Some("down") => RoundingStrategy::ToZero,
            Some("up") => RoundingStrategy::AwayFromZero,
            Some(m) => return Err(format!("unknown rounding mode `{m}` (half_even, half_up, down, up)")),
        };
        Ok(Value::Dec(d.round_dp_with_strategy(places, mode)))
    }),
};

//! Exact decimal numbers, for `x-weft-*` bounds and `multipleOf` reasoning.

use std::cmp::Ordering;

use serde_json::Value;

/// A decimal number `mantissa × 10^exp`, exactly as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    neg: bool,
    /// Digits without leading or trailing zeros; empty for zero.
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// Parses `-12.50`, `3e2`, `0.001`… (no leading `+`, no spaces).
    pub fn parse(s: &str) -> Option<Decimal> {
        let (neg, rest) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let (num, exp) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
            None => (rest, 0),
        };
        if exp.unsigned_abs() > 1_000_000 {
            return None;
        }
        let (int, frac) = match num.find('.') {
            Some(i) => (&num[..i], &num[i + 1..]),
            None => (num, ""),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if num.contains('.') && (frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        let mut exp = exp - frac.len() as i64;
        while digits.first() == Some(&0) {
            digits.remove(0);
        }
        while digits.last() == Some(&0) {
            digits.pop();
            exp += 1;
        }
        if digits.is_empty() {
            return Some(Decimal {
                neg: false,
                digits,
                exp: 0,
            });
        }
        Some(Decimal { neg, digits, exp })
    }

    /// Reads a JSON number or a decimal string.
    pub fn from_json(v: &Value) -> Option<Decimal> {
        match v {
            Value::Number(n) => Decimal::parse(&n.to_string()),
            Value::String(s) => Decimal::parse(s),
            _ => None,
        }
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    fn cmp_magnitude(&self, other: &Decimal) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let top_a = self.digits.len() as i64 + self.exp;
        let top_b = other.digits.len() as i64 + other.exp;
        if top_a != top_b {
            return top_a.cmp(&top_b);
        }
        let n = self.digits.len().max(other.digits.len());
        for i in 0..n {
            let a = self.digits.get(i).copied().unwrap_or(0);
            let b = other.digits.get(i).copied().unwrap_or(0);
            if a != b {
                return a.cmp(&b);
            }
        }
        Ordering::Equal
    }

    /// Whether `self / divisor` is a whole number (None when too large to tell).
    pub fn is_multiple_of(&self, divisor: &Decimal) -> Option<bool> {
        if divisor.is_zero() {
            return None;
        }
        if self.is_zero() {
            return Some(true);
        }
        let e = self.exp.min(divisor.exp);
        let a = scaled(&self.digits, self.exp - e)?;
        let b = scaled(&divisor.digits, divisor.exp - e)?;
        Some(a % b == 0)
    }

    /// Whether the value is a whole number.
    pub fn is_integer(&self) -> bool {
        self.exp >= 0
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }
}

fn scaled(digits: &[u8], shift: i64) -> Option<u128> {
    let mut v: u128 = 0;
    for d in digits {
        v = v.checked_mul(10)?.checked_add(u128::from(*d))?;
    }
    for _ in 0..shift {
        v = v.checked_mul(10)?;
    }
    Some(v)
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let neg_a = self.neg && !self.is_zero();
        let neg_b = other.neg && !other.is_zero();
        match (neg_a, neg_b) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        if self.neg {
            f.write_str("-")?;
        }
        let ds: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        if self.exp >= 0 {
            write!(f, "{ds}{}", "0".repeat(self.exp as usize))
        } else {
            let frac = (-self.exp) as usize;
            if ds.len() > frac {
                let (i, r) = ds.split_at(ds.len() - frac);
                write!(f, "{i}.{r}")
            } else {
                write!(f, "0.{}{ds}", "0".repeat(frac - ds.len()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn parses_and_orders() {
        assert_eq!(d("10.50"), d("10.5"));
        assert!(d("-1") < d("0"));
        assert!(d("0.001") < d("0.01"));
        assert!(d("-2") < d("-1.5"));
        assert!(d("1e3") > d("999.9"));
        assert_eq!(d("-0"), d("0"));
        assert_eq!(d("12.340").to_string(), "12.34");
        assert_eq!(d("0.05").to_string(), "0.05");
        assert!(Decimal::parse("1.").is_none());
        assert!(Decimal::parse("abc").is_none());
        assert!(Decimal::parse("").is_none());
    }

    #[test]
    fn multiples() {
        assert_eq!(d("0.3").is_multiple_of(&d("0.1")), Some(true));
        assert_eq!(d("10").is_multiple_of(&d("4")), Some(false));
        assert_eq!(d("12").is_multiple_of(&d("4")), Some(true));
        assert_eq!(d("1").is_multiple_of(&d("0")), None);
    }
}

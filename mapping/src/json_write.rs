//! Values written straight to JSON text (and to the text of interpolation),
//! without serde's machinery: decimals from their mantissa and scale, strings
//! escaped exactly as `serde_json` escapes them, integers by hand. The output
//! is the same as [`serde::Serialize`] for [`Value`] gives (null object fields
//! left out, decimals as exact strings, dates and date-times as RFC 3339
//! strings, non-finite floats as null); a test holds the two together.

use crate::value::{Text, Value};
use rust_decimal::Decimal;
use std::fmt::Write;

/// Appends the JSON text of `v`.
pub(crate) fn write(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(i) => push_ascii(out, integer(*i, &mut [0; 24])),
        Value::Dec(d) => {
            out.push('"');
            push_decimal(out, d);
            out.push('"');
        }
        Value::Float(f) if f.is_finite() => {
            let mut buf = Vec::with_capacity(24);
            serde_json::ser::Formatter::write_f64(
                &mut serde_json::ser::CompactFormatter,
                &mut buf,
                *f,
            )
            .expect("writing to a vector cannot fail");
            out.push_str(std::str::from_utf8(&buf).expect("a float is written in ASCII"));
        }
        Value::Float(_) => out.push_str("null"),
        Value::Str(s) => string(out, s),
        // Dates and date-times have nothing to escape.
        Value::Date(d) => {
            write!(out, "\"{d}\"").expect("writing to a string cannot fail");
        }
        Value::DateTime(t, offset) => {
            write!(out, "\"{}\"", t.display_with_offset(*offset))
                .expect("writing to a string cannot fail");
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            let mut first = true;
            for (k, v) in fields {
                if matches!(v, Value::Null) {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                string(out, k);
                out.push(':');
                write(out, v);
            }
            out.push('}');
        }
    }
}

/// Appends `s` as a JSON string, escaped as `serde_json` does: `"`, `\\` and
/// control characters (the short forms where JSON has them, `\u00XX` else).
pub(crate) fn string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    if clean(s.as_bytes()) {
        out.push_str(s);
    } else {
        escaped(out, s);
    }
    out.push('"');
}

/// Whether no byte of `bytes` needs escaping.
fn clean(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        if needs_escape(u64::from_le_bytes(chunk.try_into().expect("eight bytes"))) {
            return false;
        }
    }
    chunks
        .remainder()
        .iter()
        .all(|&b| b >= 0x20 && b != b'"' && b != b'\\')
}

/// The body of a string that has something to escape.
fn escaped(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none needs escaping.
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if !needs_escape(word) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => {
                i += 1;
                continue;
            }
        };
        // `b` is ASCII, so `i` is a character boundary.
        out.push_str(&s[start..i]);
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(short);
        }
        i += 1;
        start = i;
    }
    out.push_str(&s[start..]);
}

/// Whether any of the eight bytes of `w` is a control character, `"` or
/// `\\`.
pub(crate) fn needs_escape(w: u64) -> bool {
    escape_mask(w) != 0
}

/// The high bit of each byte of `w` (little-endian) that is a control
/// character, `"` or `\\`, exact up to the first such byte (the classic
/// "has a byte less than n" and "has a zero byte" tricks; a borrow can only
/// mark a byte above a marked one, and bytes of 0x80 and above never count).
pub(crate) fn escape_mask(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = w.wrapping_sub(ONES * 0x20);
    let quote = (w ^ (ONES * b'"' as u64)).wrapping_sub(ONES);
    let backslash = (w ^ (ONES * b'\\' as u64)).wrapping_sub(ONES);
    (below_space | quote | backslash) & !w & HIGH
}

/// Appends `v` as interpolation and `string()` show it (see [`Value::to_text`]).
pub(crate) fn text_into(out: &mut Text, v: &Value) {
    match v {
        Value::Str(s) => out.push_str(s),
        Value::Int(i) => push_ascii(out, integer(*i, &mut [0; 24])),
        Value::Dec(d) => match decimal(d, &mut [0; 64]) {
            Some(s) => push_ascii(out, s),
            None => out.push_str(&d.to_string()),
        },
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        other => out.push_str(&other.to_text()),
    }
}

/// The digits of `i` (with its sign), written at the end of `buf`.
fn integer(i: i64, buf: &mut [u8; 24]) -> &[u8] {
    let mut at = digits(i.unsigned_abs(), buf);
    if i < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

/// Appends ASCII bytes (digits, signs, points) as characters.
fn push_ascii(out: &mut impl Extend<char>, bytes: &[u8]) {
    out.extend(bytes.iter().map(|&b| char::from(b)));
}

/// Writes the decimal digits of `n` at the end of `buf`; where they start.
fn digits(mut n: u64, buf: &mut [u8]) -> usize {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return at;
        }
    }
}

fn push_decimal(out: &mut String, d: &Decimal) {
    match decimal(d, &mut [0; 64]) {
        Some(s) => push_ascii(out, s),
        None => write!(out, "{d}").expect("writing to a string cannot fail"),
    }
}

/// A decimal as `Display` writes it (every digit of its scale, `-` for a
/// negative value, negative zero included), when its mantissa fits 64 bits;
/// `None` for larger ones (rare: left to `Display`).
fn decimal<'b>(d: &Decimal, buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
    let mut n = u64::try_from(d.mantissa().unsigned_abs()).ok()?;
    let scale = d.scale() as usize;
    // From the last digit backwards: the `scale` fractional digits (zeros
    // when the mantissa is shorter), the point, at least one whole digit.
    let mut at = buf.len();
    for _ in 0..scale {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    if scale > 0 {
        at -= 1;
        buf[at] = b'.';
    }
    at = digits(n, &mut buf[..at]);
    if d.is_sign_negative() {
        at -= 1;
        buf[at] = b'-';
    }
    Some(&buf[at..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn decimals_are_written_as_display_writes_them() {
        for s in [
            "0",
            "0.00",
            "-0.00",
            "-0",
            "1",
            "-1",
            "19.99",
            "19.990",
            "0.001",
            "-0.001",
            "0.0000000000000000000000000001",
            "123456789012345678.9",
            "18446744073709551615",
            "18446744073709551616",
            "-79228162514264337593543950335",
            "7.9228162514264337593543950335",
            "100",
            "1000.5",
            "-42.10",
        ] {
            let d = Decimal::from_str(s).unwrap();
            let mut out = String::new();
            push_decimal(&mut out, &d);
            assert_eq!(out, d.to_string(), "{s}");
        }
    }

    #[test]
    fn the_escape_mask_finds_the_first_byte_to_escape() {
        let fillers = [b'a', b' ', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xc3, 0xff];
        for at in 0..8 {
            for special in [0x00, 0x01, 0x1f, b'"', b'\\'] {
                for filler in fillers {
                    for after in [filler, special, 0x00, 0xff] {
                        let mut w = [filler; 8];
                        w[at] = special;
                        w[at + 1..].fill(after);
                        let mask = escape_mask(u64::from_le_bytes(w));
                        assert_eq!(mask.trailing_zeros() / 8, at as u32, "{w:?}");
                    }
                }
            }
        }
        for filler in fillers {
            assert_eq!(escape_mask(u64::from_le_bytes([filler; 8])), 0, "{filler}");
        }
    }

    #[test]
    fn integers_are_written_in_full() {
        for i in [0, 7, -7, 10, 1234567, i64::MIN, i64::MAX] {
            assert_eq!(integer(i, &mut [0; 24]), i.to_string().as_bytes());
        }
    }

    #[test]
    fn text_is_the_same_as_serde_json_writes() {
        let cases: Vec<Value> = vec![
            Value::Str("plain".into()),
            Value::Str("a long clean run of text \"then a quote and\\ more\u{1}".into()),
            Value::Str("q\"uote \\ back\nline\ttab\r\u{8}\u{c}\u{1}\u{1f}\u{7f} é ☃".into()),
            Value::Int(-12),
            Value::Float(2.5),
            Value::Float(1e300),
            Value::Float(f64::INFINITY),
            Value::Float(3.0),
            Value::Bool(true),
            Value::Date("2024-05-02".parse().unwrap()),
            crate::value::parse_rfc3339("2024-05-02T09:41:17-05:00").unwrap(),
            Value::Array(vec![
                Value::Null,
                Value::Dec(Decimal::from_str("-0.50").unwrap()),
            ]),
            Value::Object(vec![
                ("a\"b".into(), Value::Int(1)),
                ("gone".into(), Value::Null),
                ("c".into(), Value::Object(vec![])),
            ]),
        ];
        for v in cases {
            let mut out = String::new();
            write(&mut out, &v);
            assert_eq!(out, serde_json::to_string(&v).unwrap(), "{v:?}");
        }
    }

    #[test]
    fn interpolated_text_is_to_text() {
        for v in [
            Value::Int(-3),
            Value::Dec(Decimal::from_str("2.50").unwrap()),
            Value::Bool(false),
            Value::Float(1.5),
            Value::Str("x".into()),
        ] {
            let mut out = Text::default();
            text_into(&mut out, &v);
            assert_eq!(out, v.to_text(), "{v:?}");
        }
    }
}

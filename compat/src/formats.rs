//! What the engine knows about `format` values.

use crate::verdict::Verdict;

/// Formats whose every valid value is also valid for another format.
const IMPLIES: &[(&str, &str)] = &[
    ("uri", "uri-reference"),
    ("uri", "iri"),
    ("uri", "iri-reference"),
    ("iri", "iri-reference"),
    ("uri-reference", "iri-reference"),
    ("hostname", "idn-hostname"),
    ("email", "idn-email"),
];

/// Whether every string valid for `a` is valid for `b`.
pub fn implies(a: &str, b: &str) -> bool {
    a == b || IMPLIES.contains(&(a, b))
}

/// Checks a string against a format where the engine is sure; `Unknown` otherwise.
pub fn check(format: &str, s: &str) -> Verdict {
    match format {
        "decimal" if is_decimal(s) => Verdict::Compatible,
        "decimal" => Verdict::Incompatible,
        _ => Verdict::Unknown,
    }
}

/// The weft `decimal` format: an optional minus, digits, and optional fraction digits.
pub fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A string valid for a format, when the engine knows one.
pub fn sample(format: &str) -> Option<&'static str> {
    Some(match format {
        "date" => "2024-01-31",
        "date-time" => "2024-01-31T12:00:00Z",
        "time" => "12:00:00Z",
        "duration" => "P1D",
        "email" | "idn-email" => "a@example.com",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "uri" | "iri" => "https://example.com/a",
        "uri-reference" | "iri-reference" => "/a",
        "uri-template" => "/a/{b}",
        "uuid" => "123e4567-e89b-12d3-a456-426614174000",
        "json-pointer" => "/a",
        "relative-json-pointer" => "0/a",
        "regex" => "^a$",
        "decimal" => "1",
        _ => return None,
    })
}

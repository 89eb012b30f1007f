//! Durations and byte sizes as the specs write them (`1h30m`, `512KiB`),
//! held as numbers the runtime uses directly and written back in one
//! normal form, so a plan reads the same after a round trip.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A duration, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub u64);

const DURATION_UNITS: [(&str, u64); 5] = [
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

impl Duration {
    /// Parses one or more `<integer><unit>` parts (units ms, s, m, h, d).
    pub fn parse(text: &str) -> Option<Duration> {
        let mut total: u64 = 0;
        let mut rest = text;
        if rest.is_empty() {
            return None;
        }
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            let n: u64 = rest[..digits].parse().ok()?;
            rest = &rest[digits..];
            let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            let unit = &rest[..unit_len];
            rest = &rest[unit_len..];
            let (_, scale) = DURATION_UNITS.iter().find(|(u, _)| *u == unit)?;
            total = total.checked_add(n.checked_mul(*scale)?)?;
        }
        Some(Duration(total))
    }

    /// The duration as a `std::time::Duration`.
    pub fn std(self) -> std::time::Duration {
        std::time::Duration::from_millis(self.0)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (unit, scale) in DURATION_UNITS {
            if rest >= scale {
                write!(f, "{}{unit}", rest / scale)?;
                rest %= scale;
            }
        }
        Ok(())
    }
}

/// A byte size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(pub u64);

const SIZE_UNITS: [(&str, u64); 7] = [
    ("GiB", 1 << 30),
    ("MiB", 1 << 20),
    ("KiB", 1 << 10),
    ("GB", 1_000_000_000),
    ("MB", 1_000_000),
    ("KB", 1_000),
    ("B", 1),
];

impl ByteSize {
    /// Parses `<integer><unit>` (units B, KiB, MiB, GiB, KB, MB, GB).
    pub fn parse(text: &str) -> Option<ByteSize> {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let n: u64 = text.get(..digits)?.parse().ok()?;
        let (_, scale) = SIZE_UNITS.iter().find(|(u, _)| *u == &text[digits..])?;
        n.checked_mul(*scale).map(ByteSize)
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (unit, scale) = SIZE_UNITS
            .iter()
            .find(|(_, s)| self.0 != 0 && self.0.is_multiple_of(*s))
            .copied()
            .unwrap_or(("B", 1));
        write!(f, "{}{unit}", self.0 / scale)
    }
}

macro_rules! text_serde {
    ($ty:ident, $what:literal) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $ty::parse(&text)
                    .ok_or_else(|| de::Error::custom(format!("`{text}` is not {}", $what)))
            }
        }
    };
}

text_serde!(Duration, "a duration such as `500ms` or `1h30m`");
text_serde!(ByteSize, "a size such as `512KiB`");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print_in_normal_form() {
        assert_eq!(Duration::parse("500ms"), Some(Duration(500)));
        assert_eq!(Duration::parse("5m"), Some(Duration(300_000)));
        assert_eq!(Duration::parse("1h30m"), Some(Duration(5_400_000)));
        assert_eq!(Duration::parse("90m").unwrap().to_string(), "1h30m");
        assert_eq!(Duration::parse("1500ms").unwrap().to_string(), "1s500ms");
        for bad in ["", "5", "m", "5 m", "5x", "99999999999999999999d"] {
            assert_eq!(Duration::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn sizes_parse_and_print_in_normal_form() {
        assert_eq!(ByteSize::parse("512KiB"), Some(ByteSize(524_288)));
        assert_eq!(ByteSize::parse("2MB"), Some(ByteSize(2_000_000)));
        assert_eq!(ByteSize::parse("1024KiB").unwrap().to_string(), "1MiB");
        assert_eq!(ByteSize::parse("1000B").unwrap().to_string(), "1KB");
        assert_eq!(ByteSize::parse("0B").unwrap().to_string(), "0B");
        for bad in ["", "KiB", "5 KiB", "5kb", "1TB"] {
            assert_eq!(ByteSize::parse(bad), None, "{bad}");
        }
    }
}

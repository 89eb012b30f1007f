//! The common case of reading JSON text with a layout, without serde: plain
//! documents (strings without escapes where they are read, integers of up to
//! 18 digits, nesting under 100) are read in one pass straight into values.
//! Anything else, including every malformed document, gives `None`, and the
//! caller reads the text with `serde_json` ([`crate::json`]), which then
//! gives the same value or the same error as always. A test holds the two
//! readers to the same values.

use crate::value::{same_name, Coerce, Fields, Text, Value};

/// Deepest nesting read here (`serde_json` refuses past 128).
const MAX_DEPTH: u32 = 100;

static KEEP: Coerce = Coerce::Keep;

/// `text` read with `coerce`, or `None` when it is not a plain document.
pub(crate) fn read(text: &str, coerce: &Coerce) -> Option<Value> {
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    let v = p.value(coerce)?;
    p.ws();
    (p.i == p.b.len()).then_some(v)
}

struct Parser<'t> {
    s: &'t str,
    b: &'t [u8],
    i: usize,
    depth: u32,
}

impl<'t> Parser<'t> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Consumes `c` after whitespace.
    fn expect(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn value(&mut self, c: &Coerce) -> Option<Value> {
        self.ws();
        match self.peek()? {
            b'{' => self.object(c),
            b'[' => self.array(c),
            b'"' => {
                let s = self.string(false)?;
                text(c, s)
            }
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'n' => self.word("null", Value::Null),
            b'-' | b'0'..=b'9' => self.integer(c),
            _ => None,
        }
    }

    fn word(&mut self, w: &str, v: Value) -> Option<Value> {
        self.b[self.i..].starts_with(w.as_bytes()).then(|| {
            self.i += w.len();
            v
        })
    }

    /// A string at `"`: its text when it has no escape; with `skipping`,
    /// simple escapes (not `\u`) are allowed and the text is not wanted.
    fn string(&mut self, skipping: bool) -> Option<&'t str> {
        let start = self.i + 1;
        let mut j = start;
        loop {
            // Eight bytes at a time to the first quote, backslash or control
            // byte; byte by byte near the end of the text.
            match self.b.get(j..j + 8) {
                Some(chunk) => {
                    let mask = crate::json_write::escape_mask(u64::from_le_bytes(
                        chunk.try_into().expect("eight bytes"),
                    ));
                    if mask == 0 {
                        j += 8;
                        continue;
                    }
                    j += (mask.trailing_zeros() / 8) as usize;
                }
                None => {
                    while let Some(&c) = self.b.get(j) {
                        if c == b'"' || c == b'\\' || c < 0x20 {
                            break;
                        }
                        j += 1;
                    }
                }
            }
            match *self.b.get(j)? {
                b'"' => break,
                b'\\' if skipping => match self.b.get(j + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => j += 2,
                    _ => return None,
                },
                b'\\' => return None,
                0x00..=0x1f => return None,
                _ => j += 1,
            }
        }
        self.i = j + 1;
        Some(&self.s[start..j])
    }

    /// An integer that fits without question; anything else is left to serde_json.
    fn integer(&mut self, c: &Coerce) -> Option<Value> {
        let negative = self.peek()? == b'-';
        let mut j = self.i + usize::from(negative);
        let first = j;
        let mut n: i64 = 0;
        while let Some(d @ b'0'..=b'9') = self.b.get(j).copied() {
            n = n * 10 + i64::from(d - b'0');
            j += 1;
            if j - first > 18 {
                return None;
            }
        }
        let digits = j - first;
        // No digits, a leading zero, a fraction or exponent, or `-0` (a float).
        if digits == 0
            || (digits > 1 && self.b[first] == b'0')
            || matches!(self.b.get(j), Some(b'.' | b'e' | b'E'))
            || (negative && n == 0)
        {
            return None;
        }
        self.i = j;
        let n = if negative { -n } else { n };
        Some(match c {
            Coerce::Decimal => Value::Dec(n.into()),
            _ => Value::Int(n),
        })
    }

    fn array(&mut self, c: &Coerce) -> Option<Value> {
        let item = match c {
            Coerce::Array(i) => i.as_ref(),
            _ => &KEEP,
        };
        let mut items = Vec::new();
        self.items(|p| {
            items.push(p.value(item)?);
            Some(())
        })?;
        Some(Value::Array(items))
    }

    /// Walks an array's items (at `[`), calling `item` at each.
    fn items(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.enter()?;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
        } else {
            loop {
                item(self)?;
                self.ws();
                match self.peek()? {
                    b',' => self.i += 1,
                    b']' => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    fn enter(&mut self) -> Option<()> {
        self.i += 1;
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// Walks an object's entries, calling `entry` at each value.
    fn entries(&mut self, mut entry: impl FnMut(&mut Self, &'t str) -> Option<()>) -> Option<()> {
        self.enter()?;
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
        } else {
            loop {
                self.ws();
                if self.peek()? != b'"' {
                    return None;
                }
                let key = self.string(false)?;
                self.expect(b':')?;
                entry(self, key)?;
                self.ws();
                match self.peek()? {
                    b',' => self.i += 1,
                    b'}' => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    fn object(&mut self, c: &Coerce) -> Option<Value> {
        match c {
            // Only the named fields, each at its place (null when absent).
            Coerce::Record(fields) => {
                let mut out: Vec<(Text, Value)> = fields
                    .iter()
                    .map(|(n, _)| (Text::from(n.as_str()), Value::Null))
                    .collect();
                self.entries(|p, key| {
                    match fields.iter().position(|(n, _)| same_name(n, key)) {
                        Some(i) => out[i].1 = p.value(&fields[i].1)?,
                        None => p.skip()?,
                    }
                    Some(())
                })?;
                Some(Value::Object(out))
            }
            c => {
                let fields: &[(String, Coerce)] = match c {
                    Coerce::Object(f) => f,
                    _ => &[],
                };
                let mut out = Fields::new(Vec::new());
                self.entries(|p, key| {
                    let c = fields
                        .iter()
                        .find(|(n, _)| n == key)
                        .map_or(&KEEP, |(_, c)| c);
                    let v = p.value(c)?;
                    out.set(key, v);
                    Some(())
                })?;
                Some(out.finish())
            }
        }
    }

    /// Passes over a value nobody reads, checking it is JSON.
    fn skip(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'{' => self.entries(|p, _| p.skip()),
            b'[' => self.items(|p| p.skip()),
            b'"' => self.string(true).map(|_| ()),
            b't' => self.word("true", Value::Null).map(|_| ()),
            b'f' => self.word("false", Value::Null).map(|_| ()),
            b'n' => self.word("null", Value::Null).map(|_| ()),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// Passes over a number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<()> {
        let b = self.b;
        let mut j = self.i;
        if b[j] == b'-' {
            j += 1;
        }
        let digits = |mut j: usize| {
            let start = j;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            (j > start).then_some(j)
        };
        let whole = digits(j)?;
        if b[j] == b'0' && whole > j + 1 {
            return None;
        }
        j = whole;
        if b.get(j) == Some(&b'.') {
            j = digits(j + 1)?;
        }
        if let Some(b'e' | b'E') = b.get(j) {
            j += 1;
            if let Some(b'+' | b'-') = b.get(j) {
                j += 1;
            }
            j = digits(j)?;
        }
        self.i = j;
        Some(())
    }
}

/// A string as the layout reads it; `None` when it does not parse (serde_json
/// then reports it).
fn text(c: &Coerce, s: &str) -> Option<Value> {
    Some(match c {
        Coerce::Decimal => Value::Dec(crate::json::parse_decimal(s).or_else(|| s.parse().ok())?),
        Coerce::Date => Value::Date(s.parse().ok()?),
        Coerce::DateTime => crate::value::parse_rfc3339(s)?,
        _ => Value::Str(s.into()),
    })
}

//! Payloads generated from a contract's JSON Schema, for the property check
//! of `weft test`: ordinary values mixed with the ones mappings trip over
//! (empty strings, absent optional fields, nulls, zero, bounds, leap days,
//! unusual offsets, non-ASCII text), within the schema's constraints (types,
//! enums, lengths, bounds, formats, and patterns, generated from the
//! pattern's syntax tree). Whatever the generator cannot honour is caught by
//! validating each input against the schema before it is used.

use regex_syntax::hir::{Class, Hir, HirKind};
use serde_json::{json, Map, Value as Json};

/// A small deterministic generator (splitmix64): the same seed gives the
/// same inputs on every machine, so a failure can be reproduced.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const TEXTS: &[&str] = &[
    "",
    "a",
    "Ada Lovelace",
    "  padded  ",
    "Zoë Ñúñez ✓",
    "red, large, sale",
    "A-1001",
    "ada@example.com",
    "line one\nline two",
    "0",
];
const OFFSETS: &[&str] = &["Z", "+00:00", "+02:00", "-05:00", "+05:45", "-09:30"];

/// Lists have at most this many items beyond their minimum; schemas nest at
/// most this deep (recursive `$ref`s end in their smallest form).
const EXTRA_ITEMS: u64 = 4;
const MAX_DEPTH: u32 = 8;

/// Generates documents for one schema.
pub struct Generator<'a> {
    root: &'a Json,
    /// Words of the workspace (lookup-table keys) that strings are drawn from
    /// too, so lookups hit as well as miss.
    vocabulary: &'a [String],
}

impl<'a> Generator<'a> {
    pub fn new(root: &'a Json, vocabulary: &'a [String]) -> Generator<'a> {
        Generator { root, vocabulary }
    }

    /// One document.
    pub fn document(&self, rng: &mut Rng) -> Json {
        self.gen(self.root, rng, 0)
    }

    fn resolve(&self, schema: &'a Json) -> &'a Json {
        let mut s = schema;
        for _ in 0..16 {
            match s.get("$ref").and_then(Json::as_str) {
                Some(r) if r.starts_with('#') => match self.root.pointer(&r[1..]) {
                    Some(t) => s = t,
                    None => return s,
                },
                _ => return s,
            }
        }
        s
    }

    fn gen(&self, schema: &'a Json, rng: &mut Rng, depth: u32) -> Json {
        let s = self.resolve(schema);
        let Some(obj) = s.as_object() else {
            // `true` (anything) or `false` (nothing: the input is rejected).
            return Json::Null;
        };
        if let Some(c) = obj.get("const") {
            return c.clone();
        }
        if let Some(Json::Array(values)) = obj.get("enum") {
            if !values.is_empty() {
                return rng.pick(values).clone();
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Json::Array(branches)) = obj.get(key) {
                if !branches.is_empty() {
                    return self.gen(rng.pick(branches), rng, depth + 1);
                }
            }
        }
        if let Some(Json::Array(all)) = obj.get("allOf") {
            if obj.get("type").is_none() && obj.get("properties").is_none() {
                if let Some(first) = all.first() {
                    return self.gen(first, rng, depth + 1);
                }
            }
        }
        let types: Vec<&str> = match obj.get("type") {
            Some(Json::String(t)) => vec![t.as_str()],
            Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
            None if obj.contains_key("properties") => vec!["object"],
            None if obj.contains_key("items") || obj.contains_key("prefixItems") => vec!["array"],
            _ => vec!["string", "integer", "boolean", "null"],
        };
        let concrete: Vec<&str> = types.iter().copied().filter(|t| *t != "null").collect();
        if concrete.is_empty() || (concrete.len() < types.len() && rng.chance(15)) {
            return Json::Null;
        }
        match *rng.pick(&concrete) {
            "object" => self.object(obj, rng, depth),
            "array" => self.array(obj, rng, depth),
            "string" => json!(self.string(obj, rng)),
            "integer" => json!(integer(obj, rng)),
            "number" => json!(*rng.pick(&[0.0, 0.5, 1.0, 3.75, 12.345, 1e6])),
            "boolean" => json!(rng.chance(50)),
            _ => Json::Null,
        }
    }

    fn object(&self, obj: &'a Map<String, Json>, rng: &mut Rng, depth: u32) -> Json {
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Json::as_array)
            .map(|r| r.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let mut m = Map::new();
        if let Some(Json::Object(props)) = obj.get("properties") {
            for (name, p) in props {
                let needed = required.contains(&name.as_str());
                if !needed && (depth >= MAX_DEPTH || rng.chance(30)) {
                    continue;
                }
                m.insert(name.clone(), self.gen(p, rng, depth + 1));
            }
        }
        Json::Object(m)
    }

    fn array(&self, obj: &'a Map<String, Json>, rng: &mut Rng, depth: u32) -> Json {
        let min = obj.get("minItems").and_then(Json::as_u64).unwrap_or(0);
        let max = obj
            .get("maxItems")
            .and_then(Json::as_u64)
            .unwrap_or(u64::MAX)
            .min(min + EXTRA_ITEMS);
        let n = if depth >= MAX_DEPTH {
            min
        } else {
            min + rng.below(max.saturating_sub(min) + 1)
        };
        let prefix: &[Json] = obj
            .get("prefixItems")
            .and_then(Json::as_array)
            .map_or(&[], Vec::as_slice);
        let items = obj.get("items").filter(|i| i.is_object());
        let mut out = Vec::new();
        for i in 0..n as usize {
            match prefix.get(i).or(items) {
                Some(s) => out.push(self.gen(s, rng, depth + 1)),
                None if prefix.is_empty() => out.push(json!(*rng.pick(TEXTS))),
                None => break,
            }
        }
        Json::Array(out)
    }

    fn string(&self, obj: &Map<String, Json>, rng: &mut Rng) -> String {
        let format = obj.get("format").and_then(Json::as_str).unwrap_or("");
        let pattern = obj.get("pattern").and_then(Json::as_str);
        let mut s = match format {
            "date" => date(rng),
            "date-time" => format!(
                "{}T{:02}:{:02}:{:02}{}",
                date(rng),
                rng.below(24),
                rng.below(60),
                rng.below(60),
                rng.pick(OFFSETS)
            ),
            "email" => (*rng.pick(&["ada@example.com", "o'brien+orders@example.co.uk"])).into(),
            "uri" | "url" => {
                (*rng.pick(&["https://example.com/t/1", "http://localhost:8080/a?b=c"])).into()
            }
            "uuid" => "5df1ad55-6a3f-5ed1-9b62-1a7e1b4f4b8c".into(),
            "currency-code" => (*rng.pick(&["USD", "EUR", "GBP", "JPY"])).into(),
            "country-code" => (*rng.pick(&["US", "DE", "GB", "MX"])).into(),
            _ => match pattern.and_then(|p| regex_syntax::parse(p).ok()) {
                Some(hir) => {
                    let mut out = String::new();
                    from_pattern(&hir, rng, &mut out);
                    out
                }
                None if !self.vocabulary.is_empty() && rng.chance(40) => {
                    rng.pick(self.vocabulary).clone()
                }
                None if rng.chance(70) => (*rng.pick(TEXTS)).into(),
                None => (0..rng.below(24))
                    .map(|_| {
                        char::from(
                            b"abcdefghijklmnopqrstuvwxyz0123456789 -_"[rng.below(39) as usize],
                        )
                    })
                    .collect(),
            },
        };
        if format == "decimal" && s.starts_with('-') {
            let non_negative = ["x-weft-minimum", "x-weft-exclusive-minimum"]
                .iter()
                .any(|k| obj.get(*k).and_then(Json::as_f64).is_some_and(|m| m >= 0.0));
            if non_negative {
                s.remove(0);
            }
        }
        let len = s.chars().count() as u64;
        if let Some(min) = obj.get("minLength").and_then(Json::as_u64) {
            s.extend(std::iter::repeat_n('x', min.saturating_sub(len) as usize));
        }
        if let Some(max) = obj.get("maxLength").and_then(Json::as_u64) {
            s = s.chars().take(max as usize).collect();
        }
        s
    }
}

/// A string matching the pattern's syntax tree (anchors are ignored:
/// generated text matches from start to end).
fn from_pattern(hir: &Hir, rng: &mut Rng, out: &mut String) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.push_str(&String::from_utf8_lossy(&l.0)),
        HirKind::Class(Class::Unicode(c)) => {
            // Printable ASCII first, so classes like [^:;] give readable text.
            let ranges: Vec<(char, char)> =
                c.ranges().iter().map(|r| (r.start(), r.end())).collect();
            let printable: Vec<(char, char)> = ranges
                .iter()
                .filter_map(|&(a, b)| {
                    let (a, b) = (a.max('!'), b.min('~'));
                    (a <= b).then_some((a, b))
                })
                .collect();
            let pool = if printable.is_empty() {
                &ranges
            } else {
                &printable
            };
            if let Some(&(a, b)) = pool.get(rng.below(pool.len().max(1) as u64) as usize) {
                let span = (b as u32 - a as u32) as u64 + 1;
                out.extend(char::from_u32(a as u32 + rng.below(span) as u32));
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            if let Some(r) = c.ranges().first() {
                out.push(char::from(r.start()));
            }
        }
        HirKind::Repetition(r) => {
            let max = r.max.unwrap_or(r.min + 3).min(r.min + 3);
            let n = r.min + rng.below(u64::from(max - r.min) + 1) as u32;
            for _ in 0..n {
                from_pattern(&r.sub, rng, out);
            }
        }
        HirKind::Capture(c) => from_pattern(&c.sub, rng, out),
        HirKind::Concat(parts) => parts.iter().for_each(|p| from_pattern(p, rng, out)),
        HirKind::Alternation(alts) => from_pattern(rng.pick(alts), rng, out),
    }
}

fn integer(obj: &Map<String, Json>, rng: &mut Rng) -> i64 {
    let bound = |k: &str| obj.get(k).and_then(Json::as_i64);
    let min = bound("minimum").or(bound("exclusiveMinimum").map(|m| m + 1));
    let max = bound("maximum").or(bound("exclusiveMaximum").map(|m| m - 1));
    let v = match rng.below(4) {
        0 => *rng.pick(&[0, 1, 2, -1, 7, 42, 999, 100_000]),
        1 => min.or(max).unwrap_or(0),
        _ => rng.below(10_000) as i64,
    };
    v.clamp(
        min.unwrap_or(i64::MIN),
        max.unwrap_or(i64::MAX).max(min.unwrap_or(i64::MIN)),
    )
}

fn date(rng: &mut Rng) -> String {
    if rng.chance(10) {
        return "2024-02-29".into();
    }
    format!(
        "{}-{:02}-{:02}",
        1970 + rng.below(130),
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Share of generated documents the schema accepts.
    fn valid_share(schema: &Json) -> f64 {
        let v = jsonschema::validator_for(schema).expect("schema compiles");
        let g = Generator::new(schema, &[]);
        let mut rng = Rng::new(42);
        let ok = (0..500)
            .filter(|_| v.is_valid(&g.document(&mut rng)))
            .count();
        ok as f64 / 500.0
    }

    #[test]
    fn documents_honour_patterns_lengths_bounds_and_refs() {
        let schema = json!({
            "$defs": {
                "Line": {
                    "type": "object",
                    "required": ["sku", "qty"],
                    "properties": {
                        "sku": { "type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$" },
                        "qty": { "type": "integer", "minimum": 1, "maximum": 99 }
                    },
                    "additionalProperties": false
                }
            },
            "type": "object",
            "required": ["items", "code", "lines", "at"],
            "properties": {
                "items": { "type": "string", "minLength": 3, "pattern": "^[^:;]+:[0-9]+(;[^:;]+:[0-9]+)*$" },
                "code": { "type": "string", "minLength": 2, "maxLength": 5 },
                "price": { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,2})?$" },
                "status": { "enum": ["open", "closed"] },
                "at": { "type": "string", "format": "date-time" },
                "lines": { "type": "array", "minItems": 1, "maxItems": 3, "items": { "$ref": "#/$defs/Line" } },
                "note": { "type": ["string", "null"] }
            }
        });
        assert!(valid_share(&schema) > 0.95, "{}", valid_share(&schema));
    }

    #[test]
    fn the_same_seed_gives_the_same_documents() {
        let schema = json!({ "type": "object", "properties": { "a": { "type": "string" }, "b": { "type": "integer" } } });
        let g = Generator::new(&schema, &[]);
        let run = |seed| {
            let mut rng = Rng::new(seed);
            (0..20).map(|_| g.document(&mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3), run(4));
    }
}

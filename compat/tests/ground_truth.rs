//! Ground truth: random schema pairs and documents, checked against the `jsonschema` crate.
//!
//! For every pair, a `Compatible` verdict must never meet a document valid under the source
//! version and invalid under the target one, and every witness must really separate the two
//! versions. `WEFT_COMPAT_CASES` sets the number of pairs (default 3000); `WEFT_COMPAT_SEED`
//! the first seed.

use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError, Validator};
use serde_json::{json, Map, Value};
use weft_compat::{compare, Profile, Verdict, RULES};

// ---------- PRNG ----------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------- oracle ----------

struct Bound {
    limit: f64,
    lower: bool,
    excl: bool,
}

impl Bound {
    fn ok(&self, v: &Value) -> bool {
        let Some(s) = v.as_str() else { return true };
        if !is_decimal(s) {
            return true;
        }
        let x: f64 = s.parse().unwrap_or(0.0);
        match (self.lower, self.excl) {
            (true, false) => x >= self.limit,
            (true, true) => x > self.limit,
            (false, false) => x <= self.limit,
            (false, true) => x < self.limit,
        }
    }
}

impl<'i> Keyword<'i> for Bound {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.ok(instance) {
            Ok(())
        } else {
            Err(ValidationError::custom("out of bounds"))
        }
    }
    fn is_valid(&self, instance: &'i Value) -> bool {
        self.ok(instance)
    }
}

fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let mut parts = s.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

type Factory = Box<dyn for<'i> Keyword<'i>>;

fn bound(
    lower: bool,
    excl: bool,
) -> impl for<'a> Fn(
    &'a Map<String, Value>,
    &'a Value,
    Location,
) -> Result<Factory, ValidationError<'a>>
       + Send
       + Sync {
    move |_, v, _| {
        let limit = match v {
            Value::String(s) => s.parse().unwrap_or(0.0),
            other => other.as_f64().unwrap_or(0.0),
        };
        Ok(Box::new(Bound { limit, lower, excl }))
    }
}

fn oracle(schema: &Value) -> Validator {
    let draft = if schema.get("$schema").and_then(Value::as_str)
        == Some("http://json-schema.org/draft-07/schema#")
    {
        jsonschema::Draft::Draft7
    } else {
        jsonschema::Draft::Draft202012
    };
    jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .with_format("decimal", is_decimal)
        .with_keyword("x-weft-minimum", bound(true, false))
        .with_keyword("x-weft-exclusive-minimum", bound(true, true))
        .with_keyword("x-weft-maximum", bound(false, false))
        .with_keyword("x-weft-exclusive-maximum", bound(false, true))
        .build(schema)
        .expect("generated schema compiles")
}

// ---------- schema generation ----------

const NAMES: &[&str] = &["a", "b", "c", "d", "id", "x-tag"];
const PATTERNS: &[(&str, &[&str])] = &[
    ("^[a-z]+$", &["abc", "z"]),
    ("^[0-9]{2,4}$", &["12", "1234"]),
    ("^a", &["a", "abc-1"]),
    ("^-?[0-9]+(\\.[0-9]{1,2})?$", &["10", "-1.5", "0.25"]),
];
const FORMATS: &[(&str, &[&str])] = &[
    ("date", &["2024-01-31", "2023-12-01"]),
    ("email", &["a@example.com"]),
    ("uuid", &["123e4567-e89b-12d3-a456-426614174000"]),
    ("decimal", &["1", "10.50", "-3"]),
];

struct Gen<'r> {
    rng: &'r mut Rng,
    draft7: bool,
    defs: Vec<String>,
}

impl Gen<'_> {
    fn schema(&mut self, depth: usize) -> Value {
        let r = self.rng.below(100);
        if depth >= 3 || r < 8 {
            return self.leaf();
        }
        match r {
            8..=11 => json!(true),
            12..=13 => json!(false),
            14..=17 if !self.defs.is_empty() => {
                let d = self.rng.pick(&self.defs).clone();
                json!({ "$ref": d })
            }
            18..=39 => self.object(depth),
            40..=52 => self.array(depth),
            53..=58 => {
                let key = if self.rng.chance(50) {
                    "anyOf"
                } else {
                    "oneOf"
                };
                let n = 1 + self.rng.below(3);
                let bs: Vec<Value> = (0..n).map(|_| self.schema(depth + 1)).collect();
                json!({ key: bs })
            }
            59..=62 => {
                let bs = vec![self.schema(depth + 1), self.schema(depth + 1)];
                json!({ "allOf": bs })
            }
            63..=65 => json!({ "not": self.leaf() }),
            66..=69 => json!({
                "type": "object",
                "if": { "properties": { "a": { "const": 1 } }, "required": ["a"] },
                "then": { "required": ["b"] },
                "else": self.object(depth + 1),
            }),
            70..=73 => json!({ "anyOf": [self.schema(depth + 1), { "type": "null" }] }),
            _ => self.leaf(),
        }
    }

    fn leaf(&mut self) -> Value {
        let mut m = Map::new();
        match self.rng.below(9) {
            0 | 1 => {
                m.insert("type".into(), json!("string"));
                if self.rng.chance(40) {
                    m.insert("minLength".into(), json!(self.rng.below(3)));
                }
                if self.rng.chance(40) {
                    m.insert("maxLength".into(), json!(2 + self.rng.below(5)));
                }
                if self.rng.chance(25) {
                    m.insert("pattern".into(), json!(self.rng.pick(PATTERNS).0));
                }
                if self.rng.chance(20) {
                    let f = self.rng.pick(FORMATS).0;
                    m.insert("format".into(), json!(f));
                    if f == "decimal" && self.rng.chance(70) {
                        m.insert("x-weft-minimum".into(), json!(self.rng.below(5)));
                        if self.rng.chance(50) {
                            m.insert(
                                "x-weft-maximum".into(),
                                json!(format!("{}", 5 + self.rng.below(20))),
                            );
                        }
                    }
                }
            }
            2 | 3 => {
                m.insert(
                    "type".into(),
                    json!(if self.rng.chance(50) {
                        "integer"
                    } else {
                        "number"
                    }),
                );
                for kw in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
                    if self.rng.chance(25) {
                        let base: i64 = if kw.contains("inimum") { -2 } else { 3 };
                        let v = base + self.rng.below(5) as i64;
                        if self.rng.chance(20) {
                            m.insert(kw.into(), json!(v as f64 + 0.5));
                        } else {
                            m.insert(kw.into(), json!(v));
                        }
                    }
                }
                if self.rng.chance(20) {
                    m.insert("multipleOf".into(), json!(self.rng.pick(&[2, 3, 4])));
                }
            }
            4 => {
                m.insert("type".into(), json!(self.rng.pick(&["boolean", "null"])));
            }
            5 => {
                let pool = [
                    json!("a"),
                    json!("b"),
                    json!(1),
                    json!(2.5),
                    json!(null),
                    json!(true),
                    json!("c"),
                ];
                let n = 1 + self.rng.below(3);
                let vals: Vec<Value> = (0..n).map(|_| self.rng.pick(&pool).clone()).collect();
                let mut uniq: Vec<Value> = Vec::new();
                for v in vals {
                    if !uniq.contains(&v) {
                        uniq.push(v);
                    }
                }
                if uniq.len() == 1 && self.rng.chance(50) {
                    m.insert("const".into(), uniq[0].clone());
                } else {
                    m.insert("enum".into(), Value::Array(uniq));
                }
            }
            6 => {
                m.insert("type".into(), json!(["string", "null"]));
                m.insert("maxLength".into(), json!(3 + self.rng.below(3)));
            }
            7 => {
                m.insert("type".into(), json!(["integer", "string"]));
            }
            _ => {}
        }
        if self.rng.chance(10) {
            m.insert("description".into(), json!("annotation"));
        }
        Value::Object(m)
    }

    fn object(&mut self, depth: usize) -> Value {
        let mut m = Map::new();
        if self.rng.chance(85) {
            m.insert("type".into(), json!("object"));
        }
        let mut props = Map::new();
        for _ in 0..self.rng.below(4) {
            let n = *self.rng.pick(NAMES);
            props.insert(n.to_string(), self.schema(depth + 1));
        }
        let keys: Vec<String> = props.keys().cloned().collect();
        if !props.is_empty() {
            m.insert("properties".into(), Value::Object(props));
        }
        let req: Vec<String> = keys
            .iter()
            .filter(|_| self.rng.chance(40))
            .cloned()
            .collect();
        if !req.is_empty() {
            m.insert("required".into(), json!(req));
        }
        match self.rng.below(10) {
            0..=2 => {
                m.insert("additionalProperties".into(), json!(false));
            }
            3 => {
                m.insert("additionalProperties".into(), self.leaf());
            }
            4 => {
                m.insert("patternProperties".into(), json!({ "^x-": self.leaf() }));
            }
            _ => {}
        }
        if self.rng.chance(10) {
            m.insert("minProperties".into(), json!(1));
        }
        if self.rng.chance(10) {
            m.insert("maxProperties".into(), json!(2 + self.rng.below(2)));
        }
        if self.rng.chance(8) {
            m.insert("propertyNames".into(), json!({ "maxLength": 2 }));
        }
        if self.rng.chance(8) {
            let kw = if self.draft7 {
                "dependencies"
            } else {
                "dependentRequired"
            };
            m.insert(kw.into(), json!({ "a": ["b"] }));
        }
        Value::Object(m)
    }

    fn array(&mut self, depth: usize) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), json!("array"));
        match self.rng.below(6) {
            0 => {
                let tuple = vec![self.schema(depth + 1), self.schema(depth + 1)];
                if self.draft7 {
                    m.insert("items".into(), Value::Array(tuple));
                    if self.rng.chance(50) {
                        m.insert("additionalItems".into(), self.schema(depth + 1));
                    }
                } else {
                    m.insert("prefixItems".into(), Value::Array(tuple));
                    if self.rng.chance(50) {
                        m.insert("items".into(), self.schema(depth + 1));
                    }
                }
            }
            1 => {}
            _ => {
                m.insert("items".into(), self.schema(depth + 1));
            }
        }
        if self.rng.chance(30) {
            m.insert("minItems".into(), json!(self.rng.below(3)));
        }
        if self.rng.chance(30) {
            m.insert("maxItems".into(), json!(1 + self.rng.below(4)));
        }
        if self.rng.chance(15) {
            m.insert("uniqueItems".into(), json!(true));
        }
        if self.rng.chance(12) {
            m.insert("contains".into(), self.leaf());
        }
        Value::Object(m)
    }

    fn document(&mut self) -> Value {
        let defs_kw = if self.draft7 { "definitions" } else { "$defs" };
        let prefix = format!("#/{defs_kw}/");
        let n = self.rng.below(3);
        let names: Vec<String> = (0..n).map(|i| format!("D{i}")).collect();
        self.defs = names.iter().map(|d| format!("{prefix}{d}")).collect();
        if self.rng.chance(15) {
            self.defs.push("#".to_string());
        }
        let mut defs = Map::new();
        for d in &names {
            let s = self.object(1);
            defs.insert(d.clone(), s);
        }
        let mut root = self.object(0);
        if let Value::Object(m) = &mut root {
            if !defs.is_empty() {
                m.insert(defs_kw.into(), Value::Object(defs));
            }
            if self.draft7 {
                m.insert(
                    "$schema".into(),
                    json!("http://json-schema.org/draft-07/schema#"),
                );
            }
        }
        root
    }
}

// ---------- mutation ----------

/// Every schema position (JSON pointer) of a generated document.
fn positions(v: &Value, ptr: String, out: &mut Vec<String>) {
    let Some(m) = v.as_object() else { return };
    out.push(ptr.clone());
    for (k, c) in m {
        match k.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" => {
                if let Some(mm) = c.as_object() {
                    for (n, s) in mm {
                        positions(
                            s,
                            format!("{ptr}/{k}/{}", n.replace('~', "~0").replace('/', "~1")),
                            out,
                        );
                    }
                }
            }
            "items" | "prefixItems" | "anyOf" | "oneOf" | "allOf" => match c {
                Value::Array(a) => {
                    for (i, s) in a.iter().enumerate() {
                        positions(s, format!("{ptr}/{k}/{i}"), out);
                    }
                }
                s => positions(s, format!("{ptr}/{k}"), out),
            },
            "additionalProperties" | "additionalItems" | "not" | "else" | "contains" => {
                positions(c, format!("{ptr}/{k}"), out)
            }
            _ => {}
        }
    }
}

fn mutate(g: &mut Gen<'_>, schema: &Value) -> Value {
    let mut s = schema.clone();
    let steps = 1 + g.rng.below(3);
    for _ in 0..steps {
        let mut ps = Vec::new();
        positions(&s, String::new(), &mut ps);
        let p = g.rng.pick(&ps).clone();
        let Some(Value::Object(m)) = s.pointer_mut(&p) else {
            continue;
        };
        match g.rng.below(16) {
            0 => {
                let v = m.get("minLength").and_then(Value::as_u64).unwrap_or(0);
                m.insert("minLength".into(), json!(v + 1));
            }
            1 => {
                if m.remove("maxLength").is_none() {
                    m.insert("maxLength".into(), json!(3));
                }
            }
            2 => {
                for kw in ["minimum", "maximum", "exclusiveMinimum", "x-weft-minimum"] {
                    if let Some(x) = m.get(kw).and_then(Value::as_f64) {
                        let d = if g.rng.chance(50) { 1.0 } else { -1.0 };
                        m.insert(kw.into(), json!(x + d));
                        break;
                    }
                }
                if g.rng.chance(30) {
                    m.insert("minimum".into(), json!(g.rng.below(3)));
                }
            }
            3 => {
                let t = g
                    .rng
                    .pick(&["string", "integer", "number", "object", "array", "null"]);
                m.insert("type".into(), json!(t));
            }
            4 => {
                if let Some(Value::Array(r)) = m.get_mut("required") {
                    if !r.is_empty() {
                        r.pop();
                        continue;
                    }
                }
                let n = *g.rng.pick(NAMES);
                m.insert("required".into(), json!([n]));
            }
            5 => {
                let n = *g.rng.pick(NAMES);
                let sub = g.leaf();
                let props = m.entry("properties").or_insert_with(|| json!({}));
                if let Some(pm) = props.as_object_mut() {
                    if pm.remove(n).is_none() {
                        pm.insert(n.into(), sub);
                    }
                }
            }
            6 => match m.get("additionalProperties") {
                Some(Value::Bool(false)) => {
                    m.remove("additionalProperties");
                }
                _ => {
                    m.insert("additionalProperties".into(), json!(false));
                }
            },
            7 => {
                if let Some(Value::Array(e)) = m.get_mut("enum") {
                    if g.rng.chance(50) && e.len() > 1 {
                        e.pop();
                    } else {
                        e.push(json!("z"));
                    }
                } else if m.contains_key("const") {
                    m.insert("const".into(), json!("b"));
                } else {
                    m.insert("enum".into(), json!(["a", 1, null]));
                }
            }
            8 => {
                if m.remove("pattern").is_none() {
                    m.insert("pattern".into(), json!(g.rng.pick(PATTERNS).0));
                }
            }
            9 => {
                if m.remove("format").is_none() {
                    m.insert("format".into(), json!(g.rng.pick(FORMATS).0));
                }
            }
            10 => {
                let v = m.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                m.insert("minItems".into(), json!(v + 1));
                if g.rng.chance(30) {
                    m.insert("uniqueItems".into(), json!(true));
                }
            }
            11 => {
                // Equivalent refactoring: move into allOf.
                let inner = Value::Object(m.clone());
                if !p.is_empty()
                    || (inner.get("$defs").is_none()
                        && inner.get("definitions").is_none()
                        && inner.get("$schema").is_none())
                {
                    let keep: Vec<String> = m
                        .keys()
                        .filter(|k| k.starts_with('$') || *k == "definitions")
                        .cloned()
                        .collect();
                    let mut moved = m.clone();
                    for k in &keep {
                        moved.remove(k);
                    }
                    m.retain(|k, _| keep.contains(k));
                    m.insert("allOf".into(), json!([Value::Object(moved)]));
                }
            }
            12 => {
                let wrapped = Value::Object(m.clone());
                if !p.is_empty() {
                    m.clear();
                    m.insert("anyOf".into(), json!([wrapped, { "type": "null" }]));
                }
            }
            13 => {
                if m.remove("not").is_none() {
                    m.insert("not".into(), g.leaf());
                }
            }
            14 => {
                let v = m.get("maxItems").and_then(Value::as_u64).unwrap_or(4);
                m.insert("maxItems".into(), json!(v.saturating_sub(1)));
            }
            _ => {
                if !p.is_empty() {
                    *m = g.schema(2).as_object().cloned().unwrap_or_default();
                }
            }
        }
    }
    s
}

// ---------- documents ----------

fn resolve<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    let mut cur = s;
    for _ in 0..8 {
        match cur.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                cur = root
                    .pointer(r.trim_start_matches('#'))
                    .unwrap_or(&Value::Bool(true))
            }
            None => break,
        }
    }
    cur
}

fn instance(rng: &mut Rng, root: &Value, s: &Value, depth: usize) -> Value {
    let s = resolve(root, s);
    if depth > 5 || rng.chance(4) {
        return random_value(rng, 1);
    }
    let Some(m) = s.as_object() else {
        return random_value(rng, 1);
    };
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(bs)) = m.get(key) {
            if !bs.is_empty() && rng.chance(70) {
                let b = rng.pick(bs).clone();
                return instance(rng, root, &b, depth + 1);
            }
        }
    }
    if let Some(c) = m.get("const") {
        return c.clone();
    }
    if let Some(Value::Array(e)) = m.get("enum") {
        if !e.is_empty() && rng.chance(85) {
            return rng.pick(e).clone();
        }
    }
    let t = match m.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) if !ts.is_empty() => {
            rng.pick(ts).as_str().unwrap_or("null").to_string()
        }
        _ => {
            if m.contains_key("properties") {
                "object".into()
            } else if m.contains_key("items") || m.contains_key("prefixItems") {
                "array".into()
            } else {
                rng.pick(&["string", "integer", "object", "array", "null"])
                    .to_string()
            }
        }
    };
    match t.as_str() {
        "null" => Value::Null,
        "boolean" => json!(rng.chance(50)),
        "integer" | "number" => {
            let mut cands: Vec<f64> = vec![0.0, 1.0, -1.0, 2.0, 6.0, 12.0];
            for kw in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
                if let Some(x) = m.get(kw).and_then(Value::as_f64) {
                    cands.extend([x, x - 1.0, x + 1.0, x.floor(), x.ceil()]);
                }
            }
            if let Some(x) = m.get("multipleOf").and_then(Value::as_f64) {
                cands.extend([x, 2.0 * x]);
            }
            if t == "number" {
                cands.extend([0.5, 2.5, -1.5]);
            }
            let x = *rng.pick(&cands);
            if x.fract() == 0.0 {
                json!(x as i64)
            } else {
                json!(x)
            }
        }
        "string" => {
            let mut cands: Vec<String> = vec![
                "".into(),
                "a".into(),
                "ab".into(),
                "abcdef".into(),
                "x y".into(),
                "7".into(),
            ];
            if let Some(p) = m.get("pattern").and_then(Value::as_str) {
                for (q, ex) in PATTERNS {
                    if *q == p {
                        cands.extend(ex.iter().map(|s| s.to_string()));
                    }
                }
            }
            if let Some(f) = m.get("format").and_then(Value::as_str) {
                for (q, ex) in FORMATS {
                    if *q == f {
                        cands.extend(ex.iter().map(|s| s.to_string()));
                    }
                }
            }
            for kw in ["x-weft-minimum", "x-weft-maximum"] {
                if let Some(x) = m.get(kw) {
                    let v = match x {
                        Value::String(s) => s.parse().unwrap_or(0.0),
                        o => o.as_f64().unwrap_or(0.0),
                    };
                    cands.extend([
                        format!("{}", v as i64),
                        format!("{}", v as i64 - 1),
                        format!("{}", v as i64 + 1),
                    ]);
                }
            }
            if let Some(n) = m.get("maxLength").and_then(Value::as_u64) {
                cands.push("q".repeat(n as usize));
                cands.push("q".repeat(n as usize + 1));
            }
            Value::String(rng.pick(&cands).clone())
        }
        "array" => {
            let mut n = rng.below(4);
            if let Some(x) = m.get("minItems").and_then(Value::as_u64) {
                if rng.chance(60) {
                    n = x as usize;
                }
            }
            let prefix = m
                .get("prefixItems")
                .or_else(|| m.get("items").filter(|i| i.is_array()));
            let rest = if m.get("items").is_some_and(Value::is_array) {
                m.get("additionalItems")
            } else {
                m.get("items")
            };
            let mut out = Vec::new();
            for i in 0..n {
                let sub = prefix
                    .and_then(|p| p.get(i))
                    .or(rest)
                    .cloned()
                    .unwrap_or(json!({}));
                out.push(instance(rng, root, &sub, depth + 1));
            }
            if let Some(c) = m.get("contains") {
                if rng.chance(60) {
                    out.push(instance(rng, root, c, depth + 1));
                }
            }
            if rng.chance(15) && !out.is_empty() {
                out.push(out[0].clone());
            }
            Value::Array(out)
        }
        _ => {
            let mut out = Map::new();
            let props = m
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let req: Vec<String> = m
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            for (k, sub) in &props {
                if req.contains(k) || rng.chance(60) {
                    out.insert(k.clone(), instance(rng, root, sub, depth + 1));
                }
            }
            for k in &req {
                if !out.contains_key(k) && rng.chance(85) {
                    out.insert(k.clone(), random_value(rng, 1));
                }
            }
            if rng.chance(25) {
                let n = *rng.pick(&["zz", "x-foo", "a", "b", "extra"]);
                out.insert(n.into(), random_value(rng, 1));
            }
            Value::Object(out)
        }
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 2 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => json!(rng.chance(50)),
        2 => json!(rng.below(10) as i64 - 3),
        3 => json!(*rng.pick(&[0.5, 2.5, -1.25])),
        4 => json!(*rng.pick(&["", "a", "abc", "2024-01-31", "12", "10.50", "x-1"])),
        5 => Value::Array(
            (0..rng.below(3))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.below(3) {
                m.insert(rng.pick(NAMES).to_string(), random_value(rng, depth + 1));
            }
            Value::Object(m)
        }
    }
}

// ---------- lenient domain (places), written independently of the engine ----------

fn same_level<'a>(root: &'a Value, start: Vec<&'a Value>, draft7: bool) -> Vec<&'a Value> {
    let mut out: Vec<&Value> = Vec::new();
    let mut todo = start;
    while let Some(s) = todo.pop() {
        if out.iter().any(|x| std::ptr::eq(*x, s)) {
            continue;
        }
        out.push(s);
        let Some(m) = s.as_object() else { continue };
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            if let Some(t) = root.pointer(r.trim_start_matches('#')) {
                todo.push(t);
            }
            if draft7 {
                continue;
            }
        }
        for k in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(a)) = m.get(k) {
                todo.extend(a.iter());
            }
        }
        for k in ["not", "if", "then", "else"] {
            if let Some(x) = m.get(k) {
                todo.push(x);
            }
        }
        for k in ["dependentSchemas", "dependencies"] {
            if let Some(Value::Object(d)) = m.get(k) {
                todo.extend(d.values().filter(|v| v.is_object() || v.is_boolean()));
            }
        }
    }
    out
}

fn in_domain(root: &Value, place: Vec<&Value>, doc: &Value, draft7: bool) -> bool {
    let place = same_level(root, place, draft7);
    let live: Vec<&Value> = place
        .iter()
        .copied()
        .filter(|s| !(draft7 && s.get("$ref").is_some()))
        .collect();
    match doc {
        Value::Object(m) => {
            for (k, v) in m {
                let declared = live
                    .iter()
                    .any(|s| s.get("properties").and_then(|p| p.get(k)).is_some());
                if !declared {
                    return false;
                }
                let mut next = Vec::new();
                for s in &live {
                    let mut matched = false;
                    if let Some(x) = s.get("properties").and_then(|p| p.get(k)) {
                        next.push(x);
                        matched = true;
                    }
                    if let Some(Value::Object(pp)) = s.get("patternProperties") {
                        for (pat, x) in pp {
                            if regex::Regex::new(pat).is_ok_and(|r| r.is_match(k)) {
                                next.push(x);
                                matched = true;
                            }
                        }
                    }
                    if !matched {
                        if let Some(x) = s.get("additionalProperties") {
                            next.push(x);
                        }
                    }
                }
                if !in_domain(root, next, v, draft7) {
                    return false;
                }
            }
            true
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let mut next = Vec::new();
                for s in &live {
                    let (pk, rk) = if draft7 {
                        ("items", "additionalItems")
                    } else {
                        ("prefixItems", "items")
                    };
                    match s.get(pk) {
                        Some(Value::Array(p)) if i < p.len() => next.push(&p[i]),
                        Some(Value::Array(_)) => next.extend(s.get(rk)),
                        _ => {
                            let k = if draft7 { "items" } else { rk };
                            next.extend(s.get(k).filter(|x| !x.is_array()));
                        }
                    }
                    next.extend(s.get("contains"));
                }
                if !in_domain(root, next, v, draft7) {
                    return false;
                }
            }
            true
        }
        _ => true,
    }
}

// ---------- the test ----------

#[derive(Default)]
struct Stats {
    pairs: usize,
    docs: usize,
    unknown: [usize; 2],
    compatible: [usize; 2],
    incompatible: [usize; 2],
    missed: [usize; 2],
    witnesses: usize,
    errors: usize,
}

fn run(profile: Profile, cases: u64, seed0: u64) -> Stats {
    let mut st = Stats::default();
    for case in 0..cases {
        let seed = seed0.wrapping_add(case);
        let mut rng = Rng(seed);
        let draft7 = rng.chance(25);
        let mut g = Gen {
            rng: &mut rng,
            draft7,
            defs: vec![],
        };
        let old = g.document();
        let new = if g.rng.chance(8) {
            old.clone()
        } else {
            mutate(&mut g, &old)
        };
        let (old, new) = if g.rng.chance(50) {
            (old, new)
        } else {
            (new, old)
        };
        let res = match compare(&old, &new, profile) {
            Ok(r) => r,
            Err(e) => {
                // Only genuinely looping references are refused.
                assert!(
                    e.to_string().contains("loops"),
                    "seed {seed}: compare failed: {e}\nold {old}\nnew {new}"
                );
                st.errors += 1;
                continue;
            }
        };
        st.pairs += 1;
        let vo = oracle(&old);
        let vn = oracle(&new);
        let lenient = profile == Profile::Lenient;
        for c in &res.changes {
            assert!(
                RULES.iter().any(|r| r.id == c.rule),
                "seed {seed}: unknown rule {}",
                c.rule
            );
            if let Some(w) = &c.witness {
                st.witnesses += 1;
                let (a, b) = (vo.is_valid(w), vn.is_valid(w));
                let ok = if c.backward == Verdict::Incompatible {
                    a && !b
                } else {
                    b && !a
                };
                assert!(
                    ok,
                    "seed {seed}: bad witness {w} for {c:?}\nold {old}\nnew {new}"
                );
                if lenient {
                    let src = if c.backward == Verdict::Incompatible {
                        &old
                    } else {
                        &new
                    };
                    assert!(
                        in_domain(src, vec![src], w, draft7),
                        "seed {seed}: witness outside the lenient domain {w}"
                    );
                }
            }
        }
        for (i, v) in [res.backward, res.forward].into_iter().enumerate() {
            match v {
                Verdict::Compatible => st.compatible[i] += 1,
                Verdict::Unknown => st.unknown[i] += 1,
                Verdict::Incompatible => st.incompatible[i] += 1,
            }
        }
        // Documents from both schemas, plus random ones.
        let mut docs = Vec::new();
        for _ in 0..30 {
            docs.push(instance(g.rng, &old, &old, 0));
            docs.push(instance(g.rng, &new, &new, 0));
        }
        for _ in 0..10 {
            docs.push(random_value(g.rng, 0));
        }
        for c in &res.changes {
            if let Some(w) = &c.witness {
                docs.push(w.clone());
            }
        }
        let mut found = [false, false];
        for d in &docs {
            st.docs += 1;
            let (a, b) = (vo.is_valid(d), vn.is_valid(d));
            if a && !b && (!lenient || in_domain(&old, vec![&old], d, draft7)) {
                found[0] = true;
                assert!(
                    res.backward != Verdict::Compatible,
                    "seed {seed}: backward claimed compatible, but {d} is valid under old and invalid under new\nold {old}\nnew {new}\n{res:#?}"
                );
            }
            if b && !a && (!lenient || in_domain(&new, vec![&new], d, draft7)) {
                found[1] = true;
                assert!(
                    res.forward != Verdict::Compatible,
                    "seed {seed}: forward claimed compatible, but {d} is valid under new and invalid under old\nold {old}\nnew {new}\n{res:#?}"
                );
            }
        }
        for (i, v) in [res.backward, res.forward].into_iter().enumerate() {
            if found[i] && v == Verdict::Unknown {
                st.missed[i] += 1;
            }
        }
    }
    st
}

fn cases() -> u64 {
    std::env::var("WEFT_COMPAT_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000)
}

fn seed() -> u64 {
    std::env::var("WEFT_COMPAT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

fn report(name: &str, st: &Stats) {
    let pct = |x: usize| 100.0 * x as f64 / st.pairs.max(1) as f64;
    println!(
        "{name}: {} pairs ({} refused as looping), {} documents, {} witnesses checked; backward C/I/U {:.1}%/{:.1}%/{:.1}%, forward C/I/U {:.1}%/{:.1}%/{:.1}%; Unknown where a document proves a break: backward {}, forward {}",
        st.pairs,
        st.errors,
        st.docs,
        st.witnesses,
        pct(st.compatible[0]),
        pct(st.incompatible[0]),
        pct(st.unknown[0]),
        pct(st.compatible[1]),
        pct(st.incompatible[1]),
        pct(st.unknown[1]),
        st.missed[0],
        st.missed[1],
    );
}

#[test]
fn strict_verdicts_agree_with_the_validator() {
    let st = run(Profile::Strict, cases(), seed());
    report("strict", &st);
}

#[test]
fn lenient_verdicts_agree_with_the_validator_on_declared_names() {
    let st = run(
        Profile::Lenient,
        cases() / 2,
        seed().wrapping_add(1_000_000),
    );
    report("lenient", &st);
}

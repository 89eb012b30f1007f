//! Regular expressions: compiling `pattern`s and producing strings that match one.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Compiles an ECMA-262 style pattern with the `regex` crate (None when it cannot).
pub fn compile(pattern: &str) -> Option<regex::Regex> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .ok()
}

/// A string matching `pattern`, stretched by about `extra` characters where repetition allows.
pub fn sample(pattern: &str, extra: usize) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(pattern)
        .ok()?;
    let mut out = String::new();
    let mut extra = extra;
    if gen(&hir, &mut extra, &mut out, 0) {
        Some(out)
    } else {
        None
    }
}

fn pick(c: &Class) -> Option<char> {
    match c {
        Class::Unicode(u) => {
            let ranges = u.ranges();
            for want in ['a', 'x', '0', '1', 'A'] {
                if ranges.iter().any(|r| r.start() <= want && want <= r.end()) {
                    return Some(want);
                }
            }
            for r in ranges {
                let c = r.start().max('!');
                if c <= r.end() {
                    return Some(c);
                }
            }
            ranges.first().map(|r| r.start())
        }
        Class::Bytes(b) => {
            let ranges = b.ranges();
            for want in [b'a', b'x', b'0', b'A'] {
                if ranges.iter().any(|r| r.start() <= want && want <= r.end()) {
                    return Some(char::from(want));
                }
            }
            ranges
                .first()
                .map(|r| char::from(r.start()))
                .filter(char::is_ascii)
        }
    }
}

fn gen(h: &Hir, extra: &mut usize, out: &mut String, depth: usize) -> bool {
    if depth > 64 || out.len() > 10_000 {
        return false;
    }
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(l) => match std::str::from_utf8(&l.0) {
            Ok(s) => {
                out.push_str(s);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(c) => match pick(c) {
            Some(ch) => {
                out.push(ch);
                true
            }
            None => false,
        },
        HirKind::Repetition(r) => {
            let mut n = r.min;
            let room = r.max.map_or(u32::MAX, |m| m - r.min);
            let more = (*extra).min(room as usize).min(1000) as u32;
            if more > 0 {
                n += more;
                *extra -= more as usize;
            }
            for _ in 0..n {
                if !gen(&r.sub, extra, out, depth + 1) {
                    return false;
                }
            }
            true
        }
        HirKind::Capture(c) => gen(&c.sub, extra, out, depth + 1),
        HirKind::Concat(hs) => hs.iter().all(|h| gen(h, extra, out, depth + 1)),
        HirKind::Alternation(hs) => {
            for h in hs {
                let mut attempt = String::new();
                let mut e = *extra;
                if gen(h, &mut e, &mut attempt, depth + 1) {
                    out.push_str(&attempt);
                    *extra = e;
                    return true;
                }
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_match() {
        for p in [
            "^[a-z]{3}$",
            "^-?[0-9]+(\\.[0-9]{1,2})?$",
            "^(ab|cd)+x*$",
            "foo",
            "^\\d{4}-\\d{2}$",
        ] {
            let r = compile(p).unwrap();
            for extra in [0, 3, 10] {
                let s = sample(p, extra).unwrap();
                assert!(r.is_match(&s), "{p} {s}");
            }
        }
        assert!(sample("^a{2,}$", 5).unwrap().len() >= 7);
    }
}

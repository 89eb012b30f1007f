//! Splits a body into top-level items before parsing, so that every item is
//! parsed on its own and one syntax error does not hide the next. Also bounds
//! nesting depth, because the parser is recursive.

/// Deepest nesting of brackets and interpolations accepted.
pub const MAX_DEPTH: usize = 64;

/// A problem found while splitting.
#[derive(Debug, PartialEq)]
pub enum SplitError {
    TooDeep { at: usize },
}

/// Byte ranges of the top-level items of `body`.
///
/// An item starts at a line whose first token, at nesting depth 0, is `let`
/// or a field path followed by a single `=`. Such a line indented no deeper
/// than the first item also starts an item inside an unclosed bracket, so an
/// unbalanced bracket does not swallow the items after it.
pub fn split_items(body: &str) -> Result<Vec<std::ops::Range<usize>>, SplitError> {
    let bytes = body.as_bytes();
    let mut starts = Vec::new();
    let mut depth: usize = 0;
    // Stack of open contexts: b'(' b'[' b'{' for brackets, b'"' for strings, b'i' for interpolations.
    let mut stack: Vec<u8> = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    let mut base_indent: Option<usize> = None;
    while i < bytes.len() {
        let b = bytes[i];
        let in_string = stack.last() == Some(&b'"');
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'{' => {
                    stack.push(b'i');
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(SplitError::TooDeep { at: i });
                    }
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        if line_start {
            let rest = &body[i..];
            let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            if starts_item(&rest[indent..]) {
                let recovering = depth > 0
                    && base_indent.is_some_and(|b| indent <= b)
                    && stack.iter().all(|c| *c != b'"');
                if depth == 0 || recovering {
                    base_indent.get_or_insert(indent);
                    starts.push(i + indent);
                    stack.clear();
                    depth = 0;
                }
            }
        }
        line_start = false;
        match b {
            b'\n' => line_start = true,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => stack.push(b'"'),
            b'(' | b'[' | b'{' => {
                stack.push(b);
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(SplitError::TooDeep { at: i });
                }
            }
            b')' | b']' | b'}' if stack.pop().is_some() => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        i += 1;
    }
    if starts.is_empty()
        || !body[..starts[0]].trim().is_empty() && !only_comments(&body[..starts[0]])
    {
        starts.insert(0, 0);
    }
    let mut out = Vec::new();
    for (n, &s) in starts.iter().enumerate() {
        let e = starts.get(n + 1).copied().unwrap_or(body.len());
        if !only_comments(&body[s..e]) {
            out.push(s..e);
        }
    }
    Ok(out)
}

fn only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

/// Whether a line starts with `let ` or `path.to.field =` (not `==`).
fn starts_item(line: &str) -> bool {
    if let Some(rest) = line.strip_prefix("let") {
        return rest.starts_with([' ', '\t']);
    }
    let b = line.as_bytes();
    let mut i = 0;
    loop {
        let s = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        if i == s || b[s].is_ascii_digit() {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            continue;
        }
        break;
    }
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i < b.len() && b[i] == b'=' && b.get(i + 1) != Some(&b'=') && b.get(i + 1) != Some(&b'>')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_top_level_assignments_only() {
        let body = "\n  id = \"SHOP-{source.id}\"\n  # comment\n  status = match x {\n    \"a\" => \"b\"\n  }\n  let t = 1\n  lines = xs.map(l -> {\n    sku = 1\n  })\n";
        let items: Vec<&str> = split_items(body)
            .unwrap()
            .into_iter()
            .map(|r| body[r].trim())
            .collect();
        assert_eq!(items.len(), 4, "{items:?}");
        assert!(items[0].starts_with("id ="));
        assert!(items[1].starts_with("status ="));
        assert!(items[2].starts_with("let t"));
        assert!(items[3].starts_with("lines ="));
    }

    #[test]
    fn braces_inside_strings_and_comments_do_not_count() {
        let body = "a = \"\\{ not a brace \\\" \\} {x}\" # }\nb = 2\n";
        assert_eq!(split_items(body).unwrap().len(), 2);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let body = format!("a = {}1{}", "(".repeat(100), ")".repeat(100));
        assert!(matches!(
            split_items(&body),
            Err(SplitError::TooDeep { .. })
        ));
        let body = format!("a = {}", "[".repeat(100_000));
        assert!(split_items(&body).is_err());
    }
}

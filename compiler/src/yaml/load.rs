//! Builds [`Node`] trees from saphyr-parser events.
//!
//! We drive the event parser ourselves (instead of a DOM loader) to keep byte
//! spans on every node and key, to reject duplicate keys, and to bound the
//! work a hostile file can cause: aliases are expanded against a node budget
//! (a "billion laughs" file fails at once) and nesting depth is capped.

use super::node::{Key, Node, NodeValue};
use crate::source::{FileId, Loc};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

/// Bounds on the work one file may cause.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: usize,
    /// Most nodes one file may produce, aliases expanded.
    pub max_nodes: usize,
    /// Deepest nesting of collections.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_nodes: 1_000_000,
            max_depth: 64,
        }
    }
}

/// One YAML document of a file.
#[derive(Debug)]
pub struct Document {
    pub root: Node,
    /// Index of the document in its file (0-based).
    pub index: usize,
    /// Entries left out because their key repeats an earlier one (reported
    /// as duplicates). Still scanned for secrets: their text is in the file.
    pub dropped: Vec<(Key, Node)>,
}

/// Why a file could not be loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub message: String,
    pub loc: Loc,
    /// A second location (the first occurrence of a duplicate key).
    pub related: Option<Loc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    Syntax,
    DuplicateKey,
    Limit,
}

/// Parses every document in `text`. Returns the documents read and the
/// errors: duplicate keys are reported and parsing goes on (the first value
/// is kept); a syntax error or exceeded limit stops the file.
pub fn load_documents(file: FileId, text: &str, limits: Limits) -> (Vec<Document>, Vec<YamlError>) {
    if text.len() > limits.max_file_bytes {
        let err = YamlError {
            kind: YamlErrorKind::Limit,
            message: format!(
                "file is {} bytes; spec files may be at most {} bytes",
                text.len(),
                limits.max_file_bytes
            ),
            loc: Loc::new(file, 0, 0),
            related: None,
        };
        return (Vec::new(), vec![err]);
    }
    let mut builder = Builder::new(file, text, limits);
    if let Err(e) = builder.run() {
        builder.errors.push(e);
    }
    (builder.documents, builder.errors)
}

enum Frame {
    Seq {
        anchor: usize,
        start: usize,
        items: Vec<Node>,
    },
    Map {
        anchor: usize,
        start: usize,
        entries: Vec<(Key, Node)>,
        /// Where each key is, by name, for finding repeats in linear time.
        seen: HashMap<String, Loc>,
        pending_key: Option<Key>,
        /// The pending key repeats an earlier one: its value is dropped.
        pending_duplicate: bool,
    },
}

struct Builder<'t> {
    file: FileId,
    text: &'t str,
    limits: Limits,
    /// Byte offset of each character, when the text is not pure ASCII.
    char_to_byte: Option<Vec<u32>>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    documents: Vec<Document>,
    /// Entries of the current document dropped because their key repeats.
    dropped: Vec<(Key, Node)>,
    errors: Vec<YamlError>,
}

impl<'t> Builder<'t> {
    fn new(file: FileId, text: &'t str, limits: Limits) -> Self {
        let char_to_byte = if text.is_ascii() {
            None
        } else {
            let mut v: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
            v.push(text.len() as u32);
            Some(v)
        };
        Builder {
            file,
            text,
            limits,
            char_to_byte,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            documents: Vec::new(),
            dropped: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.char_to_byte {
            None => char_index.min(self.text.len()),
            Some(v) => v
                .get(char_index)
                .map(|&b| b as usize)
                .unwrap_or(self.text.len()),
        }
    }

    fn loc(&self, span: &Span) -> Loc {
        Loc::new(
            self.file,
            self.byte(span.start.index()),
            self.byte(span.end.index()),
        )
    }

    fn error(&self, kind: YamlErrorKind, message: String, loc: Loc) -> YamlError {
        YamlError {
            kind,
            message,
            loc,
            related: None,
        }
    }

    fn run(&mut self) -> Result<(), YamlError> {
        let mut parser = Parser::new_from_str(self.text);
        let mut doc_index = 0;
        let mut root: Option<Node> = None;
        loop {
            let (event, span) = match parser.next() {
                None => break,
                Some(Ok(pair)) => pair,
                Some(Err(e)) => {
                    let at = self.byte(e.marker().index());
                    let loc = Loc::new(self.file, at, at);
                    return Err(self.error(
                        YamlErrorKind::Syntax,
                        format!("invalid YAML: {}", e.info()),
                        loc,
                    ));
                }
            };
            let loc = self.loc(&span);
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    root = None;
                    self.anchors.clear();
                }
                Event::DocumentEnd => {
                    let dropped = std::mem::take(&mut self.dropped);
                    if let Some(node) = root.take().filter(|n| n.value != NodeValue::Null) {
                        self.documents.push(Document {
                            root: node,
                            index: doc_index,
                            dropped,
                        });
                    }
                    doc_index += 1;
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let resolved = if style == ScalarStyle::Plain && tag.is_none() {
                        resolve_plain(&value)
                    } else if let Some(tag) = tag.as_ref().filter(|t| t.is_yaml_core_schema()) {
                        resolve_tagged(&tag.suffix, &value)
                    } else {
                        NodeValue::String(value.into_owned())
                    };
                    let node = Node {
                        value: resolved,
                        loc,
                    };
                    self.count(1, loc)?;
                    if anchor > 0 {
                        self.anchors.insert(anchor, (node.clone(), 1));
                    }
                    self.push_node(node, &mut root)?;
                }
                Event::Alias(id) => {
                    let Some((node, size)) = self.anchors.get(&id).cloned() else {
                        return Err(self.error(
                            YamlErrorKind::Syntax,
                            "alias refers to an unknown anchor".into(),
                            loc,
                        ));
                    };
                    self.count(size, loc)?;
                    self.push_node(node, &mut root)?;
                }
                Event::SequenceStart(anchor, _) => {
                    self.enter(loc)?;
                    self.stack.push(Frame::Seq {
                        anchor,
                        start: loc.start as usize,
                        items: Vec::new(),
                    });
                }
                Event::MappingStart(anchor, _) => {
                    self.enter(loc)?;
                    self.stack.push(Frame::Map {
                        anchor,
                        start: loc.start as usize,
                        entries: Vec::new(),
                        seen: HashMap::new(),
                        pending_key: None,
                        pending_duplicate: false,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let frame = self.stack.pop().expect("balanced events");
                    let (anchor, node) = match frame {
                        Frame::Seq {
                            anchor,
                            start,
                            items,
                        } => {
                            let end = items.last().map(|n| n.loc.end as usize).unwrap_or(start);
                            (
                                anchor,
                                Node {
                                    value: NodeValue::Seq(items),
                                    loc: Loc::new(self.file, start, end),
                                },
                            )
                        }
                        Frame::Map {
                            anchor,
                            start,
                            entries,
                            ..
                        } => {
                            let first = entries
                                .first()
                                .map(|(k, _)| k.loc.start as usize)
                                .unwrap_or(start);
                            let end = entries
                                .last()
                                .map(|(_, v)| v.loc.end as usize)
                                .unwrap_or(start);
                            (
                                anchor,
                                Node {
                                    value: NodeValue::Map(entries),
                                    loc: Loc::new(self.file, first.min(start), end),
                                },
                            )
                        }
                    };
                    if anchor > 0 {
                        let size = subtree_size(&node);
                        self.anchors.insert(anchor, (node.clone(), size));
                    }
                    self.push_node(node, &mut root)?;
                }
            }
        }
        Ok(())
    }

    fn enter(&mut self, loc: Loc) -> Result<(), YamlError> {
        self.count(1, loc)?;
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.error(
                YamlErrorKind::Limit,
                format!(
                    "nesting is deeper than {} levels; flatten the structure",
                    self.limits.max_depth
                ),
                loc,
            ));
        }
        Ok(())
    }

    fn count(&mut self, n: usize, loc: Loc) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(self.error(
                YamlErrorKind::Limit,
                format!(
                    "the file expands to more than {} YAML nodes (aliases included); \
                     anchors and aliases that multiply content are not accepted",
                    self.limits.max_nodes
                ),
                loc,
            ));
        }
        Ok(())
    }

    fn push_node(&mut self, node: Node, root: &mut Option<Node>) -> Result<(), YamlError> {
        let file = self.file;
        match self.stack.last_mut() {
            None => {
                *root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map {
                entries,
                seen,
                pending_key,
                pending_duplicate,
                ..
            }) => match pending_key.take() {
                Some(key) => {
                    if std::mem::take(pending_duplicate) {
                        self.dropped.push((key, node));
                    } else {
                        entries.push((key, node));
                    }
                    Ok(())
                }
                None => {
                    let name = match &node.value {
                        NodeValue::String(s) | NodeValue::Number(s) => s.clone(),
                        NodeValue::Bool(b) => b.to_string(),
                        NodeValue::Null => "null".to_string(),
                        NodeValue::Seq(_) | NodeValue::Map(_) => {
                            return Err(YamlError {
                                kind: YamlErrorKind::Syntax,
                                message:
                                    "a mapping key must be a plain value, not a list or mapping"
                                        .into(),
                                loc: node.loc,
                                related: None,
                            })
                        }
                    };
                    if let Some(first) = seen.get(&name) {
                        self.errors.push(YamlError {
                            kind: YamlErrorKind::DuplicateKey,
                            message: format!("duplicate key `{name}`"),
                            loc: Loc::new(file, node.loc.start as usize, node.loc.end as usize),
                            related: Some(*first),
                        });
                        *pending_duplicate = true;
                    } else {
                        seen.insert(name.clone(), node.loc);
                    }
                    *pending_key = Some(Key {
                        name,
                        loc: node.loc,
                    });
                    Ok(())
                }
            },
        }
    }
}

fn subtree_size(node: &Node) -> usize {
    match &node.value {
        NodeValue::Seq(items) => 1 + items.iter().map(subtree_size).sum::<usize>(),
        NodeValue::Map(entries) => {
            1 + entries
                .iter()
                .map(|(_, v)| 1 + subtree_size(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// Resolves a plain scalar with the YAML 1.2 core schema.
fn resolve_plain(s: &str) -> NodeValue {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "true" | "True" | "TRUE" => return NodeValue::Bool(true),
        "false" | "False" | "FALSE" => return NodeValue::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "-.inf" | ".nan" | ".NaN" | ".NAN" => {
            return NodeValue::Number(s.to_string())
        }
        _ => {}
    }
    if is_core_int(s) || is_core_float(s) {
        NodeValue::Number(s.to_string())
    } else {
        NodeValue::String(s.to_string())
    }
}

fn resolve_tagged(suffix: &str, s: &str) -> NodeValue {
    match suffix {
        "null" => NodeValue::Null,
        "bool" => match resolve_plain(s) {
            b @ NodeValue::Bool(_) => b,
            _ => NodeValue::String(s.to_string()),
        },
        "int" | "float" => NodeValue::Number(s.to_string()),
        _ => NodeValue::String(s.to_string()),
    }
}

fn is_core_int(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if let Some(hex) = s.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit())
}

fn is_core_float(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (!int.is_empty() || !frac.is_empty())
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
        }
    };
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Vec<Document>, Option<YamlError>) {
        let (docs, errs) = load_documents(FileId(0), text, Limits::default());
        (docs, errs.into_iter().next())
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = "kind: contract\nname: Order\nfields:\n  id: { type: string }\n";
        let (docs, err) = load(text);
        assert!(err.is_none(), "{err:?}");
        let root = &docs[0].root;
        let (key, value) = root.entry("name").unwrap();
        assert_eq!(&text[key.loc.range()], "name");
        assert_eq!(&text[value.loc.range()], "Order");
        let ty = root
            .get("fields")
            .unwrap()
            .get("id")
            .unwrap()
            .get("type")
            .unwrap();
        assert_eq!(&text[ty.loc.range()], "string");
    }

    #[test]
    fn spans_are_bytes_after_multibyte_text() {
        let text = "description: «Größe»\nname: x\n";
        let (docs, _) = load(text);
        let v = docs[0].root.get("name").unwrap();
        assert_eq!(&text[v.loc.range()], "x");
    }

    #[test]
    fn several_documents() {
        let (docs, err) = load("kind: a\n---\nkind: b\n---\n");
        assert!(err.is_none());
        let kinds: Vec<_> = docs
            .iter()
            .map(|d| d.root.get_str("kind").unwrap())
            .collect();
        assert_eq!(kinds, ["a", "b"]);
    }

    #[test]
    fn core_schema_scalars() {
        let (docs, _) = load("a: 2.1\nb: 2.1.0\nc: '1'\nd: true\ne: ~\nf: 2027-06-30\ng: 0x1F\n");
        let r = &docs[0].root;
        assert_eq!(r.get("a").unwrap().value, NodeValue::Number("2.1".into()));
        assert_eq!(r.get("b").unwrap().as_str(), Some("2.1.0"));
        assert_eq!(r.get("c").unwrap().as_str(), Some("1"));
        assert_eq!(r.get("d").unwrap().as_bool(), Some(true));
        assert_eq!(r.get("e").unwrap().value, NodeValue::Null);
        assert_eq!(r.get("f").unwrap().as_str(), Some("2027-06-30"));
        assert_eq!(r.get("g").unwrap().to_json(), serde_json::json!(31));
    }

    #[test]
    fn duplicate_keys_are_rejected_with_both_spans() {
        let text = "name: a\nkind: b\nname: c\n";
        let (_, err) = load(text);
        let err = err.unwrap();
        assert_eq!(err.kind, YamlErrorKind::DuplicateKey);
        assert_eq!(err.loc.start, 16);
        assert_eq!(err.related.unwrap().start, 0);
    }

    #[test]
    fn parsing_goes_on_after_a_duplicate_key() {
        let (docs, errs) = load_documents(
            FileId(0),
            "a: 1\na: 2\nb: 3\n---\nkind: x\n",
            Limits::default(),
        );
        assert_eq!(errs.len(), 1);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].root.get("a").unwrap().as_u64(), Some(1));
        assert_eq!(docs[0].root.get("b").unwrap().as_u64(), Some(3));
    }

    #[test]
    fn syntax_error_has_a_position() {
        let (_, err) = load("a: [1, 2\nb: c\n");
        let err = err.unwrap();
        assert_eq!(err.kind, YamlErrorKind::Syntax);
        assert!(err.message.starts_with("invalid YAML"));
    }

    #[test]
    fn billion_laughs_fails_fast() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let mut prev = 'a';
        for name in 'b'..='j' {
            text.push_str(&format!(
                "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
            prev = name;
        }
        let started = std::time::Instant::now();
        let (_, err) = load(&text);
        assert_eq!(err.unwrap().kind, YamlErrorKind::Limit);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let text = "[".repeat(100_000);
        let (_, err) = load(&text);
        assert!(err.is_some());
        let text = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let (_, err) = load(&text);
        assert_eq!(err.unwrap().kind, YamlErrorKind::Limit);
    }

    #[test]
    fn oversized_file_is_refused() {
        let limits = Limits {
            max_file_bytes: 10,
            ..Limits::default()
        };
        let (_, errs) = load_documents(FileId(0), "a: 1234567890\n", limits);
        assert_eq!(errs[0].kind, YamlErrorKind::Limit);
    }

    #[test]
    fn locate_follows_pointers() {
        let (docs, _) = load("steps:\n  - map: x\n  - deliver: y\n");
        let (node, key) = docs[0].root.locate("/steps/1/deliver");
        assert_eq!(node.as_str(), Some("y"));
        assert_eq!(key.unwrap().name, "deliver");
    }
}

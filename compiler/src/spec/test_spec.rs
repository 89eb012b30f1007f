//! `kind: test`: example-based tests of a mapping.

use crate::source::Spanned;
use crate::spec::{spanned_str, Meta};
use crate::yaml::Node;
use serde_json::Value;

/// A payload given inline or as a file beside the spec.
#[derive(Clone, Debug)]
pub enum Fixture {
    File(Spanned<String>),
    Value(Value),
}

impl Fixture {
    fn decode(node: &Node) -> Option<Fixture> {
        if let Some(f) = spanned_str(node, "file") {
            return Some(Fixture::File(f));
        }
        node.get("value").map(|v| Fixture::Value(v.to_json()))
    }
}

#[derive(Clone, Debug)]
pub struct TestCase {
    pub name: Spanned<String>,
    pub input: Option<Fixture>,
    pub expect: Option<Fixture>,
    pub expect_error: Option<Value>,
}

#[derive(Clone, Debug)]
pub struct TestSpec {
    pub meta: Meta,
    pub mapping: Option<Spanned<String>>,
    pub cases: Vec<TestCase>,
}

impl TestSpec {
    pub fn decode(doc: &Node, meta: Meta) -> TestSpec {
        let cases = doc
            .get("cases")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .map(|c| TestCase {
                name: spanned_str(c, "name").unwrap_or_else(|| Spanned::new(String::new(), c.loc)),
                input: c.get("input").and_then(Fixture::decode),
                expect: c.get("expect").and_then(Fixture::decode),
                expect_error: c.get("expect_error").map(Node::to_json),
            })
            .collect();
        TestSpec {
            mapping: spanned_str(doc, "mapping"),
            cases,
            meta,
        }
    }

    /// Every fixture file the test reads.
    pub fn fixture_files(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.cases
            .iter()
            .flat_map(|c| [c.input.as_ref(), c.expect.as_ref()])
            .filter_map(|f| match f {
                Some(Fixture::File(p)) => Some(p),
                _ => None,
            })
    }
}

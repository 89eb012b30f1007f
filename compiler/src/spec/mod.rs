//! The typed model of every spec kind, decoded from spanned YAML.
//!
//! Decoding is lenient: a document is first validated against the spec-format
//! JSON Schema (which reports structural problems), then read here taking what
//! is well-formed, so one mistake does not hide every other finding.

pub mod contract;
pub mod flow;
pub mod function;
pub mod manifest;
pub mod mapping;
pub mod ownership;
pub mod policy;
pub mod refs;
pub mod shape;
pub mod system;
pub mod table;
pub mod test_spec;

use crate::source::{FileId, Loc, Origin, Spanned};
use crate::yaml::Node;
use refs::ContractRef;

/// What every named spec has.
#[derive(Clone, Debug)]
pub struct Meta {
    pub name: Spanned<String>,
    pub description: Option<String>,
    /// The whole document.
    pub loc: Loc,
    pub file: FileId,
    pub origin: Origin,
    /// Whether the document passed structural validation (rules that could
    /// misfire on half-read documents skip invalid ones).
    pub valid: bool,
    /// The document as written (`None` for `.weft` items): what the plan
    /// records of systems and policies.
    pub doc: Option<std::sync::Arc<Node>>,
}

impl Meta {
    /// Reads `name` and `description` of a document.
    pub fn read(doc: &Node, origin: &Origin, valid: bool) -> Meta {
        let name = spanned_str(doc, "name")
            .unwrap_or_else(|| Spanned::new(String::new(), doc.key_loc("kind")));
        Meta {
            name,
            description: doc.get_str("description").map(str::to_string),
            loc: doc.loc,
            file: doc.loc.file,
            origin: origin.clone(),
            valid,
            doc: Some(std::sync::Arc::new(doc.clone())),
        }
    }

    pub fn is_workspace(&self) -> bool {
        self.origin == Origin::Workspace
    }
}

/// The string under `key`, with its location.
pub fn spanned_str(node: &Node, key: &str) -> Option<Spanned<String>> {
    let v = node.get(key)?;
    v.as_str().map(|s| Spanned::new(s.to_string(), v.loc))
}

/// The contract reference under `key`. A malformed reference is kept unparsed
/// (the resolver reports it with its precise message).
pub fn contract_ref(node: &Node, key: &str) -> Option<RefSlot> {
    spanned_str(node, key).map(RefSlot::new)
}

/// A contract reference as written, and its parse.
#[derive(Clone, Debug)]
pub struct RefSlot {
    pub text: Spanned<String>,
    pub parsed: Result<ContractRef, String>,
}

impl RefSlot {
    pub fn new(text: Spanned<String>) -> RefSlot {
        let parsed = ContractRef::parse(&text.value);
        RefSlot { text, parsed }
    }

    pub fn loc(&self) -> Loc {
        self.text.loc
    }

    pub fn get(&self) -> Option<&ContractRef> {
        self.parsed.as_ref().ok()
    }
}

/// Every spec of a compilation, by kind.
#[derive(Debug, Default)]
pub struct Specs {
    pub contracts: Vec<contract::Contract>,
    pub systems: Vec<system::System>,
    pub ownership: Vec<ownership::Ownership>,
    pub policies: Vec<policy::Policy>,
    pub flows: Vec<flow::Flow>,
    pub mappings: Vec<mapping::Mapping>,
    pub tests: Vec<test_spec::TestSpec>,
    pub tables: Vec<table::Table>,
    pub functions: Vec<function::UserFunction>,
}

/// Spec kinds that documents may declare with `kind:`.
pub const KINDS: [&str; 8] = [
    "contract",
    "system",
    "ownership",
    "policy",
    "flow",
    "mapping",
    "test",
    "table",
];

//! `weft.yaml`: the workspace (or package) manifest.

use crate::source::{Loc, Spanned};
use crate::spec::spanned_str;
use crate::yaml::Node;

/// One entry of `imports:`.
#[derive(Clone, Debug)]
pub enum Import {
    /// `std/NAME@MAJOR` from weft's standard library.
    Std { name: String, major: u64, loc: Loc },
    /// A folder with its own `weft.yaml`.
    Path(Spanned<String>),
    /// Not understood; reported by structural validation or the import resolver.
    Invalid(Spanned<String>),
}

/// The compatibility profile used by `weft diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CompatProfile {
    #[default]
    Lenient,
    Strict,
}

#[derive(Clone, Debug)]
pub struct Manifest {
    /// `workspace:` or `package:` value.
    pub name: Spanned<String>,
    pub is_package: bool,
    pub imports: Vec<Import>,
    /// `lint:` entries: rule id and level, as written.
    pub lint: Vec<(Spanned<String>, Spanned<String>)>,
    pub compat: CompatProfile,
    pub exclude: Vec<Spanned<String>>,
    pub loc: Loc,
}

impl Manifest {
    pub fn decode(doc: &Node) -> Manifest {
        let (name, is_package) = match spanned_str(doc, "workspace") {
            Some(n) => (n, false),
            None => (
                spanned_str(doc, "package").unwrap_or_else(|| Spanned::new(String::new(), doc.loc)),
                true,
            ),
        };
        let imports = doc
            .get("imports")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .map(|i| match (i.as_str(), spanned_str(i, "path")) {
                (Some(s), _) => parse_std(s, i.loc)
                    .unwrap_or_else(|| Import::Invalid(Spanned::new(s.to_string(), i.loc))),
                (None, Some(p)) => Import::Path(p),
                _ => Import::Invalid(Spanned::new(String::new(), i.loc)),
            })
            .collect();
        let lint = doc
            .get("lint")
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    Spanned::new(k.name.clone(), k.loc),
                    Spanned::new(v.as_str()?.to_string(), v.loc),
                ))
            })
            .collect();
        let compat = match doc.get_str("compat") {
            Some("strict") => CompatProfile::Strict,
            _ => CompatProfile::Lenient,
        };
        let exclude = doc
            .get("exclude")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| Some(Spanned::new(e.as_str()?.to_string(), e.loc)))
            .collect();
        Manifest {
            name,
            is_package,
            imports,
            lint,
            compat,
            exclude,
            loc: doc.loc,
        }
    }
}

fn parse_std(s: &str, loc: Loc) -> Option<Import> {
    let rest = s.strip_prefix("std/")?;
    let (name, major) = rest.split_once('@')?;
    Some(Import::Std {
        name: name.to_string(),
        major: major.parse().ok()?,
        loc,
    })
}

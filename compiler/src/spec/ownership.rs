//! `kind: ownership`: which system is the record for each domain and field.

use crate::source::{Loc, Spanned};
use crate::spec::{spanned_str, Meta};
use crate::yaml::Node;

/// A domain's system of record.
#[derive(Clone, Debug)]
pub struct DomainRule {
    pub domain: Spanned<String>,
    pub record: Option<Spanned<String>>,
    pub originators: Vec<Spanned<String>>,
}

/// A field's system of record: `Order.status: erp`.
#[derive(Clone, Debug)]
pub struct FieldRule {
    /// `Contract.field` as written.
    pub path: Spanned<String>,
    pub system: Spanned<String>,
}

impl FieldRule {
    /// The contract name and field path, split at the first `.` that starts a lowercase segment.
    pub fn split(&self) -> Option<(&str, &str)> {
        let p = self.path.value.as_str();
        let mut offset = 0;
        for seg in p.split('.') {
            if offset > 0 && seg.chars().next().is_some_and(|c| !c.is_ascii_uppercase()) {
                return Some((&p[..offset - 1], &p[offset..]));
            }
            offset += seg.len() + 1;
        }
        None
    }
}

#[derive(Clone, Debug)]
pub struct Ownership {
    pub meta: Meta,
    pub domains: Vec<DomainRule>,
    pub fields: Vec<FieldRule>,
}

impl Ownership {
    pub fn decode(doc: &Node, meta: Meta) -> Ownership {
        let domains = doc
            .get("domains")
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| DomainRule {
                domain: Spanned::new(k.name.clone(), k.loc),
                record: spanned_str(v, "record"),
                originators: v
                    .get("originators")
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|o| Some(Spanned::new(o.as_str()?.to_string(), o.loc)))
                    .collect(),
            })
            .collect();
        let fields = doc
            .get("fields")
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(|(k, v)| {
                Some(FieldRule {
                    path: Spanned::new(k.name.clone(), k.loc),
                    system: Spanned::new(v.as_str()?.to_string(), v.loc),
                })
            })
            .collect();
        Ownership {
            meta,
            domains,
            fields,
        }
    }

    pub fn domain_loc(&self, domain: &str) -> Option<Loc> {
        self.domains
            .iter()
            .find(|d| d.domain.value == domain)
            .map(|d| d.domain.loc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Loc;

    fn rule(p: &str) -> FieldRule {
        FieldRule {
            path: Spanned::new(p.into(), Loc::default()),
            system: Spanned::new("erp".into(), Loc::default()),
        }
    }

    #[test]
    fn splits_dotted_contract_names() {
        assert_eq!(rule("Order.status").split(), Some(("Order", "status")));
        assert_eq!(
            rule("shopify.Order.customer.id").split(),
            Some(("shopify.Order", "customer.id"))
        );
        assert_eq!(rule("Order").split(), None);
    }
}

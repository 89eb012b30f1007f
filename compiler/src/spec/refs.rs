//! References between specs: `Name@MAJOR` for contracts, `system.endpoint` for endpoints.

use std::fmt;

/// A reference to a contract by name and (normally) major version.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContractRef {
    pub name: String,
    /// `None` for an unpinned reference (`Order`), which resolves to the newest major.
    pub major: Option<u64>,
}

impl fmt::Display for ContractRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.major {
            Some(m) => write!(f, "{}@{m}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// Whether `s` is a contract name (`Order`, `shopify.Order`).
pub fn is_contract_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

impl ContractRef {
    /// Parses `Name@MAJOR` (or an unpinned `Name`). The error says what is wrong and how to write it.
    pub fn parse(s: &str) -> Result<ContractRef, String> {
        let (name, version) = match s.split_once('@') {
            Some((n, v)) => (n, Some(v)),
            None => (s, None),
        };
        if !is_contract_name(name) {
            return Err(format!(
                "`{s}` is not a contract reference: write `Name@MAJOR`, e.g. `Order@2` or `shopify.Order@1`"
            ));
        }
        let major = match version {
            None => None,
            Some(v) => match v.parse::<u64>() {
                Ok(m) => Some(m),
                Err(_) => {
                    let hint = v
                        .split('.')
                        .next()
                        .filter(|m| m.parse::<u64>().is_ok())
                        .map(|m| format!(": write `{name}@{m}`"))
                        .unwrap_or_default();
                    return Err(format!(
                        "`{s}` must pin a major version only{hint} (references name a major; minor and patch versions are compatible by definition)"
                    ));
                }
            },
        };
        Ok(ContractRef {
            name: name.to_string(),
            major,
        })
    }
}

/// A reference to an endpoint of a system: `erp.create_sales_order`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EndpointRef {
    pub system: String,
    pub endpoint: String,
}

impl EndpointRef {
    pub fn parse(s: &str) -> Option<EndpointRef> {
        let (system, endpoint) = s.split_once('.')?;
        Some(EndpointRef {
            system: system.to_string(),
            endpoint: endpoint.to_string(),
        })
    }
}

impl fmt::Display for EndpointRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.system, self.endpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pinned_and_unpinned() {
        assert_eq!(
            ContractRef::parse("shopify.Order@1").unwrap(),
            ContractRef {
                name: "shopify.Order".into(),
                major: Some(1)
            }
        );
        assert_eq!(ContractRef::parse("Order").unwrap().major, None);
    }

    #[test]
    fn full_versions_get_a_precise_hint() {
        let err = ContractRef::parse("Order@2.1.0").unwrap_err();
        assert!(err.contains("write `Order@2`"), "{err}");
        assert!(ContractRef::parse("Order@").is_err());
        assert!(ContractRef::parse("1Order@1").is_err());
    }
}

//! Reading `Link` headers (RFC 8288): `<URL>; rel="next", <URL>; rel="last"`.
//! Written here because it is one small grammar; the crates that parse it
//! pull in more than they save.

/// The target of the first link in `values` (each a `Link` header's value)
/// whose `rel` names `relation` (case-insensitively; `rel` may list several
/// relations separated by spaces). Targets are returned as written.
pub fn target(values: &[&str], relation: &str) -> Option<String> {
    values.iter().find_map(|v| {
        links(v).into_iter().find_map(|(url, rels)| {
            rels.split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case(relation))
                .then_some(url)
        })
    })
}

/// `(target, rel)` of every link in one header value; a malformed link
/// ends the list (what came before it is kept).
fn links(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let Some(after) = rest.strip_prefix('<') else {
            return out;
        };
        let Some(end) = after.find('>') else {
            return out;
        };
        let url = after[..end].trim().to_string();
        rest = &after[end + 1..];
        let mut rel = String::new();
        // Parameters: `; name=token` or `; name="quoted, maybe with ; and ,"`.
        loop {
            rest = rest.trim_start();
            let Some(after) = rest.strip_prefix(';') else {
                break;
            };
            let after = after.trim_start();
            let name_end = after.find(['=', ';', ',']).unwrap_or(after.len());
            let name = after[..name_end].trim();
            rest = &after[name_end..];
            let mut value = String::new();
            if let Some(v) = rest.strip_prefix('=') {
                let v = v.trim_start();
                if let Some(quoted) = v.strip_prefix('"') {
                    let mut chars = quoted.char_indices();
                    let mut close = quoted.len();
                    while let Some((i, c)) = chars.next() {
                        match c {
                            '\\' => {
                                if let Some((_, escaped)) = chars.next() {
                                    value.push(escaped);
                                }
                            }
                            '"' => {
                                close = i + 1;
                                break;
                            }
                            c => value.push(c),
                        }
                    }
                    rest = &quoted[close.min(quoted.len())..];
                } else {
                    let end = v.find([';', ',']).unwrap_or(v.len());
                    value = v[..end].trim().to_string();
                    rest = &v[end..];
                }
            }
            if name.eq_ignore_ascii_case("rel") && rel.is_empty() {
                rel = value;
            }
        }
        out.push((url, rel));
    }
}

#[cfg(test)]
mod tests {
    use super::target;

    #[test]
    fn finds_the_relation_among_several_links() {
        let shopify = r#"<https://shop.example/admin/api/2024-01/orders.json?limit=50&page_info=abc>; rel="previous", <https://shop.example/admin/api/2024-01/orders.json?limit=50&page_info=def>; rel="next""#;
        assert_eq!(
            target(&[shopify], "next").as_deref(),
            Some("https://shop.example/admin/api/2024-01/orders.json?limit=50&page_info=def")
        );
        assert_eq!(
            target(&[shopify], "previous").as_deref(),
            Some("https://shop.example/admin/api/2024-01/orders.json?limit=50&page_info=abc")
        );
        assert_eq!(target(&[shopify], "last"), None);
    }

    #[test]
    fn reads_unquoted_and_multiple_relations_other_parameters_and_several_headers() {
        assert_eq!(
            target(&["</p/2>;rel=next"], "NEXT").as_deref(),
            Some("/p/2")
        );
        let v = r#"</a>; title="a; b, c"; rel="last next", </b>; rel=prev"#;
        assert_eq!(target(&[v], "next").as_deref(), Some("/a"));
        assert_eq!(target(&[v], "prev").as_deref(), Some("/b"));
        assert_eq!(
            target(&["</x>; rel=prev", "</y>; rel=next"], "next").as_deref(),
            Some("/y")
        );
    }

    #[test]
    fn malformed_values_find_nothing_rather_than_fail() {
        for v in [
            "",
            "garbage",
            "<unclosed; rel=next",
            "</a>; rel",
            "</a>; rel=",
        ] {
            assert_eq!(target(&[v], "next"), None, "{v}");
        }
        // An unclosed quote runs to the end of the value.
        assert_eq!(
            target(&[r#"</a>; rel="next"#], "next").as_deref(),
            Some("/a")
        );
    }
}

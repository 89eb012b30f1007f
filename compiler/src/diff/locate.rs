//! From a place in a contract's JSON Schema (a JSON pointer) back to the
//! spec text: the field of weft's field syntax, or the node of a schema
//! written inline in YAML. A schema read from a separate file points at the
//! contract's `schema:` key.

use crate::source::Loc;
use crate::spec::contract::{Contract, ContractBody};
use crate::spec::shape::{Field, FieldType, Object};

/// The closest place in the spec text for `pointer` in `contract`'s schema.
pub fn locate(contract: &Contract, pointer: Option<&str>) -> Loc {
    let fallback = contract.meta.name.loc;
    let Some(pointer) = pointer else {
        return fallback;
    };
    match &contract.body {
        ContractBody::Fields => in_fields(&contract.shape, pointer).unwrap_or(fallback),
        ContractBody::JsonSchema { .. } => {
            let Some(doc) = contract.meta.doc.as_ref() else {
                return fallback;
            };
            let Some((key, schema)) = doc.entry("schema") else {
                return fallback;
            };
            if schema.get("$ref").is_some() && schema.as_map().is_some_and(|m| m.len() == 1) {
                return key.loc;
            }
            let (node, via) = schema.locate(pointer);
            via.map_or(node.loc, |k| k.loc)
        }
        ContractBody::Invalid => fallback,
    }
}

/// Follows `properties/NAME` and `items` through the field model.
fn in_fields(shape: &Object, pointer: &str) -> Option<Loc> {
    let mut segments = pointer.split('/').skip(1).peekable();
    let mut object = Some(shape);
    let mut field: Option<&Field> = None;
    while let Some(seg) = segments.next() {
        match seg {
            "properties" => {
                let name = segments.next()?.replace("~1", "/").replace("~0", "~");
                let Some(found) = object.and_then(|o| o.fields.iter().find(|(n, _)| *n == name))
                else {
                    break;
                };
                field = Some(&found.1);
                object = element_object(&found.1);
            }
            "items" => {
                let Some(FieldType::Array(item)) = field.map(|f| &f.ty) else {
                    break;
                };
                field = Some(item);
                object = element_object(item);
            }
            _ => break,
        }
    }
    field.map(|f| f.loc)
}

fn element_object(f: &Field) -> Option<&Object> {
    match &f.ty {
        FieldType::Object(o) => Some(o),
        FieldType::Array(item) => element_object(item),
        _ => None,
    }
}

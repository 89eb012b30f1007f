//! The benchmark's order mapping (see `order.rs`) written in jq and run by
//! jaq, compiled once and run per order: JSON text in, JSON text out.
//!
//! Money: jq numbers are `f64` once arithmetic touches them. Prices arrive
//! as strings and are read with `tonumber`, so `line_total` is computed in
//! floating point: `5.14 * 3` is `15.419999999999998`, and without rounding
//! 37 of the 200 lines of the largest benchmark input disagree with the
//! decimal result. The program therefore rounds `line_total` to 2 places
//! (`* 100 | round / 100`). `unit_price`, `discount` and `total` are copied
//! through as the source's strings, untouched.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{data, unwrap_valr, Compiler, Ctx, Vars};
use jaq_json::Val;

/// The jq program.
pub const JQ: &str = r#"
def statuses: {paid: "confirmed", pending: "pending", authorized: "pending"};

{
  id: "SHOP-\(.id)",
  number: .name,
  customer_id: (.customer.id // error("order has no customer")),
  customer: "\(.customer.first_name) \(.customer.last_name)",
  email: (.email | ascii_downcase),
  ship_to: {
    name: .shipping_address.name,
    line1: .shipping_address.address1,
    city: .shipping_address.city,
    postal_code: .shipping_address.zip,
    country: (.shipping_address.country_code | ascii_upcase)
  },
  tags: (.tags | split(", ")),
  status: (statuses[.financial_status] // "held"),
  lines: (.line_items | map({
    sku,
    title,
    quantity,
    unit_price: .price,
    discount: .total_discount,
    line_total: (((.price | tonumber) * .quantity - (.total_discount | tonumber)) * 100 | round / 100)
  })),
  total: .total_price
}
"#;

type Data = data::JustLut<Val>;

/// The jq program, compiled once.
pub struct JaqMapping {
    filter: jaq_core::Filter<Data>,
}

impl JaqMapping {
    /// Parses and compiles [`JQ`] with jaq's core, standard and JSON libraries.
    pub fn compile() -> JaqMapping {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let modules = Loader::new(defs)
            .load(&arena, File { code: JQ, path: () })
            .unwrap_or_else(|errs| panic!("the benchmark jq program parses: {errs:?}"));
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .unwrap_or_else(|errs| panic!("the benchmark jq program compiles: {errs:?}"));
        JaqMapping { filter }
    }

    /// JSON text in, JSON text out. The program must yield exactly one value.
    pub fn run(&self, input: &str) -> Result<String, String> {
        let input = jaq_json::read::parse_single(input.as_bytes()).map_err(|e| e.to_string())?;
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        let mut outputs = self.filter.id.run((ctx, input)).map(unwrap_valr);
        match (outputs.next(), outputs.next()) {
            (Some(Ok(out)), None) => Ok(out.to_string()),
            (Some(Err(e)), _) => Err(e.to_string()),
            (None, _) => Err("the jq program yielded no value".into()),
            (Some(Ok(_)), Some(_)) => Err("the jq program yielded several values".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn behaves_like_the_hand_written_mapping() {
        let m = super::JaqMapping::compile();
        crate::order::check_engine(|t| m.run(t));
    }
}

//! The realistic mapping of the benchmark: a Shopify-style order (ids,
//! names, address, per-line price, quantity and discounts, tags in one
//! string, status through a lookup, money as decimal) to a canonical order,
//! written in weft's mapping language and by hand in Rust over typed structs.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

/// The weft mapping.
pub const WEFT: &str = r#"
  id          = "SHOP-{source.id}"
  number      = source.name
  customer_id = source.customer.id ?? fail("order has no customer")
  customer    = "{source.customer.first_name} {source.customer.last_name}"
  email       = lower(source.email)
  ship_to     = {
                  name: source.shipping_address.name,
                  line1: source.shipping_address.address1,
                  city: source.shipping_address.city,
                  postal_code: source.shipping_address.zip,
                  country: upper(source.shipping_address.country_code),
                }
  tags        = split(source.tags, ", ")
  status      = lookup(statuses, source.financial_status) ?? "held"
  lines       = source.line_items.map(li -> {
                  sku: li.sku,
                  title: li.title,
                  quantity: li.quantity,
                  unit_price: li.price,
                  discount: li.total_discount,
                  line_total: li.price * li.quantity - li.total_discount,
                })
  total       = source.total_price
"#;

/// The lookup table the mapping reads.
pub fn statuses() -> Vec<(String, weft_mapping::Value)> {
    let table = [
        ("paid", "confirmed"),
        ("pending", "pending"),
        ("authorized", "pending"),
    ];
    vec![(
        "statuses".into(),
        weft_mapping::Value::Object(
            table
                .iter()
                .map(|(k, v)| ((*k).into(), weft_mapping::Value::Str((*v).into())))
                .collect(),
        ),
    )]
}

/// How the source's money fields are read (decimals arrive as strings).
pub fn coerce() -> weft_mapping::Coerce {
    use weft_mapping::Coerce::*;
    Object(vec![
        ("total_price".into(), Decimal),
        (
            "line_items".into(),
            Array(Box::new(Object(vec![
                ("price".into(), Decimal),
                ("total_discount".into(), Decimal),
            ]))),
        ),
    ])
}

/// An order with `lines` line items.
pub fn input(lines: usize) -> Json {
    let items: Vec<Json> = (0..lines)
        .map(|i| {
            json!({
                "id": 9_000_000 + i, "sku": format!("WID-{:04}", i), "title": format!("Widget model {i}"),
                "quantity": 1 + i % 7, "price": format!("{}.{:02}", 3 + i % 40, (i * 7) % 100),
                "total_discount": if i % 3 == 0 { "1.00" } else { "0.00" }, "vendor": "Northwind", "grams": 250
            })
        })
        .collect();
    json!({
        "id": 5523018694u64, "name": "#1042", "email": "Ada.Lovelace@Example.com",
        "created_at": "2024-05-02T09:41:17-05:00", "currency": "USD", "financial_status": "paid",
        "total_price": "386.47", "tags": "wholesale, priority, net-30",
        "customer": { "id": "C-004512", "first_name": "Ada", "last_name": "Lovelace" },
        "shipping_address": { "name": "Ada Lovelace", "address1": "12 Analytical Way", "city": "Dallas", "zip": "75201", "country_code": "us" },
        "line_items": items
    })
}

#[derive(Deserialize)]
struct Order {
    id: u64,
    name: String,
    email: String,
    financial_status: String,
    total_price: Decimal,
    tags: String,
    customer: Option<Customer>,
    shipping_address: Address,
    line_items: Vec<Item>,
}

#[derive(Deserialize)]
struct Customer {
    id: Option<String>,
    first_name: String,
    last_name: String,
}

#[derive(Deserialize)]
struct Address {
    name: String,
    address1: String,
    city: String,
    zip: String,
    country_code: String,
}

#[derive(Deserialize)]
struct Item {
    sku: String,
    title: String,
    quantity: i64,
    price: Decimal,
    total_discount: Decimal,
}

#[derive(Serialize)]
struct Canonical<'a> {
    id: String,
    number: &'a str,
    customer_id: &'a str,
    customer: String,
    email: String,
    ship_to: Ship<'a>,
    tags: Vec<&'a str>,
    status: &'static str,
    lines: Vec<Line<'a>>,
    total: Decimal,
}

#[derive(Serialize)]
struct Ship<'a> {
    name: &'a str,
    line1: &'a str,
    city: &'a str,
    postal_code: &'a str,
    country: String,
}

#[derive(Serialize)]
struct Line<'a> {
    sku: &'a str,
    title: &'a str,
    quantity: i64,
    unit_price: Decimal,
    discount: Decimal,
    line_total: Decimal,
}

/// The same mapping by hand: JSON text in, JSON text out.
pub fn by_hand(input: &str) -> Result<String, String> {
    let o: Order = serde_json::from_str(input).map_err(|e| e.to_string())?;
    let customer = o.customer.as_ref().ok_or("order has no customer")?;
    let out = Canonical {
        id: format!("SHOP-{}", o.id),
        number: &o.name,
        customer_id: customer.id.as_deref().ok_or("order has no customer")?,
        customer: format!("{} {}", customer.first_name, customer.last_name),
        email: o.email.to_lowercase(),
        ship_to: Ship {
            name: &o.shipping_address.name,
            line1: &o.shipping_address.address1,
            city: &o.shipping_address.city,
            postal_code: &o.shipping_address.zip,
            country: o.shipping_address.country_code.to_uppercase(),
        },
        tags: o.tags.split(", ").collect(),
        status: match o.financial_status.as_str() {
            "paid" => "confirmed",
            "pending" | "authorized" => "pending",
            _ => "held",
        },
        lines: o
            .line_items
            .iter()
            .map(|li| Line {
                sku: &li.sku,
                title: &li.title,
                quantity: li.quantity,
                unit_price: li.price,
                discount: li.total_discount,
                line_total: li.price * Decimal::from(li.quantity) - li.total_discount,
            })
            .collect(),
        total: o.total_price,
    };
    serde_json::to_string(&out).map_err(|e| e.to_string())
}

/// The weft mapping, compiled once.
pub struct WeftMapping(weft_mapping::CompiledMapping);

impl WeftMapping {
    pub fn compile() -> WeftMapping {
        let body = weft_mapping::parse_body(WEFT).expect("the benchmark mapping parses");
        WeftMapping(weft_mapping::CompiledMapping::new(
            body,
            Vec::new(),
            statuses(),
            &coerce(),
        ))
    }

    /// JSON text in, JSON text out.
    pub fn run(&self, input: &str) -> Result<String, String> {
        self.0.run_json(input).map_err(|e| e.to_string())
    }
}

/// Numbers and numeric strings as canonical decimals, so outputs of engines that
/// print money differently (`"37.50"`, `37.5`) compare equal.
pub fn normalize(v: &Json) -> Json {
    match v {
        Json::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), normalize(v))).collect()),
        Json::Array(a) => Json::Array(a.iter().map(normalize).collect()),
        Json::Number(n) => Json::String(canonical_decimal(&n.to_string())),
        Json::String(s)
            if s.parse::<Decimal>().is_ok()
                && s.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '-') =>
        {
            Json::String(canonical_decimal(s))
        }
        other => other.clone(),
    }
}

fn canonical_decimal(s: &str) -> String {
    s.parse::<Decimal>()
        .map(|d| d.normalize().to_string())
        .unwrap_or_else(|_| s.to_string())
}

/// Checks another engine's mapping against the hand-written one: the same
/// output (money compared as decimals), a missing customer id fails, an
/// unknown status is held.
#[cfg(test)]
pub(crate) fn check_engine(run: impl Fn(&str) -> Result<String, String>) {
    let parse = |t: &str| -> Json { serde_json::from_str(t).unwrap() };
    let text = input(5).to_string();
    assert_eq!(
        normalize(&parse(&run(&text).unwrap())),
        normalize(&parse(&by_hand(&text).unwrap()))
    );
    let mut order = input(1);
    order["customer"].as_object_mut().unwrap().remove("id");
    let err = run(&order.to_string()).unwrap_err();
    assert!(err.contains("order has no customer"), "{err}");
    let mut order = input(1);
    order["financial_status"] = "refunded".into();
    assert_eq!(parse(&run(&order.to_string()).unwrap())["status"], "held");
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_weft_mapping_behaves_like_the_hand_written_one() {
        let m = super::WeftMapping::compile();
        super::check_engine(|t| m.run(t));
    }
}

//! `weft demo`: weft's main job end to end on a workspace, with nothing
//! external. The specs are checked and planned; local stand-ins play the
//! storefront, the ERP (with its OAuth token endpoint and price feed) and
//! the WMS (stock feed); the plan runs on a fresh data directory; signed
//! storefront and 3PL webhooks, a 3PL shipment file and feed records are
//! sent in; and the demo prints what each stand-in received, what went to
//! the dead-letter queue and why, and what was held for review.
//!
//! The sample events come from the Northwind example (`specs/northwind`);
//! on another workspace, flows without a sample stay idle.

use super::Failure;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use weft_runtime::standin::{StandIn, StandInConfig};
use weft_runtime::store::{Action, State, Store};

/// Demo secrets: the stand-ins and weft agree on them; none is real.
const SHOPIFY_WEBHOOK_SECRET: &str = "demo-shopify-webhook-secret";
const THREEPL_WEBHOOK_SECRET: &str = "demo-3pl-webhook-secret";

/// Runs the demo; `data_dir` keeps the store for `weft status` and
/// `weft trace` afterwards (default: a temporary folder).
pub fn run(dir: &Path, data_dir: Option<PathBuf>) -> Result<(), Failure> {
    eprintln!("1/4  checking and planning {} ...", dir.display());
    let plan = super::plan::compile(dir)?;
    let flows = plan.model.flows.len();
    eprintln!(
        "     the specs pass `weft check`; plan {} with {flows} flows",
        plan.hash
    );

    // Ports first, then the environment the plan's secret references read,
    // before any thread exists.
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect::<Result<_, _>>()?;
    let (shop, erp, wms) = (ports[0], ports[1], ports[2]);
    let env = [
        ("SHOPIFY_BASE_URL", format!("http://127.0.0.1:{shop}")),
        ("SHOPIFY_ADMIN_TOKEN", "demo-shopify-admin-token".into()),
        ("SHOPIFY_WEBHOOK_SECRET", SHOPIFY_WEBHOOK_SECRET.into()),
        ("ERP_BASE_URL", format!("http://127.0.0.1:{erp}")),
        (
            "ERP_TOKEN_URL",
            format!("http://127.0.0.1:{erp}/oauth2/token"),
        ),
        ("ERP_CLIENT_ID", "demo-client".into()),
        ("ERP_CLIENT_SECRET", "demo-client-secret".into()),
        ("WMS_BASE_URL", format!("http://127.0.0.1:{wms}")),
        ("WMS_API_USER", "demo".into()),
        ("WMS_API_PASSWORD", "demo-password".into()),
        ("THREEPL_WEBHOOK_SECRET", THREEPL_WEBHOOK_SECRET.into()),
    ];
    for (k, v) in &env {
        std::env::set_var(k, v);
    }
    let scratch = tempfile::tempdir().map_err(|e| Failure::input(e.to_string()))?;
    let data = data_dir.unwrap_or_else(|| scratch.path().join("data"));
    let (store, _lock) = super::run::open(&data)?;
    let rt = tokio::runtime::Runtime::new().map_err(|e| Failure::internal(e.to_string()))?;
    rt.block_on(drive(
        dir,
        &plan,
        store,
        scratch.path(),
        &data,
        (shop, erp, wms),
    ))
}

fn free_port() -> Result<u16, Failure> {
    weft_runtime::standin::free_port()
        .map_err(|e| Failure::input(format!("cannot find a free loopback port: {e}")))
}

async fn drive(
    dir: &Path,
    plan: &weft_plan::Plan,
    store: Arc<dyn Store>,
    files_root: &Path,
    data: &Path,
    (shop, erp, wms): (u16, u16, u16),
) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::input(format!("cannot start a stand-in: {e}"));
    let storefront = StandIn::start(StandInConfig {
        port: shop,
        required_header: Some((
            "X-Shopify-Access-Token".into(),
            "demo-shopify-admin-token".into(),
        )),
        ..StandInConfig::default()
    })
    .await
    .map_err(io)?;
    let erp_standin = StandIn::start(StandInConfig {
        port: erp,
        client_credentials: Some(("demo-client".into(), "demo-client-secret".into())),
        required_header: Some((
            "Authorization".into(),
            format!("Bearer {}", weft_runtime::standin::TOKEN),
        )),
        feeds: vec![(
            "/api/v3/pricing/changes".into(),
            "changed_since".into(),
            "changed_at".into(),
        )],
        ..StandInConfig::default()
    })
    .await
    .map_err(io)?;
    let wms_standin = StandIn::start(StandInConfig {
        port: wms,
        feeds: vec![(
            "/api/v2/inventory/stock-levels".into(),
            "modified_since".into(),
            "modified_at".into(),
        )],
        ..StandInConfig::default()
    })
    .await
    .map_err(io)?;
    eprintln!(
        "2/4  stand-ins on loopback: storefront {}, ERP {} (OAuth token endpoint, price feed), WMS {} (stock feed)",
        storefront.url(),
        erp_standin.url(),
        wms_standin.url()
    );

    let config = weft_runtime::Config {
        files_root: files_root.to_path_buf(),
        poll_floor: Some(Duration::from_millis(500)),
        ..weft_runtime::Config::default()
    };
    let instance =
        weft_runtime::Instance::start(plan, store.clone(), config, "127.0.0.1:0".parse().unwrap())
            .await
            .map_err(|e| Failure::refused(format!("the plan cannot run:\n{e}")))?;
    let base = format!("http://{}", instance.addr());
    eprintln!(
        "3/4  weft runs the plan on {base}, data in {}",
        data.display()
    );

    let sent = send_samples(dir, &base, files_root, &erp_standin, &wms_standin).await?;
    eprintln!("     sent: {}", sent.join(", "));

    // Wait until nothing is queued, then release what is held for review.
    settle(&store).await;
    let held = store
        .list(State::Held, 0, 100)
        .map_err(|e| Failure::internal(e.to_string()))?;
    for m in &held {
        let _ = weft_runtime::ops::act(
            store.as_ref(),
            m.id,
            Action::Release,
            "demo",
            weft_runtime::clock::now_ms(),
        );
    }
    instance.shared.wake.notify_one();
    if !held.is_empty() {
        settle(&store).await;
    }
    instance.shutdown().await;

    eprintln!("4/4  what happened:\n");
    let status = weft_runtime::ops::status(store.as_ref(), None)
        .map_err(|e| Failure::internal(e.to_string()))?;
    let mut report = String::new();
    report.push_str(&format!(
        "{:<26} {:>9} {:>9} {:>9} {:>9}\n",
        "flow", "delivered", "filtered", "dead", "queued"
    ));
    for (flow, counts) in &status.flows {
        let n = |s: &str| counts.get(s).copied().unwrap_or(0);
        report.push_str(&format!(
            "{flow:<26} {:>9} {:>9} {:>9} {:>9}\n",
            n("delivered"),
            n("filtered"),
            n("dead"),
            n("queued")
        ));
    }
    report.push_str("\nwhat the stand-ins received (each idempotency key applied once):\n");
    for (name, s) in [
        ("storefront", &storefront),
        ("ERP", &erp_standin),
        ("WMS", &wms_standin),
    ] {
        for e in s.effects() {
            report.push_str(&format!(
                "  {name:<10} {} {}  {}\n",
                e.method,
                e.path,
                summary(&e.body)
            ));
        }
        if s.replays() > 0 {
            report.push_str(&format!(
                "  {name:<10} ({} repeated requests answered from the first)\n",
                s.replays()
            ));
        }
    }
    let dead = store
        .list(State::Dead, 0, 100)
        .map_err(|e| Failure::internal(e.to_string()))?;
    report.push_str(&format!("\ndead-letter queue ({}):\n", dead.len()));
    for m in &dead {
        report.push_str(&format!(
            "  #{} {}  from {}\n      {}\n",
            m.id,
            m.flow,
            m.origin,
            m.reason.as_deref().unwrap_or("")
        ));
    }
    report.push_str(&format!(
        "\nheld for review and released by the demo ({}):\n",
        held.len()
    ));
    for m in &held {
        let now = store
            .message(m.id)
            .map(|m| m.state.to_string())
            .unwrap_or_default();
        report.push_str(&format!(
            "  #{} {}  {} -> released -> {now}\n",
            m.id,
            m.flow,
            m.reason.as_deref().unwrap_or("")
        ));
    }
    print!("{report}");
    let example = dead.first().or(held.first()).map_or(1, |m| m.id);
    if data.starts_with(files_root) {
        println!(
            "\nto look closer, keep the store: weft demo {} --data-dir /tmp/weft-demo\nthen: weft trace {example} --data-dir /tmp/weft-demo   (every step, attempt and timing)",
            dir.display()
        );
    } else {
        println!(
            "\nlook closer: weft trace {example} --data-dir {}   (every step, attempt and timing)",
            data.display()
        );
    }
    let queued: u64 = status
        .flows
        .values()
        .map(|c| c.get("queued").copied().unwrap_or(0))
        .sum();
    storefront.shutdown().await;
    erp_standin.shutdown().await;
    wms_standin.shutdown().await;
    if queued > 0 {
        return Err(Failure::refused(format!(
            "{queued} messages were still queued when the demo ended"
        )));
    }
    Ok(())
}

/// A delivered body in a line: its identifying fields.
fn summary(body: &Value) -> String {
    let keys = [
        "external_reference",
        "shipment_number",
        "order_id",
        "sku",
        "item_number",
        "rma_reference",
        "customer_number",
        "status",
        "available",
        "price",
        "tracking_number",
        "quantity",
    ];
    let parts: Vec<String> = keys
        .iter()
        .filter_map(|k| {
            body.get(*k).filter(|v| !v.is_null()).map(|v| {
                format!(
                    "{k}={}",
                    v.as_str().map_or_else(|| v.to_string(), String::from)
                )
            })
        })
        .take(3)
        .collect();
    parts.join(" ")
}

/// Waits until no message is queued (at most 60 s).
async fn settle(store: &Arc<dyn Store>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut quiet = 0;
    while Instant::now() < deadline && quiet < 3 {
        let queued = store
            .counts()
            .map(|c| {
                c.iter()
                    .filter(|c| c.state == State::Queued)
                    .map(|c| c.count)
                    .sum::<u64>()
            })
            .unwrap_or(1);
        quiet = if queued == 0 { quiet + 1 } else { 0 };
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
}

fn fixture(dir: &Path, name: &str) -> Option<Value> {
    let text = std::fs::read_to_string(dir.join("tests/fixtures").join(name)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Sends the sample events; what was sent, for the report.
async fn send_samples(
    dir: &Path,
    base: &str,
    files_root: &Path,
    erp: &StandIn,
    wms: &StandIn,
) -> Result<Vec<String>, Failure> {
    let client = reqwest::Client::new();
    let mut sent = Vec::new();
    let post = |path: String,
                body: Value,
                header: &'static str,
                secret: &'static str,
                encoding: &'static str| {
        let client = client.clone();
        async move {
            let text = body.to_string();
            let sig = weft_runtime::webhook::sign(secret, encoding, text.as_bytes());
            let r = client
                .post(path)
                .header(header, sig)
                .body(text)
                .send()
                .await;
            matches!(r, Ok(r) if r.status().as_u16() == 202)
        }
    };
    // Storefront orders: paid, authorized, a guest checkout (no customer:
    // the mapping fails it), a large one (held for credit review), and the
    // paid one again (a duplicate webhook).
    let mut orders = Vec::new();
    for name in [
        "shopify-order-paid.json",
        "shopify-order-authorized.json",
        "shopify-order-guest.json",
    ] {
        if let Some(o) = fixture(dir, name) {
            orders.push(o);
        }
    }
    if let Some(mut big) = fixture(dir, "shopify-order-paid.json") {
        big["id"] = json!(9_100_000_001u64);
        big["total_price"] = json!("24500.00");
        orders.push(big);
    }
    if let Some(again) = fixture(dir, "shopify-order-paid.json") {
        orders.push(again);
    }
    let mut n = 0;
    for o in orders {
        n += post(
            format!("{base}/hooks/shopify/orders/create"),
            o,
            "X-Shopify-Hmac-Sha256",
            SHOPIFY_WEBHOOK_SECRET,
            "base64",
        )
        .await as usize;
    }
    sent.push(format!("{n} storefront order webhooks (one a duplicate)"));
    if let Some(r) = fixture(dir, "shopify-return-defective.json") {
        post(
            format!("{base}/hooks/shopify/returns/request"),
            r,
            "X-Shopify-Hmac-Sha256",
            SHOPIFY_WEBHOOK_SECRET,
            "base64",
        )
        .await;
        sent.push("1 return request".into());
    }
    let tracking = json!({
        "event_id": "EV-1001", "shipment_id": "SH-884213", "tracking_number": "1Z84W2370312845561",
        "carrier_code": "UPS", "event_code": "DL", "occurred_at": "2024-05-06T11:02:00-05:00",
        "event_description": "Delivered", "city": "Austin", "region": "TX", "country": "US", "signed_by": "J. DOE"
    });
    post(
        format!("{base}/hooks/threepl/shipment.tracking"),
        tracking,
        "X-TPL-Signature",
        THREEPL_WEBHOOK_SECRET,
        "hex",
    )
    .await;
    sent.push("1 3PL tracking webhook".into());

    // Feeds: three stock levels (one at the returns centre, not sold online) and a price change.
    if let Some(stock) = fixture(dir, "wms-stock-dal1.json") {
        let mut reno = stock.clone();
        reno["warehouse_code"] = json!("RNO1");
        reno["revision"] = json!(90818);
        reno["modified_at"] = json!("2024-05-03T08:13:00-05:00");
        let mut returns_centre = stock.clone();
        returns_centre["warehouse_code"] = json!("RTN1");
        returns_centre["revision"] = json!(90819);
        returns_centre["modified_at"] = json!("2024-05-03T08:14:00-05:00");
        wms.add_records(
            "/api/v2/inventory/stock-levels",
            vec![stock, reno, returns_centre],
        );
        sent.push("3 stock levels in the WMS feed".into());
    }
    erp.add_records(
        "/api/v3/pricing/changes",
        vec![json!({
            "change_id": "PC-5001", "change_type": "UPDATE", "item_number": "WID-1001", "price_list_code": "WEB",
            "currency_code": "USD", "unit_price": "18.75", "list_price": "21.00", "price_uom": "EA",
            "effective_date": "2024-05-06", "changed_at": "2024-05-05T17:30:00Z", "changed_by": "pricing-bot"
        })],
    );
    sent.push("1 price change in the ERP feed".into());

    // A 3PL shipment confirmation file: two good rows and one the 3PL got wrong.
    if let Some(row) = fixture(dir, "threepl-row-ups.json") {
        let cols = [
            "shipment_id",
            "order_number",
            "customer_reference",
            "sales_channel",
            "warehouse_code",
            "ship_timestamp",
            "carrier_code",
            "service_code",
            "tracking_number",
            "total_weight",
            "weight_uom",
            "items",
        ];
        let line = |r: &Value| {
            cols.iter()
                .map(|c| r[*c].as_str().unwrap_or("").to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut second = row.clone();
        second["shipment_id"] = json!("SH-884214");
        second["tracking_number"] = json!("1Z84W2370312845562");
        let mut bad = row.clone();
        bad["shipment_id"] = json!("SH-884215");
        bad["carrier_code"] = json!("ZZX");
        let csv = format!(
            "{}\n{}\n{}\n{}\n",
            cols.join(","),
            line(&row),
            line(&second),
            line(&bad)
        );
        let inbox = files_root.join("inbox/threepl/shipments");
        std::fs::create_dir_all(&inbox).map_err(|e| Failure::input(e.to_string()))?;
        std::fs::write(inbox.join("SHIPCONF_20240503.csv"), csv)
            .map_err(|e| Failure::input(e.to_string()))?;
        sent.push("1 3PL shipment file with 3 rows".into());
    }
    Ok(sent)
}

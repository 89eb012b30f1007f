//! Generates a synthetic, clean workspace of a given size.

use std::fmt::Write;
use std::path::Path;

/// How big the synthetic workspace is.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub contracts: usize,
    pub systems: usize,
    pub flows: usize,
    /// Specs per file.
    pub per_file: usize,
}

impl Size {
    /// The size named by the foundation issue: 1,000 contracts, 200 systems, 2,000 flows.
    pub const ISSUE: Size = Size {
        contracts: 1_000,
        systems: 200,
        flows: 2_000,
        per_file: 10,
    };
}

fn contract(i: usize) -> String {
    let mut s = format!(
        "kind: contract\nname: synth.Entity{i}\nversion: 1.{}.0\nowner: team-{}\ndescription: Synthetic entity {i}\nfields:\n  id: {{ type: string, required: true }}\n",
        i % 7,
        i % 13
    );
    for f in 0..16 {
        let line = match f % 8 {
            0 => format!("  name_{f}: {{ type: string, max_length: 200 }}\n"),
            1 => format!("  qty_{f}: {{ type: integer, minimum: 0 }}\n"),
            2 => format!("  price_{f}: {{ type: decimal, scale: 2, minimum: 0 }}\n"),
            3 => format!("  at_{f}: datetime\n"),
            4 => format!("  status_{f}: {{ type: enum, values: [open, closed, held] }}\n"),
            5 => format!("  tags_{f}: {{ type: array, items: string }}\n"),
            6 => format!("  nested_{f}:\n    fields:\n      code: {{ type: string, required: true }}\n      count: integer\n"),
            _ => format!("  flag_{f}: boolean\n"),
        };
        s.push_str(&line);
    }
    s.push_str("  customer: { type: object, fields: { id: { type: string, required: true } } }\n");
    s
}

/// Writes the workspace into `dir` (which must be empty or missing).
pub fn generate(dir: &Path, size: Size) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("contracts"))?;
    std::fs::create_dir_all(dir.join("systems"))?;
    std::fs::create_dir_all(dir.join("flows"))?;
    std::fs::write(
        dir.join("weft.yaml"),
        "workspace: synthetic\nimports:\n  - std/distribution@1\n",
    )?;
    write_chunked(
        dir,
        "contracts/contracts",
        size.contracts,
        size.per_file,
        contract,
    )?;
    // Each system receives webhooks and exposes one endpoint per contract it is sent.
    let endpoints_per_system = size.contracts.div_ceil(size.systems);
    write_chunked(dir, "systems/systems", size.systems, size.per_file, |i| {
        let mut s = format!(
            "kind: system\nname: sys{i}\nrole: other\nconnector: [http, webhook]\nbase_url: {{ env: SYS{i}_URL }}\nauth: {{ bearer: {{ env: SYS{i}_TOKEN }} }}\nwebhook:\n  signature: {{ header: X-Signature, secret: {{ env: SYS{i}_HOOK }} }}\n  topics:\n"
        );
        for e in 0..endpoints_per_system {
            let c = (i * endpoints_per_system + e) % size.contracts;
            let _ = writeln!(s, "    entity{c}/changed: synth.Entity{c}@1");
        }
        // It receives the contracts of the two systems before it (see the flows below).
        s.push_str("endpoints:\n");
        for k in 1..=2 {
            let publisher = (i + size.systems - k) % size.systems;
            for e in 0..endpoints_per_system {
                let c = (publisher * endpoints_per_system + e) % size.contracts;
                let _ = writeln!(
                s,
                "  put_entity{c}:\n    method: PUT\n    path: /entities/{c}/{{id}}\n    body: synth.Entity{c}@1\n    idempotency_header: Idempotency-Key"
            );
            }
        }
        s
    })?;
    // Flow f carries contract c from the system that publishes it to the next system.
    write_chunked(dir, "flows/flows", size.flows, size.per_file, |f| {
        let c = f % size.contracts;
        let from = c / endpoints_per_system;
        let to = (from + 1 + (f / size.contracts) % 2) % size.systems;
        format!(
            "kind: flow\nname: flow-{f}\ndomain: synthetic-{d}\ntrigger: {{ webhook: {{ system: sys{from}, topic: entity{c}/changed }} }}\nsource: synth.Entity{c}@1\nsteps:\n  - validate: synth.Entity{c}@1\n  - hold: {{ when: \"current.qty_1 > 1000\", reason: review }}\n  - deliver: sys{to}.put_entity{c}\nidempotency_key: source.id\nordering_key: source.customer.id\npolicy: std-erp-posting\n",
            d = f % 50
        )
    })?;
    Ok(())
}

fn write_chunked(
    dir: &Path,
    stem: &str,
    n: usize,
    per_file: usize,
    doc: impl Fn(usize) -> String,
) -> std::io::Result<()> {
    let mut i = 0;
    let mut file = 0;
    while i < n {
        let mut text = String::new();
        for j in i..(i + per_file).min(n) {
            if j > i {
                text.push_str("---\n");
            }
            text.push_str(&doc(j));
        }
        std::fs::write(dir.join(format!("{stem}-{file:04}.yaml")), text)?;
        i += per_file;
        file += 1;
    }
    Ok(())
}

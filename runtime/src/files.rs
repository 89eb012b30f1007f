//! File triggers: a folder per system where CSV (with a header row) or JSON
//! lines files arrive. Each file's records commit in one transaction, with
//! the file's name and digest as the flow's cursor; only then is the file
//! moved to the archive folder. A record that cannot be read is
//! dead-lettered with its line number; the rest of the file goes on. A
//! crash between the commit and the move is safe: at restart the cursor
//! shows the file was taken, and it is archived without reading it again.
//!
//! One watcher reads each folder for every flow it triggers (a 3PL's
//! shipment files may feed both the storefront and the ERP): each record
//! becomes one arrival per flow, all in the file's one transaction. A
//! watcher per flow would let the first archive the file before the others
//! had read it, and their flows would silently never see its records.

use crate::engine::Shared;
use crate::store::{CursorUpdate, NewMessage, State};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use weft_plan::model::{Files, Trigger};

/// The file flows of a plan grouped by the folder they read: one group per
/// system and inbox path, flows in name order.
pub fn folders(prepared: &crate::prepared::Prepared) -> Vec<Vec<String>> {
    let mut by_folder: std::collections::BTreeMap<(String, String), Vec<String>> =
        std::collections::BTreeMap::new();
    for (name, f) in &prepared.flows {
        if let Trigger::File {
            system,
            files: Some(files),
            ..
        } = &f.model.trigger
        {
            by_folder
                .entry((system.clone(), files.path.clone()))
                .or_default()
                .push(name.clone());
        }
    }
    let mut groups: Vec<Vec<String>> = by_folder.into_values().collect();
    for flows in &mut groups {
        flows.sort();
    }
    groups
}

/// Watches the folder of `flows` (one group of [`folders`]) until `stop`.
pub async fn run(shared: Arc<Shared>, flows: Vec<String>, mut stop: watch::Receiver<bool>) {
    let every = shared.config.poll_floor.unwrap_or(Duration::from_secs(5));
    loop {
        if *stop.borrow() {
            return;
        }
        if let Err(e) = once(&shared, &flows).await {
            tracing::warn!(flows = flows.join(", "), error = %e, "reading the file folder failed; trying again");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
}

/// The folder settings of a file flow.
fn settings(shared: &Shared, flow: &str) -> Option<(String, Files)> {
    let f = shared.prepared.flows.get(flow)?;
    match &f.model.trigger {
        Trigger::File {
            system,
            files: Some(files),
            ..
        } => Some((system.clone(), files.clone())),
        _ => None,
    }
}

/// Takes every waiting file of the folder `flows` read, once; returns how
/// many files were taken.
pub async fn once(shared: &Arc<Shared>, flows: &[String]) -> Result<usize, String> {
    let first = flows.first().ok_or("no flow reads this folder")?;
    let (system, files) = settings(shared, first).ok_or("not a file flow")?;
    // The folder's position: the last file taken (name and digest).
    let key = format!("files {system} {}", files.path);
    let root = &shared.config.files_root;
    let inbox = root.join(&files.path);
    let archive = files
        .archive
        .as_ref()
        .map_or_else(|| inbox.join("archive"), |a| root.join(a));
    let pattern = files.pattern.clone().unwrap_or_else(|| "*".into());
    let mut names: Vec<PathBuf> = match std::fs::read_dir(&inbox) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !n.starts_with('.') && matches(&pattern, n))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(format!("cannot read {}: {e}", inbox.display())),
    };
    names.sort();
    let mut taken = 0;
    for path in names {
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let mark = format!("{name} sha256:{}", hex::encode(Sha256::digest(&bytes)));
        let (folder_key, readers, marked) = (key.clone(), flows.to_vec(), mark.clone());
        // Stores written before folders were shared kept the position per
        // flow: a file all of them had taken is taken.
        let seen = shared
            .blocking(move |s| {
                if s.cursor(&folder_key)?.as_deref() == Some(marked.as_str()) {
                    return Ok(true);
                }
                for flow in &readers {
                    if s.cursor(flow)?.as_deref() != Some(marked.as_str()) {
                        return Ok(false);
                    }
                }
                Ok(true)
            })
            .await
            .map_err(|e| e.to_string())?;
        if !seen {
            let arrivals = records(shared, flows, &system, &files, &name, &bytes);
            let cursor = CursorUpdate {
                flow: key.clone(),
                value: mark,
            };
            shared
                .accept(arrivals, Some(cursor))
                .await
                .map_err(|e| e.to_string())?;
        }
        std::fs::create_dir_all(&archive)
            .map_err(|e| format!("cannot create {}: {e}", archive.display()))?;
        std::fs::rename(&path, archive.join(&name))
            .map_err(|e| format!("cannot archive {}: {e}", path.display()))?;
        tracing::info!(
            flows = flows.join(", "),
            file = name,
            "file taken and archived"
        );
        taken += 1;
    }
    Ok(taken)
}

/// The arrivals of one file: one per record and flow, bad records
/// dead-lettered (in every flow, each with its line number).
fn records(
    shared: &Shared,
    flows: &[String],
    system: &str,
    files: &Files,
    name: &str,
    bytes: &[u8],
) -> Vec<NewMessage> {
    let prepared = &shared.prepared;
    let readers: Vec<_> = flows
        .iter()
        .filter_map(|flow| prepared.flows.get(flow))
        .collect();
    let schema = prepared.contracts.get(&files.record);
    let now = crate::clock::now_ms();
    let mut out = Vec::new();
    let mut push = |line: usize, r: Result<serde_json::Value, (String, String)>| {
        let origin = format!("file {system} {name} line {line}");
        let (payload, read) = match r {
            Ok(doc) => {
                let read = weft_mapping::Value::from_json(&doc, &weft_mapping::Coerce::Keep);
                (doc.to_string(), read)
            }
            Err((raw, why)) => (
                serde_json::Value::String(raw).to_string(),
                Err(format!("line {line}: {why}")),
            ),
        };
        for f in &readers {
            out.push(match &read {
                Ok(v) => crate::ingress::arrival(prepared, f, v, payload.clone(), &origin, now),
                Err(why) => dead(
                    &f.name,
                    prepared,
                    payload.clone(),
                    &origin,
                    now,
                    why.clone(),
                ),
            });
        }
    };
    if files.format == "csv" {
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
            Err(e) => {
                push(
                    1,
                    Err((String::new(), format!("the header row cannot be read: {e}"))),
                );
                return out;
            }
        };
        for (i, row) in reader.records().enumerate() {
            let line = row
                .as_ref()
                .ok()
                .and_then(|r| r.position())
                .map_or(i + 2, |p| p.line() as usize);
            match row {
                Ok(row) => {
                    let mut obj = serde_json::Map::new();
                    for (k, v) in header.iter().zip(row.iter()) {
                        obj.insert(k.clone(), typed(schema, k, v));
                    }
                    push(line, Ok(serde_json::Value::Object(obj)));
                }
                Err(e) => push(
                    line,
                    Err((String::new(), format!("the row cannot be read: {e}"))),
                ),
            }
        }
    } else {
        for (i, raw) in String::from_utf8_lossy(bytes).lines().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<serde_json::Value>(raw) {
                Ok(doc) => push(i + 1, Ok(doc)),
                Err(e) => push(i + 1, Err((raw.to_string(), format!("not JSON: {e}")))),
            }
        }
    }
    out
}

fn dead(
    flow: &str,
    prepared: &crate::prepared::Prepared,
    payload: String,
    origin: &str,
    now: i64,
    reason: String,
) -> NewMessage {
    NewMessage {
        flow: flow.to_string(),
        idempotency_key: None,
        ordering_key: None,
        payload,
        origin: origin.to_string(),
        plan_hash: prepared.hash.clone(),
        received_at: now,
        state: State::Dead,
        reason: Some(reason),
    }
}

/// A CSV cell typed by the contract: integers, numbers and booleans become
/// JSON numbers and booleans; an empty cell of a nullable field is null;
/// anything else stays text (validation reports what does not fit).
fn typed(schema: Option<&serde_json::Value>, field: &str, cell: &str) -> serde_json::Value {
    use serde_json::Value as J;
    let ty = schema
        .and_then(|s| s.get("properties"))
        .and_then(|p| p.get(field))
        .and_then(|f| f.get("type"));
    let types: Vec<&str> = match ty {
        Some(J::String(t)) => vec![t.as_str()],
        Some(J::Array(a)) => a.iter().filter_map(|t| t.as_str()).collect(),
        _ => vec![],
    };
    if cell.is_empty() && types.contains(&"null") {
        return J::Null;
    }
    if types.contains(&"integer") {
        if let Ok(n) = cell.trim().parse::<i64>() {
            return J::from(n);
        }
    }
    if types.contains(&"number") {
        if let Ok(n) = cell.trim().parse::<f64>() {
            if let Some(n) = serde_json::Number::from_f64(n) {
                return J::Number(n);
            }
        }
    }
    if types.contains(&"boolean") {
        match cell.trim() {
            "true" | "TRUE" | "1" => return J::Bool(true),
            "false" | "FALSE" | "0" => return J::Bool(false),
            _ => {}
        }
    }
    J::String(cell.to_string())
}

/// A file-name pattern with `*` (any run) and `?` (one character).
pub fn matches(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_a_shell() {
        assert!(matches("SHIPCONF_*.csv", "SHIPCONF_20240503.csv"));
        assert!(!matches("SHIPCONF_*.csv", "SHIPCONF_20240503.csv.part"));
        assert!(matches("*", "x"));
        assert!(matches("a?c", "abc"));
        assert!(!matches("a?c", "ac"));
    }

    #[test]
    fn csv_cells_take_the_contract_types() {
        let schema = serde_json::json!({"properties": {
            "n": {"type": "integer"}, "w": {"type": ["number", "null"]}, "s": {"type": "string"}
        }});
        assert_eq!(typed(Some(&schema), "n", "12"), serde_json::json!(12));
        assert_eq!(typed(Some(&schema), "w", ""), serde_json::Value::Null);
        assert_eq!(typed(Some(&schema), "w", "2.5"), serde_json::json!(2.5));
        assert_eq!(typed(Some(&schema), "s", "007"), serde_json::json!("007"));
        assert_eq!(typed(Some(&schema), "n", "x"), serde_json::json!("x"));
    }
}

//! `weft-load`: the runtime's load benchmark. Everything runs on this
//! machine: a stand-in target (in this process), `weft run` (a separate
//! process, the release binary) and the load generator (this process, a
//! real HTTP client over loopback). Three phases:
//!
//! 1. throughput: closed-loop senders for a while; acknowledged webhooks
//!    per second, and end-to-end deliveries per second (first send to last
//!    delivery at the target), every webhook signed and durably committed;
//! 2. latency: an open-loop schedule at a fixed rate (latency counted from
//!    the scheduled time, so a stall is not hidden); acknowledgement
//!    percentiles;
//! 3. backlog: the target stops answering, N events are queued, and weft's
//!    resident memory is sampled as the backlog grows; then weft restarts
//!    and the backlog drains.
//!
//! Phase 1 drives weft with wrk (a C load generator, `apt-get install wrk`)
//! replaying requests signed before the clock starts, so that the sender
//! costs the shared cores as little as a real storefront's would; with
//! `--generator builtin`, or where wrk is not installed, it uses this
//! process's reqwest client instead, which signs each request as it goes.
//!
//! Usage: `weft-load --weft target/release/weft [--seconds 20] [--rate 2000]
//! [--backlog 1000000] [--connections 64] [--phases 123]
//! [--generator wrk|builtin] [--max-rate 20000]`

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use weft_runtime::standin::{Faults, StandIn, StandInConfig};
use weft_runtime::testplan::{order, TestPlan, SIGNATURE_HEADER, WEBHOOK_PATH};

const SECRET: &str = "load-test-secret";

struct Args {
    weft: PathBuf,
    seconds: u64,
    rate: u64,
    backlog: u64,
    connections: usize,
    phases: String,
    generator: String,
    max_rate: u64,
}

fn args() -> Args {
    let mut a = Args {
        weft: PathBuf::from("target/release/weft"),
        seconds: 20,
        rate: 2000,
        backlog: 1_000_000,
        connections: 64,
        phases: "123".into(),
        generator: "wrk".into(),
        max_rate: 20_000,
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i + 1 < v.len() {
        let val = v[i + 1].clone();
        match v[i].as_str() {
            "--weft" => a.weft = val.into(),
            "--seconds" => a.seconds = val.parse().expect("--seconds N"),
            "--rate" => a.rate = val.parse().expect("--rate N"),
            "--backlog" => a.backlog = val.parse().expect("--backlog N"),
            "--connections" => a.connections = val.parse().expect("--connections N"),
            "--phases" => a.phases = val,
            "--generator" => {
                assert!(
                    val == "wrk" || val == "builtin",
                    "--generator is `wrk` or `builtin`, not `{val}`"
                );
                a.generator = val;
            }
            "--max-rate" => a.max_rate = val.parse().expect("--max-rate N"),
            other => panic!("unknown option {other}"),
        }
        i += 2;
    }
    a
}

fn free_port() -> u16 {
    weft_runtime::standin::free_port().expect("a free loopback port")
}

/// A `weft run` process on a plan and data directory.
struct Weft {
    child: Child,
    base: String,
}

impl Weft {
    async fn start(weft: &Path, plan: &Path, data: &Path) -> Weft {
        let port = free_port();
        let child = Command::new(weft)
            .arg("run")
            .arg(plan)
            .arg("--data-dir")
            .arg(data)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--max-in-flight", "2048", "--max-deliveries", "256"])
            .env("WEFT_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("weft run starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if client
                .get(format!("{base}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Weft { child, base }
    }

    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }

    /// CPU time (user + system) the process has used so far, in seconds.
    fn cpu_seconds(&self) -> f64 {
        cpu_seconds(&format!("/proc/{}/stat", self.child.id()))
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// User + system CPU seconds from a `/proc/PID/stat` file (fields 14 and 15,
/// in clock ticks; 100 per second on Linux).
fn cpu_seconds(stat: &str) -> f64 {
    let text = std::fs::read_to_string(stat).unwrap_or_default();
    // The command name (field 2) may hold spaces: count from after its `)`.
    let rest = text.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // After `)`, field 3 (state) is index 0, so utime (14) is 11 and stime (15) 12.
    (ticks(11) + ticks(12)) / 100.0
}

/// Order `n` (customer `n % 10000`, the `n / 10000`th of that customer) as
/// a webhook body, and its signature.
fn signed(n: u64) -> (String, String) {
    let body = order(
        &format!("o{n}"),
        &format!("C{}", n % 10_000),
        (n / 10_000) as i64,
        10.0,
    )
    .to_string();
    let sig = weft_runtime::webhook::sign(SECRET, "hex", body.as_bytes());
    (body, sig)
}

/// Sends order `n`; true when acknowledged with 202.
async fn send(client: &reqwest::Client, base: &str, n: u64) -> bool {
    let (body, sig) = signed(n);
    client
        .post(format!("{base}{WEBHOOK_PATH}"))
        .header(SIGNATURE_HEADER, sig)
        .body(body)
        .send()
        .await
        .is_ok_and(|r| r.status().as_u16() == 202)
}

/// Closed-loop senders until `stop`; returns events acknowledged.
async fn closed_loop(
    base: &str,
    connections: usize,
    first: u64,
    stop: Arc<AtomicBool>,
    limit: u64,
) -> u64 {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()
        .unwrap();
    let next = Arc::new(AtomicU64::new(first));
    let acked = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, base, next, acked, stop) = (
            client.clone(),
            base.to_string(),
            next.clone(),
            acked.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= first + limit {
                    break;
                }
                if send(&client, &base, n).await {
                    acked.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    acked.load(Ordering::Relaxed)
}

/// wrk's script: each thread replays its share of the signed requests (line
/// `i` of the file goes to thread `i % threads`, so one customer's orders
/// stay on one thread, in order) and stops when its share runs out.
const WRK_SCRIPT: &str = r#"
local threads_made = 0
local requests = {}
local next_request = 1

function setup(thread)
  thread:set("id", threads_made)
  threads_made = threads_made + 1
end

function init(args)
  local file, threads, path = args[1], tonumber(args[2]), args[3]
  local n = 0
  for line in io.lines(file) do
    if n % threads == id then
      local sig, body = line:match("^(%S+) (.*)$")
      requests[#requests + 1] = wrk.format("POST", path, { ["X-Sig"] = sig }, body)
    end
    n = n + 1
  end
end

function request()
  local r = requests[next_request]
  if r == nil then
    wrk.thread:stop()
    return requests[#requests]
  end
  next_request = next_request + 1
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("weft-load: %d %d %d\n", summary.requests,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"#;

/// What a closed-loop sender did in phase 1.
struct Sent {
    /// Webhooks answered with a 2xx.
    acked: u64,
    /// The generator's CPU seconds, when it ran in a process of its own.
    generator_cpu: Option<f64>,
}

/// Requests signed for wrk to replay, and its script, in files.
struct Replay {
    file: PathBuf,
    script: PathBuf,
    total: u64,
}

/// Signs `seconds * max_rate` requests into files in `dir` for wrk.
fn sign_for_wrk(a: &Args, dir: &Path) -> std::io::Result<Replay> {
    let total = a.seconds * a.max_rate;
    let file = dir.join("requests.txt");
    let script = dir.join("replay.lua");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file)?);
    for n in 0..total {
        let (body, sig) = signed(n);
        writeln!(out, "{sig} {body}")?;
    }
    out.flush()?;
    std::fs::write(&script, WRK_SCRIPT)?;
    Ok(Replay {
        file,
        script,
        total,
    })
}

/// Phase 1's load from wrk: `connections` connections on two threads for
/// `seconds`, replaying the signed requests. None when wrk cannot be run.
async fn wrk_loop(a: &Args, base: &str, replay: &Replay) -> Option<Sent> {
    let threads = 2;
    let Replay {
        file,
        script,
        total,
    } = replay;
    let total = *total;
    let mut command = Command::new("wrk");
    command
        .args(["-t", &threads.to_string()])
        .args(["-c", &a.connections.to_string()])
        .args(["-d", &format!("{}s", a.seconds)])
        .args(["--timeout", "10s", "-s"])
        .arg(script)
        .arg(format!("{base}{WEBHOOK_PATH}"))
        .arg("--")
        .arg(file)
        .arg(threads.to_string())
        .arg(WEBHOOK_PATH);
    let (output, cpu) = tokio::task::spawn_blocking(move || {
        let before = weft_bench::cpu::seconds(libc::RUSAGE_CHILDREN);
        let output = command.output();
        (
            output,
            weft_bench::cpu::seconds(libc::RUSAGE_CHILDREN) - before,
        )
    })
    .await
    .ok()?;
    let output = match output {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            eprintln!(
                "weft-load: wrk failed ({}): {}",
                o.status,
                String::from_utf8_lossy(&o.stderr)
            );
            return None;
        }
        Err(e) => {
            eprintln!("weft-load: cannot run wrk ({e}); `apt-get install wrk`, or pass --generator builtin");
            return None;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let counts: Vec<u64> = stdout
        .lines()
        .find_map(|l| l.strip_prefix("weft-load: "))?
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let [requests, refused, failed] = counts[..] else {
        return None;
    };
    if requests >= total {
        eprintln!(
            "weft-load: wrk used all {total} signed requests before its time was up; raise --max-rate"
        );
    }
    if refused + failed > 0 {
        eprintln!("weft-load: wrk saw {refused} non-2xx answers and {failed} socket errors");
    }
    Some(Sent {
        acked: requests.saturating_sub(refused),
        generator_cpu: Some(cpu),
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, SECRET).unwrap();
    let target = StandIn::start(StandInConfig::default()).await.unwrap();
    let mut plan = TestPlan::new(&target.url(), secret.to_str().unwrap());
    plan.max_attempts = 10;
    plan.timeout = "5s".into();
    let plan_path = dir.path().join("plan.json");
    std::fs::write(&plan_path, weft_plan::canonical::pretty(&plan.seal().doc)).unwrap();
    println!(
        "weft-load: {} connections, 2 cores shared by weft, the stand-in and the generator",
        a.connections
    );

    if a.phases.contains('1') {
        // Signed before the clock starts, as a storefront signs its own.
        let replay = (a.generator == "wrk")
            .then(|| sign_for_wrk(&a, dir.path()).expect("write wrk's requests"));
        let weft = Weft::start(&a.weft, &plan_path, &dir.path().join("data1")).await;
        let before = target.effect_count();
        let (weft_cpu, own_cpu) = (weft.cpu_seconds(), cpu_seconds("/proc/self/stat"));
        let mut started = Instant::now();
        let wrk = match &replay {
            Some(replay) => {
                let sent = wrk_loop(&a, &weft.base, replay).await;
                // wrk sends for its `-d` seconds after loading its requests.
                started = Instant::now()
                    .checked_sub(Duration::from_secs(a.seconds))
                    .unwrap_or(started);
                sent
            }
            None => None,
        };
        let sent = match wrk {
            Some(sent) => sent,
            None => {
                let stop = Arc::new(AtomicBool::new(false));
                started = Instant::now();
                let s = stop.clone();
                let secs = a.seconds;
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_secs(secs)).await;
                    s.store(true, Ordering::Relaxed);
                });
                Sent {
                    acked: closed_loop(&weft.base, a.connections, 0, stop, u64::MAX).await,
                    generator_cpu: None,
                }
            }
        };
        let acked = sent.acked;
        let sent_for = started.elapsed().as_secs_f64();
        let deadline = Instant::now() + Duration::from_secs(300);
        while ((target.effect_count() - before) as u64) < acked && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let all = started.elapsed().as_secs_f64();
        let delivered = (target.effect_count() - before) as u64;
        let per_event = |cpu: f64| cpu * 1e6 / delivered.max(1) as f64;
        let own = per_event(cpu_seconds("/proc/self/stat") - own_cpu);
        let others = match sent.generator_cpu {
            Some(cpu) => format!(
                "generator (wrk) {:.0} µs, stand-in {own:.0} µs",
                per_event(cpu)
            ),
            None => format!("generator (reqwest) and stand-in {own:.0} µs"),
        };
        println!(
            "throughput: {acked} webhooks acknowledged in {sent_for:.1} s = {:.0}/s; {delivered} delivered, last {:.1} s after the first send = {:.0}/s end to end; weft RSS {:.0} MiB; CPU per event: weft {:.0} µs, {others}",
            acked as f64 / sent_for,
            all,
            delivered as f64 / all,
            weft.rss_mib(),
            per_event(weft.cpu_seconds() - weft_cpu),
        );
        weft.stop();
    }

    if a.phases.contains('2') {
        let weft = Weft::start(&a.weft, &plan_path, &dir.path().join("data2")).await;
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .build()
            .unwrap();
        let interval = Duration::from_secs_f64(1.0 / a.rate as f64);
        let total = a.rate * a.seconds;
        let start = Instant::now();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(f64, bool)>();
        for i in 0..total {
            let due = start + interval * i as u32;
            tokio::time::sleep_until(due.into()).await;
            let (client, base, tx) = (client.clone(), weft.base.clone(), tx.clone());
            tokio::spawn(async move {
                let ok = send(&client, &base, 1_000_000_000 + i).await;
                let _ = tx.send((due.elapsed().as_secs_f64() * 1000.0, ok));
            });
        }
        drop(tx);
        let mut ms = Vec::with_capacity(total as usize);
        let mut failed = 0;
        while let Some((l, ok)) = rx.recv().await {
            ms.push(l);
            failed += usize::from(!ok);
        }
        ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "latency at {}/s for {} s ({} requests, {failed} not acknowledged): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
            a.rate,
            a.seconds,
            ms.len(),
            percentile(&ms, 0.5),
            percentile(&ms, 0.9),
            percentile(&ms, 0.99),
            percentile(&ms, 0.999),
            ms.last().copied().unwrap_or(0.0)
        );
        weft.stop();
    }

    if a.phases.contains('3') {
        // Deliveries hang (the target answers after 10 minutes, past no timeout
        // of this plan), so in-flight slots fill and everything else queues.
        let stuck = StandIn::start(StandInConfig {
            faults: Faults {
                slow_rate: 1.0,
                slow_ms: 600_000,
                ..Faults::default()
            },
            ..StandInConfig::default()
        })
        .await
        .unwrap();
        let mut hung = TestPlan::new(&stuck.url(), secret.to_str().unwrap());
        hung.timeout = "15m".into();
        let hung_path = dir.path().join("hung.json");
        std::fs::write(&hung_path, weft_plan::canonical::pretty(&hung.seal().doc)).unwrap();
        let data = dir.path().join("data3");
        let weft = Weft::start(&a.weft, &hung_path, &data).await;
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let base = weft.base.clone();
        let (connections, backlog) = (a.connections, a.backlog);
        let filler = tokio::spawn(async move {
            closed_loop(&base, connections, 2_000_000_000, stop, backlog).await
        });
        let mut samples = Vec::new();
        while !filler.is_finished() {
            tokio::time::sleep(Duration::from_secs(5)).await;
            samples.push((started.elapsed().as_secs(), weft.rss_mib()));
        }
        let acked = filler.await.unwrap();
        let rss: Vec<String> = samples
            .iter()
            .map(|(t, m)| format!("{t}s {m:.0}"))
            .collect();
        println!(
            "backlog: {acked} events queued in {:.0} s ({:.0}/s) with deliveries hung; weft RSS MiB over time: {}",
            started.elapsed().as_secs_f64(),
            acked as f64 / started.elapsed().as_secs_f64(),
            rss.join(", ")
        );
        let db = std::fs::metadata(data.join("weft.db"))
            .map(|m| m.len())
            .unwrap_or(0);
        weft.stop();
        stuck.shutdown().await;
        // Restart on the same data with a target that answers: the backlog drains.
        let before = target.effect_count();
        let started = Instant::now();
        let weft = Weft::start(&a.weft, &plan_path, &data).await;
        let mut peak: f64 = 0.0;
        let deadline = Instant::now() + Duration::from_secs(1800);
        while ((target.effect_count() - before) as u64) < acked && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(500)).await;
            peak = peak.max(weft.rss_mib());
        }
        let drained = (target.effect_count() - before) as u64;
        println!(
            "drain after restart: {drained} delivered in {:.0} s ({:.0}/s), peak RSS {peak:.0} MiB; store file {:.0} MiB",
            started.elapsed().as_secs_f64(),
            drained as f64 / started.elapsed().as_secs_f64(),
            db as f64 / 1048576.0
        );
        weft.stop();
    }
    target.shutdown().await;
}

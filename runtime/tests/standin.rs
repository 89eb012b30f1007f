//! The stand-in systems, driven over real HTTP: idempotent effects, faults,
//! feeds, the token endpoint, required auth, ordering checks, keep-alive.

use serde_json::{json, Value};
use std::future::Future;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use weft_runtime::standin::{
    FaultCounts, FaultKind, Faults, StandIn, StandInConfig, TOKEN, TOKEN_PATH,
};

/// Runs a test body with a deadline, so a hang fails instead of blocking.
async fn bounded<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("test took over 60 s");
}

async fn start(config: StandInConfig) -> StandIn {
    StandIn::start(config).await.expect("the stand-in starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// POSTs JSON, with an idempotency key when given.
async fn post(
    c: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
) -> reqwest::Result<reqwest::Response> {
    let mut req = c
        .post(url)
        .header("Content-Type", "application/json")
        .body(body.to_string());
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    req.send().await
}

/// Status and JSON body of a response.
async fn answer(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap())
}

#[tokio::test]
async fn an_effect_applies_once_per_key_and_replays_answer_the_same() {
    bounded(async {
        let s = start(StandInConfig::default()).await;
        let c = client();
        let url = format!("{}/orders", s.url());
        let order = json!({"order": "A-1", "lines": [1, 2]});

        let first = answer(post(&c, &url, Some("k-1"), &order).await.unwrap()).await;
        assert_eq!(first, (201, json!({"id": 1})));
        let again = answer(post(&c, &url, Some("k-1"), &order).await.unwrap()).await;
        assert_eq!(
            again,
            (200, json!({"id": 1})),
            "the replay answers the same id"
        );
        let other = answer(
            post(&c, &url, Some("k-2"), &json!({"order": "A-2"}))
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(other, (201, json!({"id": 2})));
        // Without a key, every request applies.
        for _ in 0..2 {
            let r = post(&c, &url, None, &json!({"order": "B"})).await.unwrap();
            assert_eq!(r.status(), 201);
        }

        assert_eq!(s.effect_count(), 4);
        assert_eq!(s.replays(), 1);
        let effects = s.effects();
        assert_eq!(effects[0].key.as_deref(), Some("k-1"));
        assert_eq!(effects[0].path, "/orders");
        assert_eq!(effects[0].method, "POST");
        assert_eq!(effects[0].body, order);
        assert_eq!(effects[1].key.as_deref(), Some("k-2"));
        assert_eq!(effects[2].key, None);
        assert_eq!(
            effects.iter().map(|e| e.id).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );

        let requests = s.requests();
        assert_eq!(requests.len(), 5);
        assert_eq!(s.request_count(), 5);
        assert_eq!(
            requests.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Some(201), Some(200), Some(201), Some(201), Some(201)]
        );
        assert_eq!(requests[1].key.as_deref(), Some("k-1"));
        assert_eq!(requests[1].body, order);
        assert!(requests.iter().all(|r| r.fault.is_none()));
        assert!(requests[0].at <= requests[4].at);
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn unknown_paths_methods_and_non_json_bodies() {
    bounded(async {
        let s = start(StandInConfig::default()).await;
        let c = client();
        let r = c
            .get(format!("{}/nothing?x=1", s.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let r = c
            .delete(format!("{}/orders/1", s.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405);
        let r = c
            .put(format!("{}/stock/sku-1", s.url()))
            .body("plain text")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let requests = s.requests();
        assert_eq!(requests[0].path, "/nothing?x=1");
        assert_eq!(requests[0].body, Value::Null);
        assert_eq!(requests[2].body, json!("plain text"));
        assert_eq!(s.effects()[0].method, "PUT");
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_down_system_answers_500_and_applies_nothing() {
    bounded(async {
        let s = start(StandInConfig {
            faults: Faults::down(),
            ..Default::default()
        })
        .await;
        let c = client();
        for i in 0..20 {
            let r = post(
                &c,
                &format!("{}/orders", s.url()),
                Some(&format!("k{i}")),
                &json!({"i": i}),
            )
            .await
            .unwrap();
            assert_eq!(r.status(), 500);
        }
        assert_eq!(s.effect_count(), 0);
        assert_eq!(
            s.fault_counts(),
            FaultCounts {
                error: 20,
                ..Default::default()
            }
        );
        let requests = s.requests();
        assert_eq!(requests.len(), 20);
        assert!(requests
            .iter()
            .all(|r| r.fault == Some(FaultKind::Error) && r.status == Some(500)));
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn too_many_requests_carries_retry_after() {
    bounded(async {
        let s = start(StandInConfig {
            faults: Faults {
                too_many_rate: 1.0,
                retry_after_secs: 7,
                ..Default::default()
            },
            ..Default::default()
        })
        .await;
        let r = post(&client(), &s.url(), Some("k"), &json!({}))
            .await
            .unwrap();
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], "7");
        assert_eq!(s.fault_counts().too_many, 1);
        assert_eq!(s.effect_count(), 0);
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_reset_is_a_transport_error_not_a_response() {
    bounded(async {
        let s = start(StandInConfig {
            faults: Faults {
                reset_rate: 1.0,
                ..Default::default()
            },
            ..Default::default()
        })
        .await;
        let err = post(
            &client(),
            &format!("{}/orders", s.url()),
            Some("k"),
            &json!({"a": 1}),
        )
        .await
        .expect_err("a reset must not produce a response");
        assert!(!err.is_timeout(), "{err:?}");
        assert!(err.status().is_none());
        assert_eq!(s.effect_count(), 0);
        assert!(s.fault_counts().reset >= 1);
        assert_eq!(s.fault_counts().total(), s.fault_counts().reset);
        assert!(s.requests().iter().all(|r| r.status.is_none()));

        // At the socket: the connection ends without a byte of answer.
        let mut raw = TcpStream::connect(s.addr()).await.unwrap();
        raw.write_all(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
            .await
            .unwrap();
        let mut got = Vec::new();
        let read = raw.read_to_end(&mut got).await;
        assert!(got.is_empty());
        assert_eq!(
            read.map_err(|e| e.kind()).err(),
            Some(std::io::ErrorKind::ConnectionReset)
        );
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_slow_write_times_out_at_the_client_yet_applies() {
    bounded(async {
        let s = start(StandInConfig {
            faults: Faults {
                slow_rate: 1.0,
                slow_ms: 600,
                ..Default::default()
            },
            ..Default::default()
        })
        .await;
        let impatient = reqwest::Client::builder()
            .timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let url = format!("{}/orders", s.url());
        let err = post(&impatient, &url, Some("slow-1"), &json!({"a": 1}))
            .await
            .expect_err("the client times out");
        assert!(err.is_timeout(), "{err:?}");
        assert_eq!(s.fault_counts().slow, 1);

        // The stand-in finishes its work after the client gave up.
        let mut waited = 0;
        while s.effect_count() == 0 {
            assert!(waited < 5_000, "the slow write was never applied");
            tokio::time::sleep(Duration::from_millis(20)).await;
            waited += 20;
        }
        // The client's retry with the same key is a replay.
        s.set_faults(Faults::default());
        let r = answer(
            post(&client(), &url, Some("slow-1"), &json!({"a": 1}))
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(r, (200, json!({"id": 1})));
        assert_eq!(s.effect_count(), 1);
        assert_eq!(s.replays(), 1);
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_rejected_key_stays_rejected_and_an_applied_one_is_never_rejected() {
    bounded(async {
        let s = start(StandInConfig {
            faults: Faults {
                reject_rate: 0.5,
                seed: 7,
                ..Default::default()
            },
            ..Default::default()
        })
        .await;
        let c = client();
        let url = format!("{}/orders", s.url());
        let (mut rejected, mut applied) = (Vec::new(), 0);
        for i in 0..40 {
            let key = format!("k{i}");
            let first = post(&c, &url, Some(&key), &json!({"i": i}))
                .await
                .unwrap()
                .status();
            let second = post(&c, &url, Some(&key), &json!({"i": i}))
                .await
                .unwrap()
                .status();
            match first.as_u16() {
                422 => {
                    assert_eq!(second, 422, "{key}: a 422 is permanent");
                    rejected.push(key);
                }
                201 => {
                    assert_eq!(second, 200, "{key}: an applied key replays");
                    applied += 1;
                }
                other => panic!("{key}: unexpected {other}"),
            }
        }
        assert!(!rejected.is_empty() && applied > 0, "seed 7 gives both");
        assert_eq!(s.effect_count(), applied);
        // Still rejected once the faults are gone; new keys apply.
        s.set_faults(Faults::default());
        let r = post(&c, &url, Some(&rejected[0]), &json!({}))
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let r = post(&c, &url, Some("fresh"), &json!({})).await.unwrap();
        assert_eq!(r.status(), 201);
        assert_eq!(s.fault_counts().reject, 2 * rejected.len() as u64 + 1);
        s.shutdown().await;
    })
    .await;
}

/// The statuses of 200 sequential writes (0 for a transport error) and the
/// fault counts, against a fresh stand-in with `faults`.
async fn run_mixed(faults: Faults) -> (Vec<u16>, FaultCounts) {
    let s = start(StandInConfig {
        faults,
        ..Default::default()
    })
    .await;
    let c = client();
    let url = format!("{}/orders", s.url());
    let mut statuses = Vec::new();
    for i in 0..200 {
        let status = match post(&c, &url, Some(&format!("k{i}")), &json!({"i": i})).await {
            Ok(r) => r.status().as_u16(),
            Err(_) => 0,
        };
        statuses.push(status);
    }
    let counts = s.fault_counts();
    s.shutdown().await;
    (statuses, counts)
}

#[tokio::test]
async fn faults_are_deterministic_for_a_seed() {
    bounded(async {
        let faults = Faults {
            error_rate: 0.1,
            too_many_rate: 0.1,
            reject_rate: 0.1,
            reset_rate: 0.05,
            slow_rate: 0.05,
            slow_ms: 20,
            seed: 42,
            ..Default::default()
        };
        let (statuses, counts) = run_mixed(faults.clone()).await;
        let (again, counts_again) = run_mixed(faults.clone()).await;
        assert_eq!(statuses, again);
        assert_eq!(counts, counts_again);
        assert!(counts.error > 0 && counts.too_many > 0 && counts.reject > 0);
        assert!(counts.reset > 0 && counts.slow > 0);
        let count = |s: u16| statuses.iter().filter(|&&x| x == s).count() as u64;
        assert_eq!(count(500), counts.error);
        assert_eq!(count(429), counts.too_many);
        assert_eq!(count(422), counts.reject);
        assert_eq!(
            count(201),
            200 - counts.error - counts.too_many - counts.reject - counts.reset
        );

        let (other, _) = run_mixed(Faults { seed: 43, ..faults }).await;
        assert_ne!(statuses, other, "another seed, other faults");
    })
    .await;
}

#[tokio::test]
async fn set_faults_takes_a_system_down_and_up() {
    bounded(async {
        let s = start(StandInConfig::default()).await;
        let c = client();
        let url = format!("{}/orders", s.url());
        assert_eq!(
            post(&c, &url, None, &json!({})).await.unwrap().status(),
            201
        );
        s.set_faults(Faults::down());
        for _ in 0..3 {
            assert_eq!(
                post(&c, &url, None, &json!({})).await.unwrap().status(),
                500
            );
        }
        s.set_faults(Faults::default());
        assert_eq!(
            post(&c, &url, None, &json!({})).await.unwrap().status(),
            201
        );
        assert_eq!(s.effect_count(), 2);
        assert_eq!(s.fault_counts().error, 3);
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn feeds_page_by_cursor() {
    bounded(async {
        let s = start(StandInConfig {
            feeds: vec![
                ("/items".into(), "since".into(), "n".into()),
                ("/events".into(), "after".into(), "at".into()),
            ],
            feed_page: 3,
            ..Default::default()
        })
        .await;
        // Added out of order: pages come ordered by the cursor field.
        s.add_records(
            "/items",
            vec![json!({"n": 5}), json!({"n": 1}), json!({"n": 3})],
        );
        s.add_records(
            "/items",
            vec![
                json!({"n": 2}),
                json!({"n": 10}),
                json!({"n": 4}),
                json!({"n": 6}),
            ],
        );
        let c = client();
        let fetch = |query: Option<String>| {
            let mut req = c.get(format!("{}/items", s.url()));
            if let Some(q) = query {
                req = req.query(&[("since", q)]);
            }
            async move {
                let (status, body) = answer(req.send().await.unwrap()).await;
                assert_eq!(status, 200);
                body.as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["n"].as_i64().unwrap())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(fetch(None).await, [1, 2, 3]);
        assert_eq!(fetch(Some("3".into())).await, [4, 5, 6]);
        // Numeric, not textual: 10 comes after 6.
        assert_eq!(fetch(Some("6".into())).await, [10]);
        assert_eq!(fetch(Some("10".into())).await, Vec::<i64>::new());

        // Text cursors, encoded in the query.
        s.add_records(
            "/events",
            vec![
                json!({"at": "2024-01-01T00:00:00+00:00", "e": 1}),
                json!({"at": "2024-01-02T00:00:00+00:00", "e": 2}),
            ],
        );
        let r = c
            .get(format!("{}/events", s.url()))
            .query(&[("after", "2024-01-01T00:00:00+00:00")])
            .send()
            .await
            .unwrap();
        let (_, body) = answer(r).await;
        assert_eq!(body, json!([{"at": "2024-01-02T00:00:00+00:00", "e": 2}]));
        assert_eq!(s.effect_count(), 0);
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn the_token_endpoint_checks_client_credentials() {
    bounded(async {
        let s = start(StandInConfig {
            client_credentials: Some(("erp-client".into(), "s3cret & more".into())),
            ..Default::default()
        })
        .await;
        let c = client();
        let url = format!("{}{TOKEN_PATH}", s.url());
        let ask = |id: &str, secret: &str, grant: &str| {
            c.post(&url)
                .form(&[
                    ("grant_type", grant),
                    ("client_id", id),
                    ("client_secret", secret),
                ])
                .send()
        };
        let (status, body) = answer(
            ask("erp-client", "s3cret & more", "client_credentials")
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(body["access_token"], TOKEN);
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 3600);
        let wrong = ask("erp-client", "guess", "client_credentials")
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);
        let wrong = ask("other", "s3cret & more", "client_credentials")
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);
        let grant = ask("erp-client", "s3cret & more", "password")
            .await
            .unwrap();
        assert_eq!(grant.status(), 400);
        assert_eq!(s.token_requests(), 4);
        assert_eq!(s.effect_count(), 0);
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_required_header_is_enforced() {
    bounded(async {
        let s = start(StandInConfig {
            required_header: Some(("Authorization".into(), format!("Bearer {TOKEN}"))),
            // Faults never hit the token endpoint nor unauthenticated requests.
            faults: Faults::down(),
            ..Default::default()
        })
        .await;
        let c = client();
        let url = format!("{}/orders", s.url());
        let r = post(&c, &url, Some("k"), &json!({})).await.unwrap();
        assert_eq!(r.status(), 401);
        let r = c
            .post(&url)
            .header("authorization", "Bearer wrong")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        assert_eq!(s.unauthorized(), 2);
        assert_eq!(s.requests()[0].status, Some(401));
        assert_eq!(s.fault_counts().total(), 0);

        // Get a token (no auth needed there), then use it.
        let (status, body) = answer(
            c.post(format!("{}{TOKEN_PATH}", s.url()))
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", "a"),
                    ("client_secret", "b"),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        s.set_faults(Faults::default());
        let token = body["access_token"].as_str().unwrap();
        let r = c
            .post(&url)
            .bearer_auth(token)
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        assert_eq!(s.effect_count(), 1);
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn ordering_violations_are_the_keys_whose_sequence_went_down() {
    bounded(async {
        let s = start(StandInConfig {
            ordering_key: Some("/customer_id".into()),
            sequence: Some("/seq".into()),
            ..Default::default()
        })
        .await;
        let c = client();
        let url = format!("{}/customers", s.url());
        let send = |customer: Value, seq: Value| {
            let c = c.clone();
            let url = url.clone();
            async move {
                let body = json!({"customer_id": customer, "seq": seq});
                let r = post(&c, &url, None, &body).await.unwrap();
                assert_eq!(r.status(), 201);
            }
        };
        send(json!("c1"), json!(1)).await;
        send(json!(2), json!(1)).await;
        send(json!("c1"), json!(2)).await;
        send(json!(2), json!("3")).await;
        send(json!("c1"), json!(3)).await;
        assert!(s.order_violations().is_empty());

        send(json!("c1"), json!(2)).await;
        send(json!(2), json!(4)).await;
        assert_eq!(s.order_violations(), ["c1"]);
        let seqs = s.sequences();
        assert_eq!(seqs["c1"], [1, 2, 3, 2]);
        assert_eq!(seqs["2"], [1, 3, 4]);
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn keep_alive_carries_a_thousand_requests_on_one_connection() {
    bounded(async {
        let s = start(StandInConfig::default()).await;
        let c = client();
        let url = format!("{}/orders", s.url());
        for i in 0..1000 {
            let r = post(&c, &url, Some(&format!("k{i}")), &json!({"i": i}))
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            r.bytes().await.unwrap();
        }
        assert_eq!(s.effect_count(), 1000);
        assert_eq!(s.connections(), 1);
        s.shutdown().await;
    })
    .await;
}

/// Writes raw bytes on a fresh connection and reads until it closes.
async fn raw_exchange(s: &StandIn, bytes: &[u8]) -> String {
    let mut raw = TcpStream::connect(s.addr()).await.unwrap();
    raw.write_all(bytes).await.unwrap();
    let mut got = Vec::new();
    raw.read_to_end(&mut got).await.unwrap();
    String::from_utf8(got).unwrap()
}

#[tokio::test]
async fn raw_http_pipelining_close_and_chunked_bodies() {
    bounded(async {
        let s = start(StandInConfig::default()).await;
        // Two pipelined requests, the second closing the connection.
        let got = raw_exchange(
            &s,
            b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{\"a\":1}\
              GET /none HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .await;
        assert!(got.starts_with("HTTP/1.1 201 Created\r\n"), "{got}");
        assert!(
            got.contains("\r\n\r\n{\"id\":1}HTTP/1.1 404 Not Found\r\n"),
            "{got}"
        );
        assert!(got.contains("Connection: close\r\n"), "{got}");
        assert_eq!(s.effects()[0].body, json!({"a": 1}));

        let got = raw_exchange(
            &s,
            b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        )
        .await;
        assert!(got.starts_with("HTTP/1.1 411 "), "{got}");
        let got = raw_exchange(&s, b"nonsense\r\n\r\n").await;
        assert!(got.starts_with("HTTP/1.1 400 "), "{got}");
        assert_eq!(s.effect_count(), 1);
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn old_request_records_are_dropped_past_the_cap_but_effects_are_kept() {
    bounded(async {
        let s = start(StandInConfig {
            max_requests: 3,
            ..Default::default()
        })
        .await;
        let c = client();
        for i in 0..5 {
            post(&c, &format!("{}/o{i}", s.url()), None, &json!({}))
                .await
                .unwrap();
        }
        let paths: Vec<_> = s.requests().into_iter().map(|r| r.path).collect();
        assert_eq!(paths, ["/o2", "/o3", "/o4"]);
        assert_eq!(s.request_count(), 5);
        assert_eq!(s.effect_count(), 5);
        s.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn shutdown_closes_the_listener_and_open_connections() {
    bounded(async {
        let s = start(StandInConfig::default()).await;
        let addr = s.addr();
        let mut open = TcpStream::connect(addr).await.unwrap();
        open.write_all(b"GET /x HTTP/1.1\r\n\r\n").await.unwrap();
        let mut first = [0u8; 12];
        open.read_exact(&mut first).await.unwrap();
        assert_eq!(&first, b"HTTP/1.1 404");
        let mut rest = [0u8; 256];
        let _ = open.read(&mut rest).await.unwrap();

        s.shutdown().await;
        let mut left = Vec::new();
        let read = open.read_to_end(&mut left).await;
        assert!(matches!(read, Ok(0)) || read.is_err(), "{read:?}");
        assert!(TcpStream::connect(addr).await.is_err());

        // Dropping without shutdown stops it too.
        let s = start(StandInConfig::default()).await;
        let addr = s.addr();
        drop(s);
        let mut refused = false;
        for _ in 0..100 {
            if TcpStream::connect(addr).await.is_err() {
                refused = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(refused, "the listener closes after drop");
    })
    .await;
}

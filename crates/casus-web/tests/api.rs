//! The HTTP API as a client meets it: a server started on an ephemeral port of
//! this machine, plain HTTP/1.1 requests, and the answers checked — the CLI's
//! forecast bytes, located problems with 4xx statuses, the bounds, jobs with
//! progress.

use casus_app::Threads;
use casus_web::serve::{AppState, Limits, serve};
use serde_json::Value;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A server on 127.0.0.1:0 with `limits`, running on its own thread until the
/// test process ends.
fn server(limits: Limits) -> SocketAddr {
    let world = casus_data::bundled_world().unwrap();
    let state = Arc::new(AppState::new(world, limits, Threads::new(2).unwrap()).unwrap());
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = std_listener.local_addr().unwrap();
    std_listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
            serve(listener, state, std::future::pending())
                .await
                .unwrap();
        });
    });
    addr
}

struct Reply {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// One request on its own connection (`Connection: close`).
fn request(addr: SocketAddr, method: &str, path: &str, content_type: &str, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    // The server may close the connection before reading all of a body it
    // refused; what it sent is what counts.
    let _ = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP response");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    let status = head[9..12].parse().unwrap();
    let header = |name: &str| {
        head.lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .unwrap_or_default()
    };
    if header("transfer-encoding").eq_ignore_ascii_case("chunked") {
        body = dechunk(&body);
    }
    Reply {
        status,
        content_type: header("content-type"),
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 2 + n + 2..];
    }
}

fn get(addr: SocketAddr, path: &str) -> Reply {
    request(addr, "GET", path, "text/plain", b"")
}

fn post_json(addr: SocketAddr, path: &str, body: &str) -> Reply {
    request(addr, "POST", path, "application/json", body.as_bytes())
}

fn post_toml(addr: SocketAddr, path: &str, body: &str) -> Reply {
    request(addr, "POST", path, "application/toml", body.as_bytes())
}

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../casus-cli/tests/golden/");

fn golden(name: &str) -> String {
    std::fs::read_to_string(format!("{GOLDEN}{name}")).unwrap()
}

#[test]
fn a_forecast_answers_the_bytes_the_cli_prints() {
    let addr = server(Limits::default());
    // `casus forecast kazakhstan-2022 --runs 3000 --seed 7 --json` (the golden file).
    let r = post_json(
        addr,
        "/api/forecast",
        r#"{"scenario": "kazakhstan-2022", "runs": 3000, "seed": 7}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.content_type, "application/json");
    assert_eq!(r.text(), golden("kazakhstan-2022.forecast.json"));
    // The same scenario sent as TOML text, options in the query string.
    let (_, toml) = casus_data::bundled_scenario_text("kazakhstan-2022").unwrap();
    let r = post_toml(addr, "/api/forecast?runs=3000&seed=7", toml);
    assert_eq!(r.text(), golden("kazakhstan-2022.forecast.json"));
    // With `until`: `casus forecast … --until 2029-12-31 --json`.
    let r = post_json(
        addr,
        "/api/forecast",
        r#"{"scenario": "armenia-2022", "runs": 400, "seed": 11, "until": "2029-12-31"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.text(), golden("armenia-2022.horizon.json"));
}

#[test]
fn a_forecast_with_the_posterior_answers_the_bytes_of_the_use_case_the_cli_runs() {
    let addr = server(Limits::default());
    let r = post_json(
        addr,
        "/api/forecast",
        r#"{"scenario": "armenia-2022", "runs": 2000, "seed": 4, "posterior": true, "draws": 20}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // What `casus forecast armenia-2022 --runs 2000 --seed 4 --posterior --draws 20 --json` prints.
    let world = casus_data::bundled_world().unwrap();
    let file = casus_data::params::bundled_params().unwrap();
    let req = casus_app::forecast::ForecastRequest {
        scenario: casus_data::bundled_scenario("armenia-2022", &world)
            .unwrap()
            .unwrap(),
        params: file.params(),
        runs: std::num::NonZeroU64::new(2000).unwrap(),
        seed: Some(4),
        threads: Threads::new(1).unwrap(),
    };
    let post = file.posterior().unwrap();
    let s = casus_app::posterior::forecast_posterior(&world, &req, &post, 20, &casus_app::Silent)
        .unwrap();
    assert_eq!(r.text(), casus_app::render::posterior_forecast_json(&s));
    // The same in the query string; `draws` without `posterior` is refused.
    let (_, toml) = casus_data::bundled_scenario_text("armenia-2022").unwrap();
    let q = post_toml(
        addr,
        "/api/forecast?runs=2000&seed=4&posterior=true&draws=20",
        toml,
    );
    assert_eq!(q.text(), r.text());
    let bad = post_toml(addr, "/api/forecast?draws=20", toml);
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("add posterior=true"), "{}", bad.text());
}

#[test]
fn the_bundled_scenarios_are_listed_with_their_titles_and_text() {
    let addr = server(Limits::default());
    let r = get(addr, "/api/scenarios");
    assert_eq!(r.status, 200);
    let list = r.json();
    let wins = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "russia-wins-2026")
        .expect("russia-wins-2026 listed");
    assert_eq!(wins["alliance"], "CSTO");
    assert!(wins["title"].as_str().unwrap().contains("Russia wins"));
    let t = get(addr, "/api/scenarios/russia-wins-2026");
    assert_eq!(t.status, 200);
    assert!(t.text().contains("id = \"russia-wins-2026\""));
    let missing = get(addr, "/api/scenarios/no-such");
    assert_eq!(missing.status, 404);
    assert!(
        missing.json()["error"]
            .as_str()
            .unwrap()
            .contains("kazakhstan-2022")
    );
    let page = get(addr, "/");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.text().contains("casus dashboard"));
}

#[test]
fn check_locates_problems_by_file_line_and_column() {
    let addr = server(Limits::default());
    let (_, toml) = casus_data::bundled_scenario_text("kazakhstan-2022").unwrap();
    let ok = post_toml(addr, "/api/check?file=mine.toml", toml);
    assert_eq!(ok.status, 200, "{}", ok.text());
    let v = ok.json();
    assert_eq!(
        (v["ok"].as_bool(), v["alliance"].as_str()),
        (Some(true), Some("CSTO"))
    );
    // A typo in an event's kind, on line 3 of the text.
    let bad = "format = 1\nid = \"x\"\ntitle = 3\n";
    let r = post_toml(addr, "/api/check?file=mine.toml", bad);
    assert_eq!(r.status, 422, "{}", r.text());
    let v = r.json();
    let p = &v["problems"][0];
    assert_eq!(p["file"], "mine.toml");
    assert!(
        p["line"].as_u64().unwrap() >= 1 && p["column"].as_u64().unwrap() >= 1,
        "{v}"
    );
    assert!(
        v["error"].as_str().unwrap().starts_with("mine.toml:"),
        "{v}"
    );
    // Not UTF-8: located at the byte.
    let r = request(
        addr,
        "POST",
        "/api/check",
        "application/toml",
        b"id = \"\xff\"\n",
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["problems"][0]["line"], 1);
}

#[test]
fn a_bad_request_gets_a_4xx_with_a_located_message() {
    let addr = server(Limits::default());
    // Broken JSON: located in the body.
    let r = post_json(
        addr,
        "/api/forecast",
        "{\n  \"scenario\": \"kazakhstan-2022\",\n  runs: 5\n}",
    );
    assert_eq!(r.status, 400, "{}", r.text());
    let v = r.json();
    assert_eq!(v["problems"][0]["file"], "request body");
    assert_eq!(v["problems"][0]["line"], 3);
    // An unknown field is named, not ignored.
    let r = post_json(
        addr,
        "/api/forecast",
        r#"{"scenario": "kazakhstan-2022", "rnus": 5}"#,
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"].as_str().unwrap().contains("rnus"),
        "{}",
        r.text()
    );
    // A bad date and a bad query parameter.
    let r = post_json(
        addr,
        "/api/forecast",
        r#"{"scenario": "kazakhstan-2022", "until": "2030-13-01"}"#,
    );
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("until"));
    let r = post_toml(addr, "/api/forecast?runs=lots", "");
    assert_eq!(r.status, 400);
    // A horizon that ends before the scenario does is the use case's refusal.
    let r = post_json(
        addr,
        "/api/forecast",
        r#"{"scenario": "kazakhstan-2022", "runs": 10, "until": "2021-12-31"}"#,
    );
    assert_eq!(r.status, 400, "{}", r.text());
    // Unknown routes answer JSON too.
    let r = get(addr, "/api/nothing");
    assert_eq!(r.status, 404);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("/api/forecast")
    );
}

#[test]
fn runs_body_size_and_request_time_are_bounded() {
    let limits = Limits {
        max_runs: 5_000,
        max_body: 4_096,
        ..Limits::default()
    };
    let addr = server(limits);
    let r = post_json(
        addr,
        "/api/forecast",
        r#"{"scenario": "kazakhstan-2022", "runs": 5001}"#,
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("limit of 5000"),
        "{}",
        r.text()
    );
    let r = post_json(
        addr,
        "/api/forecast",
        r#"{"scenario": "kazakhstan-2022", "runs": 0}"#,
    );
    assert_eq!(r.status, 400);
    let big = format!("# {}\n", "x".repeat(5_000));
    let r = post_toml(addr, "/api/check", &big);
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("4096 bytes"));

    let slow = server(Limits {
        request_time: Duration::from_millis(1),
        ..Limits::default()
    });
    let r = post_json(
        slow,
        "/api/forecast",
        r#"{"scenario": "russia-wins-2026", "runs": 20000}"#,
    );
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("limit"));
}

#[test]
fn a_job_reports_progress_then_the_reports_data() {
    let addr = server(Limits::default());
    let r = post_json(
        addr,
        "/api/jobs",
        r#"{"scenario": "kazakhstan-2022", "runs": 2000, "seed": 3, "horizon_runs": 100}"#,
    );
    assert_eq!(r.status, 202, "{}", r.text());
    let status = r.json()["status"].as_str().unwrap().to_string();
    let start = Instant::now();
    let done = loop {
        let s = get(addr, &status).json();
        match s["state"].as_str().unwrap() {
            "running" => assert!(s["done"].as_u64() <= s["total"].as_u64()),
            "done" => break s,
            other => panic!("{other}: {s}"),
        }
        assert!(start.elapsed() < Duration::from_secs(120), "job too slow");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(done["done"], done["total"]);
    assert_eq!(done["total"], 2100);
    let report = &done["result"]["report"];
    assert_eq!(report["forecast"]["runs"], 2000);
    assert_eq!(report["forecast"]["seed"], 3);
    assert_eq!(
        report["horizon"]["until"], "2027-12-31",
        "five years after 2022"
    );
    assert!(
        report["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["state"] == "KAZ")
    );
    assert_eq!(get(addr, "/api/jobs/999").status, 404);
    assert_eq!(get(addr, "/api/jobs/abc").status, 404);
}

#[test]
fn more_computations_than_the_limit_are_refused_not_queued() {
    let addr = server(Limits {
        max_jobs: 1,
        ..Limits::default()
    });
    let first = post_json(
        addr,
        "/api/jobs",
        r#"{"scenario": "russia-wins-2026", "runs": 50000, "horizon_runs": 1}"#,
    );
    assert_eq!(first.status, 202);
    let second = post_json(
        addr,
        "/api/forecast",
        r#"{"scenario": "kazakhstan-2022", "runs": 10}"#,
    );
    assert_eq!(second.status, 429, "{}", second.text());
    assert!(second.json()["error"].as_str().unwrap().contains("wait"));
    // Checking never waits for a slot.
    let (_, toml) = casus_data::bundled_scenario_text("kazakhstan-2022").unwrap();
    assert_eq!(post_toml(addr, "/api/check", toml).status, 200);
}

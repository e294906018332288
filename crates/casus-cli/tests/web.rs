//! `casus report` and `casus serve` as a user starts them: one HTML file that
//! needs nothing from a server, the same bytes for the same inputs, outputs
//! checked before the work; a server on this machine only by default.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{Command, Stdio};

fn casus() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_casus"));
    c.current_dir(std::env::temp_dir());
    c
}

fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("casus-web-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_report_is_one_self_contained_file_and_the_same_bytes_each_time() {
    let d = dir("report");
    let out = |name: &str| {
        let p = d.join(name);
        let o = casus()
            .args([
                "report",
                "kazakhstan-2022",
                "--runs",
                "500",
                "--horizon-runs",
                "20",
                "-o",
            ])
            .arg(&p)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(p).unwrap()
    };
    let html = out("a.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("default-src 'none'"),
        "a policy forbids any request"
    );
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "nothing loaded from a server"
    );
    assert!(html.contains("\"casus_foederis\"") && html.contains("\"horizon\""));
    assert!(
        html.contains("countries") && html.contains("d3-geo"),
        "the shapes and the library are inline"
    );
    assert_eq!(html, out("b.html"), "the same inputs give the same bytes");
}

#[test]
fn a_report_checks_its_output_and_its_flags_before_computing() {
    let d = dir("report-bad");
    let o = casus()
        .args(["report", "kazakhstan-2022", "-o"])
        .arg(d.join("missing/r.html"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not exist"));
    let o = casus()
        .args(["report", "kazakhstan-2022", "--until", "2030-02-30", "-o"])
        .arg(d.join("r.html"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--until"));
    assert!(!d.join("r.html").exists(), "no half-written report");
}

#[test]
fn serve_listens_on_this_machine_only_unless_told_otherwise() {
    let mut child = casus()
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{line}");
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /api/scenarios HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("kazakhstan-2022"));
}

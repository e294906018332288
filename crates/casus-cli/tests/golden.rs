//! Outputs are part of the contract: for every bundled scenario and the bundled
//! case library, `run`, `explain`, `forecast` (timeline and long horizon) and
//! `backtest` print exactly the bytes recorded in `tests/golden/`. A refactor
//! that changes a byte fails here; a deliberate change (a bug fix, a new
//! mechanism) re-records them with `CASUS_BLESS=1 cargo test -p casus-cli --test golden`
//! and says why in its commit.

use std::path::PathBuf;
use std::process::Command;

fn casus(args: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run casus");
    assert!(
        o.status.success(),
        "casus {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn bundled_scenarios() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios");
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            if p.extension()? != "toml" {
                return None;
            }
            Some(p.file_stem()?.to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    names
}

/// The commands whose bytes are recorded, each with the file that holds them.
fn invocations() -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for s in bundled_scenarios() {
        let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        out.push((format!("{s}.run.txt"), v(&["run", &s])));
        out.push((format!("{s}.run.json"), v(&["run", &s, "--json"])));
        out.push((format!("{s}.explain.txt"), v(&["explain", &s])));
        out.push((format!("{s}.explain.json"), v(&["explain", &s, "--json"])));
        out.push((
            format!("{s}.forecast.json"),
            v(&["forecast", &s, "--runs", "3000", "--seed", "7", "--json"]),
        ));
        out.push((
            format!("{s}.forecast.txt"),
            v(&["forecast", &s, "--runs", "3000", "--seed", "7"]),
        ));
        out.push((
            format!("{s}.horizon.json"),
            v(&[
                "forecast",
                &s,
                "--runs",
                "400",
                "--seed",
                "11",
                "--until",
                "2029-12-31",
                "--json",
            ]),
        ));
    }
    let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    out.push(("backtest.txt".into(), v(&["backtest"])));
    out.push(("backtest.json".into(), v(&["backtest", "--json"])));
    out.push(("anchors.txt".into(), v(&["anchors"])));
    out
}

#[test]
fn outputs_on_the_bundled_set_are_byte_identical_to_the_recorded_ones() {
    let bless = std::env::var_os("CASUS_BLESS").is_some();
    let dir = golden_dir();
    let mut differing = Vec::new();
    for (file, args) in invocations() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let got = casus(&args);
        let path = dir.join(&file);
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read(&path)
            .unwrap_or_else(|_| panic!("{} missing: record with CASUS_BLESS=1", path.display()));
        if got != want {
            differing.push(format!("casus {}  (tests/golden/{file})", args.join(" ")));
        }
    }
    assert!(
        differing.is_empty(),
        "{} outputs changed:\n{}",
        differing.len(),
        differing.join("\n")
    );
}

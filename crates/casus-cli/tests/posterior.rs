//! Parameter uncertainty: `casus posterior` writes the Laplace posterior into
//! a parameter file, and `casus forecast … --posterior` (of a scenario's
//! events, or with `--until DATE` of the years after it) runs blocks of
//! replications under parameters drawn from it, so its intervals carry the
//! parameters' uncertainty beside the Monte Carlo error.

use std::path::PathBuf;
use std::process::{Command, Output};

fn casus(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(args)
        .output()
        .expect("run casus")
}

fn ok(args: &[&str]) -> Vec<u8> {
    let o = casus(args);
    assert!(
        o.status.success(),
        "casus {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("casus-posterior-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

const HORIZON: &[&str] = &[
    "forecast",
    "russia-loses-2026",
    "--until",
    "2028-12-31",
    "--runs",
    "600",
    "--draws",
    "30",
    "--posterior",
    "--json",
];

#[test]
fn a_forecast_with_the_posterior_is_the_same_bytes_on_one_thread_or_two() {
    let one = ok(&[HORIZON, &["--threads", "1"]].concat());
    let two = ok(&[HORIZON, &["--threads", "2"]].concat());
    assert_eq!(one, two);
}

#[test]
fn the_parameters_widen_the_interval_of_a_deployment_beyond_the_error_of_its_estimate() {
    let v: serde_json::Value = serde_json::from_slice(&ok(HORIZON)).unwrap();
    assert_eq!(v["draws"], 30);
    assert_eq!(v["summary"]["runs"], 600);
    let last = v["years"].as_array().unwrap().last().unwrap();
    let d = &last["deployment_so_far"];
    let width = |k: &str| d[k][1].as_f64().unwrap() - d[k][0].as_f64().unwrap();
    assert!(d["parameter_sd"].as_f64().unwrap() > 0.0, "{d}");
    assert!(width("ci95") > width("mean_ci95"), "{d}");
    // The pooled estimate is the share over every block's replications.
    let p = d["p"].as_f64().unwrap();
    let pooled = last_year(&v["summary"]["years"])["p_deployment_so_far"]
        .as_f64()
        .unwrap();
    assert_eq!(p, pooled);
}

#[test]
fn a_crisis_forecast_with_the_posterior_gives_each_rung_its_spread_and_pools_the_same_replications()
{
    let args = [
        "forecast",
        "armenia-2022",
        "--runs",
        "4000",
        "--draws",
        "40",
        "--posterior",
        "--json",
    ];
    let one = ok(&[&args[..], &["--threads", "1"]].concat());
    assert_eq!(one, ok(&[&args[..], &["--threads", "2"]].concat()));
    let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(v["draws"], 40);
    let ev = &v["events"][0];
    let summary = &v["summary"]["events"][0];
    assert_eq!(ev["id"], summary["id"]);
    let rungs = ev["outcomes"].as_array().unwrap();
    assert_eq!(rungs.len(), 4);
    let mut total = 0.0;
    for (k, r) in rungs.iter().enumerate() {
        let s = &r[1];
        // The pooled estimate is the plain summary's share of that rung.
        assert_eq!(s["p"], summary["answer"]["outcomes"][k][1]["p"]);
        total += s["p"].as_f64().unwrap();
    }
    assert!((total - 1.0).abs() < 1e-9);
    // Armenia's answer turns on fitted parameters: the posterior spreads the
    // commonest rung's probability well beyond its Monte Carlo error.
    let widest = rungs
        .iter()
        .map(|r| &r[1])
        .max_by(|a, b| {
            a["p"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["p"].as_f64().unwrap())
        })
        .unwrap();
    let width = |k: &str| widest[k][1].as_f64().unwrap() - widest[k][0].as_f64().unwrap();
    assert!(widest["parameter_sd"].as_f64().unwrap() > 0.02, "{widest}");
    assert!(width("ci95") > width("mean_ci95"), "{widest}");
}

fn last_year(years: &serde_json::Value) -> &serde_json::Value {
    years.as_array().unwrap().last().unwrap()
}

#[test]
fn without_a_posterior_in_the_parameter_file_the_forecast_says_how_to_compute_one() {
    let dir = scratch("none");
    // The bundled priors are a parameter file without a [posterior].
    let priors = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/priors.toml");
    let o = casus(&[HORIZON, &["--params", priors.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("has no [posterior] table"), "{err}");
    assert!(err.contains("casus posterior --params"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn casus_posterior_writes_the_file_back_with_its_values_and_a_posterior_the_forecast_reads() {
    let dir = scratch("write");
    let out = dir.join("p.toml");
    let shipped =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/parameters.toml");
    ok(&[
        "posterior",
        "--params",
        shipped.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--date",
        "2026-12-04",
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    let shipped_text = std::fs::read_to_string(&shipped).unwrap();
    // Same values, same covariance (the shipped one was written by this command).
    let strip = |t: &str| {
        t.lines()
            .filter(|l| !l.starts_with("command = "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&text), strip(&shipped_text));
    let o = ok(&[HORIZON, &["--params", out.to_str().unwrap()]].concat());
    assert_eq!(o, ok(HORIZON));
    let _ = std::fs::remove_dir_all(dir);
}

//! The command line as a user meets it: bundled data from any directory, JSON
//! shapes, located errors with a non-zero exit, byte-identical forecasts.

use std::process::{Command, Output};

fn casus(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run casus")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn run_works_from_any_directory_with_embedded_data() {
    let o = casus(&["run", "kazakhstan-2022"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("casus foederis: YES, for KAZ"));
}

#[test]
fn run_json_has_events_with_treaty_fields() {
    let o = casus(&["run", "armenia-2022", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let events = v["events"].as_array().unwrap();
    assert!(!events.is_empty());
    for e in events {
        for k in ["id", "date", "kind"] {
            assert!(e.get(k).is_some(), "{k} in {e}");
        }
        assert!(e["treaty"]["casus_foederis"].is_boolean());
        assert!(e["treaty"]["articles"].is_array());
    }
}

#[test]
fn malformed_scenario_gets_a_located_error_and_exit_2() {
    let dir = tempdir();
    let f = dir.join("bad.toml");
    std::fs::write(
        &f,
        "format = 1\nid = \"bad\"\ntitle = \"t\"\nalliance = \"CSTO\"\n[[events]]\nid = \"a\"\ndate = 2022-01-02\nkind = \"internal_unrest\"\nstate = \"XYZ\"\ntitle = \"t\"\n",
    )
    .unwrap();
    let o = casus(&["check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml:9:9: error: unknown state code `XYZ`"),
        "{err}"
    );
    assert!(err.contains("help:"), "{err}");
}

#[test]
fn unknown_scenario_name_lists_the_bundled_ones() {
    let o = casus(&["run", "no-such-thing"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("kazakhstan-2022"));
}

#[test]
fn forecast_json_is_byte_identical_for_any_thread_count() {
    let a = casus(&[
        "forecast",
        "yerevan-summit-2022",
        "--runs",
        "20000",
        "--seed",
        "5",
        "--threads",
        "1",
        "--json",
    ]);
    let b = casus(&[
        "forecast",
        "yerevan-summit-2022",
        "--runs",
        "20000",
        "--seed",
        "5",
        "--threads",
        "2",
        "--json",
    ]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let e = &v["events"][0];
    assert!(e["id"].is_string());
    let total: f64 = e["outcomes"]
        .as_object()
        .unwrap()
        .values()
        .map(|x| x.as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-9);
    assert!(e["ci95"]["mission"].is_array());
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let dir = tempdir();
    let out = dir.join("f.json");
    let o = casus(&[
        "forecast",
        "kazakhstan-2022",
        "--runs",
        "1000",
        "--json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["runs"], 1000);
    // A failing run leaves no file behind.
    let missing = dir.join("g.json");
    let o = casus(&["forecast", "no-such-thing", "-o", missing.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(!missing.exists());
}

#[test]
fn explain_shows_terms_probabilities_and_the_council() {
    let o = casus(&["explain", "armenia-2022"]);
    assert!(o.status.success());
    let s = stdout(&o);
    assert!(s.contains("obligation"), "{s}");
    assert!(s.contains("p="), "{s}");
    assert!(s.contains("council"), "{s}");
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "casus-test-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[test]
fn backtest_json_has_cases_scores_and_baselines() {
    let o = casus(&["backtest", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 15, "{} cases", cases.len());
    assert!(
        cases
            .iter()
            .any(|c| c["observed"] == "deployment" && c["predicted"]["deployment"].is_number())
    );
    for k in ["brier", "log", "accuracy"] {
        assert!(v["scores"][k].is_number(), "scores.{k}");
        for b in ["climatology", "treaty_literal", "leader_only"] {
            assert!(v["baselines"][b][k].is_number(), "baselines.{b}.{k}");
        }
    }
    // The shipped parameters beat the treaty-literal baseline in-sample. They do
    // not beat climatology on the nine-alliance library (README, "How good is
    // it"): that is a finding, not asserted here either way.
    let model = v["scores"]["brier"].as_f64().unwrap();
    assert!(model < v["baselines"]["treaty_literal"]["brier"].as_f64().unwrap());
}

#[test]
fn backtest_reads_a_case_directory_and_locates_its_errors() {
    let dir = tempdir();
    std::fs::write(
        dir.join("c.toml"),
        "format = 1\nid = \"c\"\ntitle = \"t\"\nalliance = \"CSTO\"\n[[events]]\nid = \"a\"\ndate = 2022-01-02\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntitle = \"t\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("c.observed.toml"),
        "case = \"c\"\n[[observation]]\nevent = \"a\"\noutcome = \"statment\"\n",
    )
    .unwrap();
    let o = casus(&["backtest", "--cases", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("c.observed.toml:4:11: error: unknown outcome `statment`"),
        "{err}"
    );
    std::fs::write(
        dir.join("c.observed.toml"),
        "case = \"c\"\n[[observation]]\nevent = \"a\"\noutcome = \"none\"\n",
    )
    .unwrap();
    let o = casus(&["backtest", "--cases", dir.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cases"][0]["id"], "c");
}

#[test]
fn long_horizon_forecast_gives_years_and_a_fan_chart() {
    let dir = tempdir();
    let svg = dir.join("fan.svg");
    let o = casus(&[
        "forecast",
        "russia-loses-2026",
        "--runs",
        "500",
        "--until",
        "2029-12-31",
        "--json",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let years = v["years"].as_array().unwrap();
    assert_eq!(years.last().unwrap()["year"], 2029);
    assert!(years[0]["p_dissolved"].is_number());
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    let bad = casus(&["forecast", "russia-loses-2026", "--until", "2030-02-30"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--until"));
}

#[test]
fn holding_out_by_alliance_with_one_alliance_is_refused_with_a_reason() {
    let dir = tempdir();
    for c in ["kazakhstan-2022", "karabakh-2020"] {
        for ext in ["toml", "observed.toml"] {
            let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../data/cases/{c}.{ext}"));
            std::fs::copy(from, dir.join(format!("{c}.{ext}"))).unwrap();
        }
    }
    let cases = dir.to_str().unwrap();
    let out = dir.join("p.toml");
    for args in [
        vec!["backtest", "--cases", cases, "--hold-out", "alliance"],
        vec![
            "calibrate",
            "--cases",
            cases,
            "--hold-out",
            "alliance",
            "-o",
            out.to_str().unwrap(),
        ],
    ] {
        let o = casus(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("at least two alliances"), "{err}");
        assert!(err.contains("CSTO"), "{err}");
    }
    assert!(!out.exists(), "nothing written when the request is refused");
}

#[test]
fn world_flag_layers_a_users_states_over_the_bundled_data() {
    let dir = tempdir();
    std::fs::create_dir_all(dir.join("w/states")).unwrap();
    std::fs::write(
        dir.join("w/states/XRU.toml"),
        "code = \"XRU\"\nname = \"Ruritania\"\nregion = \"eastern_europe\"\n",
    )
    .unwrap();
    let sc = dir.join("ruritania.toml");
    std::fs::write(
        &sc,
        "format = 1\nid = \"ruritania-2022\"\ntitle = \"t\"\nalliance = \"CSTO\"\nseed = 1\n\
         [[events]]\nid = \"attack\"\ndate = 2022-09-13\nkind = \"external_aggression\"\n\
         aggressor = \"XRU\"\ntarget = \"ARM\"\nreach = \"regional\"\ncasualties = 10\ntitle = \"t\"\n",
    )
    .unwrap();
    let sc = sc.to_str().unwrap();
    // Without the overlay the state is unknown, a located error ...
    let o = casus(&["check", sc]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("XRU"));
    // ... with it the scenario runs, and `list` shows the user's state.
    let w = dir.join("w");
    let w = w.to_str().unwrap();
    let o = casus(&["--world", w, "run", sc]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = casus(&["list", "--world", w]);
    assert!(stdout(&o).contains("XRU  Ruritania"), "{}", stdout(&o));
    // A bad figure in the user's file is located there.
    std::fs::write(
        dir.join("w/states/XRU.toml"),
        "code = \"XRU\"\nname = \"Ruritania\"\nregion = \"eastern_europe\"\n\
         [[active_personnel]]\nyear = 2020\nvalue = -5\nsource = \"x\"\n",
    )
    .unwrap();
    let o = casus(&["--world", w, "run", sc]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("XRU.toml:6:"), "{err}");
}

#[test]
fn backtest_membership_scores_every_alliance_beside_a_constant_hazard_and_fits_none_of_the_reserved()
 {
    let o = casus(&["backtest", "--membership", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["by_alliance"].as_array().unwrap().len(), 9);
    let reserved: Vec<&str> = v["reserved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(reserved, ["ANZUS", "NATO"]);
    for k in ["given", "held_out", "constant"] {
        assert!(v["pooled"][k]["log"].is_number(), "{k}");
        assert!(v["pooled"][k]["brier"].is_number(), "{k}");
    }
    assert_eq!(v["leader_years"], v["leader_stays"]);
    let o = casus(&["backtest", "--membership"]);
    assert!(stdout(&o).contains("held_out"));
}

#[test]
fn explain_until_lists_each_year_the_leaders_decision_and_every_members_terms() {
    let o = casus(&["explain", "russia-loses-2026", "--until", "2028-12-31"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    for want in [
        "2027",
        "2028",
        "RUS (leader)",
        "stays",
        "KAZ: engaged",
        "P(freeze)",
        "ARM: frozen",
    ] {
        assert!(out.contains(want), "{want} in\n{out}");
    }
    let o = casus(&["explain", "russia-loses-2026", "--until", "2025-12-31"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not after the scenario's last year"));
}

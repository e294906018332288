//! Nonsense in, clear error out: every input the issue found accepted silently
//! now exits with code 2 and a message located at file:line:col; outputs are
//! written through symbolic links, devices and directories are refused before
//! any work, `-o -` is standard output; runs and threads are bounded.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn casus_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_casus"));
    c.args(args).current_dir(std::env::temp_dir());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run casus")
}

fn casus(args: &[&str]) -> Output {
    casus_env(args, &[])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tempdir() -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let d = std::env::temp_dir().join(format!(
        "casus-validation-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const HEAD: &str = "format = 1\nid = \"t\"\ntitle = \"t\"\nalliance = \"CSTO\"\n";
const UNREST: &str = "[[events]]\nid = \"a\"\ndate = 2022-09-13\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntitle = \"t\"\n";

/// `casus check FILE` on `HEAD + body` exits 2 with `what` at the line of `needle`.
fn rejected(body: &str, needle: &str, what: &str) {
    let d = tempdir();
    let f = d.join("s.toml");
    let text = format!("{HEAD}{body}");
    std::fs::write(&f, &text).unwrap();
    let at = text.find(needle).expect("needle");
    let line = text[..at].matches('\n').count() + 1;
    for cmd in ["check", "forecast"] {
        let o = casus(&[cmd, f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        let err = stderr(&o);
        let place = format!("{}:{line}:", f.display());
        assert!(
            err.lines()
                .any(|l| l.starts_with(&place) && l.contains("error") && l.contains(what)),
            "{cmd}: expected `{what}` at {place}; got:\n{err}"
        );
        assert!(err.contains("help:"), "{err}");
    }
}

fn aggression(casualties: &str) -> String {
    format!(
        "[[events]]\nid = \"a\"\ndate = 2022-09-13\nkind = \"external_aggression\"\naggressor = \"AZE\"\ntarget = \"ARM\"\ncasualties = {casualties}\ntitle = \"t\"\n"
    )
}

#[test]
fn casualties_negative_nan_infinite_or_absurd_exit_2() {
    for bad in ["-5", "1e308"] {
        rejected(&aggression(bad), "casualties", "out of range");
    }
    for bad in ["nan", "inf"] {
        rejected(&aggression(bad), "casualties", "not a finite number");
    }
}

#[test]
fn a_date_time_where_a_date_belongs_exits_2() {
    rejected(
        &UNREST.replace("2022-09-13", "2022-09-13T08:00:00"),
        "date =",
        "date-time",
    );
}

#[test]
fn a_state_attacking_itself_exits_2() {
    rejected(
        &aggression("10").replace("aggressor = \"AZE\"", "aggressor = \"ARM\""),
        "aggressor",
        "does not attack itself",
    );
}

#[test]
fn a_majority_share_of_two_or_minus_one_exits_2() {
    for bad in ["2.0", "-1"] {
        rejected(
            &format!(
                "{UNREST}[[overrides]]\nalliance = \"CSTO\"\norgan = \"CSC\"\nrule = {{ kind = \"majority\", share = {bad} }}\n"
            ),
            "rule =",
            "share",
        );
    }
}

#[test]
fn a_leading_power_that_is_not_a_member_exits_2() {
    rejected(
        &format!("{UNREST}[[overrides]]\nalliance = \"CSTO\"\nleading_power = \"USA\"\n"),
        "leading_power",
        "not a member",
    );
}

#[test]
fn active_personnel_of_minus_a_billion_or_nan_exits_2() {
    for (bad, what) in [("-1e9", "out of range"), ("nan", "not a finite number")] {
        rejected(
            &format!(
                "{UNREST}[[overrides]]\nstate = \"KAZ\"\nattribute = \"active_personnel\"\nyear = 2022\nvalue = {bad}\nsource = \"s\"\n"
            ),
            "value =",
            what,
        );
    }
}

#[test]
fn a_partnership_of_a_state_with_itself_exits_2() {
    rejected(
        "[[events]]\nid = \"a\"\ndate = 2022-09-13\nkind = \"partnership\"\nstate = \"ARM\"\npartner = \"ARM\"\ntitle = \"t\"\n",
        "partner =",
        "its own partner",
    );
}

#[test]
fn a_scenario_beyond_the_data_runs_with_located_warnings() {
    let d = tempdir();
    let f = d.join("s.toml");
    std::fs::write(
        &f,
        format!("{HEAD}{}", UNREST.replace("2022-09-13", "9999-01-01")),
    )
    .unwrap();
    let o = casus(&["check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    let place = format!(
        "{}:7:8: warning: no `active_personnel` figure for 9999",
        f.display()
    );
    assert!(err.contains(&place), "{err}");
    assert!(err.contains("falls back to 20"), "{err}");
}

#[test]
fn a_case_directory_whose_scenario_has_no_observed_file_exits_2() {
    let d = tempdir();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/cases");
    for n in [
        "kazakhstan-2022.toml",
        "kazakhstan-2022.observed.toml",
        "armenia-2022.toml",
    ] {
        std::fs::copy(root.join(n), d.join(n)).unwrap();
    }
    let o = casus(&["backtest", "--cases", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{}:1:1: error: no observation file `armenia-2022.observed.toml`",
            d.join("armenia-2022.toml").display()
        )),
        "{err}"
    );
}

#[test]
fn runs_and_threads_are_bounded_with_a_reason() {
    let o = casus(&["forecast", "kazakhstan-2022", "--runs", "1000000000000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("10^9"), "{}", stderr(&o));
    let o = casus(&["forecast", "kazakhstan-2022", "--until", "9999-12-31"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("more than 100 years"), "{}", stderr(&o));
    let o = casus(&["forecast", "kazakhstan-2022", "--threads", "10000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("more than 256"), "{}", stderr(&o));
}

#[test]
fn calibrate_needs_an_explicit_output() {
    let o = casus(&["calibrate", "--evals", "1", "--no-loo"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--output"), "{}", stderr(&o));
}

#[test]
fn non_utf8_input_is_located_by_line_and_byte_offset() {
    let d = tempdir();
    let f = d.join("s.toml");
    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"description = \"\xff\"\n");
    std::fs::write(&f, bytes).unwrap();
    let o = casus(&["check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:5:16: error", f.display())),
        "{err}"
    );
    assert!(err.contains("byte offset"), "{err}");
}

#[test]
fn a_directory_given_as_the_scenario_is_named_a_directory() {
    let d = tempdir();
    let o = casus(&["check", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
}

#[test]
fn an_input_larger_than_the_bound_is_refused() {
    let d = tempdir();
    let f = d.join("s.toml");
    std::fs::write(&f, format!("{HEAD}{UNREST}")).unwrap();
    let o = casus_env(
        &["check", f.to_str().unwrap()],
        &[("CASUS_MAX_INPUT_BYTES", "10")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("larger than the input limit"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_malformed_parameter_file_points_at_the_parameter_doc() {
    let d = tempdir();
    let f = d.join("p.toml");
    std::fs::write(&f, "[meta]\n[x\n").unwrap();
    let o = casus(&[
        "explain",
        "kazakhstan-2022",
        "--params",
        f.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&format!("{}:2:", f.display())), "{err}");
    assert!(
        err.contains("docs/model.md") && !err.contains("scenario-format"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_writes_its_target() {
    let d = tempdir();
    let target = d.join("real.json");
    std::fs::write(&target, "old").unwrap();
    let link = d.join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = casus(&[
        "forecast",
        "kazakhstan-2022",
        "--runs",
        "200",
        "--json",
        "-o",
        link.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(v["runs"], 200);
}

#[cfg(unix)]
#[test]
fn a_device_or_directory_output_is_refused_before_computing() {
    for dev in ["/dev/full", "/dev/null"] {
        if !Path::new(dev).exists() {
            continue;
        }
        let o = casus(&["forecast", "kazakhstan-2022", "--runs", "200", "-o", dev]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("cannot write `{dev}`: it is not a regular file")),
            "{err}"
        );
        use std::os::unix::fs::FileTypeExt as _;
        assert!(std::fs::metadata(dev).unwrap().file_type().is_char_device());
    }
    let d = tempdir();
    // A forecast of 10^9 runs would take minutes: the refusal comes first.
    let t = std::time::Instant::now();
    let o = casus(&[
        "forecast",
        "kazakhstan-2022",
        "--runs",
        "1000000000",
        "-o",
        d.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
    assert!(t.elapsed().as_secs() < 20);
}

#[test]
fn dash_means_standard_output_and_errors_name_the_users_path() {
    let d = tempdir();
    let mut c = Command::new(env!("CARGO_BIN_EXE_casus"));
    let o = c
        .args(["run", "kazakhstan-2022", "-o", "-"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("kazakhstan-2022"));
    assert!(!d.join("-").exists(), "no file named `-`");
    let missing = d.join("no-dir").join("x.txt");
    let o = casus(&["run", "kazakhstan-2022", "-o", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("cannot write `{}`", missing.display())),
        "{err}"
    );
    assert!(!err.contains("casus-tmp"), "{err}");
}

#[test]
fn every_row_of_the_backtest_table_scores_the_same_outcomes() {
    let o = casus(&["backtest", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let n = v["scores"]["n"].as_u64().unwrap();
    for (k, b) in v["baselines"].as_object().unwrap() {
        assert_eq!(b["n"].as_u64(), Some(n), "{k}");
    }
    let t = casus(&["backtest"]);
    let text = String::from_utf8_lossy(&t.stdout);
    assert!(
        text.contains(&format!("scores on {n} ladder outcomes")),
        "{text}"
    );
}

#[test]
fn text_and_json_give_one_verdict() {
    // An action the text permits under a condition not met (no request, no
    // mandate) is "not permitted now" in both renderings.
    for s in casus_data_scenarios() {
        let text = String::from_utf8_lossy(&casus(&["run", &s]).stdout).into_owned();
        let json: serde_json::Value =
            serde_json::from_slice(&casus(&["run", &s, "--json"]).stdout).unwrap();
        let mut verdicts = Vec::new();
        collect_verdicts(&json, &mut verdicts);
        let text_count = |w: &str| text.matches(w).count();
        let json_count = |w: &str| verdicts.iter().filter(|v| *v == w).count();
        assert_eq!(
            text_count(": not permitted now;"),
            json_count("not_permitted_now"),
            "{s}"
        );
        assert_eq!(text_count(": FORBIDDEN ["), json_count("forbidden"), "{s}");
        assert_eq!(text_count(": permitted;"), json_count("permitted"), "{s}");
    }
}

fn collect_verdicts(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::String(s)) = m.get("verdict") {
                out.push(s.clone());
            }
            for x in m.values() {
                collect_verdicts(x, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_verdicts(x, out)),
        _ => {}
    }
}

fn casus_data_scenarios() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios");
    let mut v: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "toml")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    v.sort();
    v
}

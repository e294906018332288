//! `casus sweep DESIGN.toml`: one forecast per design point and scenario,
//! reduced to named outputs. Each point draws from streams of (seed, point,
//! run), so shards of the points concatenate to the unsharded table, the
//! thread count changes nothing, and a bad design is refused at its line.

use std::path::PathBuf;
use std::process::{Command, Output};

fn casus(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(args)
        .output()
        .expect("run casus")
}

fn ok(args: &[&str]) -> String {
    let o = casus(args);
    assert!(
        o.status.success(),
        "casus {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn design(name: &str, text: &str) -> String {
    let d = std::env::temp_dir().join(format!("casus-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let p: PathBuf = d.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const LHS: &str = r#"
format = 1
scenarios = ["kazakhstan-2022", "armenia-2022"]
seed = 5
runs = 300

[design]
kind = "latin-hypercube"
samples = 5

[parameters.obligation]
low = 0.0
high = 3.0

[parameters.cohesion]

[[outputs]]
name = "deployment"
event = "appeal"
"#;

#[test]
fn shards_of_a_sweep_concatenate_to_the_unsharded_table_for_any_thread_count() {
    // `appeal` is Kazakhstan's; armenia-2022 has no such event.
    let text = LHS.replace(", \"armenia-2022\"", "");
    let d = design("lhs.toml", &text);
    let full = ok(&["sweep", &d, "--threads", "2"]);
    assert_eq!(full.lines().count(), 1 + 5, "{full}");
    let mut joined = String::new();
    for k in 1..=3 {
        let part = ok(&["sweep", &d, "--shard", &format!("{k}/3"), "--threads", "1"]);
        let body: Vec<&str> = part.lines().skip(usize::from(k > 1)).collect();
        joined.push_str(&body.join("\n"));
        joined.push('\n');
    }
    assert_eq!(joined, full);
}

#[test]
fn a_factorial_design_runs_every_combination_on_every_scenario() {
    let d = design(
        "factorial.toml",
        r#"
format = 1
scenarios = ["russia-loses-2026"]
seed = 1
runs = 50
streams = "common"

[design]
kind = "factorial"

[parameters.war_shift]
values = [0.0, 2.0]

[parameters.cohesion]
low = 0.5
high = 1.5
levels = 3

[[outputs]]
name = "dissolved_2028"
dissolved_by = 2028

[[outputs]]
name = "kaz_left"
member = "KAZ"
state = "left"
year = 2028
"#,
    );
    let out = ok(&["sweep", &d]);
    // 2 × 3 points, 2 outputs each.
    assert_eq!(out.lines().count(), 1 + 12, "{out}");
    assert!(out.starts_with("point,scenario,output,probability,count,runs,ci_low,ci_high\n"));
    assert!(out.contains("\n5,russia-loses-2026,kaz_left,"), "{out}");
}

#[test]
fn points_from_a_csv_file_beside_the_design() {
    design("points.csv", "war_shift,cohesion\n0.5,1.0\n2.5,0.2\n");
    let d = design(
        "points.toml",
        r#"
format = 1
scenarios = ["kazakhstan-2022"]
seed = 1
runs = 100

[design]
kind = "points"
points = "points.csv"

[[outputs]]
name = "mission"
event = "appeal"
outcome = "mission"
"#,
    );
    let out = ok(&["sweep", &d, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["design_points"], 2);
    assert_eq!(v["points"][1]["values"]["war_shift"], 2.5);
    assert_eq!(v["points"][0]["results"][0]["runs"], 100);
}

#[test]
fn a_bad_design_is_refused_at_its_line_and_a_missing_event_by_name() {
    let d = design(
        "bad.toml",
        &LHS.replace("[parameters.cohesion]", "[parameters.cohesoin]"),
    );
    let o = casus(&["sweep", &d]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8(o.stderr).unwrap();
    assert!(
        e.contains("bad.toml:15:1: error: unknown parameter `cohesoin`"),
        "{e}"
    );
    let d = design("noevent.toml", LHS);
    let o = casus(&["sweep", &d]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8(o.stderr).unwrap();
    assert!(
        e.contains(
            "output `deployment` on scenario `armenia-2022`: the scenario has no event `appeal`"
        ),
        "{e}"
    );
}

//! Sharded runs: `casus forecast … --shard K/N` runs only its slice of the
//! replications and writes their tallies; `casus merge` of shards 1..N prints
//! exactly the unsharded forecast, byte for byte, in any order of the parts,
//! and refuses parts that do not belong together.

use std::path::{Path, PathBuf};
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

fn refused(args: &[&str]) -> String {
    let o = casus(args);
    assert_eq!(o.status.code(), Some(2), "casus {args:?} should be refused");
    String::from_utf8(o.stderr).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("casus-shard-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Write shards 1..=n of `base` (a forecast command) into `dir`; their paths.
fn shards(dir: &Path, base: &[&str], n: u64) -> Vec<String> {
    (1..=n)
        .map(|k| {
            let path = dir.join(format!("part-{k}-of-{n}.json"));
            let p = path.to_str().unwrap().to_string();
            let shard = format!("{k}/{n}");
            let mut args = base.to_vec();
            args.extend(["--shard", &shard, "-o", &p]);
            ok(&args);
            p
        })
        .collect()
}

fn merged(parts: &[String]) -> Vec<u8> {
    let mut args = vec!["merge", "--json"];
    args.extend(parts.iter().map(String::as_str));
    ok(&args)
}

const FORECAST: &[&str] = &["forecast", "kazakhstan-2022", "--runs", "3001"];
const HORIZON: &[&str] = &[
    "forecast",
    "russia-loses-2026",
    "--runs",
    "301",
    "--until",
    "2029-12-31",
];

#[test]
fn two_shards_of_a_seed_scenario_merge_to_the_unsharded_json() {
    let dir = scratch("two");
    let mut full = FORECAST.to_vec();
    full.push("--json");
    let parts = shards(&dir, FORECAST, 2);
    assert_eq!(merged(&parts), ok(&full));
}

#[test]
fn three_shards_merge_to_the_same_bytes_in_any_order() {
    let dir = scratch("three");
    let mut full = FORECAST.to_vec();
    full.push("--json");
    let mut parts = shards(&dir, FORECAST, 3);
    parts.reverse();
    assert_eq!(merged(&parts), ok(&full));
}

#[test]
fn shards_of_a_long_horizon_forecast_merge_to_the_unsharded_json() {
    let dir = scratch("horizon");
    let mut full = HORIZON.to_vec();
    full.push("--json");
    let want = ok(&full);
    assert_eq!(merged(&shards(&dir, HORIZON, 2)), want);
    assert_eq!(merged(&shards(&dir, HORIZON, 3)), want);
}

#[test]
fn a_failed_shard_rerun_alone_gives_the_same_part() {
    let dir = scratch("rerun");
    let parts = shards(&dir, FORECAST, 2);
    let first = std::fs::read(&parts[1]).unwrap();
    let again = shards(&scratch("rerun-again"), FORECAST, 2);
    assert_eq!(std::fs::read(&again[1]).unwrap(), first);
}

#[test]
fn parts_that_do_not_belong_together_are_refused() {
    let dir = scratch("refused");
    let parts = shards(&dir, FORECAST, 2);
    let p = |v: &[String]| -> Vec<String> { v.to_vec() };

    // A missing shard is named.
    let e = refused(&["merge", &parts[0]]);
    assert!(e.contains("shards missing: 2/2"), "{e}");
    // A shard given twice.
    let e = refused(&["merge", &parts[0], &parts[0], &parts[1]]);
    assert!(e.contains("both shard 1/2"), "{e}");

    // Another seed, another number of runs, another scenario, another N.
    let other = |extra: &[&str], name: &str| -> String {
        let d = scratch(name);
        let mut base = FORECAST.to_vec();
        base.extend(extra);
        p(&shards(&d, &base, 2))[1].clone()
    };
    let seed = other(&["--seed", "7"], "seed");
    let e = refused(&["merge", &parts[0], &seed]);
    assert!(e.contains("its seed is 7, not 2022"), "{e}");
    let mut runs = FORECAST.to_vec();
    runs[3] = "3000";
    let runs = p(&shards(&scratch("runs"), &runs, 2))[1].clone();
    let e = refused(&["merge", &parts[0], &runs]);
    assert!(e.contains("number of runs is 3000, not 3001"), "{e}");
    let mut armenia = FORECAST.to_vec();
    armenia[1] = "armenia-2022";
    let armenia = p(&shards(&scratch("scenario"), &armenia, 2))[1].clone();
    let e = refused(&["merge", &parts[0], &armenia]);
    assert!(e.contains("input digest"), "{e}");
    let three = shards(&scratch("n"), FORECAST, 3);
    let e = refused(&["merge", &parts[0], &three[1], &three[2]]);
    assert!(e.contains("number of shards is 3, not 2"), "{e}");

    // A part of a long-horizon forecast with one of the timeline.
    let h = shards(&scratch("kind"), HORIZON, 2);
    let e = refused(&["merge", &parts[0], &h[1]]);
    assert!(e.contains("its kind is"), "{e}");

    // A file that is no part, located.
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"format\": \"casus-partial\",\n  \"version\": 1,\n  oops\n}\n",
    )
    .unwrap();
    let e = refused(&["merge", bad.to_str().unwrap()]);
    assert!(e.contains("bad.json:4:"), "{e}");
    let scenario = dir.join("scenario.json");
    std::fs::write(&scenario, "{\"scenario\": \"kazakhstan-2022\"}\n").unwrap();
    let e = refused(&["merge", scenario.to_str().unwrap()]);
    assert!(e.contains("not a shard's part"), "{e}");

    // A shard that does not exist, and outputs only a merged result has.
    let e = refused(&["forecast", "kazakhstan-2022", "--shard", "3/2"]);
    assert!(e.contains("shard 3/2 does not exist"), "{e}");
    let e = refused(&[
        "forecast",
        "kazakhstan-2022",
        "--shard",
        "1/2",
        "--csv",
        "x",
    ]);
    assert!(e.contains("go on `casus merge`"), "{e}");
}

#[test]
fn the_slurm_job_array_script_runs_shards_then_merges_to_the_unsharded_json() {
    let dir = scratch("slurm");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tools/slurm/sweep-array.sh"
    );
    let out = dir.join("out");
    let run = |task: Option<u64>| {
        let mut c = Command::new("bash");
        c.arg(script)
            .args(["3", "kazakhstan-2022", "2000"])
            .arg(&out)
            .args(["--seed", "9"])
            .env("CASUS", env!("CARGO_BIN_EXE_casus"))
            .env_remove("SLURM_ARRAY_TASK_ID");
        if let Some(k) = task {
            c.env("SLURM_ARRAY_TASK_ID", k.to_string());
        }
        let o = c.output().expect("run bash");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    for k in [2, 1, 3] {
        run(Some(k));
    }
    run(None);
    let want = ok(&[
        "forecast",
        "kazakhstan-2022",
        "--runs",
        "2000",
        "--seed",
        "9",
        "--json",
    ]);
    assert_eq!(std::fs::read(out.join("result.json")).unwrap(), want);
}

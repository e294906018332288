//! `--csv DIR` and `--parquet DIR` as an analyst uses them: every table of a
//! result, tidy columns with the names the README documents, the same bytes
//! for any thread count, Parquet files any reader opens, and a bad directory
//! refused before the computation.

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn casus(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run casus")
}

fn ok(args: &[&str]) -> Output {
    let o = casus(args);
    assert!(
        o.status.success(),
        "casus {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("casus-exports-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The header and rows of a CSV file.
fn read_csv(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_forecast_exports_its_tables_with_the_documented_columns() {
    let d = tempdir("forecast");
    let o = ok(&[
        "forecast",
        "kazakhstan-2022",
        "--runs",
        "2000",
        "--csv",
        s(&d),
    ]);
    assert_eq!(
        files(&d),
        [
            "engagement.csv",
            "events.csv",
            "outcomes.csv",
            "stances.csv"
        ]
    );
    let (h, rows) = read_csv(&d.join("outcomes.csv"));
    assert_eq!(
        h,
        [
            "event",
            "date",
            "outcome",
            "probability",
            "ci_low",
            "ci_high"
        ]
    );
    // One row per rung of the appeal; the probabilities sum to one.
    let appeal: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "appeal").collect();
    assert_eq!(appeal.len(), 4);
    let total: f64 = appeal.iter().map(|r| r[3].parse::<f64>().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    assert_eq!(appeal[0][1], "2022-01-05");
    let (h, rows) = read_csv(&d.join("stances.csv"));
    assert_eq!(
        h,
        [
            "event",
            "member",
            "stance",
            "probability",
            "expected_troops"
        ]
    );
    assert!(rows.iter().any(|r| r[1] == "RUS" && r[2] == "forces"));
    // The text on standard output is what it is without --csv.
    let plain = ok(&["forecast", "kazakhstan-2022", "--runs", "2000"]);
    assert_eq!(o.stdout, plain.stdout);
    assert!(String::from_utf8_lossy(&o.stderr).contains("wrote 4 tables to"));
}

#[test]
fn csv_and_parquet_bytes_do_not_depend_on_the_thread_count() {
    let (a, b) = (tempdir("threads-1"), tempdir("threads-2"));
    for (dir, t) in [(&a, "1"), (&b, "2")] {
        let args = [
            "forecast",
            "kazakhstan-2022",
            "--runs",
            "3000",
            "--seed",
            "5",
            "--threads",
            t,
            "--csv",
            s(dir),
            "--parquet",
            s(dir),
        ];
        ok(&args);
    }
    assert_eq!(files(&a), files(&b));
    for f in files(&a) {
        assert_eq!(
            std::fs::read(a.join(&f)).unwrap(),
            std::fs::read(b.join(&f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn parquet_holds_the_same_rows_as_csv_with_types_and_missing_values() {
    let d = tempdir("parquet");
    ok(&[
        "forecast",
        "yerevan-summit-2022",
        "--runs",
        "1000",
        "--csv",
        s(&d),
        "--parquet",
        s(&d),
    ]);
    for table in ["events", "outcomes", "stances", "engagement"] {
        let (header, rows) = read_csv(&d.join(format!("{table}.csv")));
        let file = std::fs::File::open(d.join(format!("{table}.parquet"))).unwrap();
        let r = SerializedFileReader::new(file).unwrap();
        let got: Vec<Vec<(String, Field)>> = r
            .get_row_iter(None)
            .unwrap()
            .map(|row| {
                row.unwrap()
                    .get_column_iter()
                    .map(|(n, f)| (n.clone(), f.clone()))
                    .collect()
            })
            .collect();
        assert_eq!(got.len(), rows.len(), "{table}");
        for (pq, text) in got.iter().zip(&rows) {
            let names: Vec<&String> = pq.iter().map(|(n, _)| n).collect();
            assert_eq!(names, header.iter().collect::<Vec<_>>(), "{table}");
            for ((_, field), cell) in pq.iter().zip(text) {
                match field {
                    Field::Str(x) => assert_eq!(x, cell),
                    Field::Double(x) => assert_eq!(*x, cell.parse::<f64>().unwrap()),
                    Field::Long(x) => assert_eq!(x.to_string(), *cell),
                    Field::Bool(x) => assert_eq!(x.to_string(), *cell),
                    Field::Null => assert_eq!(cell, ""),
                    other => panic!("{table}: unexpected {other:?}"),
                }
            }
        }
    }
    // A summit's table says who signs.
    let (_, rows) = read_csv(&d.join("engagement.csv"));
    assert!(
        rows.iter()
            .any(|r| r[0] == "yerevan-summit" && r[2] == "sign")
    );
}

#[test]
fn every_command_with_results_names_its_tables() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["list"], &["alliances", "members", "scenarios", "states"]),
        (
            &["run", "kazakhstan-2022"],
            &["chain", "events", "outcomes", "stances"],
        ),
        (&["explain", "kazakhstan-2022"], &["decisions", "terms"]),
        (
            &[
                "forecast",
                "kazakhstan-2022",
                "--runs",
                "200",
                "--until",
                "2024-12-31",
            ],
            &["engaged_allies", "horizon", "years"],
        ),
        (
            &["backtest"],
            &["member_predictions", "predictions", "scores"],
        ),
        (&["anchors"], &["anchors", "invocations"]),
    ];
    for (i, (args, tables)) in cases.iter().enumerate() {
        let d = tempdir(&format!("cmd-{i}"));
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--csv", s(&d)]);
        ok(&a);
        let want: Vec<String> = tables.iter().map(|t| format!("{t}.csv")).collect();
        assert_eq!(files(&d), want, "casus {}", args.join(" "));
    }
    let d = tempdir("horizon-columns");
    ok(&[
        "forecast",
        "kazakhstan-2022",
        "--runs",
        "200",
        "--until",
        "2024-12-31",
        "--csv",
        s(&d),
    ]);
    let (h, rows) = read_csv(&d.join("horizon.csv"));
    assert_eq!(h, ["year", "member", "state", "probability"]);
    assert!(rows.iter().any(|r| r[0] == "2023" && r[2] == "left"));
    let d = tempdir("backtest-columns");
    ok(&["backtest", "--csv", s(&d)]);
    let (h, _) = read_csv(&d.join("predictions.csv"));
    assert_eq!(
        h,
        [
            "case",
            "event",
            "observed",
            "predictor",
            "outcome",
            "probability"
        ]
    );
    let (h, rows) = read_csv(&d.join("scores.csv"));
    assert_eq!(h, ["group", "predictor", "brier", "log", "accuracy", "n"]);
    assert!(rows.iter().any(|r| r[0] == "all" && r[1] == "model"));
}

#[test]
fn a_file_where_the_directory_should_be_is_refused_before_computing() {
    let d = tempdir("refused");
    let f = d.join("taken");
    std::fs::write(&f, "keep").unwrap();
    let o = casus(&[
        "forecast",
        "kazakhstan-2022",
        "--runs",
        "1000000000",
        "--csv",
        s(&f),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not a directory") && err.contains("help:"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "keep");
    let o = casus(&["list", "--parquet", s(&d.join("no/such/dir"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not exist"));
}

#[test]
fn an_export_replaces_its_files_whole_and_leaves_no_temporary_file() {
    let d = tempdir("replace");
    std::fs::write(d.join("outcomes.csv"), "old").unwrap();
    ok(&[
        "forecast",
        "kazakhstan-2022",
        "--runs",
        "500",
        "--csv",
        s(&d),
    ]);
    let text = std::fs::read_to_string(d.join("outcomes.csv")).unwrap();
    assert!(text.starts_with("event,date,outcome,"), "{text}");
    assert!(
        files(&d).iter().all(|f| !f.contains("casus-tmp")),
        "{:?}",
        files(&d)
    );
}

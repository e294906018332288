//! `casus calibrate --resume`: a calibration interrupted after a checkpoint
//! (the test hook `CASUS_STOP_AFTER_FITS=N` stops it with an error right after
//! the N-th checkpoint is written) continues from it and writes the same
//! parameter file and report, byte for byte, as an uninterrupted run; a
//! checkpoint of other inputs is refused, and one left behind is not
//! overwritten by a run without `--resume`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Four bundled cases (scenario and observed outcomes) in a fresh directory.
fn case_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("casus-resume-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    for c in [
        "kazakhstan-2022",
        "armenia-2022",
        "batken-1999",
        "crocus-2024",
    ] {
        for ext in ["toml", "observed.toml"] {
            let from =
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../data/cases/{c}.{ext}"));
            std::fs::copy(from, dir.join(format!("cases/{c}.{ext}"))).unwrap();
        }
    }
    dir
}

/// `casus calibrate` on the cases in `dir`, writing `dir/p.toml`, with 40
/// evaluations unless `extra` says otherwise, a fixed date and two threads;
/// `stop`: the test hook.
fn calibrate(dir: &Path, extra: &[&str], stop: Option<usize>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_casus"));
    cmd.current_dir(dir)
        .args([
            "calibrate",
            "--cases",
            "cases",
            "-o",
            "p.toml",
            "--date",
            "2026-01-01",
            "--threads",
            "2",
        ])
        .args(extra)
        .args(if extra.contains(&"--evals") {
            &[][..]
        } else {
            &["--evals", "40"][..]
        })
        .env_remove("CASUS_STOP_AFTER_FITS");
    if let Some(n) = stop {
        cmd.env("CASUS_STOP_AFTER_FITS", n.to_string());
    }
    cmd.output().expect("run casus")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The parameter file and the report of an uninterrupted run.
fn uninterrupted(dir: &Path) -> (String, Vec<u8>) {
    let o = calibrate(dir, &[], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = std::fs::read_to_string(dir.join("p.toml")).unwrap();
    assert!(
        !dir.join("p.toml.checkpoint.toml").exists(),
        "the checkpoint is removed when the run completes"
    );
    std::fs::remove_file(dir.join("p.toml")).unwrap();
    (file, o.stdout)
}

#[test]
fn an_interrupted_calibration_resumes_to_the_same_parameters_and_report() {
    let dir = case_dir("same");
    let (file, report) = uninterrupted(&dir);
    let checkpoint = dir.join("p.toml.checkpoint.toml");
    // The full fit and four refits: stop after the full fit, then after one
    // refit more, then finish.
    let o = calibrate(&dir, &[], Some(1));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--resume to continue"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("p.toml").exists(), "no parameter file yet");
    let text = std::fs::read_to_string(&checkpoint).unwrap();
    assert!(
        text.contains("[full]") && !text.contains("[refits."),
        "{text}"
    );
    let o = calibrate(&dir, &["--resume"], Some(1));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let text = std::fs::read_to_string(&checkpoint).unwrap();
    assert_eq!(text.matches("[refits.").count(), 1, "{text}");
    let o = calibrate(&dir, &["--resume"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("resuming from `p.toml.checkpoint.toml`: 2 fits done"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(dir.join("p.toml")).unwrap(), file);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&report)
    );
    assert!(!checkpoint.exists(), "removed once the run completes");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_checkpoint_is_neither_resumed_with_other_flags_nor_overwritten() {
    let dir = case_dir("refused");
    let checkpoint = dir.join("p.toml.checkpoint.toml");
    let o = calibrate(&dir, &["--no-loo"], Some(1));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let kept = std::fs::read_to_string(&checkpoint).unwrap();
    // Other evaluations: refused at once, with the difference named.
    let o = calibrate(&dir, &["--no-loo", "--resume", "--evals", "41"], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            "cannot resume from `p.toml.checkpoint.toml`: the checkpoint is of another calibration"
        ) && err.contains("evaluations: 40 in the checkpoint, 41 now"),
        "{err}"
    );
    // Without --resume the checkpoint is not replaced.
    let o = calibrate(&dir, &["--no-loo"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("add --resume"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&checkpoint).unwrap(), kept);
    assert!(!dir.join("p.toml").exists());
    // A damaged checkpoint is a located error.
    std::fs::write(&checkpoint, "format = 1\ninputs = 3\n").unwrap();
    let o = calibrate(&dir, &["--no-loo", "--resume"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("p.toml.checkpoint.toml:2:"),
        "{}",
        stderr(&o)
    );
    // Nothing to resume.
    std::fs::remove_file(&checkpoint).unwrap();
    let o = calibrate(&dir, &["--no-loo", "--resume"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no checkpoint"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

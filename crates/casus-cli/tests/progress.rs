//! Progress on long work goes to a terminal only: piped or redirected, standard
//! error carries no progress bytes, and standard output is the result alone.
//! On a terminal (a pseudo-terminal made by `script`), the bar shows the
//! count, the rate and the time left.

use std::process::Command;

const LONG: &[&str] = &[
    "forecast",
    "kazakhstan-2022",
    "--runs",
    "200000",
    "--threads",
    "1",
];

#[test]
fn off_a_terminal_there_are_no_progress_bytes() {
    let o = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(LONG)
        .output()
        .expect("run casus");
    assert!(o.status.success());
    assert!(
        o.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("kazakhstan-2022 — "), "{out}");
    assert!(!out.contains('\r') && !out.contains('\u{1b}'));
}

#[test]
fn on_a_terminal_the_bar_shows_rate_and_time_left_on_standard_error() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` (util-linux) to make a pseudo-terminal");
        return;
    }
    // `script` gives the command a terminal; its stdout goes to a file, so
    // only standard error reaches the terminal we read.
    let dir = std::env::temp_dir().join(format!("casus-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let result = dir.join("out.txt");
    let cmd = format!(
        // Long enough (seconds, not the bar's 0.5 s delay) that a faster
        // engine still shows the bar.
        "{} {} --runs 4000000 --threads 1 > {}",
        env!("CARGO_BIN_EXE_casus"),
        "forecast kazakhstan-2022",
        result.display()
    );
    let o = Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .output()
        .expect("run script");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let terminal = String::from_utf8_lossy(&o.stdout);
    assert!(terminal.contains("replications"), "{terminal:?}");
    assert!(
        terminal.contains("/s") && terminal.contains("left"),
        "{terminal:?}"
    );
    let out = std::fs::read_to_string(&result).unwrap();
    assert!(!out.contains("left") && out.starts_with("kazakhstan-2022 — "));
}

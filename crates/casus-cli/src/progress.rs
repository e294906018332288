//! The progress bar of long work (forecasts, horizons, backtests,
//! calibrations, the anchors), fed by `casus_app`'s [`Progress`] callback.
//!
//! It is drawn on standard error only when standard error is a terminal, so a
//! pipe, a file or a CI log gets no progress bytes, and it never touches
//! standard output (the result). It appears only once the work has run for
//! [`Bar::DELAY`]: the bundled scenarios' forecasts take milliseconds, and a
//! bar that flashes for them is noise. It shows the count, the rate and the
//! time left, and clears itself when the work ends (or fails).
//!
//! Work that will clearly take long gets one warning line, on a terminal or
//! not, with the time it will take at the rate measured so far
//! ([`long_run_warning`]): a user who asked for 10^9 replications learns it
//! after seconds, not after an hour of silence in a log.

use casus_app::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A progress bar counting `unit`s on standard error.
pub struct Bar {
    bar: ProgressBar,
    terminal: bool,
    started: Instant,
    /// Whether an update came yet: the first one may start past zero (a
    /// resumed calibration), which is not a rate.
    seen: AtomicBool,
    /// The first update's count and time (the rate is measured from there).
    first: std::sync::Mutex<Option<(u64, Instant)>>,
    /// Whether the long-run warning was given.
    warned: AtomicBool,
    unit: &'static str,
}

/// How long the rate is measured before a warning can be given.
const MEASURE: Duration = Duration::from_secs(2);
/// Work expected to take longer than this (in all) is warned about.
const LONG: Duration = Duration::from_secs(120);

/// The warning for work that will take long: given how many units were done
/// in `elapsed` since the rate was first measured (`done` of `total`), the
/// expected time left, if that exceeds [`LONG`] and the rate has been
/// measured for [`MEASURE`].
pub fn long_run_warning(unit: &str, done: u64, total: u64, elapsed: Duration) -> Option<String> {
    if elapsed < MEASURE || done == 0 || done >= total {
        return None;
    }
    let rate = done as f64 / elapsed.as_secs_f64();
    let left = (total - done) as f64 / rate;
    if left < LONG.as_secs_f64() {
        return None;
    }
    let human = if left < 5400.0 {
        format!("{:.0} min", left / 60.0)
    } else {
        format!("{:.1} h", left / 3600.0)
    };
    // A rate below one unit a second (fits of a calibration) is given per minute.
    let rate = if rate >= 1.0 {
        format!("{rate:.0}/s")
    } else {
        format!("{:.1}/min", rate * 60.0)
    };
    Some(format!(
        "warning: {total} {unit} at the {rate} measured so far take about {human} more\n  help: {}",
        what_helps(unit)
    ))
}

/// What makes the work shorter, for the kind of work the unit counts.
fn what_helps(unit: &str) -> &'static str {
    match unit {
        "fits" => {
            "`--evals N` caps each fit's evaluations; `--no-loo` skips the held-out refits; an interrupted run continues with `--resume` (the finished fits are checkpointed)"
        }
        // The posterior's curvature: its count is fixed by the number of
        // parameters, so only fewer cases make it shorter.
        "evaluations" => {
            "the curvature needs a fixed number of evaluations (four per pair of parameters); `--cases DIR` with fewer cases makes each cheaper"
        }
        _ => {
            "fewer runs cost less precision than they save time (10^5 runs give every probability within ±0.3 points, 95%); `--shard K/N` splits the work across machines and `casus merge` joins it, byte for byte"
        }
    }
}

impl Bar {
    /// How long the work runs before the bar appears.
    pub const DELAY: Duration = Duration::from_millis(500);

    /// A bar counting `unit` (plural: "replications", "fits", "cases").
    pub fn new(unit: &'static str) -> Bar {
        Bar::on(unit, std::io::stderr().is_terminal())
    }

    fn on(unit: &'static str, terminal: bool) -> Bar {
        let style = ProgressStyle::with_template(
            "{elapsed:>4} [{bar:30}] {human_pos}/{human_len} {msg} · {rate} · {eta} left",
        )
        .expect("a valid template")
        .with_key(
            "rate",
            move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}/s", indicatif::HumanCount(s.per_sec() as u64));
            },
        )
        .progress_chars("#>-");
        let bar = ProgressBar::hidden();
        bar.set_style(style);
        bar.set_message(unit);
        Bar {
            bar,
            terminal,
            started: Instant::now(),
            seen: AtomicBool::new(false),
            first: std::sync::Mutex::new(None),
            warned: AtomicBool::new(false),
            unit,
        }
    }

    /// Clear the bar (before the result is printed).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Progress for Bar {
    fn update(&self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        if !self.seen.swap(true, Ordering::Relaxed) {
            self.bar.reset_eta();
        }
        if self.terminal
            && self.bar.is_hidden()
            && done < total
            && self.started.elapsed() >= Self::DELAY
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        if !self.warned.load(Ordering::Relaxed) {
            let mut first = self.first.lock().expect("no update panics");
            let (done0, t0) = *first.get_or_insert((done, Instant::now()));
            if let Some(w) = long_run_warning(
                self.unit,
                done - done0.min(done),
                total - done0.min(total),
                t0.elapsed(),
            ) {
                self.warned.store(true, Ordering::Relaxed);
                if self.bar.is_hidden() {
                    eprintln!("{w}");
                } else {
                    self.bar.println(w);
                }
            }
        }
    }

    /// Off a terminal no bar is drawn, but the long-run warning still is.
    fn wanted(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_a_terminal_no_bar_is_drawn() {
        let b = Bar::on("replications", false);
        std::thread::sleep(Bar::DELAY);
        b.update(10, 100);
        assert!(b.bar.is_hidden());
    }

    #[test]
    fn work_that_will_take_long_is_warned_about_with_its_estimate() {
        // 1,000 replications in 2 s: 10^6 more take about 33 minutes.
        let w = long_run_warning("replications", 1_000, 1_001_000, Duration::from_secs(2))
            .expect("a warning");
        assert!(w.contains("about 33 min"), "{w}");
        assert!(w.contains("--shard"), "{w}");
        // Hours are given as hours.
        let w = long_run_warning("replications", 1_000, 100_000_000, Duration::from_secs(2))
            .expect("a warning");
        assert!(w.contains("55.6 h"), "{w}");
    }

    #[test]
    fn a_slow_calibration_is_warned_about_per_minute_with_what_shortens_it() {
        // One fit in 80 s: nine more take about 12 minutes.
        let w = long_run_warning("fits", 1, 10, Duration::from_secs(80)).expect("a warning");
        assert!(w.contains("0.8/min"), "{w}");
        assert!(w.contains("about 12 min"), "{w}");
        assert!(w.contains("--evals") && w.contains("--resume"), "{w}");
        assert!(!w.contains("--shard"), "{w}");
    }

    #[test]
    fn a_slow_posterior_is_not_told_to_use_fewer_runs() {
        // 200 of 1,901 curvature evaluations in 20 s: about 3 minutes more.
        let w = long_run_warning("evaluations", 200, 1_901, Duration::from_secs(20))
            .expect("a warning");
        assert!(w.contains("--cases"), "{w}");
        assert!(!w.contains("runs") && !w.contains("--shard"), "{w}");
    }

    #[test]
    fn short_work_and_an_unmeasured_rate_give_no_warning() {
        // A minute left: no warning.
        assert_eq!(
            long_run_warning("fits", 10, 310, Duration::from_secs(2)),
            None
        );
        // Not measured long enough yet.
        assert_eq!(
            long_run_warning("replications", 10, 10_000_000, Duration::from_millis(500)),
            None
        );
        assert_eq!(
            long_run_warning("replications", 0, 10, Duration::from_secs(9)),
            None
        );
    }

    #[test]
    fn the_bar_stays_hidden_for_short_work() {
        let b = Bar::on("replications", true);
        b.update(10, 100);
        assert!(b.bar.is_hidden());
    }
}

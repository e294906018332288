//! The progress bar of long work (forecasts, horizons, backtests,
//! calibrations, the anchors), fed by `casus_app`'s [`Progress`] callback.
//!
//! It is drawn on standard error only when standard error is a terminal, so a
//! pipe, a file or a CI log gets no progress bytes, and it never touches
//! standard output (the result). It appears only once the work has run for
//! [`Bar::DELAY`]: the bundled scenarios' forecasts take milliseconds, and a
//! bar that flashes for them is noise. It shows the count, the rate and the
//! time left, and clears itself when the work ends (or fails).

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
        if self.bar.is_hidden() && done < total && self.started.elapsed() >= Self::DELAY {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Nobody sees a bar off a terminal: the use case spares its helper thread.
    fn wanted(&self) -> bool {
        self.terminal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_a_terminal_nobody_listens() {
        assert!(!Bar::on("replications", false).wanted());
        assert!(Bar::on("replications", true).wanted());
    }

    #[test]
    fn the_bar_stays_hidden_for_short_work() {
        let b = Bar::on("replications", true);
        b.update(10, 100);
        assert!(b.bar.is_hidden());
    }
}

//! How long work is run: on how many worker threads, and who hears how far it
//! got. The model's runners count finished replications in an atomic counter;
//! [`watch`] turns that counter into calls of a [`Progress`], so a terminal
//! progress line, a Python progress bar or a server's job status all plug in the
//! same way.

use crate::Error;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Hears how far a long use case got: `done` of `total` units (replications for
/// a forecast or a horizon, fits for a calibration, synthetic invocations for
/// the anchors). Called from a helper thread, at most every
/// [`Progress::INTERVAL`] and once more when the work is finished (then
/// `done == total`).
pub trait Progress: Sync {
    /// How far the work got.
    fn update(&self, done: u64, total: u64);

    /// Whether anyone listens; `false` spares the helper thread.
    fn wanted(&self) -> bool {
        true
    }
}

impl dyn Progress {
    /// How often a running use case reports.
    pub const INTERVAL: Duration = Duration::from_millis(100);
}

impl<F: Fn(u64, u64) + Sync> Progress for F {
    fn update(&self, done: u64, total: u64) {
        self(done, total)
    }
}

/// Nobody listens.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _: u64, _: u64) {}
    fn wanted(&self) -> bool {
        false
    }
}

/// Run `work`, which counts finished units in the counter it is given, and
/// report that count to `progress` while it runs and once at the end.
pub(crate) fn watch<T>(
    total: u64,
    progress: &dyn Progress,
    work: impl FnOnce(&AtomicU64) -> T,
) -> T {
    let done = AtomicU64::new(0);
    if !progress.wanted() {
        return work(&done);
    }
    let finished = AtomicBool::new(false);
    std::thread::scope(|s| {
        let watcher = s.spawn(|| {
            while !finished.load(Ordering::Acquire) {
                progress.update(done.load(Ordering::Relaxed), total);
                std::thread::park_timeout(<dyn Progress>::INTERVAL);
            }
        });
        let out = work(&done);
        finished.store(true, Ordering::Release);
        watcher.thread().unpark();
        let _ = watcher.join();
        progress.update(done.load(Ordering::Relaxed), total);
        out
    })
}

/// How many worker threads a use case may use. Results are the same bytes for
/// any count: the runners reduce integer tallies in a fixed order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Threads(Option<NonZeroUsize>);

impl Threads {
    /// One thread per core.
    pub const ALL_CORES: Threads = Threads(None);

    /// Exactly `n` threads.
    pub fn exactly(n: NonZeroUsize) -> Threads {
        Threads(Some(n))
    }

    /// The most worker threads: more than any machine this runs on has cores; a
    /// larger number only adds scheduling overhead (issue 19: 10,000 threads took
    /// 64 s for 1,000 runs).
    pub const MAX: usize = 256;

    /// `n` threads, or `None` for zero or more than [`Threads::MAX`].
    pub fn new(n: usize) -> Option<Threads> {
        if n > Self::MAX {
            return None;
        }
        NonZeroUsize::new(n).map(Threads::exactly)
    }

    /// The count as the model's runners take it (`None`: all cores).
    pub fn count(self) -> Option<usize> {
        self.0.map(NonZeroUsize::get)
    }

    /// A rayon pool of this many threads, for the work the app spreads itself.
    pub(crate) fn pool(self) -> Result<rayon::ThreadPool, Error> {
        Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(self.count().unwrap_or(0))
            .build()?)
    }
}

//! Tallies: integer counts of each event's draws over replications, and the
//! runner that spreads fixed chunks of replications over threads and sums
//! them in a fixed order.

use super::memory::Cache;
use super::plan::Plan;
use super::sample::{Chooser, Draw, stream, walk_course};
use crate::dynamics::{Memory, Outcome};
use crate::state::StateCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;

/// Integer tallies of one event over many replications. Serialisable so that
/// the tallies of a shard (a range of replications) can be written, read back
/// and merged: the counts of disjoint ranges add up to the counts of their union.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub outcomes: [u64; 4],
    pub decided: u64,
    pub asked: u64,
    pub ask_decided: u64,
    pub stances: BTreeMap<StateCode, [u64; 4]>,
    /// Troops sent, summed over the replications that deployed (whole troops
    /// per member and run). Divided by the deployments, the sum over members is
    /// the expected force if deployed; divided by `decided`, a member's entry is
    /// the troops it is expected to send.
    pub troops: BTreeMap<StateCode, u64>,
    pub signed: BTreeMap<StateCode, u64>,
    pub all_signed: u64,
    pub summits: u64,
    pub participated: BTreeMap<StateCode, u64>,
    pub exercises: u64,
    pub cancelled: u64,
    /// Days to deploy, summed over the replications that deployed.
    pub deploy_days: u64,
}

/// One event's counts over a chunk of replications, members by slot: a
/// replication's stances come in the same order as the last one's, so finding
/// a member's counters is one comparison, not a search of a map by name (that
/// search was a sixth of a forecast's time). [`Counter::tally`] turns the
/// slots into a [`Tally`].
#[derive(Default)]
struct Counter {
    scalars: Tally,
    members: Vec<StateCode>,
    stances: Vec<Option<[u64; 4]>>,
    troops: Vec<Option<u64>>,
    signed: Vec<Option<u64>>,
    participated: Vec<Option<u64>>,
    next: usize,
}

impl Counter {
    /// The slot of member `m`: the one after the last found if it is `m`,
    /// else wherever `m` is, else a new one.
    fn slot(&mut self, m: &str) -> usize {
        let n = self.members.len();
        let i = if self.next < n && self.members[self.next] == m {
            self.next
        } else if let Some(i) = self.members.iter().position(|c| c == m) {
            i
        } else {
            self.members.push(m.to_string());
            self.stances.push(None);
            self.troops.push(None);
            self.signed.push(None);
            self.participated.push(None);
            n
        };
        self.next = i + 1;
        i
    }

    fn add_draw(&mut self, d: &Draw) {
        let t = &mut self.scalars;
        if let Some(o) = d.outcome {
            t.outcomes[o.rung()] += 1;
            t.decided += 1;
        }
        if let Some(days) = d.council.as_ref().and_then(|c| c.days_to_deploy) {
            t.deploy_days += u64::from(days);
        }
        if let Some(a) = d.asked {
            t.ask_decided += 1;
            t.asked += u64::from(a);
        }
        for (m, s, _) in &d.stances {
            let i = self.slot(m);
            self.stances[i].get_or_insert([0; 4])[*s as usize] += 1;
            self.troops[i].get_or_insert(0);
        }
        // Troops count where they are sent: a pledge of forces in a run that
        // does not deploy sends no one.
        if let Some(c) = d
            .council
            .as_ref()
            .filter(|c| c.outcome == Outcome::Deployment)
        {
            for (m, t) in &c.contributors {
                let i = self.slot(m);
                *self.troops[i].get_or_insert(0) += t.round() as u64;
            }
        }
        if !d.signed.is_empty() {
            self.scalars.summits += 1;
            let mut all = true;
            for (m, s) in &d.signed {
                let i = self.slot(m);
                *self.signed[i].get_or_insert(0) += u64::from(*s);
                all &= *s;
            }
            self.scalars.all_signed += u64::from(all);
        }
        if let Some(c) = d.cancelled {
            self.scalars.exercises += 1;
            self.scalars.cancelled += u64::from(c);
            for (m, t) in &d.participated {
                let i = self.slot(m);
                *self.participated[i].get_or_insert(0) += u64::from(*t);
            }
        }
    }

    /// The counts as a [`Tally`], members by code.
    fn tally(self) -> Tally {
        let mut t = self.scalars;
        for (i, m) in self.members.into_iter().enumerate() {
            if let Some(c) = self.stances[i] {
                t.stances.insert(m.clone(), c);
            }
            if let Some(c) = self.troops[i] {
                t.troops.insert(m.clone(), c);
            }
            if let Some(c) = self.signed[i] {
                t.signed.insert(m.clone(), c);
            }
            if let Some(c) = self.participated[i] {
                t.participated.insert(m, c);
            }
        }
        t
    }
}

impl Tally {
    /// Add `o`'s counts (the tally of other replications) to these.
    pub fn merge(&mut self, o: &Tally) {
        for k in 0..4 {
            self.outcomes[k] += o.outcomes[k];
        }
        self.decided += o.decided;
        self.asked += o.asked;
        self.ask_decided += o.ask_decided;
        for (m, c) in &o.stances {
            let e = self.stances.entry(m.clone()).or_insert([0; 4]);
            for k in 0..4 {
                e[k] += c[k];
            }
        }
        for (m, t) in &o.troops {
            *self.troops.entry(m.clone()).or_insert(0) += t;
        }
        for (m, t) in &o.signed {
            *self.signed.entry(m.clone()).or_insert(0) += t;
        }
        self.all_signed += o.all_signed;
        self.summits += o.summits;
        for (m, t) in &o.participated {
            *self.participated.entry(m.clone()).or_insert(0) += t;
        }
        self.exercises += o.exercises;
        self.cancelled += o.cancelled;
        self.deploy_days += o.deploy_days;
    }
}

/// Replications per chunk: the unit of parallel work and of deterministic reduction.
pub const CHUNK: u64 = 4096;

/// Tally replications `[start, end)` sequentially.
pub fn tally_range(plan: &Plan, seed: u64, start: u64, end: u64, cache: &mut Cache) -> Vec<Tally> {
    let mut counters: Vec<Counter> = std::iter::repeat_with(Counter::default)
        .take(plan.scenario.events.len())
        .collect();
    for rep in start..end {
        let mut rng = stream(seed, rep);
        // Each draw is counted as it is made, on a memory that keeps no log:
        // the same course as `replicate`, without its allocations.
        let memory = Memory {
            untraced: true,
            ..Memory::default()
        };
        walk_course(plan, memory, &mut rng, Chooser::Draw, cache, |ev, _, d| {
            counters[ev].add_draw(&d)
        });
    }
    counters.into_iter().map(Counter::tally).collect()
}

/// Wilson score interval for a proportion (95%).
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let n = n as f64;
    let p = k as f64 / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * ((p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt()) / denom;
    // Rounding can put the bound a hair past the estimate when k is 0 or n
    // (5e-20 above 0 at some n): the interval always contains the estimate.
    ((centre - half).clamp(0.0, p), (centre + half).clamp(p, 1.0))
}

/// Run `runs` replications on `threads` worker threads (`None`: all cores) and
/// tally them. Integer tallies make the reduction exact in any order, so the
/// result does not depend on the thread count; memory is O(threads), not O(runs).
/// `progress` counts finished replications (for a progress bar).
pub fn monte_carlo(
    plan: &Plan,
    seed: u64,
    runs: u64,
    threads: Option<usize>,
    progress: &std::sync::atomic::AtomicU64,
) -> Result<Vec<Tally>, rayon::ThreadPoolBuildError> {
    monte_carlo_range(plan, seed, 0..runs, threads, progress)
}

/// [`monte_carlo`] over the replications `reps` only (a shard): replication
/// *r* draws from `stream(seed, r)` whatever range it is run in, so the tallies
/// of ranges that partition `0..runs`, merged, equal `monte_carlo`'s.
pub fn monte_carlo_range(
    plan: &Plan,
    seed: u64,
    reps: Range<u64>,
    threads: Option<usize>,
    progress: &std::sync::atomic::AtomicU64,
) -> Result<Vec<Tally>, rayon::ThreadPoolBuildError> {
    use rayon::prelude::*;
    let events = plan.scenario.events.len();
    let (first, runs) = (reps.start, reps.end.saturating_sub(reps.start));
    let chunks = runs.div_ceil(CHUNK);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()?;
    let total = pool.install(|| {
        (0..chunks)
            .into_par_iter()
            .fold(
                || (Cache::new(), vec![Tally::default(); events]),
                |(mut cache, mut acc), c| {
                    let start = first + c * CHUNK;
                    let end = (start + CHUNK).min(first + runs);
                    let t = tally_range(plan, seed, start, end, &mut cache);
                    for (a, x) in acc.iter_mut().zip(&t) {
                        a.merge(x);
                    }
                    progress.fetch_add(end - start, std::sync::atomic::Ordering::Relaxed);
                    (cache, acc)
                },
            )
            .map(|(_, acc)| acc)
            .reduce(
                || vec![Tally::default(); events],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(&b) {
                        x.merge(y);
                    }
                    a
                },
            )
    });
    Ok(total)
}

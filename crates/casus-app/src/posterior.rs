//! Forecasts under parameter uncertainty (`--posterior`), of a scenario's
//! own events and of the years after it: the replications split into
//! blocks, each run under parameters drawn from the posterior stored with the
//! parameter file.
//!
//! Why blocks: a block of replications shares one plan, so a draw costs one
//! re-parametrisation instead of one per replication, and the spread of the
//! blocks' estimates around their mean, less the Monte Carlo part of it, is
//! the uncertainty the parameters add (the law of total variance). The
//! merged tallies are the posterior predictive forecast.

use crate::forecast::{
    ForecastRequest, ForecastSummary, HorizonRequest, HorizonSummary, Shard, bounded_runs,
    check_until,
};
use crate::progress::watch;
use crate::{Error, Progress};
use casus_model::dynamics::Outcome;
use casus_model::forecast::{Cache, Plan, Tally, tally_range};
use casus_model::horizon::{YearTally, empty_years, tally_years};
use casus_model::posterior::Posterior;
use casus_model::scenario::World;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

/// Default number of parameter draws: enough blocks that the spread of their
/// estimates is itself estimated to about ±10%.
pub const DEFAULT_DRAWS: u64 = 200;

/// A probability under parameter uncertainty.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Spread {
    /// Over every replication of every draw (the posterior predictive).
    pub p: f64,
    /// The 95% Monte Carlo interval of `p` itself: the blocks' spread over
    /// √draws (each block is one draw of parameters and replications, so this
    /// is the error of the pooled estimate; with one draw, Wilson's).
    pub mean_ci95: (f64, f64),
    /// Standard deviation of the probability across the posterior's
    /// parameter vectors (the blocks' spread less its Monte Carlo part; 0 if
    /// that part explains it all).
    pub parameter_sd: f64,
    /// 95% interval of the probability across the posterior's parameter
    /// vectors: the 2.5% and 97.5% quantiles of the blocks' estimates. Each
    /// estimate carries its block's Monte Carlo noise too, so the interval is
    /// a little wider than the parameters alone make it (by a factor
    /// √(1 + MC variance / parameter variance)); asymmetric where the
    /// probability is near 0 or 1, as it should be.
    pub ci95: (f64, f64),
}

impl Spread {
    /// From per-draw (count, runs) pairs.
    fn of(blocks: &[(u64, u64)]) -> Spread {
        let (k, n): (u64, u64) = blocks.iter().fold((0, 0), |(a, b), (c, r)| (a + c, b + r));
        let p = if n == 0 { 0.0 } else { k as f64 / n as f64 };
        let ps: Vec<(f64, f64)> = blocks
            .iter()
            .filter(|(_, r)| *r > 1)
            .map(|(c, r)| (*c as f64 / *r as f64, *r as f64))
            .collect();
        let m = ps.len() as f64;
        let (between, within) = if m > 1.0 {
            let b = ps.iter().map(|(q, _)| (q - p).powi(2)).sum::<f64>() / (m - 1.0);
            let w = ps
                .iter()
                .map(|(q, r)| q * (1.0 - q) / (r - 1.0))
                .sum::<f64>()
                / m;
            (b, w)
        } else {
            (0.0, 0.0)
        };
        let param_var = (between - within).max(0.0);
        let mut sorted: Vec<f64> = ps.iter().map(|(q, _)| *q).collect();
        sorted.sort_by(f64::total_cmp);
        let ci95 = if sorted.is_empty() {
            (p, p)
        } else {
            (quantile(&sorted, 0.025), quantile(&sorted, 0.975))
        };
        Spread {
            p,
            mean_ci95: if m > 1.0 {
                let half = 1.959_963_984_540_054 * (between / m).sqrt();
                ((p - half).max(0.0), (p + half).min(1.0))
            } else {
                casus_model::forecast::wilson(k, n)
            },
            parameter_sd: param_var.sqrt(),
            ci95,
        }
    }
}

/// The `q` quantile of sorted values, interpolated linearly between order
/// statistics (Hyndman & Fan's type 7, the default of R and NumPy).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// One year's headline probabilities under parameter uncertainty.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearSpread {
    pub year: i32,
    pub dissolved: Spread,
    pub deployment_so_far: Spread,
    /// Per member: frozen, under notice or gone by the year's end.
    pub frozen_or_gone: BTreeMap<String, Spread>,
    pub left: BTreeMap<String, Spread>,
}

/// A long-horizon forecast with parameter uncertainty.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PosteriorHorizon {
    /// The posterior predictive forecast: every block's tallies merged.
    pub summary: HorizonSummary,
    pub draws: u64,
    /// The parameters drawn and their posterior sd.
    pub drawn: Vec<(String, f64)>,
    pub years: Vec<YearSpread>,
}

/// Run `runs` replications of `plan` in `draws` blocks, block k under the
/// parameters of posterior draw k, with the replications (and streams) of
/// shard k of `draws`: only the parameters differ from the plain forecast.
/// `tally` runs one block's replications on its re-parametrised plan. The one
/// rule for every forecast with `--posterior`; deterministic for any thread
/// count (blocks run in parallel and are collected in order).
#[allow(clippy::too_many_arguments)]
fn blocks<T: Send>(
    plan: &Plan,
    posterior: &Posterior,
    seed: u64,
    runs: u64,
    draws: u64,
    threads: crate::Threads,
    progress: &dyn Progress,
    tally: impl Fn(&Plan, std::ops::Range<u64>, &mut Cache) -> T + Sync,
) -> Result<Vec<T>, Error> {
    use rayon::prelude::*;
    if draws == 0 || draws > runs {
        return Err(Error::Request(format!(
            "draws {draws} must be between 1 and the runs ({runs})\n  help: each parameter draw runs a block of at least one replication; give fewer draws or more runs"
        )));
    }
    let pool = threads.pool()?;
    Ok(watch(runs, progress, |done| {
        pool.install(|| {
            (0..draws)
                .into_par_iter()
                .map(|k| {
                    let range = Shard { k: k + 1, n: draws }.range(runs);
                    let plan_k = plan.reparametrised(&posterior.draw(&plan.params, seed, k));
                    let len = range.end - range.start;
                    let t = tally(&plan_k, range, &mut Cache::new());
                    done.fetch_add(len, Ordering::Relaxed);
                    t
                })
                .collect()
        })
    }))
}

/// The parameters a posterior draws, with their posterior sd.
fn drawn(posterior: &Posterior) -> Vec<(String, f64)> {
    posterior
        .names()
        .iter()
        .map(|n| (n.clone(), posterior.sd(n).unwrap_or(0.0)))
        .collect()
}

/// The years after a scenario with `draws` parameter vectors from
/// `posterior` (see [`blocks`]).
pub fn horizon_posterior(
    world: &World,
    req: &HorizonRequest,
    posterior: &Posterior,
    draws: u64,
    progress: &dyn Progress,
) -> Result<PosteriorHorizon, Error> {
    let sc = &req.scenario;
    let seed = req.seed.unwrap_or(sc.seed);
    let runs = bounded_runs(req.runs)?;
    check_until(req)?;
    let plan = Plan::new(world, sc, &req.params)?;
    let blocks: Vec<Vec<YearTally>> = blocks(
        &plan,
        posterior,
        seed,
        runs,
        draws,
        req.threads,
        progress,
        |plan_k, range, cache| {
            let mut acc = empty_years(plan_k, req.until);
            tally_years(plan_k, &req.rates, req.until, seed, range, cache, &mut acc);
            acc
        },
    )?;
    let mut merged = empty_years(&plan, req.until);
    for b in &blocks {
        for (m, y) in merged.iter_mut().zip(b) {
            m.merge(y);
        }
    }
    let years = (0..merged.len())
        .map(|i| {
            let pick = |f: &dyn Fn(&YearTally) -> u64| -> Spread {
                let pairs: Vec<(u64, u64)> = blocks.iter().map(|b| (f(&b[i]), b[i].runs)).collect();
                Spread::of(&pairs)
            };
            let per = |map: &dyn Fn(&YearTally) -> &BTreeMap<String, u64>| {
                map(&merged[i])
                    .keys()
                    .map(|m| (m.clone(), pick(&|y| map(y).get(m).copied().unwrap_or(0))))
                    .collect()
            };
            YearSpread {
                year: merged[i].year,
                dissolved: pick(&|y| y.dissolved),
                deployment_so_far: pick(&|y| y.deployed),
                frozen_or_gone: per(&|y| &y.disengaged),
                left: per(&|y| &y.left),
            }
        })
        .collect();
    Ok(PosteriorHorizon {
        summary: HorizonSummary::from_tallies(sc, &merged, req.until, runs, seed),
        draws,
        drawn: drawn(posterior),
        years,
    })
}

/// One event of a scenario under parameter uncertainty: its headline
/// probabilities, each with its spread across the posterior.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventSpread {
    pub id: String,
    /// P(the member concerned asks the alliance), where the model decides it.
    pub request: Option<Spread>,
    /// P(each rung | an answer was decided), in the order of
    /// [`Outcome::ALL`]; empty where no answer was decided.
    pub outcomes: Vec<(Outcome, Spread)>,
    /// P(every member signs the summit's declaration), at a summit.
    pub all_sign: Option<Spread>,
    /// P(the host calls the exercise off), at an exercise.
    pub host_cancels: Option<Spread>,
}

/// A forecast of a scenario's own events with parameter uncertainty.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PosteriorForecast {
    /// The posterior predictive forecast: every block's tallies merged.
    pub summary: ForecastSummary,
    pub draws: u64,
    /// The parameters drawn and their posterior sd.
    pub drawn: Vec<(String, f64)>,
    /// The events the summary reports, in its order.
    pub events: Vec<EventSpread>,
}

/// A scenario's events with `draws` parameter vectors from `posterior` (see
/// [`blocks`]): the same replications as `forecast` with the same seed, in
/// blocks that each run under one draw.
pub fn forecast_posterior(
    world: &World,
    req: &ForecastRequest,
    posterior: &Posterior,
    draws: u64,
    progress: &dyn Progress,
) -> Result<PosteriorForecast, Error> {
    let sc = &req.scenario;
    let seed = req.seed.unwrap_or(sc.seed);
    let runs = bounded_runs(req.runs)?;
    let plan = Plan::new(world, sc, &req.params)?;
    let blocks: Vec<Vec<Tally>> = blocks(
        &plan,
        posterior,
        seed,
        runs,
        draws,
        req.threads,
        progress,
        |plan_k, range, cache| tally_range(plan_k, seed, range.start, range.end, cache),
    )?;
    let mut merged = vec![Tally::default(); sc.events.len()];
    for b in &blocks {
        for (m, t) in merged.iter_mut().zip(b) {
            m.merge(t);
        }
    }
    let summary = ForecastSummary::from_tallies(sc, &merged, runs, seed);
    let events = summary
        .events
        .iter()
        .map(|ev| {
            let i = sc
                .events
                .iter()
                .position(|e| e.id == ev.id)
                .expect("a summary's event is the scenario's");
            let pick = |f: &dyn Fn(&Tally) -> (u64, u64)| -> Spread {
                let pairs: Vec<(u64, u64)> = blocks.iter().map(|b| f(&b[i])).collect();
                Spread::of(&pairs)
            };
            let t = &merged[i];
            EventSpread {
                id: ev.id.clone(),
                request: (t.ask_decided > 0).then(|| pick(&|b| (b.asked, b.ask_decided))),
                outcomes: if t.decided > 0 {
                    Outcome::ALL
                        .iter()
                        .map(|r| (*r, pick(&|b| (b.outcomes[r.rung()], b.decided))))
                        .collect()
                } else {
                    Vec::new()
                },
                all_sign: (t.summits > 0).then(|| pick(&|b| (b.all_signed, b.summits))),
                host_cancels: (t.exercises > 0).then(|| pick(&|b| (b.cancelled, b.exercises))),
            }
        })
        .collect();
    Ok(PosteriorForecast {
        summary,
        draws,
        drawn: drawn(posterior),
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_that_differ_only_by_chance_add_no_parameter_uncertainty() {
        // 100 blocks of 400 at p = 0.25 exactly: no spread beyond binomial.
        let s = Spread::of(&vec![(100, 400); 100]);
        assert_eq!(s.p, 0.25);
        assert_eq!(s.parameter_sd, 0.0);
        assert_eq!(s.ci95, (0.25, 0.25));
    }

    #[test]
    fn blocks_at_two_different_probabilities_show_their_spread() {
        // Half the draws at 0.1, half at 0.3, 10,000 runs each: parameter sd ≈ 0.1.
        let mut b = vec![(1_000, 10_000); 50];
        b.extend(vec![(3_000, 10_000); 50]);
        let s = Spread::of(&b);
        assert!((s.p - 0.2).abs() < 1e-12);
        assert!((s.parameter_sd - 0.1).abs() < 0.002, "{s:?}");
        assert_eq!(s.ci95, (0.1, 0.3), "half the draws at each");
        // The pooled estimate's own error: 0.1 / √100 · 1.96 ≈ ±0.02.
        assert!(
            (s.mean_ci95.1 - s.mean_ci95.0 - 0.0394).abs() < 0.001,
            "{s:?}"
        );
    }
}

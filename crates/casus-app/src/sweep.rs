//! `sweep`: one forecast per point of an experiment design (parameter values)
//! and scenario, reduced to the design's named outputs — the table a
//! sensitivity analysis (SALib's Sobol or Morris) or a scenario discovery reads.
//!
//! Point `p`'s replication `r` draws from `stream(streams.seed(seed, p), r)`,
//! a function of (seed, point, run) alone, so a point gives the same numbers
//! whether it runs alone, in a shard of the design (`points`) or on another
//! machine: the rows of shards 1..N, concatenated, are the unsharded rows.

use crate::forecast::{MAX_HORIZON_YEARS, MAX_RUNS, Shard, Share};
use crate::progress::watch;
use crate::{Error, Progress, Threads};
use casus_model::Date;
use casus_model::design::{Design, Measure, MemberState, Streams, SweepOutput};
use casus_model::forecast::{Plan, monte_carlo};
use casus_model::horizon::{BaseRates, YearTally, run_until};
use casus_model::params::Params;
use casus_model::scenario::{Scenario, World};
use serde::Serialize;
use std::num::NonZeroU64;

/// What a sweep is asked.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRequest {
    /// Each point is forecast on every scenario.
    pub scenarios: Vec<Scenario>,
    /// The parameters a point changes (its factors; the others keep these values).
    pub params: Params,
    /// Base rates of the years after a scenario (for outputs by a year).
    pub rates: BaseRates,
    pub design: Design,
    pub outputs: Vec<SweepOutput>,
    pub seed: u64,
    /// Replications per point and scenario.
    pub runs: NonZeroU64,
    pub streams: Streams,
    /// Only this shard of the points (`None`: all).
    pub shard: Option<Shard>,
    pub threads: Threads,
}

/// A sweep's results: per computed point, its values and each output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepSummary {
    pub seed: u64,
    pub runs: u64,
    /// `per-point` or `common`.
    pub streams: &'static str,
    /// The factors' names, in the order of each point's values.
    pub factors: Vec<String>,
    /// The design's number of points (all shards).
    pub design_points: usize,
    pub shard: Option<Shard>,
    pub points: Vec<PointSummary>,
}

/// One design point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointSummary {
    /// Its index in the design (0-based, the same in every shard).
    pub point: usize,
    pub values: Vec<f64>,
    /// Per scenario, per output (in the design's orders).
    pub results: Vec<PointResult>,
}

/// One output of one point on one scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointResult {
    pub scenario: String,
    pub output: String,
    /// `None` where the event was never decided at this point.
    pub share: Option<Share>,
}

/// The year a long-horizon run must reach for `outputs`, if any.
fn horizon_year(outputs: &[SweepOutput]) -> Option<i32> {
    outputs.iter().filter_map(|o| o.measure.year()).max()
}

/// Check that every output can be read off every scenario before running.
fn check_outputs(req: &SweepRequest) -> Result<(), Error> {
    for sc in &req.scenarios {
        let last = sc.events.last().map_or(i32::MIN, |e| e.date.year);
        for o in &req.outputs {
            let bad = |m: String| {
                Err(Error::Request(format!(
                    "output `{}` on scenario `{}`: {m}",
                    o.name, sc.id
                )))
            };
            match &o.measure {
                Measure::Outcome { event, .. } => {
                    if !sc.events.iter().any(|e| &e.id == event) {
                        return bad(format!(
                            "the scenario has no event `{event}`\n  help: its events are {}",
                            sc.events
                                .iter()
                                .map(|e| e.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
                m => {
                    let y = m.year().expect("a year measure");
                    if y <= last || y > last + MAX_HORIZON_YEARS {
                        return bad(format!(
                            "year {y} is not in the years after the scenario ({} to {})\n  help: the years after the last event (in {last}) are simulated; give one of those",
                            last + 1,
                            last + MAX_HORIZON_YEARS
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The point's parameters: `base` with each factor set to its value.
fn point_params(base: &Params, design: &Design, values: &[f64]) -> Result<Params, Error> {
    let mut p = base.clone();
    for (f, v) in design.factors.iter().zip(values) {
        p = p.with(&f.name, *v).ok_or_else(|| {
            Error::Request(format!(
                "unknown parameter `{}`\n  help: known: {}",
                f.name,
                Params::NAMES.join(", ")
            ))
        })?;
    }
    Ok(p)
}

fn year_share(years: &[YearTally], measure: &Measure) -> Result<Option<Share>, Error> {
    let y = measure.year().expect("a year measure");
    let Some(t) = years.iter().find(|t| t.year == y) else {
        return Ok(None);
    };
    let count = match measure {
        Measure::Dissolved { .. } => t.dissolved,
        Measure::DeploymentBy { .. } => t.deployed,
        Measure::Member { member, state, .. } => {
            let by = match state {
                MemberState::FrozenOrGone => &t.disengaged,
                MemberState::NoticeOrGone => &t.exiting,
                MemberState::Left => &t.left,
            };
            *by.get(member).ok_or_else(|| {
                Error::Request(format!(
                    "`{member}` is not a member in {y}\n  help: the members then are {}",
                    t.disengaged.keys().cloned().collect::<Vec<_>>().join(", ")
                ))
            })?
        }
        Measure::Outcome { .. } => unreachable!("an event measure"),
    };
    Ok((t.runs > 0).then(|| Share::new(count, t.runs)))
}

/// Run the design's points (or `req.shard`'s) on every scenario.
pub fn sweep(
    world: &World,
    req: &SweepRequest,
    progress: &dyn Progress,
) -> Result<SweepSummary, Error> {
    let runs = req.runs.get();
    if runs > MAX_RUNS {
        return Err(Error::Request(format!(
            "runs {runs} is more than {MAX_RUNS} (10^9)"
        )));
    }
    if req.scenarios.is_empty() || req.outputs.is_empty() {
        return Err(Error::Request(
            "a sweep needs a scenario and an output".into(),
        ));
    }
    check_outputs(req)?;
    let all = req.design.points(req.seed);
    if let Some(p) = all.iter().find(|p| p.len() != req.design.factors.len()) {
        return Err(Error::Request(format!(
            "a point has {} values for {} factors",
            p.len(),
            req.design.factors.len()
        )));
    }
    let range = req
        .shard
        .map_or(0..all.len() as u64, |s| s.range(all.len() as u64));
    let range = range.start as usize..range.end as usize;
    let events = req
        .outputs
        .iter()
        .any(|o| matches!(o.measure, Measure::Outcome { .. }));
    let until = horizon_year(&req.outputs).map(|y| Date::new(y, 12, 31).expect("a valid date"));
    let per_point = (u64::from(events) + u64::from(until.is_some())) * runs;
    let total = per_point * req.scenarios.len() as u64 * range.len() as u64;
    let points = watch(
        total,
        progress,
        |done| -> Result<Vec<PointSummary>, Error> {
            let mut out = Vec::with_capacity(range.len());
            for p in range.clone() {
                let values = &all[p];
                let params = point_params(&req.params, &req.design, values)?;
                let seed = req.streams.seed(req.seed, p as u64);
                let mut results = Vec::new();
                for sc in &req.scenarios {
                    let plan = Plan::new(world, sc, &params)?;
                    let tallies = if events {
                        monte_carlo(&plan, seed, runs, req.threads.count(), done)?
                    } else {
                        Vec::new()
                    };
                    let years = match until {
                        Some(u) => {
                            run_until(&plan, &req.rates, u, seed, runs, req.threads.count(), done)?
                        }
                        None => Vec::new(),
                    };
                    for o in &req.outputs {
                        let share = match &o.measure {
                            Measure::Outcome { event, outcome } => {
                                let i = sc
                                    .events
                                    .iter()
                                    .position(|e| &e.id == event)
                                    .expect("checked above");
                                let t = &tallies[i];
                                (t.decided > 0)
                                    .then(|| Share::new(t.outcomes[outcome.rung()], t.decided))
                            }
                            m => year_share(&years, m)?,
                        };
                        results.push(PointResult {
                            scenario: sc.id.clone(),
                            output: o.name.clone(),
                            share,
                        });
                    }
                }
                out.push(PointSummary {
                    point: p,
                    values: values.clone(),
                    results,
                });
            }
            Ok(out)
        },
    )?;
    Ok(SweepSummary {
        seed: req.seed,
        runs,
        streams: match req.streams {
            Streams::PerPoint => "per-point",
            Streams::Common => "common",
        },
        factors: req.design.factors.iter().map(|f| f.name.clone()).collect(),
        design_points: all.len(),
        shard: req.shard,
        points,
    })
}

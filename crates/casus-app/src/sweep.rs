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
use serde::{Deserialize, Serialize};
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
    pub streams: String,
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
        }
        .into(),
        factors: req.design.factors.iter().map(|f| f.name.clone()).collect(),
        design_points: all.len(),
        shard: req.shard,
        points,
    })
}

/// A sweep's result in a form that crosses processes exactly (a Dask task's
/// return value): every point's values as their IEEE-754 bits and every
/// output as its integer count of replications, from which [`merge`] makes
/// the same summary — the same probabilities and intervals, bit for bit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPart {
    pub seed: u64,
    pub runs: u64,
    pub streams: String,
    pub factors: Vec<String>,
    pub design_points: usize,
    pub shard: Option<Shard>,
    pub points: Vec<PartPoint>,
}

/// One output of a point in a part: (scenario, output, (count, of) if decided).
pub type PartResult = (String, String, Option<(u64, u64)>);

/// One point of a [`SweepPart`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartPoint {
    pub point: usize,
    /// `f64::to_bits` of each value.
    pub values: Vec<u64>,
    pub results: Vec<PartResult>,
}

impl SweepSummary {
    /// This summary as a part, for [`merge`].
    pub fn to_part(&self) -> SweepPart {
        SweepPart {
            seed: self.seed,
            runs: self.runs,
            streams: self.streams.clone(),
            factors: self.factors.clone(),
            design_points: self.design_points,
            shard: self.shard,
            points: self
                .points
                .iter()
                .map(|p| PartPoint {
                    point: p.point,
                    values: p.values.iter().map(|v| v.to_bits()).collect(),
                    results: p
                        .results
                        .iter()
                        .map(|r| {
                            (
                                r.scenario.clone(),
                                r.output.clone(),
                                r.share.map(|s| (s.count, s.of)),
                            )
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The sweep that shards 1..N of one design make together: the unsharded
/// summary. Parts of another sweep (seed, runs, streams, factors, design size,
/// N), a shard given twice or missing are refused.
pub fn merge(parts: &[SweepPart]) -> Result<SweepSummary, Error> {
    let Some(first) = parts.first() else {
        return Err(Error::Request("no sweep parts to merge".into()));
    };
    let n = first.shard.map_or(1, |s| s.n);
    let mut seen = std::collections::BTreeSet::new();
    for p in parts {
        let same = p.seed == first.seed
            && p.runs == first.runs
            && p.streams == first.streams
            && p.factors == first.factors
            && p.design_points == first.design_points
            && p.shard.map_or(1, |s| s.n) == n;
        if !same {
            return Err(Error::Request(
                "the parts are not shards of one sweep (seed, runs, streams, factors, design or number of shards differ)\n  help: merge the shards of one design run with the same N".into(),
            ));
        }
        let k = p.shard.map_or(1, |s| s.k);
        if !seen.insert(k) {
            return Err(Error::Request(format!("shard {k}/{n} is given twice")));
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| !seen.contains(k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Request(format!(
            "sweep shards missing: {}\n  help: run them alone (the same design with shard=(K, N)) and merge all {n}",
            missing.join(", ")
        )));
    }
    let mut points: Vec<PointSummary> = parts
        .iter()
        .flat_map(|p| &p.points)
        .map(|p| PointSummary {
            point: p.point,
            values: p.values.iter().map(|b| f64::from_bits(*b)).collect(),
            results: p
                .results
                .iter()
                .map(|(scenario, output, c)| PointResult {
                    scenario: scenario.clone(),
                    output: output.clone(),
                    share: c.map(|(k, of)| Share::new(k, of)),
                })
                .collect(),
        })
        .collect();
    points.sort_by_key(|p| p.point);
    if points.iter().enumerate().any(|(i, p)| p.point != i) || points.len() != first.design_points {
        return Err(Error::Request(
            "the parts do not hold every point of the design once".into(),
        ));
    }
    Ok(SweepSummary {
        seed: first.seed,
        runs: first.runs,
        streams: first.streams.clone(),
        factors: first.factors.clone(),
        design_points: first.design_points,
        shard: None,
        points,
    })
}

//! `forecast`: Monte Carlo over a scenario's timeline, and over the years after
//! it (`horizon`). Integer tallies from the model become the summary here, once:
//! probabilities, 95% Wilson intervals, stances, expected troops, per-year series.

use crate::progress::watch;
use crate::{Error, Progress, Threads};
use casus_model::Date;
use casus_model::dynamics::Outcome;
use casus_model::forecast::{Plan, Tally, monte_carlo, wilson};
use casus_model::horizon::{BaseRates, YearTally, run_until};
use casus_model::params::Params;
use casus_model::scenario::{Scenario, World};
use serde::Serialize;
use std::collections::BTreeMap;
use std::num::NonZeroU64;

/// The replications of a forecast nobody sized: `casus forecast`'s default and
/// what `run` shows. At 10,000 the 95% interval of any probability is within
/// ±1 percentage point.
pub const DEFAULT_RUNS: u64 = 10_000;

/// What a forecast is asked.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastRequest {
    pub scenario: Scenario,
    pub params: Params,
    pub runs: NonZeroU64,
    /// The seed (default: the scenario's own).
    pub seed: Option<u64>,
    pub threads: Threads,
}

/// A share `count / of` of replications, with its 95% Wilson interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Share {
    pub count: u64,
    pub of: u64,
    pub p: f64,
    pub ci95: (f64, f64),
}

impl Share {
    /// The share of `count` in `of` (> 0) replications.
    pub fn new(count: u64, of: u64) -> Share {
        Share {
            count,
            of,
            p: count as f64 / of as f64,
            ci95: wilson(count, of),
        }
    }
}

/// The forecast of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForecastSummary {
    pub scenario: String,
    pub title: String,
    pub alliance: String,
    pub runs: u64,
    pub seed: u64,
    /// The events something was decided at, in timeline order.
    pub events: Vec<EventForecast>,
}

/// One event's forecast.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventForecast {
    pub id: String,
    pub date: Date,
    /// The event kind's name (`request`, `summit`, …).
    pub kind: &'static str,
    pub title: String,
    /// P(the member concerned asks the alliance), where the model decides it.
    pub request: Option<Share>,
    /// The alliance's answer, where one was decided.
    pub answer: Option<Answer>,
    pub summit: Option<SummitForecast>,
    pub exercise: Option<ExerciseForecast>,
}

/// The distribution of the alliance's answer at one event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Answer {
    /// Replications in which an answer was decided.
    pub decided: u64,
    /// Each rung of the ladder, in the order of [`Outcome::ALL`].
    pub outcomes: Vec<(Outcome, Share)>,
    /// Per member: P(each stance), in the order of `Stance::ALL`, and the troops
    /// it sends on average over all decided replications.
    pub members: BTreeMap<String, MemberForecast>,
    /// Where forces were deployed in some replication: their size and speed.
    pub deployment: Option<Deployment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MemberForecast {
    /// P(forces, support, abstain, object): indexed by `Stance as usize`.
    pub stances: [f64; 4],
    pub expected_troops: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Deployment {
    pub expected_days_to_deploy: f64,
    pub expected_troops_if_deployed: f64,
}

/// A summit: who signs its declaration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummitForecast {
    pub summits: u64,
    pub p_sign: BTreeMap<String, f64>,
    pub p_all_sign: f64,
}

/// An exercise: who takes part, and whether the host calls it off.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExerciseForecast {
    pub exercises: u64,
    pub p_take_part: BTreeMap<String, f64>,
    pub p_host_cancels: f64,
}

fn shares(counts: &BTreeMap<String, u64>, n: u64) -> BTreeMap<String, f64> {
    counts
        .iter()
        .map(|(m, k)| (m.clone(), *k as f64 / n as f64))
        .collect()
}

impl EventForecast {
    /// The event's tally as probabilities; `None` where nothing was tallied.
    fn from_tally(ev: &casus_model::event::Event, t: &Tally) -> Option<EventForecast> {
        if t.decided == 0 && t.summits == 0 && t.exercises == 0 {
            return None;
        }
        let answer = (t.decided > 0).then(|| {
            let members = t
                .stances
                .iter()
                .map(|(m, counts)| {
                    let n = counts.iter().sum::<u64>().max(1) as f64;
                    let troops = t.troops.get(m).copied().unwrap_or(0) as f64 / t.decided as f64;
                    let f = MemberForecast {
                        stances: counts.map(|c| c as f64 / n),
                        expected_troops: troops,
                    };
                    (m.clone(), f)
                })
                .collect();
            let deployed = t.outcomes[Outcome::Deployment.rung()];
            Answer {
                decided: t.decided,
                outcomes: Outcome::ALL
                    .iter()
                    .map(|r| (*r, Share::new(t.outcomes[r.rung()], t.decided)))
                    .collect(),
                members,
                deployment: (deployed > 0).then(|| Deployment {
                    expected_days_to_deploy: t.deploy_days as f64 / deployed as f64,
                    expected_troops_if_deployed: t.troops.values().sum::<u64>() as f64
                        / deployed as f64,
                }),
            }
        });
        Some(EventForecast {
            id: ev.id.clone(),
            date: ev.date,
            kind: ev.kind.name(),
            title: ev.title.clone(),
            request: (t.ask_decided > 0).then(|| Share::new(t.asked, t.ask_decided)),
            answer,
            summit: (t.summits > 0).then(|| SummitForecast {
                summits: t.summits,
                p_sign: shares(&t.signed, t.summits),
                p_all_sign: t.all_signed as f64 / t.summits as f64,
            }),
            exercise: (t.exercises > 0).then(|| ExerciseForecast {
                exercises: t.exercises,
                p_take_part: shares(&t.participated, t.exercises),
                p_host_cancels: t.cancelled as f64 / t.exercises as f64,
            }),
        })
    }
}

impl ForecastSummary {
    /// The summary of `tallies` (one per event of `scenario`).
    pub fn from_tallies(scenario: &Scenario, tallies: &[Tally], runs: u64, seed: u64) -> Self {
        ForecastSummary {
            scenario: scenario.id.clone(),
            title: scenario.title.clone(),
            alliance: scenario.alliance.clone(),
            runs,
            seed,
            events: scenario
                .events
                .iter()
                .zip(tallies)
                .filter_map(|(ev, t)| EventForecast::from_tally(ev, t))
                .collect(),
        }
    }
}

/// Forecast a scenario: `runs` replications, reported to `progress` as they finish.
pub fn forecast(
    world: &World,
    req: &ForecastRequest,
    progress: &dyn Progress,
) -> Result<ForecastSummary, Error> {
    let seed = req.seed.unwrap_or(req.scenario.seed);
    let runs = bounded_runs(req.runs)?;
    let plan = Plan::new(world, &req.scenario, &req.params)?;
    let tallies = watch(runs, progress, |done| {
        monte_carlo(&plan, seed, runs, req.threads.count(), done)
    })?;
    Ok(ForecastSummary::from_tallies(
        &req.scenario,
        &tallies,
        runs,
        seed,
    ))
}

/// What a long-horizon forecast is asked.
#[derive(Clone, Debug, PartialEq)]
pub struct HorizonRequest {
    pub scenario: Scenario,
    pub params: Params,
    /// Base rates of the crises the horizon generates.
    pub rates: BaseRates,
    /// Simulate to this date; it must lie in a year after the scenario's last event.
    pub until: Date,
    pub runs: NonZeroU64,
    pub seed: Option<u64>,
    pub threads: Threads,
}

/// The years after a scenario: per year, the members' states and the alliance's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HorizonSummary {
    pub scenario: String,
    pub title: String,
    pub until: Date,
    pub runs: u64,
    pub seed: u64,
    /// The members the series are kept for (those of the first simulated year).
    pub members: Vec<String>,
    pub years: Vec<YearSummary>,
}

/// One simulated year; every probability is "by the end of the year".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearSummary {
    pub year: i32,
    pub runs: u64,
    pub p_dissolved: f64,
    /// Dissolved because the leading power decided to leave (the rest: fewer
    /// than two other members still engaged).
    pub p_dissolved_by_leader: f64,
    pub p_deployment_so_far: f64,
    /// Per member: frozen, under notice or gone.
    pub p_frozen_or_gone: BTreeMap<String, f64>,
    pub p_notice_or_gone: BTreeMap<String, f64>,
    pub p_left: BTreeMap<String, f64>,
    pub p_refuses_to_sign: BTreeMap<String, f64>,
    pub p_skips_exercise: BTreeMap<String, f64>,
    /// Frozen with two years of arrears and no vote.
    pub p_frozen_two_years_arrears_no_vote: BTreeMap<String, f64>,
    pub engaged_allies: EngagedAllies,
}

/// The number of engaged allies (members other than the leading power): its
/// distribution and quantiles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EngagedAllies {
    pub q05: usize,
    pub q25: usize,
    pub median: usize,
    pub q75: usize,
    pub q95: usize,
    /// P(k engaged allies), k = 0, 1, …
    pub histogram: Vec<f64>,
}

fn frac(k: u64, n: u64) -> f64 {
    if n == 0 { 0.0 } else { k as f64 / n as f64 }
}

/// The `p` quantile of a histogram of counts: the least k whose cumulative count
/// reaches ⌈p·n⌉ (at least 1).
fn quantile(hist: &[u64], p: f64) -> usize {
    let n: u64 = hist.iter().sum();
    let target = (p * n as f64).ceil().max(1.0) as u64;
    let mut acc = 0;
    for (k, c) in hist.iter().enumerate() {
        acc += c;
        if acc >= target {
            return k;
        }
    }
    hist.len().saturating_sub(1)
}

impl YearSummary {
    fn from_tally(y: &YearTally) -> YearSummary {
        let per = |m: &BTreeMap<String, u64>| -> BTreeMap<String, f64> {
            m.iter()
                .map(|(k, v)| (k.clone(), frac(*v, y.runs)))
                .collect()
        };
        let h = &y.engaged_hist;
        YearSummary {
            year: y.year,
            runs: y.runs,
            p_dissolved: frac(y.dissolved, y.runs),
            p_dissolved_by_leader: frac(y.dissolved_by_leader, y.runs),
            p_deployment_so_far: frac(y.deployed, y.runs),
            p_frozen_or_gone: per(&y.disengaged),
            p_notice_or_gone: per(&y.exiting),
            p_left: per(&y.left),
            p_refuses_to_sign: per(&y.refused_sign),
            p_skips_exercise: per(&y.skipped_exercise),
            p_frozen_two_years_arrears_no_vote: per(&y.arrears),
            engaged_allies: EngagedAllies {
                q05: quantile(h, 0.05),
                q25: quantile(h, 0.25),
                median: quantile(h, 0.5),
                q75: quantile(h, 0.75),
                q95: quantile(h, 0.95),
                histogram: h.iter().map(|c| frac(*c, y.runs)).collect(),
            },
        }
    }
}

impl HorizonSummary {
    /// The summary of the year tallies of a horizon run.
    pub fn from_tallies(
        scenario: &Scenario,
        years: &[YearTally],
        until: Date,
        runs: u64,
        seed: u64,
    ) -> Self {
        HorizonSummary {
            scenario: scenario.id.clone(),
            title: scenario.title.clone(),
            until,
            runs,
            seed,
            members: years
                .first()
                .map(|y| y.disengaged.keys().cloned().collect())
                .unwrap_or_default(),
            years: years.iter().map(YearSummary::from_tally).collect(),
        }
    }
}

/// The most replications a forecast runs: at 10^9 the 95% interval of any
/// probability is narrower than ±0.0001, so more runs only cost time.
pub const MAX_RUNS: u64 = 1_000_000_000;

/// `runs` within [`MAX_RUNS`], or the request error every front end reports.
fn bounded_runs(runs: NonZeroU64) -> Result<u64, Error> {
    if runs.get() > MAX_RUNS {
        return Err(Error::Request(format!(
            "runs {runs} is more than {MAX_RUNS} (10^9)\n  help: at 10^9 runs the 95% interval of every probability is narrower than ±0.0001; more runs only cost time"
        )));
    }
    Ok(runs.get())
}

/// The longest horizon, in years after the scenario's last event: the base
/// rates and the members' figures say nothing about further ahead.
pub const MAX_HORIZON_YEARS: i32 = 100;

/// Simulate the years after the scenario up to `until`.
pub fn horizon(
    world: &World,
    req: &HorizonRequest,
    progress: &dyn Progress,
) -> Result<HorizonSummary, Error> {
    let sc = &req.scenario;
    let seed = req.seed.unwrap_or(sc.seed);
    let runs = bounded_runs(req.runs)?;
    let plan = Plan::new(world, sc, &req.params)?;
    let last = sc.events.last().map(|e| e.date).unwrap_or(req.until);
    if req.until.year <= last.year {
        return Err(Error::Request(format!(
            "until {} is not after the scenario's last year ({})\n  help: give a date in a later year",
            req.until, last.year
        )));
    }
    if req.until.year > last.year + MAX_HORIZON_YEARS {
        return Err(Error::Request(format!(
            "until {} is more than {MAX_HORIZON_YEARS} years after the scenario's last year ({})\n  help: the base rates and the members' figures say nothing about so far ahead; give an earlier date",
            req.until, last.year
        )));
    }
    let years = watch(runs, progress, |done| {
        run_until(
            &plan,
            &req.rates,
            req.until,
            seed,
            runs,
            req.threads.count(),
            done,
        )
    })?;
    Ok(HorizonSummary::from_tallies(
        sc, &years, req.until, runs, seed,
    ))
}

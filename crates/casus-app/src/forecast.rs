//! `forecast`: Monte Carlo over a scenario's timeline, and over the years after
//! it (`horizon`). Integer tallies from the model become the summary here, once:
//! probabilities, 95% Wilson intervals, stances, expected troops, per-year series.
//!
//! A forecast can also be split into shards ([`shard`], [`horizon_shard`]): each
//! runs a range of replication indices and returns its integer tallies as a
//! [`Partial`]; [`merge`] checks that the parts belong together and cover every
//! replication once, adds their counts and makes the summary the unsharded run
//! makes — the same bytes, since replication *r* draws from its own stream
//! (seed, r) wherever it runs and counts add exactly in any order.

use crate::progress::watch;
use crate::{Error, Progress, Threads};
use casus_model::Date;
use casus_model::dynamics::Outcome;
use casus_model::forecast::{Plan, Tally, monte_carlo, monte_carlo_range, wilson};
use casus_model::horizon::{BaseRates, YearTally, run_until, run_until_range};
use casus_model::params::Params;
use casus_model::scenario::{Scenario, World};
use serde::{Deserialize, Serialize};
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
    pub kind: String,
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
    fn from_tally(ev: &EventHead, t: &Tally) -> Option<EventForecast> {
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
            kind: ev.kind.clone(),
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

/// What a forecast's summary names of its scenario: enough to make the summary
/// from tallies without the scenario (a merge of shards has only their files).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForecastHead {
    pub scenario: String,
    pub title: String,
    pub alliance: String,
    /// Every event of the timeline, in order (one tally each).
    pub events: Vec<EventHead>,
}

/// One event of a timeline, as a forecast names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventHead {
    pub id: String,
    pub date: Date,
    pub kind: String,
    pub title: String,
}

impl ForecastHead {
    /// The head of `scenario`.
    pub fn of(scenario: &Scenario) -> ForecastHead {
        ForecastHead {
            scenario: scenario.id.clone(),
            title: scenario.title.clone(),
            alliance: scenario.alliance.clone(),
            events: scenario
                .events
                .iter()
                .map(|e| EventHead {
                    id: e.id.clone(),
                    date: e.date,
                    kind: e.kind.name().to_string(),
                    title: e.title.clone(),
                })
                .collect(),
        }
    }
}

impl ForecastSummary {
    /// The summary of `tallies` (one per event of `scenario`).
    pub fn from_tallies(scenario: &Scenario, tallies: &[Tally], runs: u64, seed: u64) -> Self {
        Self::from_head(&ForecastHead::of(scenario), tallies, runs, seed)
    }

    /// The summary of `tallies` (one per event of `head`).
    pub fn from_head(head: &ForecastHead, tallies: &[Tally], runs: u64, seed: u64) -> Self {
        ForecastSummary {
            scenario: head.scenario.clone(),
            title: head.title.clone(),
            alliance: head.alliance.clone(),
            runs,
            seed,
            events: head
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
        Self::from_years(&scenario.id, &scenario.title, years, until, runs, seed)
    }

    /// The summary of the year tallies of a horizon run of the scenario `id`.
    pub fn from_years(
        id: &str,
        title: &str,
        years: &[YearTally],
        until: Date,
        runs: u64,
        seed: u64,
    ) -> Self {
        HorizonSummary {
            scenario: id.to_string(),
            title: title.to_string(),
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
pub(crate) fn bounded_runs(runs: NonZeroU64) -> Result<u64, Error> {
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
    check_until(req)?;
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

/// `req.until` within the horizon a long-horizon forecast can run.
pub(crate) fn check_until(req: &HorizonRequest) -> Result<(), Error> {
    let sc = &req.scenario;
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
    Ok(())
}

/// Shard `k` of `n`: the `k`-th of `n` near-equal ranges of replication indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl Shard {
    /// Shard `k` of `n` (1 ≤ k ≤ n).
    pub fn new(k: u64, n: u64) -> Result<Shard, Error> {
        if n == 0 || k == 0 || k > n {
            return Err(Error::Request(format!(
                "shard {k}/{n} does not exist\n  help: give K/N with 1 ≤ K ≤ N, e.g. --shard 1/4 … --shard 4/4"
            )));
        }
        Ok(Shard { k, n })
    }

    /// The replications `[⌊(k−1)·runs/n⌋, ⌊k·runs/n⌋)` of this shard: the `n`
    /// ranges partition `0..runs` and differ in size by one at most.
    pub fn range(self, runs: u64) -> std::ops::Range<u64> {
        let at = |i: u64| (u128::from(i) * u128::from(runs) / u128::from(self.n)) as u64;
        at(self.k - 1)..at(self.k)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl std::str::FromStr for Shard {
    type Err = Error;
    /// `K/N`, e.g. `2/8`.
    fn from_str(s: &str) -> Result<Shard, Error> {
        let bad = || {
            Error::Request(format!(
                "shard `{s}` is not K/N\n  help: give the shard's number and the number of shards, e.g. --shard 2/8"
            ))
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k = k.trim().parse().map_err(|_| bad())?;
        let n = n.trim().parse().map_err(|_| bad())?;
        Shard::new(k, n)
    }
}

/// The layout of a [`Partial`]; a part of another layout is refused.
pub const PARTIAL_FORMAT: u32 = 1;

/// One shard's share of a forecast: the integer tallies of its replications and
/// what they were computed from, so that [`merge`] can refuse parts that do not
/// belong together. Rounded probabilities could not be merged exactly; counts can.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// Always `casus-partial`: what the file is.
    pub format: String,
    /// [`PARTIAL_FORMAT`].
    pub version: u32,
    /// The casus version that computed it (parts of other versions may differ).
    pub casus: String,
    /// A digest of everything the tallies depend on besides the seed and the
    /// replications: the scenario, the parameters, the world (and for a
    /// horizon the base rates and `until`).
    pub inputs: String,
    pub seed: u64,
    /// The replications of the whole forecast.
    pub runs: u64,
    pub shard: Shard,
    /// This shard's replications, `[start, end)`.
    pub replications: (u64, u64),
    pub tallies: Tallies,
}

/// A part's tallies, by kind of forecast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Tallies {
    /// A forecast of the timeline: one tally per event of `head`.
    Forecast {
        head: ForecastHead,
        events: Vec<Tally>,
    },
    /// The years after it (`--until`).
    Horizon {
        scenario: String,
        title: String,
        until: Date,
        years: Vec<YearTally>,
    },
}

impl Tallies {
    fn kind(&self) -> &'static str {
        match self {
            Tallies::Forecast { .. } => "a forecast",
            Tallies::Horizon { .. } => "a long-horizon forecast (--until)",
        }
    }
}

fn partial(inputs: String, seed: u64, runs: u64, shard: Shard, tallies: Tallies) -> Partial {
    let r = shard.range(runs);
    Partial {
        format: "casus-partial".into(),
        version: PARTIAL_FORMAT,
        casus: env!("CARGO_PKG_VERSION").into(),
        inputs,
        seed,
        runs,
        shard,
        replications: (r.start, r.end),
        tallies,
    }
}

/// Shard `shard` of the forecast `req`: only its replications, as tallies.
pub fn shard(
    world: &World,
    req: &ForecastRequest,
    shard: Shard,
    progress: &dyn Progress,
) -> Result<Partial, Error> {
    let seed = req.seed.unwrap_or(req.scenario.seed);
    let runs = bounded_runs(req.runs)?;
    let plan = Plan::new(world, &req.scenario, &req.params)?;
    let reps = shard.range(runs);
    let events = watch(reps.end - reps.start, progress, |done| {
        monte_carlo_range(&plan, seed, reps.clone(), req.threads.count(), done)
    })?;
    let inputs = crate::checkpoint::digest(&(&req.scenario, &req.params, world));
    let head = ForecastHead::of(&req.scenario);
    Ok(partial(
        inputs,
        seed,
        runs,
        shard,
        Tallies::Forecast { head, events },
    ))
}

/// Shard `shard` of the long-horizon forecast `req`.
pub fn horizon_shard(
    world: &World,
    req: &HorizonRequest,
    shard: Shard,
    progress: &dyn Progress,
) -> Result<Partial, Error> {
    let sc = &req.scenario;
    let seed = req.seed.unwrap_or(sc.seed);
    let runs = bounded_runs(req.runs)?;
    let plan = Plan::new(world, sc, &req.params)?;
    check_until(req)?;
    let reps = shard.range(runs);
    let years = watch(reps.end - reps.start, progress, |done| {
        run_until_range(
            &plan,
            &req.rates,
            req.until,
            seed,
            reps.clone(),
            req.threads.count(),
            done,
        )
    })?;
    let inputs = crate::checkpoint::digest(&(sc, &req.params, world, &req.rates, req.until));
    let tallies = Tallies::Horizon {
        scenario: sc.id.clone(),
        title: sc.title.clone(),
        until: req.until,
        years,
    };
    Ok(partial(inputs, seed, runs, shard, tallies))
}

/// The summary merged parts make: exactly the unsharded forecast's.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Merged {
    Forecast(ForecastSummary),
    Horizon(HorizonSummary),
}

/// Merge the parts `(name, part)` of one forecast (`name`, e.g. a file, is only
/// for messages). They must be shards 1..N of the same forecast — same inputs,
/// seed, runs and N — each exactly once; otherwise the error says which part
/// differs, or which shards are missing (rerun those alone: a shard's result
/// depends only on its inputs, seed and number).
pub fn merge(parts: &[(String, Partial)]) -> Result<Merged, Error> {
    let refuse = |m: String| Err(Error::Request(m));
    let Some((first_name, first)) = parts.first() else {
        return refuse("no parts to merge\n  help: name the files `casus forecast … --shard K/N -o FILE` wrote".into());
    };
    let mut by_shard: BTreeMap<u64, (&String, &Partial)> = BTreeMap::new();
    for (name, p) in parts {
        let differs = |what: &str, a: &dyn std::fmt::Display, b: &dyn std::fmt::Display| {
            Error::Request(format!(
                "`{name}` is not a part of the same forecast as `{first_name}`: its {what} is {b}, not {a}\n  help: merge only the shards of one `casus forecast … --shard K/N` command (same scenario, parameters, world, seed, --runs and N)"
            ))
        };
        if p.version != first.version {
            return Err(differs("layout version", &first.version, &p.version));
        }
        if p.casus != first.casus {
            return Err(differs("casus version", &first.casus, &p.casus));
        }
        if p.tallies.kind() != first.tallies.kind() {
            return Err(differs("kind", &first.tallies.kind(), &p.tallies.kind()));
        }
        if p.inputs != first.inputs {
            return Err(differs(
                "input digest (scenario, parameters, world)",
                &first.inputs,
                &p.inputs,
            ));
        }
        if p.seed != first.seed {
            return Err(differs("seed", &first.seed, &p.seed));
        }
        if p.runs != first.runs {
            return Err(differs("number of runs", &first.runs, &p.runs));
        }
        if p.shard.n != first.shard.n {
            return Err(differs("number of shards", &first.shard.n, &p.shard.n));
        }
        let r = p.shard.range(p.runs);
        if Shard::new(p.shard.k, p.shard.n).is_err() || p.replications != (r.start, r.end) {
            return refuse(format!(
                "`{name}` says it is shard {} of {} runs but holds replications {}..{}\n  help: the file was changed after it was written; run its shard again",
                p.shard, p.runs, p.replications.0, p.replications.1
            ));
        }
        if let Some((other, _)) = by_shard.insert(p.shard.k, (name, p)) {
            return refuse(format!(
                "`{name}` and `{other}` are both shard {}\n  help: give each shard once",
                p.shard
            ));
        }
    }
    let n = first.shard.n;
    let missing: Vec<String> = (1..=n)
        .filter(|k| !by_shard.contains_key(k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return refuse(format!(
            "shards missing: {}\n  help: run each missing shard alone (`casus forecast … --shard K/N`, the same command with its K) and merge all {n} parts",
            missing.join(", ")
        ));
    }
    let (runs, seed) = (first.runs, first.seed);
    let inconsistent = |name: &str| {
        Error::Request(format!(
            "`{name}` does not have the tallies its inputs imply\n  help: the file was changed after it was written; run its shard again"
        ))
    };
    match &first.tallies {
        Tallies::Forecast { head, .. } => {
            let mut total = vec![Tally::default(); head.events.len()];
            for (name, p) in by_shard.values() {
                let Tallies::Forecast { head: h, events } = &p.tallies else {
                    unreachable!("kinds checked above")
                };
                if h != head || events.len() != total.len() {
                    return Err(inconsistent(name));
                }
                for (a, b) in total.iter_mut().zip(events) {
                    a.merge(b);
                }
            }
            Ok(Merged::Forecast(ForecastSummary::from_head(
                head, &total, runs, seed,
            )))
        }
        Tallies::Horizon {
            scenario,
            title,
            until,
            years,
        } => {
            let mut total: Vec<YearTally> = years
                .iter()
                .map(|y| YearTally {
                    year: y.year,
                    ..YearTally::default()
                })
                .collect();
            for (name, p) in by_shard.values() {
                let Tallies::Horizon {
                    scenario: s,
                    until: u,
                    years: ys,
                    ..
                } = &p.tallies
                else {
                    unreachable!("kinds checked above")
                };
                let years_match =
                    ys.len() == total.len() && ys.iter().zip(&total).all(|(a, b)| a.year == b.year);
                let (start, end) = p.replications;
                if s != scenario
                    || u != until
                    || !years_match
                    || ys.iter().any(|y| y.runs != end - start)
                {
                    return Err(inconsistent(name));
                }
                for (a, b) in total.iter_mut().zip(ys) {
                    a.merge(b);
                }
            }
            let summary = HorizonSummary::from_years(scenario, title, &total, *until, runs, seed);
            Ok(Merged::Horizon(summary))
        }
    }
}

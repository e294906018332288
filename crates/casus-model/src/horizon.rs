//! Long horizons: the years after a scenario's timeline. Each year has a summit
//! (members sign or not), an exercise (members take part or not; the host may
//! cancel), crises drawn from documented base rates by kind, and at the year's end
//! each member's participation may change: an engaged member may freeze, a frozen
//! one may give notice, a notice runs out after the treaty's notice period. The
//! leading power draws none of these: it gives notice only when its own
//! decision (`lifetime::leader_decision`) says the alliance is worth less to it
//! than it costs.
//!
//! **Dissolution** (explicit definition): the alliance is dissolved at the end of a
//! year in which its leading power has left, or fewer than two of the other
//! members are still engaged (not frozen, under notice or gone). It is absorbing.

use crate::Date;
use crate::dynamics::{Memory, Outcome, Status};
use crate::event::{Event, EventKind, Involvement, Reach};
use crate::forecast::{
    Cache, Chooser, Draw, Plan, Step, crisis_step, notice_months, play, replicate_with_memory,
    stream, uniform,
};
use crate::lifetime::{self, Transition};
use crate::state::{RelationKind, StateCode};
use rand_pcg::Pcg64;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Yearly rates of crises by kind, from the case library.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaseRates {
    pub internal_unrest: f64,
    /// Share of unrest framed by the government as outside interference.
    pub unrest_claimed_share: f64,
    /// How far the library's unrest reached.
    pub unrest_reach: ReachShares,
    pub external_aggression: f64,
    /// How far the library's aggression reached.
    pub aggression_reach: ReachShares,
    pub intra_member_conflict: f64,
    pub source: String,
}

/// Shares of a kind's episodes that stayed local and regional; the rest were national.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ReachShares {
    pub local: f64,
    pub regional: f64,
}

impl ReachShares {
    /// The reach of a generated crisis, from one uniform draw `u` in [0, 1).
    pub fn draw(self, u: f64) -> Reach {
        if u < self.local {
            Reach::Local
        } else if u < self.local + self.regional {
            Reach::Regional
        } else {
            Reach::National
        }
    }
}

/// What one replication looks like at the end of one year.
#[derive(Clone, Debug, PartialEq)]
struct YearState {
    status: BTreeMap<StateCode, Status>,
    dissolved: bool,
    /// … because the leading power left (by its own decision).
    dissolved_by_leader: bool,
    deployed_so_far: bool,
    refused_sign: Vec<StateCode>,
    skipped_exercise: Vec<StateCode>,
    engaged_others: usize,
}

/// Integer tallies of one year over many replications.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct YearTally {
    pub year: i32,
    pub runs: u64,
    /// Replications in which the member is frozen, under notice or gone by the year's end.
    pub disengaged: BTreeMap<StateCode, u64>,
    /// … in which it has given notice or left.
    pub exiting: BTreeMap<StateCode, u64>,
    pub left: BTreeMap<StateCode, u64>,
    pub dissolved: u64,
    /// … dissolved because the leading power decided to leave.
    pub dissolved_by_leader: u64,
    /// … in which a deployment has happened since the scenario began.
    pub deployed: u64,
    /// Histogram of the number of engaged non-leading members.
    pub engaged_hist: Vec<u64>,
    pub refused_sign: BTreeMap<StateCode, u64>,
    pub skipped_exercise: BTreeMap<StateCode, u64>,
    /// Replications in which the member has been frozen — paying nothing — for two
    /// years or more: arrears that cost it its vote in CSTO bodies (S221).
    pub arrears: BTreeMap<StateCode, u64>,
}

impl YearTally {
    fn add(&mut self, s: &YearState) {
        self.runs += 1;
        for (m, st) in &s.status {
            if *st != Status::Engaged {
                *self.disengaged.entry(m.clone()).or_insert(0) += 1;
            }
            if matches!(st, Status::Notice { .. } | Status::Left { .. }) {
                *self.exiting.entry(m.clone()).or_insert(0) += 1;
            }
            if matches!(st, Status::Left { .. }) {
                *self.left.entry(m.clone()).or_insert(0) += 1;
            }
            if let Status::Frozen { since } = st
                && since.days_until(Date::new(self.year, 12, 31).expect("valid date")) >= 730
            {
                *self.arrears.entry(m.clone()).or_insert(0) += 1;
            }
            self.disengaged.entry(m.clone()).or_insert(0);
            self.exiting.entry(m.clone()).or_insert(0);
            self.left.entry(m.clone()).or_insert(0);
        }
        self.dissolved += u64::from(s.dissolved);
        self.dissolved_by_leader += u64::from(s.dissolved_by_leader);
        self.deployed += u64::from(s.deployed_so_far);
        if self.engaged_hist.len() <= s.engaged_others {
            self.engaged_hist.resize(s.engaged_others + 1, 0);
        }
        self.engaged_hist[s.engaged_others] += 1;
        for m in &s.refused_sign {
            *self.refused_sign.entry(m.clone()).or_insert(0) += 1;
        }
        for m in &s.skipped_exercise {
            *self.skipped_exercise.entry(m.clone()).or_insert(0) += 1;
        }
    }

    /// Add `o`'s counts (the same year in other replications) to these.
    pub fn merge(&mut self, o: &YearTally) {
        self.year = o.year;
        self.runs += o.runs;
        for (a, b) in [
            (&mut self.disengaged, &o.disengaged),
            (&mut self.exiting, &o.exiting),
            (&mut self.left, &o.left),
            (&mut self.refused_sign, &o.refused_sign),
            (&mut self.skipped_exercise, &o.skipped_exercise),
            (&mut self.arrears, &o.arrears),
        ] {
            for (m, n) in b {
                *a.entry(m.clone()).or_insert(0) += n;
            }
        }
        self.dissolved += o.dissolved;
        self.dissolved_by_leader += o.dissolved_by_leader;
        self.deployed += o.deployed;
        if self.engaged_hist.len() < o.engaged_hist.len() {
            self.engaged_hist.resize(o.engaged_hist.len(), 0);
        }
        for (a, b) in self.engaged_hist.iter_mut().zip(&o.engaged_hist) {
            *a += b;
        }
    }
}

fn poisson(rate: f64, rng: &mut Pcg64) -> u32 {
    // Inverse transform; rates are small.
    let u = uniform(rng);
    let (mut k, mut p) = (0u32, (-rate).exp());
    let mut cdf = p;
    while u > cdf && k < 20 {
        k += 1;
        p *= rate / f64::from(k);
        cdf += p;
    }
    k
}

fn pick<'a, T>(items: &'a [T], rng: &mut Pcg64) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        let i = ((uniform(rng) * items.len() as f64) as usize).min(items.len() - 1);
        Some(&items[i])
    }
}

/// Crises of one year, drawn from the base rates among the dyads the data make
/// possible: unrest in any engaged member; aggression along a member's dispute
/// with a non-member; conflict along a dispute between two members.
fn generated_crises(
    plan: &Plan,
    rates: &BaseRates,
    year: i32,
    memory: &Memory,
    rng: &mut Pcg64,
) -> Vec<Event> {
    let alliance = plan.alliance();
    let mid = on(year, 7, 1);
    let members: Vec<&str> = alliance
        .members_on(mid)
        .into_iter()
        .filter(|m| {
            alliance.is_participating(m, mid) && !matches!(memory.status_of(m), Status::Left { .. })
        })
        .collect();
    let disputes: Vec<(&str, &str)> = plan
        .world
        .relations
        .iter()
        .filter(|r| r.kind == RelationKind::Dispute && r.in_force(mid))
        .map(|r| (r.parties[0].as_str(), r.parties[1].as_str()))
        .collect();
    let outside: Vec<(&str, &str)> = disputes
        .iter()
        .flat_map(|&(a, b)| [(a, b), (b, a)])
        .filter(|(m, o)| members.contains(m) && !alliance.is_member(o, mid))
        .collect();
    let inside: Vec<(&str, &str)> = disputes
        .iter()
        .copied()
        .filter(|(a, b)| members.contains(a) && members.contains(b))
        .collect();
    let mut out = Vec::new();
    let mut n = 0;
    let date = |rng: &mut Pcg64| {
        let day = (uniform(rng) * 360.0) as i64;
        Date::new(year, 1, 1)
            .expect("valid date")
            .plus_days(day.min(364))
    };
    for _ in 0..poisson(rates.internal_unrest, rng) {
        if let Some(m) = pick(&members, rng) {
            let claimed = uniform(rng) < rates.unrest_claimed_share;
            let reach = rates.unrest_reach.draw(uniform(rng));
            n += 1;
            out.push(Event {
                id: format!("y{year}-unrest-{n}"),
                date: date(rng),
                kind: EventKind::InternalUnrest {
                    state: m.to_string(),
                    external_involvement: if claimed {
                        Involvement::Claimed
                    } else {
                        Involvement::None
                    },
                    reach,
                    casualties: None,
                    // The base rates count unrest, not coups: none is generated.
                    seizure: false,
                },
                title: format!("generated: unrest in {m}"),
                source: Some(rates.source.clone()),
            });
        }
    }
    for _ in 0..poisson(rates.external_aggression, rng) {
        if let Some((m, o)) = pick(&outside, rng) {
            n += 1;
            let reach = rates.aggression_reach.draw(uniform(rng));
            out.push(Event {
                id: format!("y{year}-aggression-{n}"),
                date: date(rng),
                kind: EventKind::ExternalAggression {
                    aggressor: Some(o.to_string()),
                    aggressor_non_state: None,
                    target: m.to_string(),
                    territory_of: m.to_string(),
                    reach,
                    casualties: None,
                },
                title: format!("generated: {o} attacks {m}"),
                source: Some(rates.source.clone()),
            });
        }
    }
    for _ in 0..poisson(rates.intra_member_conflict, rng) {
        if let Some((a, b)) = pick(&inside, rng) {
            n += 1;
            out.push(Event {
                id: format!("y{year}-conflict-{n}"),
                date: date(rng),
                kind: EventKind::IntraMemberConflict {
                    parties: [a.to_string(), b.to_string()],
                    territory_of: Some(a.to_string()),
                    casualties: None,
                },
                title: format!("generated: {a} and {b} fight"),
                source: Some(rates.source.clone()),
            });
        }
    }
    out.sort_by_key(|e| e.date);
    out
}

/// A date of `year` the model fixes (mid-year, the exercise, the summit).
fn on(year: i32, month: u8, day: u8) -> Date {
    Date::new(year, month, day).expect("valid date")
}

/// The decision step of a generated crisis of `year` (none if the treaty pass
/// fails or the event calls for no decision), prepared once per event kind in
/// a year the alliance's data leave alone: the step reads the event's kind,
/// the states' (undated) regions and the alliance as it stands on the event's
/// date — not the event's id, and not which day of such a year it falls on
/// (`Cache::crisis_steps`; test `a_generated_crisis_step_is_the_same_on_any_day_of_an_unchanged_year`).
pub(crate) fn generated_step(
    plan: &Plan,
    ev: &Event,
    year: i32,
    cache: &mut Cache,
) -> Option<Arc<Step>> {
    let alliance = plan.alliance();
    let prepare = || {
        crisis_step(alliance, &plan.world.states, ev)
            .ok()
            .flatten()
            .map(Arc::new)
    };
    let unchanged = *cache
        .unchanged_years
        .entry(year)
        .or_insert_with(|| alliance.unchanged_within(on(year, 1, 1), on(year, 12, 31)));
    let key = match crate::forecast::crisis_key(&ev.kind) {
        Some(k) if unchanged => k,
        _ => return prepare(),
    };
    cache
        .crisis_steps
        .entry((year, key))
        .or_insert_with(prepare)
        .clone()
}

/// Decide and play one step of a horizon year, drawing every choice.
fn decide(
    plan: &Plan,
    step: &Step,
    event_id: &str,
    date: Date,
    memory: &mut Memory,
    rng: &mut Pcg64,
) -> Draw {
    let d = plan.decisions(step, date, memory);
    let mut choose =
        |probs: &[f64], rng: &mut Pcg64| -> usize { crate::forecast::pick(probs, uniform(rng)) };
    play(plan, step, event_id, &d, memory, rng, &mut choose)
}

/// One replication from the scenario's start to `until`: the state at the end of
/// each year after the scenario's last event.
fn replicate_years(
    plan: &Plan,
    rates: &BaseRates,
    until: Date,
    rng: &mut Pcg64,
    cache: &mut Cache,
) -> Vec<YearState> {
    replicate_years_with_memory(plan, rates, until, rng, cache).0
}

fn replicate_years_with_memory(
    plan: &Plan,
    rates: &BaseRates,
    until: Date,
    rng: &mut Pcg64,
    cache: &mut Cache,
) -> (Vec<YearState>, Memory) {
    let (draws, mut memory) = replicate_with_memory(plan, rng, Chooser::Draw, cache);
    let mut deployed = draws
        .iter()
        .flatten()
        .any(|d| d.outcome == Some(Outcome::Deployment));
    let alliance = plan.alliance();
    let leader = alliance.leading_power.clone().unwrap_or_default();
    let first = first_year(plan, until);
    let mut out = Vec::new();
    let mut dissolved_by_leader = false;
    for year in first..=until.year {
        let mut refused = Vec::new();
        let mut skipped = Vec::new();
        if memory.dissolved.is_none() {
            // The year's steps, played through the same protocol as the
            // timeline's: the generated crises, then the exercise (15 Sep) and
            // the summit (15 Nov). The crises come first whatever their date.
            for ev in generated_crises(plan, rates, year, &memory, rng) {
                if let Some(step) = generated_step(plan, &ev, year, cache) {
                    let draw = decide(plan, &step, &ev.id, ev.date, &mut memory, rng);
                    deployed |= draw.outcome == Some(Outcome::Deployment);
                }
            }
            let exercise = Step::Exercise { host: None };
            let draw = decide(plan, &exercise, "", on(year, 9, 15), &mut memory, rng);
            skipped.extend(
                draw.participated
                    .into_iter()
                    .filter(|(_, t)| !t)
                    .map(|(m, _)| m),
            );
            let draw = decide(plan, &Step::Summit, "", on(year, 11, 15), &mut memory, rng);
            refused.extend(draw.signed.into_iter().filter(|(_, s)| !s).map(|(m, _)| m));
            // Year's end: participation changes.
            let end = on(year, 12, 31);
            let f = plan.facts(end, &memory);
            let mut changes = Vec::new();
            for &m in f.members() {
                if m == leader {
                    // The leading power does not draw: it leaves only when its
                    // own decision says the alliance is worth less than that.
                    let d = lifetime::leader_decision(&f, m);
                    if !d.stays && memory.engaged(m) {
                        let months = notice_months(alliance, end);
                        changes.push((
                            m.to_string(),
                            Status::Notice {
                                effective: end.plus_months(months),
                            },
                        ));
                    }
                    continue;
                }
                let status = memory.status_of(m);
                let y = lifetime::member_year(&f, m, status);
                if uniform(rng) >= y.p {
                    continue;
                }
                match y.transition {
                    Some(Transition::Freeze) => {
                        changes.push((m.to_string(), Status::Frozen { since: end }));
                    }
                    Some(Transition::Notice) => {
                        let months = notice_months(alliance, end);
                        changes.push((
                            m.to_string(),
                            Status::Notice {
                                effective: end.plus_months(months),
                            },
                        ));
                    }
                    None => {}
                }
            }
            for (m, st) in changes {
                memory.status.insert(m, st);
            }
            memory.settle_notices(on(year + 1, 1, 1));
            let others = alliance
                .members_on(end)
                .into_iter()
                .filter(|m| *m != leader && alliance.is_participating(m, end) && memory.engaged(m))
                .count();
            let leader_gone = matches!(memory.status_of(&leader), Status::Left { .. });
            if leader_gone || others < 2 {
                memory.dissolved = Some(end);
                dissolved_by_leader = leader_gone;
            }
        }
        let end = on(year, 12, 31);
        let mut status = BTreeMap::new();
        for m in alliance.members_on(end) {
            if alliance.is_participating(m, end) {
                status.insert(m.to_string(), memory.status_of(m));
            }
        }
        let engaged_others = status
            .iter()
            .filter(|(m, s)| **m != leader && **s == Status::Engaged)
            .count();
        out.push(YearState {
            status,
            dissolved: memory.dissolved.is_some(),
            dissolved_by_leader,
            deployed_so_far: deployed,
            refused_sign: refused,
            skipped_exercise: skipped,
            engaged_others,
        });
    }
    (out, memory)
}

/// The memory one replication ends with at `until` (for inspection and tests).
pub fn final_memory(plan: &Plan, rates: &BaseRates, until: Date, seed: u64, rep: u64) -> Memory {
    let mut rng = stream(seed, rep);
    replicate_years_with_memory(plan, rates, until, &mut rng, &mut Cache::new()).1
}

/// Monte Carlo over the years to `until`; deterministic per seed for any thread count.
pub fn run_until(
    plan: &Plan,
    rates: &BaseRates,
    until: Date,
    seed: u64,
    runs: u64,
    threads: Option<usize>,
    progress: &std::sync::atomic::AtomicU64,
) -> Result<Vec<YearTally>, rayon::ThreadPoolBuildError> {
    run_until_range(plan, rates, until, seed, 0..runs, threads, progress)
}

/// [`run_until`] over the replications `reps` only (a shard): each replication
/// draws from `stream(seed, r)` whatever range it is run in, so merged tallies
/// of ranges that partition `0..runs` equal `run_until`'s.
pub fn run_until_range(
    plan: &Plan,
    rates: &BaseRates,
    until: Date,
    seed: u64,
    reps: std::ops::Range<u64>,
    threads: Option<usize>,
    progress: &std::sync::atomic::AtomicU64,
) -> Result<Vec<YearTally>, rayon::ThreadPoolBuildError> {
    use rayon::prelude::*;
    let chunk = 1024u64;
    let (offset, runs) = (reps.start, reps.end.saturating_sub(reps.start));
    let chunks = runs.div_ceil(chunk);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()?;
    let empty = || empty_years(plan, until);
    Ok(pool.install(|| {
        (0..chunks)
            .into_par_iter()
            .fold(
                || (Cache::new(), empty()),
                |(mut cache, mut acc), c| {
                    let start = offset + c * chunk;
                    let end = (start + chunk).min(offset + runs);
                    tally_years(plan, rates, until, seed, start..end, &mut cache, &mut acc);
                    progress.fetch_add(end - start, std::sync::atomic::Ordering::Relaxed);
                    (cache, acc)
                },
            )
            .map(|(_, acc)| acc)
            .reduce(empty, |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    x.merge(y);
                }
                a
            })
    }))
}

/// Empty tallies for every year from the first after the scenario to `until`.
pub fn empty_years(plan: &Plan, until: Date) -> Vec<YearTally> {
    let first = first_year(plan, until);
    let years = (until.year - first + 1).max(0) as usize;
    (0..years)
        .map(|i| YearTally {
            year: first + i as i32,
            ..YearTally::default()
        })
        .collect()
}

/// Add replications `reps` to `acc` (from [`empty_years`]), one after the
/// other on this thread: the unit [`run_until_range`] runs in parallel, and
/// the block a posterior draw runs under its own parameters.
pub fn tally_years(
    plan: &Plan,
    rates: &BaseRates,
    until: Date,
    seed: u64,
    reps: std::ops::Range<u64>,
    cache: &mut Cache,
    acc: &mut [YearTally],
) {
    for rep in reps {
        let mut rng = stream(seed, rep);
        for (t, s) in acc
            .iter_mut()
            .zip(replicate_years(plan, rates, until, &mut rng, cache))
        {
            t.add(&s);
        }
    }
}

/// One member at one year's end in the explanation of a horizon.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberExplanation {
    pub status: Status,
    /// The terms and the hazard; `None` for a member under notice or gone.
    pub year: Option<lifetime::MemberYear>,
    /// The more likely outcome of the year's draw, where it changes the status.
    pub becomes: Option<Status>,
}

/// One year's end of the explanation: the leading power's decision and every
/// other member's terms.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearExplanation {
    pub year: i32,
    pub credibility: f64,
    pub leader: Option<lifetime::LeaderDecision>,
    pub members: BTreeMap<StateCode, MemberExplanation>,
    pub dissolved: bool,
}

/// The years after the scenario along its most likely course, term by term:
/// the timeline's modal course, then at each year's end the leading power's
/// decision and each member's yearly hazard, every transition taking its more
/// likely value (p ≥ ½). The generated crises, exercises and summits are left
/// out: they are draws around this course, not its terms.
pub fn explain_years(plan: &Plan, until: Date) -> Vec<YearExplanation> {
    use crate::forecast::Chooser;
    let (_, mut memory) =
        replicate_with_memory(plan, &mut stream(0, 0), Chooser::Modal, &mut Cache::new());
    let alliance = plan.alliance();
    let leader = alliance.leading_power.clone().unwrap_or_default();
    let first = first_year(plan, until);
    let mut out = Vec::new();
    for year in first..=until.year {
        let end = on(year, 12, 31);
        if memory.dissolved.is_some() {
            out.push(YearExplanation {
                year,
                credibility: memory.credibility(),
                leader: None,
                members: BTreeMap::new(),
                dissolved: true,
            });
            continue;
        }
        let f = plan.facts(end, &memory);
        let mut members = BTreeMap::new();
        let mut leader_decision = None;
        for &m in f.members() {
            let status = memory.status_of(m);
            if m == leader {
                let d = lifetime::leader_decision(&f, m);
                let becomes = (!d.stays && status == Status::Engaged).then(|| Status::Notice {
                    effective: end.plus_months(notice_months(alliance, end)),
                });
                members.insert(
                    m.to_string(),
                    MemberExplanation {
                        status,
                        year: None,
                        becomes,
                    },
                );
                leader_decision = Some(d);
                continue;
            }
            let y = lifetime::member_year(&f, m, status);
            let becomes = match (y.transition, y.p >= 0.5) {
                (Some(Transition::Freeze), true) => Some(Status::Frozen { since: end }),
                (Some(Transition::Notice), true) => Some(Status::Notice {
                    effective: end.plus_months(notice_months(alliance, end)),
                }),
                _ => None,
            };
            let live = y.transition.is_some();
            members.insert(
                m.to_string(),
                MemberExplanation {
                    status,
                    year: live.then_some(y),
                    becomes,
                },
            );
        }
        for (m, e) in &members {
            if let Some(st) = e.becomes {
                memory.status.insert(m.clone(), st);
            }
        }
        memory.settle_notices(on(year + 1, 1, 1));
        let others = alliance
            .members_on(end)
            .into_iter()
            .filter(|m| *m != leader && alliance.is_participating(m, end) && memory.engaged(m))
            .count();
        if matches!(memory.status_of(&leader), Status::Left { .. }) || others < 2 {
            memory.dissolved = Some(end);
        }
        out.push(YearExplanation {
            year,
            credibility: memory.credibility(),
            leader: leader_decision,
            members,
            dissolved: memory.dissolved.is_some(),
        });
    }
    out
}

/// The first year the horizon runs: the one after the scenario's last event
/// (`until`'s year for an empty scenario). Read by the sampled years, their
/// range runner and their explanation alike.
fn first_year(plan: &Plan, until: Date) -> i32 {
    plan.scenario
        .events
        .last()
        .map_or(until.year, |e| e.date.year + 1)
}

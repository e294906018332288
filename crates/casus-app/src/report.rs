//! `report`: everything a person reads about one scenario, in one summary — the
//! treaty's reading of the timeline ([`timeline::run`]), the Monte Carlo
//! forecast ([`forecast::forecast`]), the years after it ([`forecast::horizon`])
//! and who the states on the map are (members and their status, the other
//! states the timeline names). The HTML report and the web dashboard render this
//! summary; they compute nothing themselves.

use crate::forecast::{ForecastRequest, ForecastSummary, HorizonRequest, HorizonSummary};
use crate::timeline::RunSummary;
use crate::{Error, Progress, Threads, forecast, timeline};
use casus_model::Date;
use casus_model::event::EventKind;
use casus_model::horizon::BaseRates;
use casus_model::params::Params;
use casus_model::scenario::{Scenario, World};
use serde::Serialize;
use std::num::NonZeroU64;

/// What a report is asked.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRequest {
    pub scenario: Scenario,
    pub params: Params,
    /// Base rates of the crises the horizon generates.
    pub rates: BaseRates,
    /// Replications of the timeline's forecast.
    pub runs: NonZeroU64,
    /// The horizon's end, or `None` for no horizon (see [`default_until`]).
    pub until: Option<Date>,
    /// Replications of the horizon: a simulated year costs about as much as the
    /// whole timeline, so a report runs fewer of them than of the timeline.
    pub horizon_runs: NonZeroU64,
    pub seed: Option<u64>,
    pub threads: Threads,
}

/// How many years after the scenario's last event a report simulates when the
/// user names no end: far enough to see exits and freezes build up (notice
/// periods run a year), near enough that the base rates still describe it.
pub const DEFAULT_HORIZON_YEARS: i32 = 5;

/// The horizon a report runs by default: 31 December, [`DEFAULT_HORIZON_YEARS`]
/// after the year of the scenario's last event.
pub fn default_until(scenario: &Scenario) -> Date {
    let year = scenario.events.last().map_or(2026, |e| e.date.year);
    Date::new(year + DEFAULT_HORIZON_YEARS, 12, 31).expect("31 December is a date")
}

/// The report of one scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportSummary {
    /// Each event with the treaty's determination and its citations.
    pub run: RunSummary,
    pub forecast: ForecastSummary,
    pub horizon: Option<HorizonSummary>,
    /// The alliance's members, with their status on the date of the last event.
    pub members: Vec<MemberStatus>,
    /// States the timeline names that are not members on that date (attackers,
    /// targets, partners, states that left).
    pub others: Vec<StateName>,
}

/// A member on the date of the scenario's last event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberStatus {
    pub state: String,
    pub name: String,
    /// `member`, or `suspended` (a member whose participation is suspended).
    pub status: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StateName {
    pub state: String,
    pub name: String,
}

/// The states an event names.
fn states_named(kind: &EventKind) -> Vec<&str> {
    match kind {
        EventKind::ExternalAggression {
            aggressor,
            target,
            territory_of,
            ..
        } => [aggressor.as_deref(), Some(target), Some(territory_of)]
            .into_iter()
            .flatten()
            .collect(),
        EventKind::Threat { from, target, .. } => [from.as_deref(), Some(target)]
            .into_iter()
            .flatten()
            .collect(),
        EventKind::InternalUnrest { state, .. }
        | EventKind::Membership { state, .. }
        | EventKind::CapabilityShock { state, .. } => vec![state],
        EventKind::IntraMemberConflict { parties, .. } => vec![&parties[0], &parties[1]],
        EventKind::OutOfAreaWar {
            member,
            against,
            territory_of,
            ..
        } => vec![member, against, territory_of],
        EventKind::Request {
            requester,
            to,
            territory_of,
            ..
        } => vec![requester, to, territory_of],
        EventKind::Summit { host, .. } | EventKind::Exercise { host, .. } => vec![host],
        EventKind::WarOutcome {
            member, against, ..
        } => vec![member, against],
        EventKind::Partnership { state, partner } => vec![state, partner],
    }
}

/// Progress of one phase of several, reported as progress of the whole.
struct Phase<'a> {
    whole: &'a dyn Progress,
    before: u64,
    total: u64,
}

impl Progress for Phase<'_> {
    fn update(&self, done: u64, _: u64) {
        self.whole.update(self.before + done, self.total);
    }
    fn wanted(&self) -> bool {
        self.whole.wanted()
    }
}

/// Run, forecast and (if asked) the horizon of one scenario. `progress` hears
/// replications done of all of them (the timeline's, then the horizon's).
pub fn report(
    world: &World,
    req: &ReportRequest,
    progress: &dyn Progress,
) -> Result<ReportSummary, Error> {
    let sc = &req.scenario;
    let run = timeline::run(world, sc, req.seed)?;
    let horizon_runs = req.until.map_or(0, |_| req.horizon_runs.get());
    let total = req.runs.get() + horizon_runs;
    let freq = ForecastRequest {
        scenario: sc.clone(),
        params: req.params.clone(),
        runs: req.runs,
        seed: req.seed,
        threads: req.threads,
    };
    let first = Phase {
        whole: progress,
        before: 0,
        total,
    };
    let forecast = forecast::forecast(world, &freq, &first)?;
    let horizon = match req.until {
        None => None,
        Some(until) => {
            let hreq = HorizonRequest {
                scenario: sc.clone(),
                params: req.params.clone(),
                rates: req.rates.clone(),
                until,
                runs: req.horizon_runs,
                seed: req.seed,
                threads: req.threads,
            };
            let second = Phase {
                whole: progress,
                before: req.runs.get(),
                total,
            };
            Some(forecast::horizon(world, &hreq, &second)?)
        }
    };
    let w = world.with_overrides(&sc.overrides);
    let name = |code: &str| {
        w.states
            .get(code)
            .map_or_else(|| code.to_string(), |s| s.name.clone())
    };
    let (members, member_codes) = match (w.alliances.get(&sc.alliance), sc.events.last()) {
        (Some(a), Some(last)) => {
            let on = last.date;
            let codes = a.members_on(on);
            let members = codes
                .iter()
                .map(|m| MemberStatus {
                    state: m.to_string(),
                    name: name(m),
                    status: if a.is_participating(m, on) {
                        "member"
                    } else {
                        "suspended"
                    },
                })
                .collect();
            (
                members,
                codes.into_iter().map(String::from).collect::<Vec<_>>(),
            )
        }
        _ => (Vec::new(), Vec::new()),
    };
    let mut others: Vec<StateName> = Vec::new();
    for ev in &sc.events {
        for code in states_named(&ev.kind) {
            let known = w.states.contains_key(code);
            let listed =
                member_codes.iter().any(|m| m == code) || others.iter().any(|o| o.state == code);
            if known && !listed {
                others.push(StateName {
                    state: code.to_string(),
                    name: name(code),
                });
            }
        }
    }
    others.sort_by(|a, b| a.state.cmp(&b.state));
    Ok(ReportSummary {
        run,
        forecast,
        horizon,
        members,
        others,
    })
}

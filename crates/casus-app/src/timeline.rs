//! `run` and `explain`: what the treaty says of each event of a timeline, and
//! every decision along its most likely course.

use crate::forecast::{DEFAULT_RUNS, ForecastRequest, ForecastSummary, forecast};
use crate::{Error, Silent, Threads};
use casus_model::analysis::{EventAnalysis, analyse_timeline};
use casus_model::council::CouncilResult;
use casus_model::dynamics::Outcome;
use casus_model::event::Event;
use casus_model::forecast::{Decisions, Plan, modal_course};
use casus_model::params::Params;
use casus_model::scenario::{Scenario, World};
use serde::Serialize;
use std::collections::BTreeMap;
use std::num::NonZeroU64;

/// The treaty's reading of a timeline, and what is likely to come of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunSummary {
    pub scenario: String,
    pub title: String,
    pub description: String,
    pub alliance: String,
    /// The seed the run reports (the request's, else the scenario's).
    pub seed: u64,
    pub events: Vec<EventAnalysis>,
    /// What is likely: the forecast of the same timeline with this seed and
    /// [`DEFAULT_RUNS`] replications — the numbers a plain `casus forecast`
    /// prints, so a newcomer's first run shows the answer beside the reasons.
    pub forecast: ForecastSummary,
    /// Why, in one line per decided event: the council's decision under the
    /// most likely stances (the modal course `explain` details), by event id.
    pub councils: BTreeMap<String, CouncilResult>,
}

/// Apply the treaty to every event of `scenario` and forecast it with the
/// bundled parameters.
pub fn run(world: &World, scenario: &Scenario, seed: Option<u64>) -> Result<RunSummary, Error> {
    let params = casus_data::params::bundled_params()?.params();
    run_with(world, scenario, seed, &params)
}

/// [`run`] with the given parameters. The forecast costs little (10,000
/// replications of a bundled scenario take a few tens of milliseconds), and Monte
/// Carlo rather than exact enumeration keeps that cost linear in the timeline:
/// exact enumeration branches at every decision, which a long scenario file
/// would make exponential.
pub fn run_with(
    world: &World,
    scenario: &Scenario,
    seed: Option<u64>,
    params: &Params,
) -> Result<RunSummary, Error> {
    let events = analyse_timeline(world, scenario)?;
    let seed = seed.unwrap_or(scenario.seed);
    let req = ForecastRequest {
        scenario: scenario.clone(),
        params: params.clone(),
        runs: NonZeroU64::new(DEFAULT_RUNS).expect("DEFAULT_RUNS > 0"),
        seed: Some(seed),
        threads: Threads::ALL_CORES,
    };
    let forecast = forecast(world, &req, &Silent)?;
    let plan = Plan::new(world, scenario, params)?;
    let councils = modal_course(&plan)
        .into_iter()
        .filter_map(|(ev, _, draw)| Some((scenario.events[ev].id.clone(), draw.council?)))
        .collect();
    Ok(RunSummary {
        scenario: scenario.id.clone(),
        title: scenario.title.clone(),
        description: scenario.description.clone(),
        alliance: scenario.alliance.clone(),
        seed,
        events,
        forecast,
        councils,
    })
}

/// What `explain` is asked.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplainRequest {
    pub scenario: Scenario,
    pub params: Params,
    /// Only this event (by id).
    pub event: Option<String>,
}

/// Every decision along the modal course.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExplainSummary {
    pub scenario: String,
    pub title: String,
    pub events: Vec<ExplainedEvent>,
}

/// One event of the modal course: the decisions it called for and what came of
/// the most likely choices.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExplainedEvent {
    pub event: Event,
    pub decisions: Decisions,
    pub modal_outcome: Option<Outcome>,
    pub council: Option<CouncilResult>,
}

/// Explain the decisions of the modal course (of one event, if asked).
pub fn explain(world: &World, req: &ExplainRequest) -> Result<ExplainSummary, Error> {
    let sc = &req.scenario;
    if let Some(e) = &req.event
        && !sc.events.iter().any(|x| &x.id == e)
    {
        let ids: Vec<&str> = sc.events.iter().map(|x| x.id.as_str()).collect();
        return Err(Error::Request(format!(
            "scenario `{}` has no event `{e}`\n  help: its events: {}",
            sc.id,
            ids.join(", ")
        )));
    }
    let plan = Plan::new(world, sc, &req.params)?;
    let events = modal_course(&plan)
        .into_iter()
        .filter(|(ev, _, _)| req.event.as_ref().is_none_or(|e| *e == sc.events[*ev].id))
        .map(|(ev, decisions, draw)| ExplainedEvent {
            event: sc.events[ev].clone(),
            decisions,
            modal_outcome: draw.outcome,
            council: draw.council,
        })
        .collect();
    Ok(ExplainSummary {
        scenario: sc.id.clone(),
        title: sc.title.clone(),
        events,
    })
}

/// What `explain --until` is asked.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplainYearsRequest {
    pub scenario: Scenario,
    pub params: Params,
    /// Explain every year's end to this date (a year after the scenario's last event).
    pub until: casus_model::Date,
}

/// The years after a scenario along its most likely course, term by term.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExplainYearsSummary {
    pub scenario: String,
    pub title: String,
    pub until: casus_model::Date,
    /// The weights the terms are multiplied by (name, value).
    pub weights: Vec<(&'static str, f64)>,
    pub years: Vec<casus_model::horizon::YearExplanation>,
}

/// The parameters the yearly decisions read, for the explanation's weights.
const YEAR_WEIGHTS: &[&str] = &[
    "sign_constant",
    "trust",
    "leader_wish",
    "grievance",
    "cohesion",
    "outside_ties",
    "outside_options",
    "leader_threat",
    "freeze_constant",
    "exit_constant",
    "leader_bases",
    "leader_influence",
    "leader_alignment",
    "leader_cost",
];

/// Explain, per year and member, the terms behind freezing, leaving or staying.
pub fn explain_years(
    world: &World,
    req: &ExplainYearsRequest,
) -> Result<ExplainYearsSummary, Error> {
    let sc = &req.scenario;
    let last = sc.events.last().map(|e| e.date).unwrap_or(req.until);
    if req.until.year <= last.year {
        return Err(Error::Request(format!(
            "until {} is not after the scenario's last year ({})\n  help: give a date in a later year",
            req.until, last.year
        )));
    }
    if req.until.year > last.year + crate::forecast::MAX_HORIZON_YEARS {
        return Err(Error::Request(format!(
            "until {} is more than {} years after the scenario's last year ({})\n  help: give an earlier date",
            req.until,
            crate::forecast::MAX_HORIZON_YEARS,
            last.year
        )));
    }
    let plan = Plan::new(world, sc, &req.params)?;
    let weights = req
        .params
        .pairs()
        .into_iter()
        .filter(|(n, _)| YEAR_WEIGHTS.contains(n))
        .collect();
    Ok(ExplainYearsSummary {
        scenario: sc.id.clone(),
        title: sc.title.clone(),
        until: req.until,
        weights,
        years: casus_model::horizon::explain_years(&plan, req.until),
    })
}

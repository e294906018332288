//! `run` and `explain`: what the treaty says of each event of a timeline, and
//! every decision along its most likely course.

use crate::Error;
use casus_model::analysis::{EventAnalysis, analyse_timeline};
use casus_model::council::CouncilResult;
use casus_model::dynamics::Outcome;
use casus_model::event::Event;
use casus_model::forecast::{Decisions, Plan, modal_course};
use casus_model::params::Params;
use casus_model::scenario::{Scenario, World};
use serde::Serialize;

/// The treaty's reading of a timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunSummary {
    pub scenario: String,
    pub title: String,
    pub description: String,
    pub alliance: String,
    /// The seed the run reports (the request's, else the scenario's).
    pub seed: u64,
    pub events: Vec<EventAnalysis>,
}

/// Apply the treaty to every event of `scenario`.
pub fn run(world: &World, scenario: &Scenario, seed: Option<u64>) -> Result<RunSummary, Error> {
    let events = analyse_timeline(world, scenario)?;
    Ok(RunSummary {
        scenario: scenario.id.clone(),
        title: scenario.title.clone(),
        description: scenario.description.clone(),
        alliance: scenario.alliance.clone(),
        seed: seed.unwrap_or(scenario.seed),
        events,
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

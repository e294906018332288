//! Treaty analysis over a scenario's timeline: each event paired with what the
//! treaty says about it. A crisis is analysed as it stands; a request is analysed
//! together with the crisis it refers to; a bilateral request is matched to the
//! bilateral treaty that covers it, outside the alliance.

use crate::alliance::Alliance;
use crate::event::{Event, EventKind};
use crate::scenario::{Scenario, World};
use crate::state::RelationKind;
use crate::treaty::{Determination, RuleConflict, Situation, determine};
use serde::Serialize;

/// A request made outside the alliance, and the bilateral treaty (if any) that covers it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bilateral {
    pub requester: String,
    pub to: String,
    /// The defence treaty in force between them, with its assistance article.
    pub treaty: Option<String>,
    pub source: Option<String>,
}

/// One event of the timeline with its treaty analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventAnalysis {
    #[serde(flatten)]
    pub event: Event,
    /// What the alliance's treaty says (absent for bilateral requests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub treaty: Option<Determination>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bilateral: Option<Bilateral>,
}

/// Why a timeline cannot be analysed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    RuleConflict(#[from] RuleConflict),
    #[error(
        "request `{request}` refers to crisis `{crisis}`, which is not an earlier event of the scenario"
    )]
    UnknownCrisis { request: String, crisis: String },
    #[error("the scenario's alliance `{0}` is not in the world")]
    UnknownAlliance(String),
}

/// The treaty analysis of every event of a scenario, on the world with the
/// scenario's overrides applied.
pub fn analyse_timeline(
    world: &World,
    scenario: &Scenario,
) -> Result<Vec<EventAnalysis>, AnalysisError> {
    let world = world.with_overrides(&scenario.overrides);
    let alliance = world
        .alliances
        .get(&scenario.alliance)
        .ok_or_else(|| AnalysisError::UnknownAlliance(scenario.alliance.clone()))?;
    let treaty = determinations(&world, alliance, scenario)?;
    Ok(scenario
        .events
        .iter()
        .zip(treaty)
        .map(|(ev, treaty)| {
            let bilateral = match &ev.kind {
                EventKind::Request { requester, to, .. } if *to != alliance.id => {
                    Some(bilateral(&world, requester, to, ev))
                }
                _ => None,
            };
            EventAnalysis {
                event: ev.clone(),
                treaty,
                bilateral,
            }
        })
        .collect())
}

/// The treaty pass, written once for `run` and the forecasts (`Plan::new`):
/// what the alliance's treaty says about each event on `world` (overrides
/// already applied). A crisis is determined as it stands, a request to the
/// alliance together with its crisis; a request made outside the alliance has
/// no determination (`None`).
pub fn determinations(
    world: &World,
    alliance: &Alliance,
    scenario: &Scenario,
) -> Result<Vec<Option<Determination>>, AnalysisError> {
    let mut out = Vec::with_capacity(scenario.events.len());
    for ev in &scenario.events {
        let sit = match &ev.kind {
            EventKind::Request { to, crisis, .. } => {
                if *to != alliance.id {
                    out.push(None);
                    continue;
                }
                let crisis_ev =
                    find(&scenario.events, crisis).ok_or_else(|| AnalysisError::UnknownCrisis {
                        request: ev.id.clone(),
                        crisis: crisis.clone(),
                    })?;
                Situation {
                    date: ev.date,
                    crisis: &crisis_ev.kind,
                    request: Some(&ev.kind),
                }
            }
            kind => Situation {
                date: ev.date,
                crisis: kind,
                request: None,
            },
        };
        out.push(Some(determine(alliance, &world.states, sit)?));
    }
    Ok(out)
}

fn find<'a>(events: &'a [Event], id: &str) -> Option<&'a Event> {
    events.iter().find(|e| e.id == id && e.kind.is_crisis())
}

fn bilateral(world: &World, requester: &str, to: &str, ev: &Event) -> Bilateral {
    let rel = world.relations.iter().find(|r| {
        r.kind == RelationKind::DefenceTreaty && r.between(requester, to) && r.in_force(ev.date)
    });
    Bilateral {
        requester: requester.to_string(),
        to: to.to_string(),
        treaty: rel.map(|r| match &r.article {
            Some(a) => format!("{} ({a})", r.name),
            None => r.name.clone(),
        }),
        source: rel.map(|r| r.source.clone()),
    }
}

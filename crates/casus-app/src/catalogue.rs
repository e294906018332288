//! `list` and `check`: what the bundled data holds, and whether a scenario is
//! valid (it loads, and the treaty can be applied to every event).

use crate::Error;
use casus_data::{bundled_scenario, bundled_scenario_names};
use casus_model::Date;
use casus_model::analysis::analyse_timeline;
use casus_model::scenario::{Scenario, World};
use serde::Serialize;

/// The bundled alliances, states and scenarios.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Catalogue {
    /// The date the membership lists are taken on.
    pub on: Date,
    pub alliances: Vec<AllianceEntry>,
    pub states: Vec<StateEntry>,
    pub scenarios: Vec<ScenarioEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AllianceEntry {
    pub id: String,
    pub name: String,
    pub provisions: usize,
    /// Members on [`Catalogue::on`], in the order of the data file.
    pub members: Vec<MemberEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberEntry {
    pub state: String,
    /// A member whose participation is suspended on that date.
    pub suspended: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StateEntry {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioEntry {
    pub name: String,
    /// The scenario's title, or why it does not load.
    pub title: Result<String, String>,
}

/// Everything bundled, with memberships on `on`.
pub fn list(world: &World, on: Date) -> Catalogue {
    let alliances = world
        .alliances
        .values()
        .map(|a| AllianceEntry {
            id: a.id.clone(),
            name: a.name.clone(),
            provisions: a.provisions.len(),
            members: a
                .members_on(on)
                .into_iter()
                .map(|m| MemberEntry {
                    state: m.to_string(),
                    suspended: !a.is_participating(m, on),
                })
                .collect(),
        })
        .collect();
    let states = world
        .states
        .values()
        .map(|s| StateEntry {
            code: s.code.clone(),
            name: s.name.clone(),
        })
        .collect();
    let scenarios = bundled_scenario_names()
        .into_iter()
        .map(|name| ScenarioEntry {
            name: name.to_string(),
            title: match bundled_scenario(name, world) {
                Some(Ok(sc)) => Ok(sc.title),
                Some(Err(e)) => Err(e.to_string()),
                None => Ok(String::new()),
            },
        })
        .collect();
    Catalogue {
        on,
        alliances,
        states,
        scenarios,
    }
}

/// A scenario that passed every check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckSummary {
    pub scenario: String,
    pub events: usize,
    pub alliance: String,
}

/// Check a loaded scenario: the treaty pass must succeed on every event.
pub fn check(world: &World, scenario: &Scenario) -> Result<CheckSummary, Error> {
    analyse_timeline(world, scenario)?;
    Ok(CheckSummary {
        scenario: scenario.id.clone(),
        events: scenario.events.len(),
        alliance: scenario.alliance.clone(),
    })
}

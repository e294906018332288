//! Scenarios and the world they run in. A [`World`] is the reference data (states,
//! relations, alliances); a [`Scenario`] is a dated timeline of events on one
//! alliance, overrides of the world's attributes, and a seed. Scenario files are
//! parsed and validated at the edge (`casus-data`); the core receives them valid.

use crate::alliance::{Alliance, DecisionRule};
use crate::date::Date;
use crate::event::Event;
use crate::provenance::Observation;
use crate::state::{Relation, RelationKind, State, StateCode};
use serde::Serialize;
use std::collections::BTreeMap;

/// The reference data every scenario runs on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct World {
    pub states: BTreeMap<StateCode, State>,
    pub relations: Vec<Relation>,
    pub alliances: BTreeMap<String, Alliance>,
}

/// A numeric state attribute a scenario may override.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    Population,
    GdpUsd,
    DefenceSpendingUsd,
    ActivePersonnel,
    FreedomScore,
}

impl Attribute {
    pub const ALL: [(&'static str, Attribute); 5] = [
        ("population", Attribute::Population),
        ("gdp_usd", Attribute::GdpUsd),
        ("defence_spending_usd", Attribute::DefenceSpendingUsd),
        ("active_personnel", Attribute::ActivePersonnel),
        ("freedom_score", Attribute::FreedomScore),
    ];
}

/// A change a scenario makes to the world before it runs (a counterfactual, a
/// newer figure). Overlays, as OpenFisca reforms: the reference data stay intact.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "override", rename_all = "snake_case")]
pub enum Override {
    StateAttribute {
        state: StateCode,
        attribute: Attribute,
        year: i32,
        value: f64,
        source: String,
    },
    LeadingPower {
        alliance: String,
        state: Option<StateCode>,
    },
    RemoveProvision {
        alliance: String,
        provision: String,
    },
    OrganRule {
        alliance: String,
        organ: String,
        rule: DecisionRule,
    },
    Relation(Relation),
}

/// A validated scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub description: String,
    pub alliance: String,
    pub seed: u64,
    pub events: Vec<Event>,
    pub overrides: Vec<Override>,
    pub sources: Vec<String>,
}

impl World {
    /// The world with a scenario's overrides applied.
    pub fn with_overrides(&self, overrides: &[Override]) -> World {
        let mut w = self.clone();
        for o in overrides {
            match o {
                Override::StateAttribute {
                    state,
                    attribute,
                    year,
                    value,
                    source,
                } => {
                    if let Some(s) = w.states.get_mut(state) {
                        let series = match attribute {
                            Attribute::Population => &mut s.population,
                            Attribute::GdpUsd => &mut s.gdp_usd,
                            Attribute::DefenceSpendingUsd => &mut s.defence_spending_usd,
                            Attribute::ActivePersonnel => &mut s.active_personnel,
                            Attribute::FreedomScore => &mut s.freedom_score,
                        };
                        for ob in series.0.iter_mut().filter(|ob| ob.year == *year) {
                            ob.used = false;
                        }
                        series.0.push(Observation {
                            year: *year,
                            value: *value,
                            source: format!("scenario override: {source}"),
                            low: None,
                            high: None,
                            used: true,
                            note: None,
                        });
                    }
                }
                Override::LeadingPower { alliance, state } => {
                    if let Some(a) = w.alliances.get_mut(alliance) {
                        a.leading_power = state.clone();
                    }
                }
                Override::RemoveProvision {
                    alliance,
                    provision,
                } => {
                    if let Some(a) = w.alliances.get_mut(alliance) {
                        a.provisions.retain(|p| &p.id != provision);
                        for p in a.provisions.iter_mut() {
                            p.overrides.retain(|x| x != provision);
                        }
                    }
                }
                Override::OrganRule {
                    alliance,
                    organ,
                    rule,
                } => {
                    if let Some(o) = w
                        .alliances
                        .get_mut(alliance)
                        .and_then(|a| a.organs.iter_mut().find(|o| &o.id == organ))
                    {
                        o.rule = rule.clone();
                    }
                }
                Override::Relation(r) => w.relations.push(r.clone()),
            }
        }
        w
    }

    /// Relations of `kind` in force on `date` between `a` and `b`.
    pub fn related(&self, kind: RelationKind, a: &str, b: &str, date: Date) -> bool {
        self.relations
            .iter()
            .any(|r| r.kind == kind && r.between(a, b) && r.in_force(date))
    }

    /// `a` sanctions `b` on `date`.
    pub fn sanctions(&self, a: &str, b: &str, date: Date) -> bool {
        self.relations.iter().any(|r| {
            r.kind == RelationKind::Sanctions
                && r.parties[0] == a
                && r.parties[1] == b
                && r.in_force(date)
        })
    }
}

//! Alliances as data, one schema for all: the instruments (treaties, charters,
//! agreements, protocols), their provisions as rules with citations, the organs
//! and their decision rules, the chair's rotation, membership history and the
//! standing forces with pledged contingents. The CSTO and NATO both load on it.

use crate::date::Date;
use crate::state::StateCode;
use crate::treaty::Provision;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A legal instrument of the alliance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    pub id: String,
    pub title: String,
    pub signed: Date,
    pub in_force: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How an organ decides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DecisionRule {
    /// Consensus: a formal objection by any member blocks. With `limited_format`, a
    /// member may abstain ("not participate, but not object") and the decision
    /// passes among the others.
    Consensus {
        #[serde(default)]
        limited_format: bool,
    },
    /// A qualified or simple majority of members (share of members needed).
    Majority { share: f64 },
}

/// An organ of the alliance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organ {
    pub id: String,
    pub name: String,
    /// Who sits in it ("heads of state", "foreign ministers").
    pub composition: String,
    pub rule: DecisionRule,
    /// What it decides (free text, for reports).
    #[serde(default)]
    pub decides: Vec<String>,
    pub source: String,
    /// When the organ was set up, if later than the alliance (SADC's Organ, 2001).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub established: Option<Date>,
    /// When the organ ceased to exist (NATO's Defence Planning Committee, 2010;
    /// the SEATO Council, 1977).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dissolved: Option<Date>,
    /// Members that do not sit in this organ in a period: France did not take
    /// part in NATO's Defence Planning Committee from 1966, which is how the DPC
    /// could decide on Turkey's defence in Feb 2003 when France objected in the NAC.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<Absence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A member that does not sit in an organ during a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Absence {
    pub state: StateCode,
    pub from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub source: String,
}

impl Organ {
    /// Whether the organ exists on `date`.
    pub fn exists_on(&self, date: Date) -> bool {
        self.established.is_none_or(|e| e <= date) && self.dissolved.is_none_or(|d| date < d)
    }

    /// Whether `state` (a member) sits in this organ on `date`.
    pub fn seats(&self, state: &str, date: Date) -> bool {
        !self
            .absent
            .iter()
            .any(|a| a.state == state && a.from <= date && a.until.is_none_or(|u| date < u))
    }
}

/// A state's membership: joined, and where applicable left or suspended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub state: StateCode,
    pub joined: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<Date>,
    /// Periods of suspension (participation suspended by the council).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suspended: Vec<Period>,
    pub source: String,
    /// Another member's suspension of its obligations towards this one: the
    /// United States "ending its security obligations to New Zealand under the
    /// ANZUS treaty pending adequate corrective measures" (11 Aug 1986), while
    /// Australia's obligations to New Zealand continued. Unlike `suspended`, the
    /// member keeps its seat and its obligations to the others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub obligations_suspended_by: Vec<BilateralSuspension>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One member's suspension of its obligations towards another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BilateralSuspension {
    /// The member that suspends its obligations.
    pub by: StateCode,
    pub from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub source: String,
}

/// A state or territory outside the membership that provisions cover: the
/// SEATO Protocol designated Cambodia, Laos and "the free territory under the
/// jurisdiction of the State of Vietnam" "for the purposes of Article IV" —
/// so Art. IV(1)'s common danger, IV(2)'s consultations and IV(3)'s consent
/// rule all reach them (`treaty` reads them through `covers`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Designation {
    pub state: StateCode,
    /// The provisions whose protection extends to it: one id or a list
    /// (`provision = "X"` and `provisions = ["X", "Y"]` both load).
    #[serde(alias = "provision", deserialize_with = "one_or_many")]
    pub provisions: Vec<String>,
    pub from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A closed or open interval of dates, `[from, until)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

impl Period {
    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && self.until.is_none_or(|u| d < u)
    }

    pub fn overlaps(&self, other: &Period) -> bool {
        let a_end = self.until.map(Date::days_since_epoch).unwrap_or(i64::MAX);
        let b_end = other.until.map(Date::days_since_epoch).unwrap_or(i64::MAX);
        self.from.days_since_epoch() < b_end && other.from.days_since_epoch() < a_end
    }
}

/// The alliance's secretariat: the one organ that may speak without a member's
/// request. Its head calls consultations and calls the parties to a ceasefire
/// (CSTO: the Secretary General's ceasefire call of 28 Sep 2020 and the emergency
/// Permanent Council he called on 13 Jul 2020, neither requested by Armenia), and
/// condemns an attack on a member by a non-state group (Minsk metro 2011, Crocus
/// City Hall and Dagestan 2024).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secretariat {
    pub name: String,
    /// What it may do on its own initiative (free text, for reports).
    #[serde(default)]
    pub may: Vec<String>,
    pub source: String,
}

/// Who chairs the alliance's highest organ in a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chair {
    pub state: StateCode,
    pub from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub source: String,
}

/// A pledged national contingent of a standing force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contingent {
    pub state: StateCode,
    pub troops: f64,
    pub year: i32,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A standing (or pre-designated) multinational force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Force {
    pub id: String,
    pub name: String,
    /// What it is for: "peacekeeping", "rapid_reaction", "regional".
    pub role: String,
    pub created: Date,
    /// When the force was disbanded or the mission ended, if it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Total strength where a source gives one (it may differ from the pledges' sum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<f64>,
    #[serde(default)]
    pub contingents: Vec<Contingent>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An alliance: treaty, organs, members, forces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alliance {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// The leading power, if the alliance has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leading_power: Option<StateCode>,
    /// The organ that decides on the use of collective forces.
    pub deciding_organ: String,
    /// Other organs in which the same decision may be taken: NATO's Defence
    /// Planning Committee (without France, Feb 2003), ECOWAS's Authority of Heads
    /// of State beside the Mediation and Security Council it delegates to, the
    /// OAS Council acting provisionally as the Rio Treaty's Organ of Consultation.
    /// Recorded for the treaty and for reports; the council model decides in
    /// `deciding_organ`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_deciding_organs: Vec<String>,
    /// Non-state trade partners that move with this alliance ("EU" for NATO): trade
    /// with them counts as exposure to this alliance's members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub associated: Vec<String>,
    /// The rival alliances whose members (and associated partners) are the
    /// outside bloc a member weighs — its markets and its sanctions: NATO for the
    /// CSTO, the CSTO and the Warsaw Pact for NATO. Named, not inferred: with many
    /// alliances on one schema, "every other alliance" would make the United
    /// States (in ANZUS and the Rio Treaty) an outsider to NATO. Empty: no rival bloc.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rivals: Vec<String>,
    pub instruments: Vec<Instrument>,
    pub provisions: Vec<Provision>,
    pub organs: Vec<Organ>,
    /// The secretariat, if the alliance has one that speaks on its own initiative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secretariat: Option<Secretariat>,
    #[serde(default)]
    pub chairs: Vec<Chair>,
    pub members: Vec<Membership>,
    /// Non-members a provision covers (SEATO's Protocol states).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub designated: Vec<Designation>,
    #[serde(default)]
    pub forces: Vec<Force>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Alliance {
    /// Whether `state` is a member (joined, not left) on `date`. Suspended members
    /// are still members; see [`Alliance::is_participating`].
    pub fn is_member(&self, state: &str, date: Date) -> bool {
        self.members
            .iter()
            .any(|m| m.state == state && m.joined <= date && m.left.is_none_or(|l| date < l))
    }

    /// Whether `state` is a member whose participation is not suspended on `date`.
    pub fn is_participating(&self, state: &str, date: Date) -> bool {
        self.members.iter().any(|m| {
            m.state == state
                && m.joined <= date
                && m.left.is_none_or(|l| date < l)
                && !m.suspended.iter().any(|p| p.contains(date))
        })
    }

    /// The members on `date`, in the order of the data file.
    pub fn members_on(&self, date: Date) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .members
            .iter()
            .filter(|m| m.joined <= date && m.left.is_none_or(|l| date < l))
            .map(|m| m.state.as_str())
            .collect();
        v.dedup();
        v
    }

    pub fn organ(&self, id: &str) -> Option<&Organ> {
        self.organs.iter().find(|o| o.id == id)
    }

    /// The chair on `date`, if the data know it.
    pub fn chair_on(&self, date: Date) -> Option<&Chair> {
        self.chairs
            .iter()
            .find(|c| c.from <= date && c.until.is_none_or(|u| date < u))
    }

    /// The provisions in force on `date`.
    pub fn provisions_in_force(&self, date: Date) -> impl Iterator<Item = &Provision> {
        self.provisions
            .iter()
            .filter(move |p| p.in_force.contains(date))
    }

    pub fn provision(&self, id: &str) -> Option<&Provision> {
        self.provisions.iter().find(|p| p.id == id)
    }

    /// Whether `by` owes `to` its treaty obligations on `date`: both members, and
    /// no bilateral suspension by `by` of its obligations to `to` in force.
    pub fn owes(&self, by: &str, to: &str, date: Date) -> bool {
        self.is_member(by, date)
            && self.is_member(to, date)
            && !self.members.iter().any(|m| {
                m.state == to
                    && m.obligations_suspended_by
                        .iter()
                        .any(|s| s.by == by && s.from <= date && s.until.is_none_or(|u| date < u))
            })
    }

    /// The non-members a provision covers on `date`.
    pub fn designated_on(&self, date: Date) -> impl Iterator<Item = &Designation> {
        self.designated
            .iter()
            .filter(move |d| d.from <= date && d.until.is_none_or(|u| date < u))
    }

    /// Whether nothing in the alliance's dated data — instruments, provisions
    /// in force, organs and their seats, chairs, memberships and their
    /// suspensions, designations, forces — changes on a day after `first` up
    /// to `last`: every date-dependent reading of the alliance is then the
    /// same on all days of `[first, last]` (intervals are `[from, until)`).
    pub fn unchanged_within(&self, first: Date, last: Date) -> bool {
        let period = |from: Date, until: Option<Date>| [Some(from), until];
        let dates = self
            .instruments
            .iter()
            .flat_map(|i| [Some(i.signed), Some(i.in_force), i.until])
            .chain(
                self.provisions
                    .iter()
                    .flat_map(|p| period(p.in_force.from, p.in_force.until)),
            )
            .chain(self.organs.iter().flat_map(|o| {
                [o.established, o.dissolved]
                    .into_iter()
                    .chain(o.absent.iter().flat_map(|a| period(a.from, a.until)))
            }))
            .chain(self.chairs.iter().flat_map(|c| period(c.from, c.until)))
            .chain(self.members.iter().flat_map(|m| {
                period(m.joined, m.left)
                    .into_iter()
                    .chain(m.suspended.iter().flat_map(|s| period(s.from, s.until)))
                    .chain(
                        m.obligations_suspended_by
                            .iter()
                            .flat_map(|s| period(s.from, s.until)),
                    )
            }))
            .chain(self.designated.iter().flat_map(|d| period(d.from, d.until)))
            .chain(self.forces.iter().flat_map(|f| period(f.created, f.until)));
        !dates.flatten().any(|d| first < d && d <= last)
    }

    /// Whether `provision` protects `state` on `date`: a member, or a
    /// non-member designated under it and not yet released.
    pub fn covers(&self, provision: &str, state: &str, date: Date) -> bool {
        self.is_member(state, date)
            || self
                .designated_on(date)
                .any(|d| d.state == state && d.provisions.iter().any(|p| p == provision))
    }

    /// The forces in existence on `date` (created, not yet disbanded).
    pub fn forces_on(&self, date: Date) -> impl Iterator<Item = &Force> {
        self.forces
            .iter()
            .filter(move |f| f.created <= date && f.until.is_none_or(|u| date < u))
    }

    /// The organs in which a decision on collective forces may be taken on `date`:
    /// the deciding organ first, then the others that exist on that date.
    pub fn deciding_organs_on(&self, date: Date) -> Vec<&Organ> {
        std::iter::once(&self.deciding_organ)
            .chain(self.other_deciding_organs.iter())
            .filter_map(|id| self.organ(id))
            .filter(|o| o.exists_on(date))
            .collect()
    }

    /// The pledged contingent of `state` to the forces with role `role`, latest pledge.
    pub fn pledged(&self, state: &str, role: &str) -> f64 {
        self.forces
            .iter()
            .filter(|f| f.role == role)
            .flat_map(|f| f.contingents.iter())
            .filter(|c| c.state == state)
            .max_by_key(|c| c.year)
            .map(|c| c.troops)
            .unwrap_or(0.0)
    }
}

/// A designation's provisions, written as one id or as a list.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

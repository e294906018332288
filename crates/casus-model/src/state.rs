//! States as data: the dated, sourced attributes of every state the model knows
//! (members, former members and the other parties in the seeds) and the relations
//! between them (disputes, partnerships, bilateral defence treaties, sanctions).
//! The decision model reads these attributes; it never reads a state's code.

use crate::date::Date;
use crate::provenance::Series;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An ISO 3166-1 alpha-3 code ("ARM", "RUS"); validated against the state list on load.
pub type StateCode = String;

/// Broad geographic region: used for shared-threat and proximity terms and for
/// treaty areas. Coarse on purpose: southern Europe counts as `western_europe`,
/// the Baltic and Nordic states as `northern_europe`, the Balkans as
/// `eastern_europe`, so that the NATO treaty area (Art. 6) covers every member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    EasternEurope,
    SouthCaucasus,
    CentralAsia,
    EastAsia,
    WesternEurope,
    NorthernEurope,
    NorthAmerica,
    MiddleEast,
    /// Mexico is `north_america`; the isthmus from Guatemala to Panama, and Belize.
    CentralAmerica,
    Caribbean,
    SouthAmerica,
    NorthAfrica,
    WestAfrica,
    CentralAfrica,
    EastAfrica,
    SouthernAfrica,
    SouthAsia,
    SoutheastAsia,
    Oceania,
}

/// A state with its dated attributes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub code: StateCode,
    pub name: String,
    /// Names in other languages of the sources (de, ru), for matching documents.
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    pub region: Region,
    /// Residents.
    #[serde(default)]
    pub population: Series,
    /// GDP at official exchange rate, current US dollars.
    #[serde(default)]
    pub gdp_usd: Series,
    /// Military expenditure, current US dollars.
    #[serde(default)]
    pub defence_spending_usd: Series,
    /// Active military personnel (armed forces; paramilitary noted, not counted).
    #[serde(default)]
    pub active_personnel: Series,
    /// Freedom House "Freedom in the World" aggregate score, 0 (least free) to 100.
    /// Used as the regime-type indicator for the regime-security term.
    #[serde(default)]
    pub freedom_score: Series,
    /// Trade shares with partners (exports and imports, share of total, 0–1).
    #[serde(default)]
    pub trade: Vec<TradeShare>,
    /// Foreign military facilities on this state's territory.
    #[serde(default)]
    pub foreign_bases: Vec<ForeignBase>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Share of a state's trade with one partner ("EU" stands for the European Union).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TradeShare {
    pub partner: String,
    pub year: i32,
    /// Share of the state's exports going to the partner, 0–1.
    #[serde(default)]
    pub exports_share: f64,
    /// Share of the state's imports coming from the partner, 0–1.
    #[serde(default)]
    pub imports_share: f64,
    pub source: String,
}

/// A foreign military facility hosted by a state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignBase {
    /// Whose base it is.
    pub operator: StateCode,
    pub name: String,
    /// Personnel, where a source gives a figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub troops: Option<f64>,
    /// Year the facility was established (or first documented).
    pub since: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i32>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What binds or divides two states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// A territorial or border dispute, or a state of hostility.
    Dispute,
    /// A declared partnership or alliance short of a defence commitment.
    Partnership,
    /// A bilateral treaty with a mutual-assistance clause.
    DefenceTreaty,
    /// Sanctions: `parties[0]` sanctions `parties[1]`.
    Sanctions,
}

/// A dated relation between two states.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub kind: RelationKind,
    pub parties: [StateCode; 2],
    pub name: String,
    pub from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// The mutual-assistance article, for defence treaties ("Art. 2", "Art. 4").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Relation {
    /// Whether the relation holds on `date`.
    pub fn in_force(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|u| date < u)
    }

    /// Whether the relation involves both `a` and `b` (in either order).
    pub fn between(&self, a: &str, b: &str) -> bool {
        (self.parties[0] == a && self.parties[1] == b)
            || (self.parties[0] == b && self.parties[1] == a)
    }
}

/// Whether an observation of `candidate`'s year replaces one of `kept`'s for
/// `year`: the latest at or before `year` wins, else the earliest after it.
fn observation_is_better(kept: i32, candidate: i32, year: i32) -> bool {
    match (kept <= year, candidate <= year) {
        (true, true) => candidate > kept,
        (false, true) => true,
        (false, false) => candidate < kept,
        (true, false) => false,
    }
}

impl State {
    /// Trade share (mean of export and import shares) with the partners accepted by `is_partner`.
    pub fn trade_share_with(&self, year: i32, is_partner: impl Fn(&str) -> bool) -> f64 {
        // Use, per partner, the latest observation at or before `year` (else
        // the earliest; of equals, the first listed), summed in the partners'
        // order. One sorted list rather than a map: this runs for every
        // member at every decision of a long-horizon run.
        let mut rows: Vec<&TradeShare> = self.trade.iter().collect();
        rows.sort_by(|a, b| a.partner.cmp(&b.partner)); // stable: file order within a partner
        let mut chosen: Vec<&TradeShare> = Vec::with_capacity(rows.len());
        for t in rows {
            match chosen.last_mut() {
                Some(e) if e.partner == t.partner => {
                    if observation_is_better(e.year, t.year, year) {
                        *e = t;
                    }
                }
                _ => chosen.push(t),
            }
        }
        chosen
            .iter()
            .filter(|t| is_partner(&t.partner))
            .map(|t| 0.5 * (t.exports_share + t.imports_share))
            .sum()
    }

    /// Trade share with one partner: the same observation
    /// [`trade_share_with`](Self::trade_share_with) takes for it, found without
    /// building the per-partner table (a member's dependence on its patron is
    /// read for every member at every decision of a long-horizon run).
    pub fn trade_share_with_partner(&self, year: i32, partner: &str) -> f64 {
        let mut best: Option<&TradeShare> = None;
        for t in self.trade.iter().filter(|t| t.partner == partner) {
            match best {
                Some(e) if !observation_is_better(e.year, t.year, year) => {}
                _ => best = Some(t),
            }
        }
        best.map_or(0.0, |t| 0.5 * (t.exports_share + t.imports_share))
    }

    /// Foreign troops of `operator` hosted on `year`.
    pub fn hosted_troops_of(&self, operator: &str, year: i32) -> f64 {
        self.foreign_bases
            .iter()
            .filter(|b| {
                b.operator == operator && b.since <= year && b.until.is_none_or(|u| year <= u)
            })
            .filter_map(|b| b.troops)
            .sum()
    }
}

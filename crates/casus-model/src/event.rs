//! Events: the typed, dated happenings a scenario's timeline is made of. A crisis
//! (aggression, a threat short of it, unrest, a conflict between members, a
//! member's war outside the treaty area) is analysed by the treaty engine; a request asks the alliance to
//! act on a crisis; summits, exercises, membership changes and capability shocks
//! change the political state the members decide from.

use crate::date::Date;
use crate::state::StateCode;
use serde::Serialize;

/// How far outside involvement in domestic unrest is claimed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Involvement {
    /// Purely domestic.
    None,
    /// Claimed by the government concerned ("terrorists trained abroad"), not established.
    Claimed,
    /// Established by evidence the scenario author accepts.
    Established,
}

/// How far a crisis reaches into the member's country: the measure of whether the
/// state's own forces can cope. The CSTO's Secretary General put the threshold
/// for collective help at national forces "unable to cope" (Bordyuzha, 2011,
/// S105): a riot in one town or a clash its border troops repel is within any
/// government's means; an uprising that takes the main city's airport
/// (Kazakhstan, January 2022) or an attacker holding ground may not be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Unrest in one town or district (Zhanaozen 2011, Khorog 2012); fighting
    /// at the border in which the attacker holds none of the member's ground
    /// (Tavush 2020).
    Local,
    /// Unrest in one or more provinces, the capital not contested (Osh and
    /// Jalal-Abad, 2010); an attacker holding ground in one or more provinces
    /// (Syunik 2021, Kursk 2024).
    Regional,
    /// The capital contested or most provinces affected; a war that puts the
    /// whole country under martial law. The default, so that a scenario that does
    /// not say is read as before.
    #[default]
    National,
}

impl Reach {
    /// The share of the country's trouble, on an even scale: ⅓, ⅔, 1. It scales
    /// the requester's need for help with unrest or aggression (`Facts::need`).
    pub fn share(self) -> f64 {
        match self {
            Reach::Local => 1.0 / 3.0,
            Reach::Regional => 2.0 / 3.0,
            Reach::National => 1.0,
        }
    }
}

/// What a request asks the alliance (or a state) for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    /// Joint consultations (CST Art. 2).
    Consultations,
    /// Political support: a statement, a condemnation of the aggressor.
    PoliticalSupport,
    /// Assistance short of troops: equipment, advisers, a mission.
    Assistance,
    /// Collective peacekeeping forces.
    Peacekeepers,
    /// Armed forces to fight or to hold ground.
    Forces,
}

/// A change in a state's membership or participation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipChange {
    Join,
    /// Formal notice of withdrawal (takes effect after the notice period).
    WithdrawalNotice,
    Suspension,
    /// Unilateral "freeze" of participation (no legal basis in the CSTO texts).
    Freeze,
    Unfreeze,
}

/// How a member's war ended (for the leading power: a shift in power).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarResult {
    Lost,
    Stalemate,
    Won,
}

/// The kind-specific content of an event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// An armed attack on `target`, fought on the recognised territory of `territory_of`.
    ExternalAggression {
        aggressor: Option<StateCode>,
        /// A non-state attacker ("al-Qaeda"), when there is no state aggressor.
        aggressor_non_state: Option<String>,
        target: StateCode,
        territory_of: StateCode,
        /// How far into the target's country it reaches (default national).
        reach: Reach,
        /// Deaths reported in the first days; a measure of severity.
        casualties: Option<f64>,
    },
    /// A threat to `target`'s security, territorial integrity or sovereignty short
    /// of an armed attack on its territory: an armed group taking the far side of
    /// its border (the Taliban on the Tajik border, July 2021), troops massed or
    /// shells landing across it. The treaties answer a threat with consultations
    /// (CST Art. 2, Washington Treaty Art. 4), an attack with collective defence;
    /// coding a threat as aggression would overstate it. Reach is local (nothing
    /// of the member's ground is held) and deaths are 0 unless the scenario says.
    Threat {
        /// The state the threat comes from, if a state.
        from: Option<StateCode>,
        /// A non-state source ("the Taliban"), when there is no state.
        from_non_state: Option<String>,
        target: StateCode,
        casualties: Option<f64>,
    },
    /// Domestic unrest in `state`.
    InternalUnrest {
        state: StateCode,
        external_involvement: Involvement,
        /// How far it reaches (default national).
        reach: Reach,
        casualties: Option<f64>,
        /// A seizure of power: the event removes or detains the head of state
        /// or government by force and those who did it hold the capital (a
        /// coup, a mutiny that takes power, the army installing a successor),
        /// or an incumbent who lost an election keeps office by force. Those
        /// who then rule the member do not ask the alliance to act against
        /// themselves; whether the alliance takes it up unasked is its
        /// instruments' business (`treaty::Rule::OwnInitiative`).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        seizure: bool,
    },
    /// Armed conflict between two states (for an alliance: between two members).
    IntraMemberConflict {
        parties: [StateCode; 2],
        territory_of: Option<StateCode>,
        casualties: Option<f64>,
    },
    /// A member's war against a non-member, outside the treaty area.
    OutOfAreaWar {
        member: StateCode,
        against: StateCode,
        territory_of: StateCode,
        /// Personnel the member commits to the war.
        personnel_committed: Option<f64>,
    },
    /// A request for help, made to an alliance or to a state.
    Request {
        requester: StateCode,
        /// An alliance id ("CSTO") or a state code (a bilateral request).
        to: String,
        /// The provision the request invokes, if any ("CST-4").
        article: Option<String>,
        asks: Ask,
        /// The crisis event the request refers to.
        crisis: String,
        /// A formal request by the government, or a floated wish or proposal.
        formal: bool,
        /// Where the requested forces would go (defaults to the requester's territory).
        territory_of: StateCode,
        /// Troops asked for, where stated.
        troops: Option<f64>,
        /// A UN Security Council decision authorises the operation.
        unsc_mandate: bool,
    },
    /// A meeting of an alliance organ; `declaration` names the text put up for signature.
    Summit {
        host: StateCode,
        organ: String,
        declaration: Option<String>,
    },
    /// An alliance exercise.
    Exercise { name: String, host: StateCode },
    /// A change in membership or participation.
    Membership {
        state: StateCode,
        change: MembershipChange,
    },
    /// A change in a state's available capacity (forces committed or freed).
    CapabilityShock {
        state: StateCode,
        /// Personnel committed elsewhere (positive) or freed (negative).
        personnel_committed: f64,
    },
    /// A member's war ends; the forces it committed return.
    WarOutcome {
        member: StateCode,
        against: StateCode,
        result: WarResult,
    },
    /// A member takes on a new security partner outside the alliance (French arms,
    /// EU monitors): a tie that pulls it away from the alliance.
    Partnership {
        state: StateCode,
        partner: StateCode,
    },
}

/// A dated event of a scenario's timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    pub id: String,
    pub date: Date,
    #[serde(flatten)]
    pub kind: EventKind,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The two sides of a conflict between members: the party on whose territory
/// it is fought (the first party where none is given) and the other party.
pub fn conflict_sides<'a>(
    parties: &'a [StateCode; 2],
    territory_of: &Option<StateCode>,
) -> (StateCode, &'a StateCode) {
    let on = territory_of.clone().unwrap_or_else(|| parties[0].clone());
    let other = if on == parties[0] {
        &parties[1]
    } else {
        &parties[0]
    };
    (on, other)
}

impl EventKind {
    /// The snake_case name of the kind, as written in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::ExternalAggression { .. } => "external_aggression",
            EventKind::Threat { .. } => "threat",
            EventKind::InternalUnrest { .. } => "internal_unrest",
            EventKind::IntraMemberConflict { .. } => "intra_member_conflict",
            EventKind::OutOfAreaWar { .. } => "out_of_area_war",
            EventKind::Request { .. } => "request",
            EventKind::Summit { .. } => "summit",
            EventKind::Exercise { .. } => "exercise",
            EventKind::Membership { .. } => "membership_change",
            EventKind::CapabilityShock { .. } => "capability_shock",
            EventKind::WarOutcome { .. } => "war_outcome",
            EventKind::Partnership { .. } => "partnership",
        }
    }

    /// Whether the event is a crisis the treaty engine analyses for obligations.
    pub fn is_crisis(&self) -> bool {
        matches!(
            self,
            EventKind::ExternalAggression { .. }
                | EventKind::Threat { .. }
                | EventKind::InternalUnrest { .. }
                | EventKind::IntraMemberConflict { .. }
                | EventKind::OutOfAreaWar { .. }
        )
    }

    /// The states a crisis directly involves (for member checks and reports).
    pub fn states(&self) -> Vec<&str> {
        match self {
            EventKind::ExternalAggression {
                aggressor,
                target,
                territory_of,
                ..
            } => {
                let mut v = vec![target.as_str(), territory_of.as_str()];
                v.extend(aggressor.as_deref());
                v
            }
            EventKind::Threat { from, target, .. } => {
                let mut v = vec![target.as_str()];
                v.extend(from.as_deref());
                v
            }
            EventKind::InternalUnrest { state, .. } => vec![state],
            EventKind::IntraMemberConflict { parties, .. } => vec![&parties[0], &parties[1]],
            EventKind::OutOfAreaWar {
                member,
                against,
                territory_of,
                ..
            } => vec![member, against, territory_of],
            EventKind::Request {
                requester,
                territory_of,
                ..
            } => vec![requester, territory_of],
            EventKind::Summit { host, .. } | EventKind::Exercise { host, .. } => vec![host],
            EventKind::Membership { state, .. } | EventKind::CapabilityShock { state, .. } => {
                vec![state]
            }
            EventKind::WarOutcome {
                member, against, ..
            } => vec![member, against],
            EventKind::Partnership { state, partner } => vec![state, partner],
        }
    }
}

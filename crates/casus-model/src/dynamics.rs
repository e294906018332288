//! Alliance dynamics: the state carried from one event to the next within a run.
//! Each member's trust in the alliance, its grievances (help received short of
//! what it asked and was owed: Snyder's abandonment), and the personnel each
//! state has committed elsewhere (wars, capability shocks). Updates are pure
//! functions of what happened; nothing moves without an event that explains it.

use crate::Date;
use crate::event::{MembershipChange, WarResult};
use crate::params::Params;
use crate::state::StateCode;
use serde::Serialize;
use std::collections::BTreeMap;

/// The response ladder of an alliance, lowest to highest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing collective.
    None,
    /// Statements, consultations, calls for a ceasefire.
    Statement,
    /// Fact-finding or observer mission, advisers, equipment.
    Mission,
    /// Forces sent.
    Deployment,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::None,
        Outcome::Statement,
        Outcome::Mission,
        Outcome::Deployment,
    ];

    pub fn rung(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Outcome::None => "none",
            Outcome::Statement => "statement",
            Outcome::Mission => "mission",
            Outcome::Deployment => "deployment",
        }
    }
}

/// Why a member's trust changed: every change carries its cause.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrustChange {
    pub state: StateCode,
    /// In whom: "alliance" or "leader".
    pub of: &'static str,
    pub event: String,
    pub delta: f64,
    pub because: Cause,
}

/// The cause of a trust change, kept as its numbers and worded only when
/// shown (JSON: the sentence): a forecast's replications record every change
/// and print almost none, so formatting them there cost a quarter of its time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cause {
    /// Asked for `asked`, was owed it with strength `owed`, and got it.
    Given { asked: Outcome, owed: f64 },
    /// Asked for `asked`, was owed it, got `got` (a lower rung).
    Short {
        asked: Outcome,
        owed: f64,
        got: Outcome,
    },
    /// The leading power, with `weight` of the alliance, answers for
    /// `shortfall` rungs owed and not given.
    Leader { weight: f64, shortfall: f64 },
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Cause::Given { asked, owed } => {
                write!(
                    f,
                    "asked for {} and got it (obligation {owed:.2})",
                    asked.name()
                )
            }
            Cause::Short { asked, owed, got } => write!(
                f,
                "asked for {} and was owed it (obligation {owed:.2}), got {}",
                asked.name(),
                got.name()
            ),
            Cause::Leader { weight, shortfall } => write!(
                f,
                "the leading power, with {:.0}% of the alliance's weight, answers for {shortfall:.0} rung(s) owed and not given",
                100.0 * weight
            ),
        }
    }
}

impl Serialize for Cause {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A member's participation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    Engaged,
    /// Participation "frozen" (no legal basis, but observable: no payments, no
    /// exercises, no signatures).
    Frozen {
        since: Date,
    },
    /// Notice of withdrawal given; membership ends on `effective`.
    Notice {
        effective: Date,
    },
    Left {
        on: Date,
    },
}

/// The dynamic state of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct Memory {
    /// Trust in the alliance, 0–1.
    pub trust: BTreeMap<StateCode, f64>,
    /// Trust in the leading power, 0–1.
    pub leader_trust: BTreeMap<StateCode, f64>,
    /// Accumulated grievance (rungs owed but not given, weighted by obligation).
    pub grievance: BTreeMap<StateCode, f64>,
    /// Personnel committed elsewhere.
    pub committed: BTreeMap<StateCode, f64>,
    /// Every trust change with its cause.
    pub log: Vec<TrustChange>,
    /// Participation status (absent = engaged).
    pub status: BTreeMap<StateCode, Status>,
    /// The leading power's credibility (absent = 1: as at the start of the run).
    pub credibility: Option<f64>,
    /// New outside security partners taken on during the run.
    pub outside_ties: BTreeMap<StateCode, u32>,
    /// When the alliance dissolved, if it did.
    pub dissolved: Option<Date>,
    /// Keep no `log`: a forecast's replications tally outcomes and never read
    /// the causes, and recording them cost a tenth of their time. Decisions do
    /// not read the log, so an untraced run takes the same course.
    #[serde(skip)]
    pub untraced: bool,
}

impl Memory {
    pub fn status_of(&self, s: &str) -> Status {
        self.status.get(s).copied().unwrap_or(Status::Engaged)
    }

    pub fn engaged(&self, s: &str) -> bool {
        self.status_of(s) == Status::Engaged
    }

    pub fn credibility(&self) -> f64 {
        self.credibility.unwrap_or(1.0)
    }

    pub fn ties_of(&self, s: &str) -> u32 {
        self.outside_ties.get(s).copied().unwrap_or(0)
    }

    /// A war of `member` ended. Its committed forces return, less the share
    /// lost in a defeat (`war_losses`; 40% of it in a stalemate), which stays
    /// unavailable for later crises. If it is the leading power, its
    /// credibility is multiplied by e^shift (shift −`war_shift` lost, −0.4·
    /// `war_shift` stalemate, +0.4·`war_shift` won): a multiplicative shift
    /// has no floor to hit, so a larger defeat always costs more (Leeds &
    /// Savun 2007: shifts in power drive abrogation; seeds 001/002: the CSTO
    /// "dissolves if Russia loses").
    pub fn war_ended(&mut self, member: &str, leader: bool, result: WarResult, p: &Params) {
        let committed = self.committed.remove(member).unwrap_or(0.0);
        let lost = match result {
            WarResult::Lost => p.war_losses,
            WarResult::Stalemate => 0.4 * p.war_losses,
            WarResult::Won => 0.0,
        }
        .clamp(0.0, 1.0)
            * committed;
        if lost > 0.0 {
            self.committed.insert(member.to_string(), lost);
        }
        if leader {
            let shift = match result {
                WarResult::Lost => -p.war_shift,
                WarResult::Stalemate => -0.4 * p.war_shift,
                WarResult::Won => 0.4 * p.war_shift,
            };
            self.credibility = Some(self.credibility() * shift.exp());
        }
    }

    /// Apply a scripted membership change.
    pub fn membership(
        &mut self,
        s: &str,
        change: MembershipChange,
        date: Date,
        notice_months: u32,
    ) {
        let status = match change {
            MembershipChange::Join | MembershipChange::Unfreeze => Status::Engaged,
            MembershipChange::Freeze | MembershipChange::Suspension => {
                Status::Frozen { since: date }
            }
            MembershipChange::WithdrawalNotice => Status::Notice {
                effective: date.plus_months(notice_months),
            },
        };
        self.status.insert(s.to_string(), status);
    }

    /// Notices that have run their course by `date` become exits.
    pub fn settle_notices(&mut self, date: Date) {
        for st in self.status.values_mut() {
            if let Status::Notice { effective } = *st
                && effective <= date
            {
                *st = Status::Left { on: effective };
            }
        }
    }

    pub fn trust_of(&self, s: &str, p: &Params) -> f64 {
        self.trust.get(s).copied().unwrap_or(p.initial_trust)
    }

    pub fn leader_trust_of(&self, s: &str, p: &Params) -> f64 {
        self.leader_trust.get(s).copied().unwrap_or(p.initial_trust)
    }

    pub fn grievance_of(&self, s: &str) -> f64 {
        self.grievance.get(s).copied().unwrap_or(0.0)
    }

    pub fn committed_of(&self, s: &str) -> f64 {
        self.committed.get(s).copied().unwrap_or(0.0)
    }

    /// Personnel committed elsewhere: a war or a capability shock.
    pub fn commit(&mut self, s: &str, personnel: f64) {
        let c = self.committed.entry(s.to_string()).or_insert(0.0);
        *c = (*c + personnel).max(0.0);
    }

    /// The requester got `got` where it asked for `asked` and was owed `owed`
    /// (the obligation's strength, 0–1). The shortfall is a grievance and costs trust.
    pub fn answered(
        &mut self,
        requester: &str,
        event: &str,
        asked: Outcome,
        got: Outcome,
        owed: f64,
        p: &Params,
    ) {
        let shortfall = asked.rung().saturating_sub(got.rung()) as f64;
        if owed == 0.0 {
            return;
        }
        if shortfall == 0.0 {
            let because = Cause::Given { asked, owed };
            self.shift_trust(
                "alliance",
                requester,
                event,
                p.trust_gain * owed,
                because,
                p,
            );
            return;
        }
        let weighted = shortfall * owed;
        match self.grievance.get_mut(requester) {
            Some(g) => *g += weighted,
            None => {
                self.grievance.insert(requester.to_string(), weighted);
            }
        }
        let because = Cause::Short { asked, owed, got };
        self.shift_trust(
            "alliance",
            requester,
            event,
            -p.trust_loss * weighted,
            because,
            p,
        );
    }

    /// The leading power answers for the alliance's shortfall in proportion to its
    /// weight (its share of alliance spending): the requester's trust in it falls.
    pub fn leader_answered(
        &mut self,
        requester: &str,
        event: &str,
        shortfall: f64,
        owed: f64,
        weight: f64,
        p: &Params,
    ) {
        let because = Cause::Leader { weight, shortfall };
        self.shift_trust(
            "leader",
            requester,
            event,
            -p.trust_loss * shortfall * owed * weight,
            because,
            p,
        );
    }

    /// Move a member's trust in the alliance or the leader by `delta` (clamped to
    /// 0–1) and log the change with its cause; no change, no entry.
    fn shift_trust(
        &mut self,
        of: &'static str,
        state: &str,
        event: &str,
        delta: f64,
        because: Cause,
        p: &Params,
    ) {
        let map = if of == "leader" {
            &mut self.leader_trust
        } else {
            &mut self.trust
        };
        let before = map.get(state).copied().unwrap_or(p.initial_trust);
        let after = (before + delta).clamp(0.0, 1.0);
        if after == before {
            return;
        }
        match map.get_mut(state) {
            Some(v) => *v = after,
            None => {
                map.insert(state.to_string(), after);
            }
        }
        if self.untraced {
            return;
        }
        self.log.push(TrustChange {
            state: state.to_string(),
            of,
            event: event.to_string(),
            delta: after - before,
            because,
        });
    }
}

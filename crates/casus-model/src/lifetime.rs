//! A member's life in its alliance, year by year: the yearly decisions to
//! freeze participation, to give notice, or to stay, and the leading power's
//! own decision whether the alliance is still worth leading. One function per
//! decision, read by the horizon (which draws from them) and by the scoring of
//! the membership history (which compares them with what members did).
//!
//! Why the leader decides apart: the leading power is not one member among
//! others drawing a yearly freeze. It holds the bases, pays most of the
//! defence and gets the influence; it leaves (which ends the alliance) only
//! when that is worth less to it than what the alliance costs. None of the
//! alliances in the data lost its leading power by the leader's own exit: the
//! Warsaw Pact, SEATO and CENTO ended after the other members left or stopped
//! taking part.

use crate::decision::{Engagement, Facts, engagement};
use crate::dynamics::Status;
use crate::state::StateCode;
use serde::Serialize;

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// What the alliance is worth to its leading power, term by term (each a
/// share in 0–1 before its weight), against what it costs it. The
/// alternative — no alliance — is worth 0: the leader stays while `value ≥ 0`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeaderDecision {
    pub state: StateCode,
    /// Share of the other participating members that are engaged and host the
    /// leader's forces (its bases and the access they give).
    pub bases: f64,
    /// Share of the other participating members still engaged (the votes,
    /// signatures and exercises the leader can count on).
    pub influence: f64,
    /// The engaged allies' mean dependence on the leader (trade, bases,
    /// bilateral treaties): how far their policies follow its own.
    pub alignment: f64,
    /// The leader's share of the alliance's military spending: what it pays
    /// for the others' defence.
    pub burden: f64,
    /// `leader_bases·bases + leader_influence·influence +
    /// leader_alignment·alignment − leader_cost·burden`.
    pub value: f64,
    /// Whether the alliance is worth keeping: `value ≥ 0`.
    pub stays: bool,
}

/// The leading power's yearly decision on `f.date`. Deterministic: the
/// leader does not draw; it leaves only when the terms say so.
pub fn leader_decision(f: &Facts, leader: &str) -> LeaderDecision {
    let p = f.params;
    let year = f.date.year;
    let others: Vec<&str> = f
        .members()
        .iter()
        .copied()
        .filter(|m| *m != leader)
        .collect();
    let engaged: Vec<&str> = others
        .iter()
        .copied()
        .filter(|m| f.memory.engaged(m))
        .collect();
    let share = |k: usize| {
        if others.is_empty() {
            0.0
        } else {
            k as f64 / others.len() as f64
        }
    };
    let hosts = engaged
        .iter()
        .filter(|m| {
            f.world
                .states
                .get(**m)
                .is_some_and(|s| s.hosted_troops_of(leader, year) > 0.0)
        })
        .count();
    let bases = share(hosts);
    let influence = share(engaged.len());
    let alignment = if engaged.is_empty() {
        0.0
    } else {
        engaged.iter().map(|m| f.dependence(m, leader)).sum::<f64>() / engaged.len() as f64
    };
    let burden = f.spending_share(leader);
    let value =
        p.leader_bases * bases + p.leader_influence * influence + p.leader_alignment * alignment
            - p.leader_cost * burden;
    LeaderDecision {
        state: leader.to_string(),
        bases,
        influence,
        alignment,
        burden,
        value,
        stays: value >= 0.0,
    }
}

/// What a member may do at a year's end, given where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// An engaged member freezes its participation.
    Freeze,
    /// A frozen member gives notice of withdrawal.
    Notice,
}

/// One member's yearly hazard: the engagement behind it, the two terms a
/// leader's war adds to it, and the chance of the one transition open to it
/// (none for a member under notice or gone).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberYear {
    pub engagement: Engagement,
    /// Outside options once the leader is weakened: the member's trade share
    /// with the rival bloc × (1 − credibility) when credibility is below 1.
    pub hedge: f64,
    /// The threat a strengthened leader poses: (credibility − 1) when above 1
    /// × (1 − the member's dependence on it).
    pub threat: f64,
    /// `engagement.utility − outside_options·hedge − leader_threat·threat`.
    pub utility: f64,
    pub transition: Option<Transition>,
    /// P(the transition this year): `logistic(freeze_constant − utility)` for
    /// an engaged member, `logistic(exit_constant − utility)` for a frozen one.
    pub p: f64,
}

/// The war terms of `member`'s yearly utility: (hedge, threat).
pub fn war_terms(f: &Facts, member: &str) -> (f64, f64) {
    let leader = f.alliance.leading_power.as_deref().unwrap_or("");
    if member == leader || leader.is_empty() {
        return (0.0, 0.0);
    }
    let c = f.memory.credibility();
    // `+ 0.0` turns a product with −0.0 into 0.0 for reports.
    let hedge = f.outside_exposure(member) * (1.0 - c).max(0.0) + 0.0;
    let threat = (c - 1.0).max(0.0) * (1.0 - f.dependence(member, leader));
    (hedge, threat)
}

/// The yearly hazard of a member other than the leading power.
pub fn member_year(f: &Facts, member: &str, status: Status) -> MemberYear {
    let e = engagement(f, member);
    let (hedge, threat) = war_terms(f, member);
    let utility = e.utility - f.params.outside_options * hedge - f.params.leader_threat * threat;
    let (transition, p) = match status {
        Status::Engaged => (
            Some(Transition::Freeze),
            logistic(f.params.freeze_constant - utility),
        ),
        Status::Frozen { .. } => (
            Some(Transition::Notice),
            logistic(f.params.exit_constant - utility),
        ),
        Status::Notice { .. } | Status::Left { .. } => (None, 0.0),
    };
    MemberYear {
        engagement: e,
        hedge,
        threat,
        utility,
        transition,
        p,
    }
}

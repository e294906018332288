//! Councils: how members' stances become the alliance's outcome under the
//! organ's real decision rule. Under consensus a formal objection blocks; an
//! abstaining member lets a "limited format" decision pass without it. The
//! treaty gates the ladder: forces go only where the determination permits, and
//! a deployment must be large enough to be viable. An informal wish never
//! reaches the council.

use crate::alliance::DecisionRule;
use crate::decision::{Crisis, Stance};
use crate::dynamics::Outcome;
use crate::event::Ask;
use crate::state::StateCode;
use crate::treaty::{Action, Determination};
use serde::Serialize;

/// The highest rung a request asks for.
pub fn asked_rung(asks: Ask) -> Outcome {
    match asks {
        Ask::Consultations | Ask::PoliticalSupport => Outcome::Statement,
        Ask::Assistance => Outcome::Mission,
        Ask::Peacekeepers | Ask::Forces => Outcome::Deployment,
    }
}

/// Whether the treaty lets forces go where the request wants them.
pub fn deployment_permitted(det: &Determination, crisis: &Crisis) -> bool {
    let action = if crisis.asks == Ask::Peacekeepers {
        Action::Peacekeeping
    } else {
        Action::Deployment
    };
    det.actions
        .iter()
        .filter(|a| a.action == action && a.territory_of == crisis.theatre)
        .all(|a| a.verdict.open())
}

/// What the council decided, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CouncilResult {
    pub outcome: Outcome,
    /// Members whose formal objection blocked a decision.
    pub blocked_by: Vec<StateCode>,
    /// Members that sent forces, with troops.
    pub contributors: Vec<(StateCode, f64)>,
    pub troops: f64,
    /// Days from the decision until the whole force is in place (deployments only).
    pub days_to_deploy: Option<u32>,
    /// Why the outcome is not higher.
    pub limited_by: &'static str,
}

/// Aggregate stances (member, stance, troops if forces) into an outcome.
pub fn decide(
    rule: &DecisionRule,
    det: &Determination,
    crisis: &Crisis,
    stances: &[(&str, Stance, f64)],
    required_force: f64,
    airlift_per_day: f64,
) -> CouncilResult {
    let mut res = CouncilResult {
        outcome: Outcome::None,
        blocked_by: vec![],
        contributors: vec![],
        troops: 0.0,
        days_to_deploy: None,
        limited_by: "",
    };
    if !crisis.formal {
        res.limited_by = "an informal wish does not go to the council";
        return res;
    }
    let objectors: Vec<StateCode> = stances
        .iter()
        .filter(|(_, s, _)| *s == Stance::Object)
        .map(|(m, _, _)| m.to_string())
        .collect();
    let supporters = stances
        .iter()
        .filter(|(_, s, _)| matches!(s, Stance::Forces | Stance::Support))
        .count();
    let passes = match rule {
        DecisionRule::Consensus { .. } => objectors.is_empty(),
        DecisionRule::Majority { share } => {
            let voters = stances.len().max(1) as f64;
            // The requester counts as voting for its own request.
            (supporters as f64 + 1.0) / (voters + 1.0) >= *share
        }
    };
    if !passes {
        res.blocked_by = objectors;
        res.limited_by = "a formal objection blocked the decision";
        return res;
    }
    let asked = asked_rung(crisis.asks);
    let contributors: Vec<(StateCode, f64)> = stances
        .iter()
        .filter(|(_, s, t)| *s == Stance::Forces && *t > 0.0)
        .map(|(m, _, t)| (m.to_string(), *t))
        .collect();
    let troops: f64 = contributors.iter().map(|(_, t)| t).sum();
    if asked >= Outcome::Deployment
        && deployment_permitted(det, crisis)
        && troops >= required_force
        && troops > 0.0
    {
        res.outcome = Outcome::Deployment;
        res.contributors = contributors;
        res.troops = troops;
        res.days_to_deploy = Some(if airlift_per_day > 0.0 {
            (troops / airlift_per_day).ceil().max(1.0) as u32
        } else {
            0
        });
        res.limited_by = "what was asked";
        return res;
    }
    if asked >= Outcome::Mission && supporters > 0 {
        res.outcome = Outcome::Mission;
        res.limited_by = if asked < Outcome::Deployment {
            "what was asked"
        } else if !deployment_permitted(det, crisis) {
            "the treaty does not permit the deployment"
        } else if troops == 0.0 {
            "no member offered forces"
        } else {
            "the forces offered are too small to be viable"
        };
        return res;
    }
    res.outcome = Outcome::Statement;
    res.limited_by = if asked <= Outcome::Statement {
        "what was asked"
    } else {
        "no member supported more"
    };
    res
}

/// One member's stance probabilities and the troops it sends if it chooses forces.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Member {
    /// Probabilities of forces, support, abstain, object.
    pub p: [f64; 4],
    pub troops: f64,
}

/// The exact probability of each rung of the ladder, given independent stances.
/// Members that can send forces (troops > 0) are enumerated by subset (2^k); the
/// others enter through closed-form products (consensus) or a Poisson-binomial
/// count of supporters (majority). Used by the exact likelihood in calibration.
pub fn outcome_distribution(
    rule: &DecisionRule,
    det: &Determination,
    crisis: &Crisis,
    members: &[Member],
    required_force: f64,
) -> [f64; 4] {
    let mut dist = [0.0; 4];
    if !crisis.formal {
        dist[Outcome::None.rung()] = 1.0;
        return dist;
    }
    let asked = asked_rung(crisis.asks);
    let permitted = deployment_permitted(det, crisis);
    let armed: Vec<usize> = (0..members.len())
        .filter(|&i| members[i].troops > 0.0 && members[i].p[0] > 0.0)
        .collect();
    let k = armed.len().min(16);
    for mask in 0u32..(1u32 << k) {
        let in_s = |i: usize| {
            armed[..k]
                .iter()
                .position(|&a| a == i)
                .is_some_and(|pos| mask & (1 << pos) != 0)
        };
        let mut p_s = 1.0;
        let mut troops = 0.0;
        let mut s_size = 0usize;
        let mut others = Vec::new();
        for (i, m) in members.iter().enumerate() {
            if in_s(i) {
                p_s *= m.p[0];
                troops += m.troops;
                s_size += 1;
            } else {
                others.push(m);
            }
        }
        if p_s == 0.0 {
            continue;
        }
        // Probabilities over the others, none of whom chooses forces.
        let (p_pass_with_support, p_pass_no_support, p_fail) = match rule {
            DecisionRule::Consensus { .. } => {
                let no_obj: f64 = others.iter().map(|m| m.p[1] + m.p[2]).product();
                let no_obj_no_sup: f64 = others.iter().map(|m| m.p[2]).product();
                let all_not_forces: f64 = others.iter().map(|m| 1.0 - m.p[0]).product();
                (
                    no_obj - no_obj_no_sup,
                    no_obj_no_sup,
                    all_not_forces - no_obj,
                )
            }
            DecisionRule::Majority { share } => {
                // Poisson-binomial over supporters among the others.
                let mut pb = vec![1.0];
                for m in &others {
                    let mut next = vec![0.0; pb.len() + 1];
                    for (c, q) in pb.iter().enumerate() {
                        next[c] += q * (m.p[2] + m.p[3]);
                        next[c + 1] += q * m.p[1];
                    }
                    pb = next;
                }
                let n = members.len() as f64;
                let (mut with, mut without, mut fail) = (0.0, 0.0, 0.0);
                for (c, q) in pb.iter().enumerate() {
                    let sup = s_size + c;
                    if (sup as f64 + 1.0) / (n + 1.0) >= *share {
                        if sup > 0 { with += q } else { without += q }
                    } else {
                        fail += q;
                    }
                }
                (with, without, fail)
            }
        };
        dist[Outcome::None.rung()] += p_s * p_fail;
        let deploy =
            asked >= Outcome::Deployment && permitted && s_size > 0 && troops >= required_force;
        let pass_any_support =
            p_pass_with_support + if s_size > 0 { p_pass_no_support } else { 0.0 };
        let pass_no_support = if s_size > 0 { 0.0 } else { p_pass_no_support };
        if deploy {
            dist[Outcome::Deployment.rung()] += p_s * (p_pass_with_support + p_pass_no_support);
        } else {
            let top = if asked >= Outcome::Mission {
                Outcome::Mission
            } else {
                Outcome::Statement
            };
            dist[top.rung()] += p_s * pass_any_support;
            dist[Outcome::Statement.rung()] += p_s * pass_no_support;
        }
    }
    dist
}

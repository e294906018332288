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
) -> CouncilResult {
    let mut res = CouncilResult {
        outcome: Outcome::None,
        blocked_by: vec![],
        contributors: vec![],
        troops: 0.0,
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

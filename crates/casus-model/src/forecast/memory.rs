//! Memory within a forecast: the update an answered request implies (the
//! requester's trust in the alliance and in the leading power), and the cache
//! of decisions keyed by the memory they were computed on.

use super::plan::Plan;
use super::protocol::Decisions;
use crate::dynamics::{Memory, Outcome};
use std::collections::HashMap;

/// Per-thread cache of decisions keyed by (step, memory).
pub type Cache = HashMap<(usize, Vec<u64>), std::sync::Arc<Decisions>>;

pub(super) fn memory_key(m: &Memory) -> Vec<u64> {
    let mut k = Vec::new();
    for (s, v) in m
        .trust
        .iter()
        .chain(m.grievance.iter())
        .chain(m.committed.iter())
    {
        k.push(
            s.bytes()
                .fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b))),
        );
        k.push(v.to_bits());
    }
    k
}

/// Memory after a request is answered: the requester's trust in the alliance and,
/// in proportion to its weight, in the leading power.
pub(super) fn answered(
    plan: &Plan,
    memory: &mut Memory,
    requester: &str,
    event: &str,
    asked: Outcome,
    got: Outcome,
    owed: f64,
) {
    memory.answered(requester, event, asked, got, owed, &plan.params);
    let alliance = plan.alliance();
    if let Some(leader) = alliance.leading_power.as_deref()
        && leader != requester
    {
        let shortfall = asked.rung().saturating_sub(got.rung()) as f64;
        let share = leader_weight(plan, leader);
        memory.leader_answered(requester, event, shortfall, owed, share, &plan.params);
    }
}

/// The leading power's share of the alliance's military spending (its weight).
fn leader_weight(plan: &Plan, leader: &str) -> f64 {
    let alliance = plan.alliance();
    let Some(first) = plan.scenario.events.first().map(|e| e.date) else {
        return 0.0;
    };
    let year = first.year;
    let spend = |s: &str| {
        plan.world
            .states
            .get(s)
            .and_then(|st| st.defence_spending_usd.value_at(year))
            .unwrap_or(0.0)
    };
    let total: f64 = alliance.members_on(first).iter().map(|m| spend(m)).sum();
    if total > 0.0 {
        spend(leader) / total
    } else {
        0.0
    }
}

//! Memory within a forecast: the update an answered request implies (the
//! requester's trust in the alliance and in the leading power), and the
//! per-thread cache of decisions keyed by the memory they were computed on
//! and of the long horizon's generated crisis steps.

use super::plan::{Plan, Step};
use super::protocol::Decisions;
use crate::dynamics::{Memory, Outcome, Status};
use crate::event::{EventKind, Involvement, Reach};
use crate::state::StateCode;
use std::collections::HashMap;
use std::sync::Arc;

/// Per-thread cache of what replications recompute otherwise.
#[derive(Default)]
pub struct Cache {
    /// Decisions keyed by (step, memory): the key is `memory_key`, derived
    /// from every field of memory that decisions read.
    pub(crate) decisions: HashMap<(usize, Vec<u64>), Arc<Decisions>>,
    /// The long horizon's generated crises, prepared once per year and event
    /// kind: a crisis step (the treaty's determinations, the view the members
    /// hear) reads the event's kind, the states' undated regions and the
    /// alliance on its date, and nothing of the alliance changes within a year
    /// it leaves alone
    /// (`Alliance::unchanged_within`; other years are not cached).
    pub(crate) crisis_steps: HashMap<(i32, CrisisKey), Option<Arc<Step>>>,
    /// Whether each year is one the alliance leaves alone.
    pub(crate) unchanged_years: HashMap<i32, bool>,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }
}

/// The cache key of a crisis event's kind: every field, the deaths as their
/// bits, so that two events share a key only if the steps prepared from them
/// are the same. The destructuring names every field: a new field of a crisis
/// kind fails to compile here until it is keyed. Kinds that are no crisis
/// the horizon generates have no key (`None`: not cached).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CrisisKey {
    Aggression {
        aggressor: Option<StateCode>,
        non_state: Option<String>,
        target: StateCode,
        territory_of: StateCode,
        reach: Reach,
        casualties: Option<u64>,
    },
    Unrest {
        state: StateCode,
        involvement: Involvement,
        reach: Reach,
        casualties: Option<u64>,
        seizure: bool,
    },
    Conflict {
        parties: [StateCode; 2],
        territory_of: Option<StateCode>,
        casualties: Option<u64>,
    },
}

pub(crate) fn crisis_key(kind: &EventKind) -> Option<CrisisKey> {
    let bits = |c: &Option<f64>| c.map(f64::to_bits);
    Some(match kind {
        EventKind::ExternalAggression {
            aggressor,
            aggressor_non_state,
            target,
            territory_of,
            reach,
            casualties,
        } => CrisisKey::Aggression {
            aggressor: aggressor.clone(),
            non_state: aggressor_non_state.clone(),
            target: target.clone(),
            territory_of: territory_of.clone(),
            reach: *reach,
            casualties: bits(casualties),
        },
        EventKind::InternalUnrest {
            state,
            external_involvement,
            reach,
            casualties,
            seizure,
        } => CrisisKey::Unrest {
            state: state.clone(),
            involvement: *external_involvement,
            reach: *reach,
            casualties: bits(casualties),
            seizure: *seizure,
        },
        EventKind::IntraMemberConflict {
            parties,
            territory_of,
            casualties,
        } => CrisisKey::Conflict {
            parties: parties.clone(),
            territory_of: territory_of.clone(),
            casualties: bits(casualties),
        },
        _ => return None,
    })
}

/// The cache key of `m`: every field of [`Memory`] that decisions read, each
/// map length-prefixed and each state code packed exactly (not hashed), so
/// that two memories share a key only if the decisions on them are the same.
/// The destructuring names every field: a new field of `Memory` fails to
/// compile here until it is keyed or named as unread.
pub(super) fn memory_key(m: &Memory) -> Vec<u64> {
    let Memory {
        trust,
        leader_trust,
        grievance,
        committed,
        status,
        credibility,
        outside_ties,
        // Read by explanations and the horizon's bookkeeping, not by decisions.
        log: _,
        dissolved: _,
        untraced: _,
    } = m;
    let entries = trust.len()
        + leader_trust.len()
        + grievance.len()
        + committed.len()
        + status.len()
        + outside_ties.len();
    let mut k = Vec::with_capacity(2 * entries + 8);
    for map in [trust, leader_trust, grievance, committed] {
        k.push(map.len() as u64);
        for (s, v) in map {
            push_code(&mut k, s);
            k.push(v.to_bits());
        }
    }
    k.push(status.len() as u64);
    for (s, st) in status {
        push_code(&mut k, s);
        let (tag, date) = match st {
            Status::Engaged => (0, None),
            Status::Frozen { since } => (1, Some(since)),
            Status::Notice { effective } => (2, Some(effective)),
            Status::Left { on } => (3, Some(on)),
        };
        k.push(tag);
        k.push(date.map_or(0, |d| d.days_since_epoch() as u64));
    }
    k.push(credibility.map_or(u64::MAX, f64::to_bits));
    k.push(outside_ties.len() as u64);
    for (s, n) in outside_ties {
        push_code(&mut k, s);
        k.push(u64::from(*n));
    }
    k
}

/// A state code packed into the key exactly: its length, then its bytes eight
/// to a word (one word for codes of up to seven bytes).
fn push_code(k: &mut Vec<u64>, s: &str) {
    let bytes = s.as_bytes();
    if bytes.len() < 8 {
        let packed = bytes
            .iter()
            .fold(bytes.len() as u64, |a, b| (a << 8) | u64::from(*b));
        k.push(packed);
        return;
    }
    k.push(u64::MAX - bytes.len() as u64);
    for chunk in bytes.chunks(8) {
        k.push(chunk.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b)));
    }
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
        let share = plan.leader_weight;
        memory.leader_answered(requester, event, shortfall, owed, share, &plan.params);
    }
}

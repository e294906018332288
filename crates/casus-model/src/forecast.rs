//! Forecasts: replications of a scenario and their Monte Carlo aggregation.
//!
//! A [`Plan`] prepares what does not depend on chance: the world with the
//! scenario's overrides, each event's treaty determination, each decision's
//! crisis view. A replication walks the timeline with its own random stream —
//! PCG 128/64 seeded from (seed, replication index) — sampling the asker's
//! choice, every member's stance and every signature, and carrying the run's
//! [`Memory`] forward. Members' choice probabilities depend only on the event
//! and the memory, so they are computed once per distinct memory and reused.
//! Aggregation keeps integer counts, summed in a fixed chunk order: the result
//! is byte-identical for any thread count, and memory does not grow with runs.

use crate::Date;
use crate::analysis::AnalysisError;
use crate::council::{self, CouncilResult, asked_rung};
use crate::decision::{
    self, AskDecision, Crisis, Engagement, Facts, MemberDecision, SecretariatCall, Stance,
};
use crate::dynamics::{Memory, Outcome};
use crate::event::{Ask, EventKind};
use crate::params::Params;
use crate::scenario::{Scenario, World};
use crate::state::StateCode;
use crate::treaty::{Determination, ObligationKind, Situation, determine};
use rand_core::Rng;
use rand_pcg::Pcg64;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What kind of decision an event calls for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Mode {
    /// A crisis with no formal request in the scenario: the member concerned
    /// decides whether to ask; a conflict between members goes to mediation.
    Crisis {
        ask_det: Box<Determination>,
        mediation: bool,
        /// The scenario has the member formally ask a state outside the alliance
        /// about this crisis (and never the alliance): its choice is given, as a
        /// scripted request to the alliance is; the alliance is not asked.
        turned_to: Option<StateCode>,
    },
    /// A formal request to the alliance: members decide, the council aggregates.
    Council,
    /// An informal wish: members decide individually; no council decision.
    Informal,
}

#[derive(Clone, Debug)]
pub(crate) enum Step {
    Commit {
        state: StateCode,
        personnel: f64,
    },
    Decide {
        det: Box<Determination>,
        crisis: Crisis,
        mode: Mode,
    },
    Summit,
    /// An exercise: members take part or not; the host may cancel.
    Exercise {
        host: StateCode,
    },
    /// A deterministic change of the run's memory.
    Apply(Change),
    Nothing,
}

/// A change of memory that involves no choice.
#[derive(Clone, Debug)]
pub(crate) enum Change {
    War {
        member: StateCode,
        leader: bool,
        result: crate::event::WarResult,
    },
    Tie {
        state: StateCode,
    },
    Membership {
        state: StateCode,
        change: crate::event::MembershipChange,
        notice_months: u32,
    },
}

/// Apply a deterministic step to memory. Returns false for steps that decide.
fn apply(step: &Step, memory: &mut Memory, date: Date, params: &Params) -> bool {
    match step {
        Step::Commit { state, personnel } => memory.commit(state, *personnel),
        Step::Apply(Change::War {
            member,
            leader,
            result,
        }) => memory.war_ended(member, *leader, *result, params),
        Step::Apply(Change::Tie { state }) => {
            *memory.outside_ties.entry(state.clone()).or_insert(0) += 1
        }
        Step::Apply(Change::Membership {
            state,
            change,
            notice_months,
        }) => memory.membership(state, *change, date, *notice_months),
        Step::Nothing => {}
        _ => return false,
    }
    memory.settle_notices(date);
    true
}

/// The notice period of the alliance's withdrawal clause (months; 0 if none).
fn notice_months(alliance: &crate::alliance::Alliance, date: Date) -> u32 {
    alliance
        .provisions_in_force(date)
        .find_map(|p| match p.rule {
            crate::treaty::Rule::Withdrawal { notice_months } => Some(notice_months),
            _ => None,
        })
        .unwrap_or(0)
}

/// A scenario prepared for replication.
pub struct Plan {
    pub world: World,
    pub scenario: Scenario,
    pub params: Params,
    /// Each step with the index of the event it comes from.
    steps: Vec<(usize, Step)>,
    /// For each formal request in the scenario (by event index): the crisis step
    /// the requester faced before it asked. The request is itself an observation
    /// of the requester's choice, which `exact` scores against the ask decision.
    prior_asks: BTreeMap<usize, Step>,
}

/// The decisions at one event given one memory: computed once, reused.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decisions {
    pub ask: Option<AskDecision>,
    /// Whether the secretariat speaks if the member asks the alliance for nothing.
    pub secretariat: Option<SecretariatCall>,
    /// The bilateral partner the scenario has the member turn to (its choice is given).
    pub turned_to: Option<StateCode>,
    pub members: Vec<MemberDecision>,
    /// Members' stances if the member concerned asks only for consultations.
    pub members_consult: Vec<MemberDecision>,
    pub signs: Vec<Engagement>,
    pub required_force: f64,
    /// The chair on the date: it tables (or not) what the council adopts.
    pub chair: Option<StateCode>,
}

/// One replication's record of one decision event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draw {
    pub outcome: Option<Outcome>,
    pub asked: Option<bool>,
    pub stances: Vec<(StateCode, Stance, f64)>,
    pub signed: Vec<(StateCode, bool)>,
    /// Exercise: who took part; whether the host cancelled.
    pub participated: Vec<(StateCode, bool)>,
    pub cancelled: Option<bool>,
    pub council: Option<CouncilResult>,
}

impl Draw {
    /// A council decided: the outcome, whether the member asked, the stances.
    fn decided(res: CouncilResult, asked: bool, stances: Vec<(StateCode, Stance, f64)>) -> Draw {
        Draw {
            outcome: Some(res.outcome),
            asked: Some(asked),
            stances,
            council: Some(res),
            ..Draw::default()
        }
    }

    /// Nothing reached the council (no request, or an informal wish).
    fn undecided(stances: Vec<(StateCode, Stance, f64)>) -> Draw {
        Draw {
            outcome: Some(Outcome::None),
            asked: Some(false),
            stances,
            ..Draw::default()
        }
    }
}

/// The decision step of a crisis that no formal request in the scenario answers:
/// the member concerned may ask; a conflict between members goes to mediation.
pub(crate) fn crisis_step(
    alliance: &crate::alliance::Alliance,
    states: &BTreeMap<StateCode, crate::state::State>,
    ev: &crate::event::Event,
) -> Result<Option<Step>, AnalysisError> {
    let k = &ev.kind;
    let det = determine(
        alliance,
        states,
        Situation {
            date: ev.date,
            crisis: k,
            request: None,
        },
    )?;
    let Some(crisis) = Crisis::from_events(k, None) else {
        return Ok(None);
    };
    // The determination the member would face if it asked formally.
    let hypothetical = EventKind::Request {
        requester: crisis.requester.clone(),
        to: alliance.id.clone(),
        article: None,
        asks: Ask::Forces,
        crisis: ev.id.clone(),
        formal: true,
        territory_of: crisis.theatre.clone(),
        troops: None,
        unsc_mandate: false,
    };
    let ask_det = determine(
        alliance,
        states,
        Situation {
            date: ev.date,
            crisis: k,
            request: Some(&hypothetical),
        },
    )?;
    let mediation = det.has(ObligationKind::PeacefulSettlement);
    Ok(Some(Step::Decide {
        det: Box::new(det),
        crisis,
        mode: Mode::Crisis {
            ask_det: Box::new(ask_det),
            mediation,
            turned_to: None,
        },
    }))
}

/// The formal requests about crisis `crisis_id`: (requester, addressee) each.
fn formal_requests<'a>(
    crisis_id: &'a str,
    scenario: &'a Scenario,
) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    scenario.events.iter().filter_map(move |e| match &e.kind {
        EventKind::Request {
            crisis,
            to,
            requester,
            formal: true,
            ..
        } if crisis == crisis_id => Some((requester.as_str(), to.as_str())),
        _ => None,
    })
}

/// Whether the scenario formally asks the alliance about crisis `crisis_id`.
fn asks_alliance(crisis_id: &str, scenario: &Scenario, alliance: &str) -> bool {
    formal_requests(crisis_id, scenario).any(|(_, to)| to == alliance)
}

/// The state outside the alliance that the scenario has the member concerned
/// formally ask about crisis `crisis_id` (a bilateral request), if any.
fn bilateral_request_of(
    crisis_id: &str,
    requester: &str,
    scenario: &Scenario,
    alliance: &str,
) -> Option<StateCode> {
    formal_requests(crisis_id, scenario)
        .find(|(r, to)| *r == requester && *to != alliance)
        .map(|(_, to)| to.to_string())
}

impl Plan {
    /// Prepare a scenario: apply overrides, analyse every event under the treaty.
    pub fn new(world: &World, scenario: &Scenario, params: &Params) -> Result<Plan, AnalysisError> {
        let world = world.with_overrides(&scenario.overrides);
        let alliance = world
            .alliances
            .get(&scenario.alliance)
            .ok_or_else(|| AnalysisError::UnknownAlliance(scenario.alliance.clone()))?;
        let mut steps = Vec::with_capacity(scenario.events.len());
        let mut prior_asks = BTreeMap::new();
        for (ev_idx, ev) in scenario.events.iter().enumerate() {
            let step = match &ev.kind {
                EventKind::CapabilityShock {
                    state,
                    personnel_committed,
                } => Step::Commit {
                    state: state.clone(),
                    personnel: *personnel_committed,
                },
                k if k.is_crisis() => {
                    if asks_alliance(&ev.id, scenario, &alliance.id) {
                        // Decided when the formal request comes.
                        match k {
                            EventKind::OutOfAreaWar {
                                member,
                                personnel_committed: Some(p),
                                ..
                            } => Step::Commit {
                                state: member.clone(),
                                personnel: *p,
                            },
                            _ => Step::Nothing,
                        }
                    } else {
                        if let EventKind::OutOfAreaWar {
                            member,
                            personnel_committed: Some(p),
                            ..
                        } = k
                        {
                            // Commitment first, then the decision: two steps of one event.
                            steps.push((
                                ev_idx,
                                Step::Commit {
                                    state: member.clone(),
                                    personnel: *p,
                                },
                            ));
                        }
                        let Some(mut step) = crisis_step(alliance, &world.states, ev)? else {
                            continue;
                        };
                        if let Step::Decide {
                            crisis,
                            mode: Mode::Crisis { turned_to, .. },
                            ..
                        } = &mut step
                        {
                            *turned_to = bilateral_request_of(
                                &ev.id,
                                &crisis.requester,
                                scenario,
                                &alliance.id,
                            );
                        }
                        step
                    }
                }
                EventKind::Request {
                    to, crisis: cid, ..
                } if *to == alliance.id => {
                    let Some(cev) = scenario
                        .events
                        .iter()
                        .find(|e| &e.id == cid && e.kind.is_crisis())
                    else {
                        return Err(AnalysisError::UnknownCrisis {
                            request: ev.id.clone(),
                            crisis: cid.clone(),
                        });
                    };
                    let det = determine(
                        alliance,
                        &world.states,
                        Situation {
                            date: ev.date,
                            crisis: &cev.kind,
                            request: Some(&ev.kind),
                        },
                    )?;
                    match Crisis::from_events(&cev.kind, Some(&ev.kind)) {
                        Some(crisis) => {
                            if crisis.formal
                                && let Some(step) = crisis_step(alliance, &world.states, cev)?
                            {
                                prior_asks.insert(ev_idx, step);
                            }
                            let mode = if crisis.formal {
                                Mode::Council
                            } else {
                                Mode::Informal
                            };
                            Step::Decide {
                                det: Box::new(det),
                                crisis,
                                mode,
                            }
                        }
                        None => Step::Nothing,
                    }
                }
                EventKind::Summit { .. } => Step::Summit,
                EventKind::Exercise { host, .. } => Step::Exercise { host: host.clone() },
                EventKind::WarOutcome { member, result, .. } => Step::Apply(Change::War {
                    member: member.clone(),
                    leader: alliance.leading_power.as_deref() == Some(member.as_str()),
                    result: *result,
                }),
                EventKind::Partnership { state, .. } => Step::Apply(Change::Tie {
                    state: state.clone(),
                }),
                EventKind::Membership { state, change } => Step::Apply(Change::Membership {
                    state: state.clone(),
                    change: *change,
                    notice_months: notice_months(alliance, ev.date),
                }),
                _ => Step::Nothing,
            };
            steps.push((ev_idx, step));
        }
        Ok(Plan {
            world,
            scenario: scenario.clone(),
            params: params.clone(),
            steps,
            prior_asks,
        })
    }

    /// The requester's ask decision before the formal request at event `ev`
    /// (help, consultations, bilateral partner, nothing), given `memory`; `None`
    /// if `ev` is not a formal request or the requester could not ask.
    fn ask_before(&self, ev: usize, date: Date, memory: &Memory) -> Option<AskDecision> {
        let Step::Decide {
            det,
            crisis,
            mode: Mode::Crisis { ask_det, .. },
        } = self.prior_asks.get(&ev)?
        else {
            return None;
        };
        if !self.alliance().is_participating(&crisis.requester, date) {
            return None;
        }
        let facts = self.facts(date, memory);
        Some(decision::decide_ask(&facts, ask_det, det, crisis))
    }

    /// The determination behind the decision at event `ev`, if it is a decision.
    pub fn determination_at(&self, ev: usize) -> Option<&Determination> {
        self.steps.iter().find_map(|(e, s)| match s {
            Step::Decide { det, .. } if *e == ev => Some(det.as_ref()),
            _ => None,
        })
    }

    /// The state outside the alliance the scenario has the member concerned turn
    /// to about the crisis at event `ev` (a scripted bilateral request), if any.
    pub fn turned_to_at(&self, ev: usize) -> Option<&StateCode> {
        self.steps.iter().find_map(|(e, s)| match s {
            Step::Decide {
                mode: Mode::Crisis { turned_to, .. },
                ..
            } if *e == ev => turned_to.as_ref(),
            _ => None,
        })
    }

    /// The rung asked for at event `ev` (a crisis without request asks for forces).
    pub fn asked_at(&self, ev: usize) -> Option<Outcome> {
        self.steps.iter().find_map(|(e, s)| match s {
            Step::Decide { crisis, mode, .. } if *e == ev => Some(match mode {
                Mode::Crisis {
                    mediation: true, ..
                } => Outcome::Statement,
                _ => asked_rung(crisis.asks),
            }),
            _ => None,
        })
    }

    /// Whether the decision at event `ev` goes to the council (a formal request,
    /// or a crisis the member may formally ask about).
    pub fn formal_at(&self, ev: usize) -> bool {
        self.steps.iter().any(
            |(e, s)| matches!(s, Step::Decide { mode, .. } if *e == ev && *mode != Mode::Informal),
        )
    }

    /// What the members decide from on `date`, given `memory`.
    pub(crate) fn facts<'a>(&'a self, date: Date, memory: &'a Memory) -> Facts<'a> {
        Facts {
            world: &self.world,
            alliance: self.alliance(),
            date,
            memory,
            params: &self.params,
        }
    }

    pub(crate) fn alliance(&self) -> &crate::alliance::Alliance {
        &self.world.alliances[&self.scenario.alliance]
    }

    /// The deciding organ's rule (consensus without a limited format if the
    /// alliance names no organ).
    fn council_rule(&self) -> crate::alliance::DecisionRule {
        let alliance = self.alliance();
        alliance
            .organ(&alliance.deciding_organ)
            .map(|o| o.rule.clone())
            .unwrap_or(crate::alliance::DecisionRule::Consensus {
                limited_format: false,
            })
    }

    /// The decisions at step `i` given `memory`.
    pub(crate) fn decisions(&self, step: &Step, date: Date, memory: &Memory) -> Decisions {
        let facts = self.facts(date, memory);
        match step {
            Step::Decide { det, crisis, mode } => {
                let mut members_consult = Vec::new();
                let mut secretariat = None;
                let (ask, det_for_members, crisis_for_members) = match mode {
                    Mode::Crisis {
                        ask_det, mediation, ..
                    } => {
                        let member = self.alliance().is_participating(&crisis.requester, date);
                        let ask =
                            member.then(|| decision::decide_ask(&facts, ask_det, det, crisis));
                        if member && !*mediation {
                            members_consult =
                                decision::decide_all(&facts, det, &consultations(crisis));
                            // A call for a ceasefire or for restraint needs a state to
                            // call on (an attacker or a threatening state); a non-state
                            // group's attack can be condemned. Nothing on unrest.
                            if self.alliance().secretariat.is_some()
                                && (crisis.adversary.is_some() || crisis.non_state)
                            {
                                secretariat = Some(decision::secretariat_call(&facts, crisis));
                            }
                        }
                        if *mediation {
                            // Mediation: a call on both parties, against no one.
                            let c = Crisis {
                                adversary: None,
                                asks: Ask::PoliticalSupport,
                                ..crisis.clone()
                            };
                            (ask, det, c)
                        } else {
                            (ask, ask_det, crisis.clone())
                        }
                    }
                    _ => (None, det, crisis.clone()),
                };
                let members = decision::decide_all(&facts, det_for_members, &crisis_for_members);
                Decisions {
                    ask,
                    secretariat,
                    turned_to: match mode {
                        Mode::Crisis { turned_to, .. } => turned_to.clone(),
                        _ => None,
                    },
                    members,
                    members_consult,
                    signs: vec![],
                    required_force: facts.required_force(&crisis_for_members),
                    chair: self.alliance().chair_on(date).map(|c| c.state.clone()),
                }
            }
            Step::Summit | Step::Exercise { .. } => {
                let signs = facts
                    .members()
                    .iter()
                    .filter(|m| memory.engaged(m))
                    .map(|m| decision::engagement(&facts, m))
                    .collect();
                Decisions {
                    ask: None,
                    secretariat: None,
                    turned_to: None,
                    members: vec![],
                    members_consult: vec![],
                    signs,
                    required_force: 0.0,
                    chair: None,
                }
            }
            _ => Decisions {
                ask: None,
                secretariat: None,
                turned_to: None,
                members: vec![],
                members_consult: vec![],
                signs: vec![],
                required_force: 0.0,
                chair: None,
            },
        }
    }
}

/// A council sitting on one event: the rule, the decisions taken there.
struct Sitting<'a> {
    plan: &'a Plan,
    d: &'a Decisions,
    rule: &'a crate::alliance::DecisionRule,
    event_id: &'a str,
}

impl Sitting<'_> {
    /// The council's result on `view` given the members' stances.
    fn hear(
        &self,
        det: &Determination,
        view: &Crisis,
        stances: &[(StateCode, Stance, f64)],
        required: f64,
    ) -> CouncilResult {
        let refs: Vec<(&str, Stance, f64)> = stances
            .iter()
            .map(|(m, s, t)| (m.as_str(), *s, *t))
            .collect();
        council::decide(
            self.rule,
            det,
            view,
            &refs,
            required,
            &self.plan.params,
            self.d.chair.as_deref(),
        )
    }

    /// A formal request heard and answered: the requester's trust follows the answer.
    fn answer(
        &self,
        memory: &mut Memory,
        det: &Determination,
        view: &Crisis,
        stances: Vec<(StateCode, Stance, f64)>,
        required: f64,
        asked: Outcome,
    ) -> Draw {
        let res = self.hear(det, view, &stances, required);
        let owed = decision::obligation_strength(det, &view.requester);
        answered(
            self.plan,
            memory,
            &view.requester,
            self.event_id,
            asked,
            res.outcome,
            owed,
        );
        Draw::decided(res, true, stances)
    }
}

/// Memory after a request is answered: the requester's trust in the alliance and,
/// in proportion to its weight, in the leading power.
fn answered(
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

/// Where the chair sits among `members`, if it is one of the deciders.
fn chair_in(members: &[MemberDecision], d: &Decisions) -> Option<usize> {
    let chair = d.chair.as_deref()?;
    members.iter().position(|m| m.state == chair)
}

/// The same crisis, asking only for consultations.
fn consultations(crisis: &Crisis) -> Crisis {
    Crisis {
        asks: Ask::Consultations,
        ..crisis.clone()
    }
}

/// A uniform draw in [0, 1) from 53 random bits.
pub(crate) fn uniform(rng: &mut Pcg64) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

pub(crate) fn pick(probs: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    for (i, p) in probs.iter().enumerate() {
        acc += p;
        if u < acc {
            return i;
        }
    }
    // Rounding: the last option with positive probability.
    probs.iter().rposition(|p| *p > 0.0).unwrap_or(0)
}

/// The generator of replication `rep` under `seed`: the seed (mixed with
/// SplitMix64) sets the state, the replication index selects the stream.
pub fn stream(seed: u64, rep: u64) -> Pcg64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    Pcg64::new((u128::from(z) << 64) | u128::from(seed), u128::from(rep))
}

/// How a replication chooses: by drawing, or by taking the most likely option
/// (the modal course that `explain` follows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chooser {
    Draw,
    Modal,
}

/// Per-thread cache of decisions keyed by (step, memory).
pub type Cache = HashMap<(usize, Vec<u64>), std::sync::Arc<Decisions>>;

fn memory_key(m: &Memory) -> Vec<u64> {
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

/// One replication: the draw at every event (index = event index).
pub fn replicate(
    plan: &Plan,
    rng: &mut Pcg64,
    chooser: Chooser,
    cache: &mut Cache,
) -> Vec<Option<Draw>> {
    replicate_with_memory(plan, rng, chooser, cache).0
}

/// A replication and the memory it ends with.
pub fn replicate_with_memory(
    plan: &Plan,
    rng: &mut Pcg64,
    chooser: Chooser,
    cache: &mut Cache,
) -> (Vec<Option<Draw>>, Memory) {
    let mut draws: Vec<Option<Draw>> = vec![None; plan.scenario.events.len()];
    let memory = walk_course(plan, rng, chooser, cache, |ev, _, draw| {
        draws[ev] = Some(draw)
    });
    (draws, memory)
}

/// The index of the most likely option (the first on ties).
pub(crate) fn modal(probs: &[f64]) -> usize {
    let mut best = 0;
    for (i, p) in probs.iter().enumerate() {
        if *p > probs[best] {
            best = i;
        }
    }
    best
}

/// Walk the timeline once: deterministic steps change memory, decision steps are
/// decided (their decisions cached per memory) and played; `visit` sees each
/// decision event's decisions and draw. Returns the final memory.
fn walk_course(
    plan: &Plan,
    rng: &mut Pcg64,
    chooser: Chooser,
    cache: &mut Cache,
    mut visit: impl FnMut(usize, &std::sync::Arc<Decisions>, Draw),
) -> Memory {
    let mut memory = Memory::default();
    let mut choose = |probs: &[f64], rng: &mut Pcg64| -> usize {
        match chooser {
            Chooser::Draw => pick(probs, uniform(rng)),
            Chooser::Modal => modal(probs),
        }
    };
    for (i, (ev, step)) in plan.steps.iter().enumerate() {
        let event = &plan.scenario.events[*ev];
        if apply(step, &mut memory, event.date, &plan.params) {
            continue;
        }
        let key = (i, memory_key(&memory));
        let d = cache
            .entry(key)
            .or_insert_with(|| std::sync::Arc::new(plan.decisions(step, event.date, &memory)))
            .clone();
        let draw = play(plan, step, &event.id, &d, &mut memory, rng, &mut choose);
        visit(*ev, &d, draw);
    }
    memory
}

pub(crate) fn play(
    plan: &Plan,
    step: &Step,
    event_id: &str,
    d: &Decisions,
    memory: &mut Memory,
    rng: &mut Pcg64,
    choose: &mut impl FnMut(&[f64], &mut Pcg64) -> usize,
) -> Draw {
    match step {
        Step::Summit | Step::Exercise { .. } => {
            // Each engaged member signs / takes part with its engagement probability.
            let engaged: Vec<(StateCode, bool)> = d
                .signs
                .iter()
                .map(|s| (s.state.clone(), choose(&[s.p, 1.0 - s.p], rng) == 0))
                .collect();
            match step {
                Step::Exercise { host } => Draw {
                    cancelled: Some(!engaged.iter().any(|(m, took)| m == host && *took)),
                    participated: engaged,
                    ..Draw::default()
                },
                _ => Draw {
                    signed: engaged,
                    ..Draw::default()
                },
            }
        }
        Step::Decide { det, crisis, mode } => {
            let stances: Vec<(StateCode, Stance, f64)> = d
                .members
                .iter()
                .map(|m| {
                    let s = Stance::ALL[choose(&m.probabilities, rng)];
                    let troops = if s == Stance::Forces {
                        m.contribution
                    } else {
                        0.0
                    };
                    (m.state.clone(), s, troops)
                })
                .collect();
            let rule = plan.council_rule();
            let sitting = Sitting {
                plan,
                d,
                rule: &rule,
                event_id,
            };
            match mode {
                Mode::Council => sitting.answer(
                    memory,
                    det,
                    crisis,
                    stances,
                    d.required_force,
                    asked_rung(crisis.asks),
                ),
                Mode::Informal => Draw::undecided(stances),
                Mode::Crisis {
                    ask_det,
                    mediation,
                    turned_to,
                } => {
                    // 0: asks for help, 1: asks for consultations, 2: asks nothing
                    // (of the alliance: given when the scenario scripts a bilateral request).
                    let choice = match (&d.ask, turned_to) {
                        (Some(a), None) => {
                            choose(&[a.p_ask, a.p_consult, 1.0 - a.p_ask - a.p_consult], rng)
                        }
                        _ => 2,
                    };
                    let asked = choice == 0;
                    if !*mediation && choice == 1 {
                        let consult_stances: Vec<(StateCode, Stance, f64)> = d
                            .members_consult
                            .iter()
                            .map(|m| {
                                (
                                    m.state.clone(),
                                    Stance::ALL[choose(&m.probabilities, rng)],
                                    0.0,
                                )
                            })
                            .collect();
                        return sitting.answer(
                            memory,
                            det,
                            &consultations(crisis),
                            consult_stances,
                            0.0,
                            Outcome::Statement,
                        );
                    }
                    if *mediation {
                        let c = Crisis {
                            adversary: None,
                            asks: Ask::PoliticalSupport,
                            ..crisis.clone()
                        };
                        // Mediation answers no one's request: no memory changes.
                        Draw::decided(sitting.hear(det, &c, &stances, 0.0), asked, stances)
                    } else if asked {
                        sitting.answer(
                            memory,
                            ask_det,
                            crisis,
                            stances,
                            d.required_force,
                            Outcome::Deployment,
                        )
                    } else {
                        // Unasked, the secretariat may still speak: a statement that
                        // answers no request, so no memory changes.
                        let spoke = d
                            .secretariat
                            .as_ref()
                            .is_some_and(|s| choose(&[s.p, 1.0 - s.p], rng) == 0);
                        Draw {
                            outcome: Some(if spoke {
                                Outcome::Statement
                            } else {
                                Outcome::None
                            }),
                            ..Draw::undecided(vec![])
                        }
                    }
                }
            }
        }
        _ => Draw::default(),
    }
}

/// Integer tallies of one event over many replications.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    pub outcomes: [u64; 4],
    pub decided: u64,
    pub asked: u64,
    pub ask_decided: u64,
    pub stances: BTreeMap<StateCode, [u64; 4]>,
    /// Troops sent, summed over the replications that deployed (whole troops
    /// per member and run). Divided by the deployments, the sum over members is
    /// the expected force if deployed; divided by `decided`, a member's entry is
    /// the troops it is expected to send.
    pub troops: BTreeMap<StateCode, u64>,
    pub signed: BTreeMap<StateCode, u64>,
    pub all_signed: u64,
    pub summits: u64,
    pub participated: BTreeMap<StateCode, u64>,
    pub exercises: u64,
    pub cancelled: u64,
    /// Days to deploy, summed over the replications that deployed.
    pub deploy_days: u64,
}

impl Tally {
    fn add_draw(&mut self, d: &Draw) {
        if let Some(o) = d.outcome {
            self.outcomes[o.rung()] += 1;
            self.decided += 1;
        }
        if let Some(days) = d.council.as_ref().and_then(|c| c.days_to_deploy) {
            self.deploy_days += u64::from(days);
        }
        if let Some(a) = d.asked {
            self.ask_decided += 1;
            self.asked += u64::from(a);
        }
        for (m, s, _) in &d.stances {
            self.stances.entry(m.clone()).or_insert([0; 4])[*s as usize] += 1;
            self.troops.entry(m.clone()).or_insert(0);
        }
        // Troops count where they are sent: a pledge of forces in a run that
        // does not deploy sends no one.
        if let Some(c) = d
            .council
            .as_ref()
            .filter(|c| c.outcome == Outcome::Deployment)
        {
            for (m, t) in &c.contributors {
                *self.troops.entry(m.clone()).or_insert(0) += t.round() as u64;
            }
        }
        if !d.signed.is_empty() {
            self.summits += 1;
            let mut all = true;
            for (m, s) in &d.signed {
                *self.signed.entry(m.clone()).or_insert(0) += u64::from(*s);
                all &= *s;
            }
            self.all_signed += u64::from(all);
        }
        if let Some(c) = d.cancelled {
            self.exercises += 1;
            self.cancelled += u64::from(c);
            for (m, t) in &d.participated {
                *self.participated.entry(m.clone()).or_insert(0) += u64::from(*t);
            }
        }
    }

    fn merge(&mut self, o: &Tally) {
        for k in 0..4 {
            self.outcomes[k] += o.outcomes[k];
        }
        self.decided += o.decided;
        self.asked += o.asked;
        self.ask_decided += o.ask_decided;
        for (m, c) in &o.stances {
            let e = self.stances.entry(m.clone()).or_insert([0; 4]);
            for k in 0..4 {
                e[k] += c[k];
            }
        }
        for (m, t) in &o.troops {
            *self.troops.entry(m.clone()).or_insert(0) += t;
        }
        for (m, t) in &o.signed {
            *self.signed.entry(m.clone()).or_insert(0) += t;
        }
        self.all_signed += o.all_signed;
        self.summits += o.summits;
        for (m, t) in &o.participated {
            *self.participated.entry(m.clone()).or_insert(0) += t;
        }
        self.exercises += o.exercises;
        self.cancelled += o.cancelled;
        self.deploy_days += o.deploy_days;
    }
}

/// Replications per chunk: the unit of parallel work and of deterministic reduction.
pub const CHUNK: u64 = 4096;

/// Tally replications `[start, end)` sequentially.
pub fn tally_range(plan: &Plan, seed: u64, start: u64, end: u64, cache: &mut Cache) -> Vec<Tally> {
    let mut tallies = vec![Tally::default(); plan.scenario.events.len()];
    for rep in start..end {
        let mut rng = stream(seed, rep);
        let draws = replicate(plan, &mut rng, Chooser::Draw, cache);
        for (t, d) in tallies.iter_mut().zip(&draws) {
            if let Some(d) = d {
                t.add_draw(d);
            }
        }
    }
    tallies
}

/// Wilson score interval for a proportion (95%).
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let n = n as f64;
    let p = k as f64 / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * ((p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt()) / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The modal course: at every decision the most likely choice, with the
/// decisions (terms, utilities, probabilities) seen along the way.
pub fn modal_course(plan: &Plan) -> Vec<(usize, Decisions, Draw)> {
    let mut out = Vec::new();
    walk_course(
        plan,
        &mut stream(0, 0),
        Chooser::Modal,
        &mut Cache::new(),
        |ev, d, draw| out.push((ev, d.as_ref().clone(), draw)),
    );
    out
}

/// Run `runs` replications on `threads` worker threads (`None`: all cores) and
/// tally them. Integer tallies make the reduction exact in any order, so the
/// result does not depend on the thread count; memory is O(threads), not O(runs).
/// `progress` counts finished replications (for a progress bar).
pub fn monte_carlo(
    plan: &Plan,
    seed: u64,
    runs: u64,
    threads: Option<usize>,
    progress: &std::sync::atomic::AtomicU64,
) -> Result<Vec<Tally>, rayon::ThreadPoolBuildError> {
    use rayon::prelude::*;
    let events = plan.scenario.events.len();
    let chunks = runs.div_ceil(CHUNK);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()?;
    let total = pool.install(|| {
        (0..chunks)
            .into_par_iter()
            .fold(
                || (Cache::new(), vec![Tally::default(); events]),
                |(mut cache, mut acc), c| {
                    let start = c * CHUNK;
                    let end = (start + CHUNK).min(runs);
                    let t = tally_range(plan, seed, start, end, &mut cache);
                    for (a, x) in acc.iter_mut().zip(&t) {
                        a.merge(x);
                    }
                    progress.fetch_add(end - start, std::sync::atomic::Ordering::Relaxed);
                    (cache, acc)
                },
            )
            .map(|(_, acc)| acc)
            .reduce(
                || vec![Tally::default(); events],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(&b) {
                        x.merge(y);
                    }
                    a
                },
            )
    });
    Ok(total)
}

/// The exact probabilities of one event, averaged over the branches that reach it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ExactEvent {
    /// P(each rung) for a decision event.
    pub outcomes: Option<[f64; 4]>,
    /// P(the member concerned asks), where the model decides it.
    pub p_request: Option<f64>,
    /// At a formal request: P(the requester asks for help, for consultations,
    /// turns to its bilateral partner, asks no one), had the model decided it.
    pub ask_choice: Option<[f64; 4]>,
    /// P(stance) per member.
    pub stances: BTreeMap<StateCode, [f64; 4]>,
    /// P(sign) per member, for a summit.
    pub signed: BTreeMap<StateCode, f64>,
    /// P(take part) per member, for an exercise.
    pub participates: BTreeMap<StateCode, f64>,
}

/// Exact probabilities of every event: the timeline is a tree whose branches are
/// the outcomes of earlier decisions (memory depends only on them), and each
/// council's outcome distribution is computed in closed form. Deterministic and
/// smooth in the parameters: this is the likelihood `calibrate` maximises.
pub fn exact(plan: &Plan) -> Vec<ExactEvent> {
    let mut out = vec![ExactEvent::default(); plan.scenario.events.len()];
    walk(plan, 0, Memory::default(), 1.0, &mut out);
    out
}

fn add(
    out: &mut ExactEvent,
    w: f64,
    d: &Decisions,
    outcomes: Option<[f64; 4]>,
    p_request: Option<f64>,
) {
    if let Some(o) = outcomes {
        let e = out.outcomes.get_or_insert([0.0; 4]);
        for (x, p) in e.iter_mut().zip(o) {
            *x += w * p;
        }
    }
    if let Some(p) = p_request {
        *out.p_request.get_or_insert(0.0) += w * p;
    }
    for m in &d.members {
        let e = out.stances.entry(m.state.clone()).or_insert([0.0; 4]);
        for (x, p) in e.iter_mut().zip(m.probabilities) {
            *x += w * p;
        }
    }
    for s in &d.signs {
        *out.signed.entry(s.state.clone()).or_insert(0.0) += w * s.p;
    }
}

/// A branch of the timeline: its probability, the outcome, and the memory update
/// it implies (the rung asked for and the obligation owed), if any.
type Branch = (f64, Outcome, Option<(Outcome, f64)>);

/// Add the requester's choice probabilities (help, consultations, bilateral
/// partner, no one), weighted by the branch, to the event's scored ask.
fn add_ask_choice(out: &mut ExactEvent, weight: f64, a: &AskDecision) {
    let none = 1.0 - a.p_ask - a.p_consult - a.p_bilateral;
    let e = out.ask_choice.get_or_insert([0.0; 4]);
    for (x, p) in e
        .iter_mut()
        .zip([a.p_ask, a.p_consult, a.p_bilateral, none])
    {
        *x += weight * p;
    }
}

fn walk(plan: &Plan, from: usize, mut memory: Memory, weight: f64, out: &mut [ExactEvent]) {
    if weight < 1e-12 {
        return;
    }
    for i in from..plan.steps.len() {
        let (ev, step) = &plan.steps[i];
        let ev = *ev;
        match step {
            Step::Commit { .. } | Step::Apply(_) | Step::Nothing => {
                apply(
                    step,
                    &mut memory,
                    plan.scenario.events[ev].date,
                    &plan.params,
                );
            }
            Step::Summit => {
                let d = plan.decisions(step, plan.scenario.events[ev].date, &memory);
                add(&mut out[ev], weight, &d, None, None);
            }
            Step::Exercise { .. } => {
                let d = plan.decisions(step, plan.scenario.events[ev].date, &memory);
                for s in &d.signs {
                    *out[ev].participates.entry(s.state.clone()).or_insert(0.0) += weight * s.p;
                }
            }
            Step::Decide { det, crisis, mode } => {
                let d = plan.decisions(step, plan.scenario.events[ev].date, &memory);
                let rule = plan.council_rule();
                // The council's exact outcome distribution on `view`, heard by `members`.
                let hear = |det: &Determination,
                            view: &Crisis,
                            members: &[MemberDecision],
                            with_troops: bool,
                            required: f64| {
                    let m: Vec<council::Member> = members
                        .iter()
                        .map(|m| council::Member {
                            p: m.probabilities,
                            troops: if with_troops { m.contribution } else { 0.0 },
                        })
                        .collect();
                    council::outcome_distribution(
                        &rule,
                        det,
                        view,
                        &m,
                        required,
                        plan.params.quorum,
                        chair_in(members, &d),
                    )
                };
                let event_id = plan.scenario.events[ev].id.clone();
                if let Some(a) = plan.ask_before(ev, plan.scenario.events[ev].date, &memory) {
                    add_ask_choice(&mut out[ev], weight, &a);
                }
                let mut branches: Vec<Branch> = Vec::new();
                let mut p_request = None;
                match mode {
                    Mode::Council => {
                        let dist = hear(det, crisis, &d.members, true, d.required_force);
                        let owed = decision::obligation_strength(det, &crisis.requester);
                        for o in Outcome::ALL {
                            branches.push((
                                dist[o.rung()],
                                o,
                                Some((asked_rung(crisis.asks), owed)),
                            ));
                        }
                    }
                    Mode::Informal => branches.push((1.0, Outcome::None, None)),
                    Mode::Crisis {
                        ask_det,
                        mediation,
                        turned_to,
                    } => {
                        // A scripted bilateral request fixes the choice: the alliance
                        // is not asked; the choice itself is scored like an ask.
                        let (p_ask, p_consult) = match (&d.ask, turned_to) {
                            (Some(a), None) => (a.p_ask, a.p_consult),
                            (Some(a), Some(_)) => {
                                add_ask_choice(&mut out[ev], weight, a);
                                (0.0, 0.0)
                            }
                            (None, _) => (0.0, 0.0),
                        };
                        p_request = d.ask.as_ref().map(|_| p_ask + p_consult);
                        if *mediation {
                            let c = Crisis {
                                adversary: None,
                                asks: Ask::PoliticalSupport,
                                ..crisis.clone()
                            };
                            let dist = hear(det, &c, &d.members, true, 0.0);
                            for o in Outcome::ALL {
                                branches.push((dist[o.rung()], o, None));
                            }
                        } else {
                            let dist = hear(ask_det, crisis, &d.members, true, d.required_force);
                            let owed = decision::obligation_strength(ask_det, &crisis.requester);
                            let unasked = 1.0 - p_ask - p_consult;
                            let spoke = d.secretariat.as_ref().map_or(0.0, |s| s.p);
                            branches.push((unasked * (1.0 - spoke), Outcome::None, None));
                            branches.push((unasked * spoke, Outcome::Statement, None));
                            let cdist =
                                hear(det, &consultations(crisis), &d.members_consult, false, 0.0);
                            let cowed = decision::obligation_strength(det, &crisis.requester);
                            for o in Outcome::ALL {
                                branches.push((
                                    p_consult * cdist[o.rung()],
                                    o,
                                    Some((Outcome::Statement, cowed)),
                                ));
                            }
                            for o in Outcome::ALL {
                                branches.push((
                                    p_ask * dist[o.rung()],
                                    o,
                                    Some((Outcome::Deployment, owed)),
                                ));
                            }
                        }
                    }
                }
                let mut dist = [0.0; 4];
                for (p, o, _) in &branches {
                    dist[o.rung()] += p;
                }
                add(&mut out[ev], weight, &d, Some(dist), p_request);
                // Recurse on each branch that changes memory differently.
                let mut by_memory: Vec<(f64, Memory)> = Vec::new();
                for (p, o, upd) in branches {
                    if p <= 0.0 {
                        continue;
                    }
                    let mut m = memory.clone();
                    if let Some((asked, owed)) = upd {
                        answered(plan, &mut m, &crisis.requester, &event_id, asked, o, owed);
                    }
                    match by_memory.iter_mut().find(|(_, x)| *x == m) {
                        Some((q, _)) => *q += p,
                        None => by_memory.push((p, m)),
                    }
                }
                for (p, m) in by_memory {
                    walk(plan, i + 1, m, weight * p, out);
                }
                return;
            }
        }
    }
}

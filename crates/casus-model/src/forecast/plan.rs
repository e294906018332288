//! The plan: a scenario prepared for replication. It applies the scenario's
//! overrides, runs the treaty pass once (the same pass `run` prints,
//! [`crate::analysis::determinations`]), and turns each event into a step: a
//! deterministic change of memory, or a decision whose protocol
//! (`super::protocol`) the replications and the exact enumeration follow.

use super::protocol::consultations;
use crate::Date;
use crate::analysis::AnalysisError;
use crate::council::asked_rung;
use crate::decision::{self, AskDecision, Crisis, Facts};
use crate::dynamics::{Memory, Outcome};
use crate::event::{Ask, EventKind};
use crate::params::Params;
use crate::scenario::{Scenario, World};
use crate::state::StateCode;
use crate::treaty::{Determination, ObligationKind, Situation, determine};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What kind of decision an event calls for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Mode {
    /// A crisis with no formal request in the scenario: the member concerned
    /// decides whether to ask; a conflict between members goes to mediation.
    Crisis {
        ask_det: Box<Determination>,
        /// The organ takes the matter up unasked — the view the members and
        /// the council hear instead of the crisis: a conflict between members
        /// goes to mediation (a call on both parties, against no one); a
        /// seizure of power goes before the organ where an instrument lets it
        /// act on its own initiative (up to a mission: forces need a
        /// recognised government's request); a crisis in a non-member the
        /// treaty covers (a designated state) goes before it as consultations.
        own_motion: Option<Box<Crisis>>,
        /// What the organ hears when the member concerned does not ask for
        /// help: the same crisis asking only for consultations, or, where
        /// `taken_up`, the crisis taken up on the organ's own initiative.
        consult: Box<Crisis>,
        /// Where an instrument lets the organ take unrest up unasked
        /// (`treaty::Rule::OwnInitiative`), a member that asks for
        /// consultations or for nothing still has the organ sit on it, up to a
        /// mission (forces need a recognised government's request, as for a
        /// seizure): `consult` is that view, heard in both branches.
        taken_up: bool,
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

/// One step of a plan (an event may give two: a commitment, then a decision).
#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// Personnel committed elsewhere (a war, a capability shock).
    Commit { state: StateCode, personnel: f64 },
    /// A decision: the treaty's determination, the crisis as the members see
    /// it, and what kind of decision it is; its branches are `protocol`'s.
    Decide {
        det: Box<Determination>,
        crisis: Crisis,
        mode: Mode,
    },
    /// A summit: engaged members sign or not.
    Summit,
    /// An exercise: members take part or not; the host, if one is named, may
    /// cancel (the horizon's yearly exercise names none).
    Exercise { host: Option<StateCode> },
    /// A deterministic change of the run's memory.
    Apply(Change),
    /// Nothing the run remembers.
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
pub(super) fn apply(step: &Step, memory: &mut Memory, date: Date, params: &Params) -> bool {
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
pub(crate) fn notice_months(alliance: &crate::alliance::Alliance, date: Date) -> u32 {
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
    /// The world with the scenario's overrides applied; shared, because a
    /// calibration re-plays one case under many parameter vectors.
    pub world: Arc<World>,
    /// The scenario, its steps and prior asks are shared between a plan and
    /// its reparametrised copies (calibration replays each plan under every
    /// parameter vector it tries: no copy of the timeline per evaluation).
    pub scenario: Arc<Scenario>,
    pub params: Params,
    /// Each step with the index of the event it comes from.
    pub(super) steps: Arc<Vec<(usize, Step)>>,
    /// For each formal request in the scenario (by event index): the crisis step
    /// the requester faced before it asked. The request is itself an observation
    /// of the requester's choice, which `exact` scores against the ask decision.
    prior_asks: Arc<BTreeMap<usize, Step>>,
    /// The leading power's share of the members' military spending in the
    /// year of the first event (0 without a leading power or spending data):
    /// its weight when it answers for the alliance. Read by every answered
    /// request, so computed once.
    pub(super) leader_weight: f64,
    /// The deciding organ's rule, read at every sitting.
    council_rule: crate::alliance::DecisionRule,
}

/// The decision step of a crisis that no formal request in the scenario answers:
/// the member concerned may ask (unless its rulers seized power); a conflict
/// between members goes to mediation, a seizure of power before the organ
/// where it may act on its own initiative.
pub(crate) fn crisis_step(
    alliance: &crate::alliance::Alliance,
    states: &BTreeMap<StateCode, crate::state::State>,
    ev: &crate::event::Event,
) -> Result<Option<Step>, AnalysisError> {
    let det = determine(
        alliance,
        states,
        Situation {
            date: ev.date,
            crisis: &ev.kind,
            request: None,
        },
    )?;
    crisis_step_on(alliance, states, ev, det)
}

/// [`crisis_step`] given the treaty's determination of the crisis as it stands.
fn crisis_step_on(
    alliance: &crate::alliance::Alliance,
    states: &BTreeMap<StateCode, crate::state::State>,
    ev: &crate::event::Event,
    det: Determination,
) -> Result<Option<Step>, AnalysisError> {
    let k = &ev.kind;
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
    let own_motion = if det.has(ObligationKind::PeacefulSettlement) {
        Some(Box::new(Crisis {
            adversary: None,
            asks: Ask::PoliticalSupport,
            ..crisis.clone()
        }))
    } else if crisis.seizure && det.has(ObligationKind::OwnInitiative) {
        // Taken up unasked, a seizure gets what an organ can do without the
        // consent of a recognised government: mediation, envoys, sanctions —
        // up to a mission. Forces came on a recognised government's request:
        // "all the interventions under discussion were underpinned by the
        // consent of the recognized government" ('The Evolving Role of
        // ECOWAS and the SADC in Peace Operations', Leiden Journal of
        // International Law, online 2 Dec 2013, abstract:
        // https://core-prod.cambridgecore.org/core/journals/leiden-journal-of-international-law/article/evolving-role-of-ecowas-and-the-sadc-in-peace-operations-a-challenge-to-the-primacy-of-the-united-nations-security-council-in-matters-of-peace-and-security/DE81E5D2853EE804FA4A2FC90451F8D3),
        // which a scenario writes as a `request`.
        Some(Box::new(Crisis {
            asks: Ask::Assistance,
            ..crisis.clone()
        }))
    } else if !alliance.is_member(&crisis.requester, ev.date)
        && det
            .obligations
            .iter()
            .any(|o| o.owed_to.as_deref() == Some(&crisis.requester))
    {
        // A state the treaty covers without making it a member (SEATO's
        // Protocol states) is not one of the askers the model knows: the
        // members consult on its crisis unasked, as the text has them do "if,
        // in the opinion of any of the Parties", its integrity or independence
        // is threatened (SEATO Art. IV(2)); more than consultations needs its
        // government's invitation (Art. IV(3)), which a scenario writes as a
        // `request`.
        Some(Box::new(consultations(&crisis)))
    } else {
        None
    };
    // A member that does not ask for help may still find the organ sitting on
    // its unrest, on the organ's initiative: up to a mission, for the reason
    // given for a seizure.
    let taken_up = own_motion.is_none() && det.has(ObligationKind::OwnInitiative);
    let consult = if taken_up {
        Crisis {
            asks: Ask::Assistance,
            ..crisis.clone()
        }
    } else {
        consultations(&crisis)
    };
    Ok(Some(Step::Decide {
        det: Box::new(det),
        mode: Mode::Crisis {
            ask_det: Box::new(ask_det),
            own_motion,
            consult: Box::new(consult),
            taken_up,
            turned_to: None,
        },
        crisis,
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
        let world = Arc::new(world.with_overrides(&scenario.overrides));
        let alliance = world
            .alliances
            .get(&scenario.alliance)
            .ok_or_else(|| AnalysisError::UnknownAlliance(scenario.alliance.clone()))?;
        // The treaty pass `run` prints, once; a step takes the determination of its event.
        let dets = crate::analysis::determinations(&world, alliance, scenario)?;
        let det_of = |i: usize| {
            dets[i]
                .clone()
                .expect("the treaty pass determines every alliance event")
        };
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
                        let Some(mut step) =
                            crisis_step_on(alliance, &world.states, ev, det_of(ev_idx))?
                        else {
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
                    // The treaty pass has found the crisis (or failed on it).
                    let Some(cev_idx) = scenario
                        .events
                        .iter()
                        .position(|e| &e.id == cid && e.kind.is_crisis())
                    else {
                        return Err(AnalysisError::UnknownCrisis {
                            request: ev.id.clone(),
                            crisis: cid.clone(),
                        });
                    };
                    let cev = &scenario.events[cev_idx];
                    let det = det_of(ev_idx);
                    match Crisis::from_events(&cev.kind, Some(&ev.kind)) {
                        Some(crisis) => {
                            if crisis.formal
                                && let Some(step) =
                                    crisis_step_on(alliance, &world.states, cev, det_of(cev_idx))?
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
                EventKind::Exercise { host, .. } => Step::Exercise {
                    host: Some(host.clone()),
                },
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
        let council_rule = alliance
            .organ(&alliance.deciding_organ)
            .map(|o| o.rule.clone())
            .unwrap_or(crate::alliance::DecisionRule::Consensus {
                limited_format: false,
            });
        let leader_weight = leader_weight(&world, alliance, scenario);
        Ok(Plan {
            scenario: Arc::new(scenario.clone()),
            params: params.clone(),
            steps: Arc::new(steps),
            prior_asks: Arc::new(prior_asks),
            leader_weight,
            council_rule,
            world,
        })
    }

    /// The same plan under other parameters. Nothing a plan prepares (the
    /// overridden world, the treaty pass, the steps) reads the parameters, so
    /// this skips all of it: the calibration's objective re-plays each case
    /// under thousands of parameter vectors.
    pub fn reparametrised(&self, params: &Params) -> Plan {
        Plan {
            world: Arc::clone(&self.world),
            scenario: Arc::clone(&self.scenario),
            params: params.clone(),
            steps: Arc::clone(&self.steps),
            prior_asks: Arc::clone(&self.prior_asks),
            leader_weight: self.leader_weight,
            council_rule: self.council_rule.clone(),
        }
    }

    /// The requester's ask decision before the formal request at event `ev`
    /// (help, consultations, bilateral partner, nothing), given `memory`; `None`
    /// if `ev` is not a formal request or the requester could not ask.
    pub(super) fn ask_before(&self, ev: usize, date: Date, memory: &Memory) -> Option<AskDecision> {
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
                    own_motion: Some(view),
                    ..
                } => asked_rung(view.asks),
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
    pub fn facts<'a>(&'a self, date: Date, memory: &'a Memory) -> Facts<'a> {
        Facts::new(&self.world, self.alliance(), date, memory, &self.params)
    }

    pub(crate) fn alliance(&self) -> &crate::alliance::Alliance {
        &self.world.alliances[&self.scenario.alliance]
    }

    /// The deciding organ's rule (consensus without a limited format if the
    /// alliance names no organ).
    pub(super) fn council_rule(&self) -> &crate::alliance::DecisionRule {
        &self.council_rule
    }
}

/// The leading power's share of the alliance's military spending in the year
/// of the scenario's first event (its weight).
fn leader_weight(world: &World, alliance: &crate::alliance::Alliance, scenario: &Scenario) -> f64 {
    let (Some(leader), Some(first)) = (
        alliance.leading_power.as_deref(),
        scenario.events.first().map(|e| e.date),
    ) else {
        return 0.0;
    };
    let spend = |s: &str| {
        world
            .states
            .get(s)
            .and_then(|st| st.defence_spending_usd.value_at(first.year))
            .unwrap_or(0.0)
    };
    let total: f64 = alliance.members_on(first).iter().map(|m| spend(m)).sum();
    if total > 0.0 {
        spend(leader) / total
    } else {
        0.0
    }
}

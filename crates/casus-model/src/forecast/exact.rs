//! Exact enumeration: the timeline as a tree whose branches are the branches
//! of each step's protocol, each council's outcome distribution in closed
//! form. This is the likelihood calibration maximises.

use super::memory::answered;
use super::plan::{Plan, Step, apply};
use super::protocol::{Decisions, Hearing, Sequel, chair_in, leader_in, protocol};
use crate::council;
use crate::decision::AskDecision;
use crate::dynamics::{Memory, Outcome};
use crate::state::StateCode;
use serde::Serialize;
use std::collections::BTreeMap;

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
            Step::Decide { crisis, .. } => {
                let date = plan.scenario.events[ev].date;
                let d = plan.decisions(step, date, &memory);
                let event_id = &plan.scenario.events[ev].id;
                if let Some(a) = plan.ask_before(ev, date, &memory) {
                    add_ask_choice(&mut out[ev], weight, &a);
                }
                let Some(protocol) = protocol(step, &d) else {
                    continue;
                };
                if let Some(a) = protocol.scored {
                    add_ask_choice(&mut out[ev], weight, a);
                }
                let rule = plan.council_rule();
                let mut branches: Vec<Branch> = Vec::new();
                // Summed in a fixed order: no request, consultations, help.
                for (p, sequel) in protocol.branches().rev() {
                    match sequel {
                        Sequel::Informal => branches.push((p, Outcome::None, None)),
                        Sequel::Unasked { secretariat } => {
                            let spoke = secretariat.unwrap_or(0.0);
                            branches.push((p * (1.0 - spoke), Outcome::None, None));
                            branches.push((p * spoke, Outcome::Statement, None));
                        }
                        Sequel::Sitting(h) => {
                            let dist = hear(plan, rule, &d, &h);
                            let update = h.answers.map(|a| (a.asked, a.owed(&crisis.requester)));
                            for o in Outcome::ALL {
                                branches.push((p * dist[o.rung()], o, update));
                            }
                        }
                    }
                }
                let p_request = protocol.p_request;
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
                        answered(plan, &mut m, &crisis.requester, event_id, asked, o, owed);
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

/// The council's exact outcome distribution at a sitting.
/// Where the sitting's mood varies, the mixture over its moods of the
/// council's distribution under each mood's stances.
fn hear(plan: &Plan, rule: &crate::alliance::DecisionRule, d: &Decisions, h: &Hearing) -> [f64; 4] {
    let voters = h.voters.of(d);
    let council = |probabilities: &[[f64; 4]], following: Option<&crate::decision::Following>| {
        let members: Vec<council::Member> = voters
            .iter()
            .zip(probabilities)
            .map(|(m, p)| council::Member {
                p: *p,
                troops: if h.voters.with_troops() {
                    m.contribution
                } else {
                    0.0
                },
            })
            .collect();
        council::outcome_distribution(
            rule,
            h.det,
            h.view,
            &members,
            h.required,
            plan.params.quorum,
            chair_in(voters, d),
            leader_in(voters, d),
            following,
        )
    };
    let moods = h.voters.moods(d);
    if moods.is_empty() {
        let own: Vec<[f64; 4]> = voters.iter().map(|m| m.probabilities).collect();
        return council(&own, h.voters.following(d));
    }
    let mut dist = [0.0; 4];
    for mood in moods {
        let q = council(&mood.probabilities, mood.following.as_ref());
        for (x, y) in dist.iter_mut().zip(q) {
            *x += mood.weight * y;
        }
    }
    dist
}

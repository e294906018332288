//! The protocol of a decision step, written once. For an event it says who
//! decides on what ([`Plan::decisions`]: the members on the view each sitting
//! hears, the member concerned on whether to ask, the secretariat on speaking
//! unasked) and lists the branches that follow ([`protocol`]): the asker's
//! choice — ask for help, ask for consultations, ask nothing — each with its
//! probability and its sequel: the council sitting that hears it (on which
//! determination and view, heard by whom, against what required force), the
//! secretariat speaking unasked, or no council at all; and the memory update
//! an answered request implies. Sampling (`super::sample`) draws a branch; the
//! exact enumerator (`super::exact`) sums over them.

use super::plan::{Mode, Plan, Step};
use crate::Date;
use crate::council::asked_rung;
use crate::decision::{
    self, AskDecision, Crisis, Engagement, Following, MemberDecision, Mood, SecretariatCall,
};
use crate::dynamics::{Memory, Outcome};
use crate::event::Ask;
use crate::state::StateCode;
use crate::treaty::Determination;
use serde::Serialize;

/// The decisions at one event given one memory: computed once, reused.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decisions {
    pub ask: Option<AskDecision>,
    /// Whether the secretariat speaks if the member asks the alliance for nothing.
    pub secretariat: Option<SecretariatCall>,
    /// The bilateral partner the scenario has the member turn to (its choice is given).
    pub turned_to: Option<StateCode>,
    pub members: Vec<MemberDecision>,
    /// The others' stances given each stance the leading power takes, where
    /// they follow it (`follow_leader` ≠ 0): sampling draws the leader first,
    /// the exact council sums over its stances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub following: Option<Following>,
    /// The members' stances in each of the sitting's moods, where it varies
    /// (`mood` ≠ 0): sampling draws the mood first, the exact council sums
    /// over the moods. Empty: one mood, the stances above.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moods: Vec<Mood>,
    /// Members' stances if the member concerned asks only for consultations.
    pub members_consult: Vec<MemberDecision>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub following_consult: Option<Following>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moods_consult: Vec<Mood>,
    pub signs: Vec<Engagement>,
    pub required_force: f64,
    /// The chair on the date: it tables (or not) what the council adopts.
    pub chair: Option<StateCode>,
    /// The leading power: it drafts what is put to the vote (`council::agenda_cap`).
    pub leader: Option<StateCode>,
}

impl Plan {
    /// The decisions at a step given `memory`: the members decide on the view
    /// of the step's main sitting, and on consultations where the member
    /// concerned may ask only for them; the member concerned decides whether
    /// to ask; the secretariat whether to speak unasked.
    pub(crate) fn decisions(&self, step: &Step, date: Date, memory: &Memory) -> Decisions {
        let facts = self.facts(date, memory);
        match step {
            Step::Decide { det, crisis, mode } => {
                let (heard_det, heard) = heard(step).expect("a decision step is heard");
                let mut members_consult = Vec::new();
                let mut following_consult = None;
                let mut moods_consult = Vec::new();
                let mut secretariat = None;
                let mut ask = None;
                let mut turned_to = None;
                if let Mode::Crisis {
                    ask_det,
                    own_motion,
                    consult,
                    turned_to: scripted,
                    ..
                } = mode
                {
                    turned_to = scripted.clone();
                    let member = self.alliance().is_participating(&crisis.requester, date);
                    // Those who seized power do not ask the alliance to act against them.
                    ask = (member && !crisis.seizure)
                        .then(|| decision::decide_ask(&facts, ask_det, det, crisis));
                    if member && own_motion.is_none() {
                        (members_consult, following_consult, moods_consult) =
                            decision::decide_all_following(&facts, det, consult);
                        // A call for a ceasefire or for restraint needs a state to
                        // call on (an attacker or a threatening state); a non-state
                        // group's attack can be condemned. Nothing on unrest.
                        if self.alliance().secretariat.is_some()
                            && (crisis.adversary.is_some() || crisis.non_state)
                        {
                            secretariat = Some(decision::secretariat_call(&facts, crisis));
                        }
                    }
                }
                let (members, following, moods) =
                    decision::decide_all_following(&facts, heard_det, heard);
                Decisions {
                    ask,
                    secretariat,
                    turned_to,
                    members,
                    following,
                    moods,
                    members_consult,
                    following_consult,
                    moods_consult,
                    signs: vec![],
                    required_force: facts.required_force(heard),
                    chair: self.alliance().chair_on(date).map(|c| c.state.clone()),
                    leader: self.alliance().leading_power.clone(),
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
                    signs,
                    ..Decisions::none()
                }
            }
            _ => Decisions::none(),
        }
    }
}

impl Decisions {
    /// No one decides anything.
    fn none() -> Decisions {
        Decisions {
            ask: None,
            secretariat: None,
            turned_to: None,
            members: vec![],
            following: None,
            moods: vec![],
            members_consult: vec![],
            following_consult: None,
            moods_consult: vec![],
            signs: vec![],
            required_force: 0.0,
            chair: None,
            leader: None,
        }
    }
}

/// The main sitting of a decision step: the determination and the view the
/// members decide on and the council hears when the member concerned asks for
/// help (or the request is formal, or the conflict goes to mediation).
fn heard(step: &Step) -> Option<(&Determination, &Crisis)> {
    let Step::Decide { det, crisis, mode } = step else {
        return None;
    };
    Some(match mode {
        Mode::Council | Mode::Informal => (det, crisis),
        Mode::Crisis {
            own_motion: Some(view),
            ..
        } => (det, view),
        Mode::Crisis { ask_det, .. } => (ask_det, crisis),
    })
}

/// The asker's choices, in the order the sampler draws them.
pub(crate) const HELP: usize = 0;
pub(crate) const CONSULT: usize = 1;
pub(crate) const NOTHING: usize = 2;

/// Whose stances a sitting hears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Voters {
    /// The members' decisions on the main view (`Decisions::members`).
    Members,
    /// Their decisions on consultations (`Decisions::members_consult`):
    /// consultations send no forces.
    Consult,
}

impl Voters {
    pub(crate) fn of(self, d: &Decisions) -> &[MemberDecision] {
        match self {
            Voters::Members => &d.members,
            Voters::Consult => &d.members_consult,
        }
    }

    /// How the voters' stances follow the leading power's, if they do.
    pub(crate) fn following(self, d: &Decisions) -> Option<&Following> {
        match self {
            Voters::Members => d.following.as_ref(),
            Voters::Consult => d.following_consult.as_ref(),
        }
    }

    /// The voters' stances in each mood of the sitting (empty: one mood).
    pub(crate) fn moods(self, d: &Decisions) -> &[Mood] {
        match self {
            Voters::Members => &d.moods,
            Voters::Consult => &d.moods_consult,
        }
    }

    /// Whether a member choosing forces brings its troops.
    pub(crate) fn with_troops(self) -> bool {
        self == Voters::Members
    }
}

/// A request the council's result answers: the rung asked for and the
/// determination that says what the requester is owed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Answer<'a> {
    pub asked: Outcome,
    pub det: &'a Determination,
}

impl Answer<'_> {
    /// The obligation's strength toward `requester` (0–1).
    pub(crate) fn owed(&self, requester: &str) -> f64 {
        decision::obligation_strength(self.det, requester)
    }
}

/// A council sitting: what it hears, heard by whom, and what it answers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hearing<'a> {
    pub det: &'a Determination,
    pub view: &'a Crisis,
    pub voters: Voters,
    pub required: f64,
    /// `None`: it answers no one's request (mediation), so memory does not change.
    pub answers: Option<Answer<'a>>,
}

/// What follows the asker's choice.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Sequel<'a> {
    /// The council sits.
    Sitting(Hearing<'a>),
    /// The alliance is not asked; the secretariat, if it may, speaks unasked
    /// with this probability: a statement that answers no request.
    Unasked { secretariat: Option<f64> },
    /// An informal wish: members state their stances; no council decides.
    Informal,
}

/// What follows each choice.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Sequels<'a> {
    /// The same sequel whatever the choice (probability 1).
    One(Sequel<'a>),
    /// The sequel of help, consultations, nothing.
    ByChoice([Sequel<'a>; 3]),
}

/// The branches of a decision step's protocol.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Protocol<'a> {
    /// P(help, consultations, nothing) where the model draws the asker's choice.
    pub choice: Option<[f64; 3]>,
    /// The choice where it is not drawn: a formal request is help asked for;
    /// in a crisis the alliance is then asked nothing.
    pub given: usize,
    /// Whether each choice counts as having asked the alliance.
    pub asks: [bool; 3],
    pub sequels: Sequels<'a>,
    /// P(the member concerned asks the alliance), where the model decides it.
    pub p_request: Option<f64>,
    /// A choice the scenario gives (a bilateral request) that is scored as an ask.
    pub scored: Option<&'a AskDecision>,
}

impl<'a> Protocol<'a> {
    /// Whether the record says the member concerned asked or not: where the
    /// model draws its choice, a request or a bilateral turn fixes it. A
    /// crisis that no one in the alliance can ask about (a non-member's, a
    /// seizure of power's) has no asker whose choice there is to count.
    pub(crate) fn asker_decides(&self) -> bool {
        self.choice.is_some() || self.scored.is_some() || self.given != NOTHING
    }

    /// The sequel of `choice`.
    pub(crate) fn sequel(&self, choice: usize) -> Sequel<'a> {
        match self.sequels {
            Sequels::One(s) => s,
            Sequels::ByChoice(s) => s[choice],
        }
    }

    /// Each branch with its probability (help, consultations, nothing; one
    /// branch of probability 1 where the choice changes nothing).
    pub(crate) fn branches(&self) -> impl DoubleEndedIterator<Item = (f64, Sequel<'a>)> + '_ {
        let p = self.choice.unwrap_or_else(|| {
            let mut p = [0.0; 3];
            p[self.given] = 1.0;
            p
        });
        let n = match self.sequels {
            Sequels::One(_) => 1,
            Sequels::ByChoice(_) => 3,
        };
        (0..n).map(move |c| {
            let q = if n == 1 { 1.0 } else { p[c] };
            (q, self.sequel(c))
        })
    }
}

/// The protocol of decision step `step` under decisions `d`; `None` for a step
/// that is not a council decision (a summit, an exercise, a change of memory).
pub(crate) fn protocol<'a>(step: &'a Step, d: &'a Decisions) -> Option<Protocol<'a>> {
    let (heard_det, heard) = heard(step)?;
    let Step::Decide { det, crisis, mode } = step else {
        return None;
    };
    let main = |required: f64, answers: Option<Answer<'a>>| {
        Sequel::Sitting(Hearing {
            det: heard_det,
            view: heard,
            voters: Voters::Members,
            required,
            answers,
        })
    };
    Some(match mode {
        Mode::Council => Protocol {
            choice: None,
            given: HELP,
            asks: [true; 3],
            sequels: Sequels::One(main(
                d.required_force,
                Some(Answer {
                    asked: asked_rung(crisis.asks),
                    det,
                }),
            )),
            p_request: None,
            scored: None,
        },
        Mode::Informal => Protocol {
            choice: None,
            given: NOTHING,
            asks: [false; 3],
            sequels: Sequels::One(Sequel::Informal),
            p_request: None,
            scored: None,
        },
        Mode::Crisis {
            ask_det,
            own_motion,
            consult,
            taken_up,
            turned_to,
        } => {
            // A scripted bilateral request fixes the choice: the alliance is not
            // asked; the choice itself is scored like an ask.
            let choice = match (&d.ask, turned_to) {
                (Some(a), None) => Some([a.p_ask, a.p_consult, 1.0 - a.p_ask - a.p_consult]),
                _ => None,
            };
            let (p_ask, p_consult) = choice.map_or((0.0, 0.0), |p| (p[HELP], p[CONSULT]));
            let scored = match (&d.ask, turned_to) {
                (Some(a), Some(_)) => Some(a),
                _ => None,
            };
            let p_request = d.ask.as_ref().map(|_| p_ask + p_consult);
            if own_motion.is_some() {
                // The organ acting unasked answers no one's request: a call on
                // both parties to a conflict between members, whatever the
                // member concerned asked; a seizure of power taken up on the
                // organ's own initiative.
                Protocol {
                    choice,
                    given: NOTHING,
                    asks: [true, true, false],
                    sequels: Sequels::One(main(d.required_force, None)),
                    p_request,
                    scored,
                }
            } else {
                Protocol {
                    choice,
                    given: NOTHING,
                    asks: [true, true, false],
                    sequels: Sequels::ByChoice([
                        main(
                            d.required_force,
                            Some(Answer {
                                asked: Outcome::Deployment,
                                det: ask_det,
                            }),
                        ),
                        Sequel::Sitting(Hearing {
                            det,
                            view: consult,
                            voters: Voters::Consult,
                            required: 0.0,
                            answers: Some(Answer {
                                asked: Outcome::Statement,
                                det,
                            }),
                        }),
                        if *taken_up {
                            // Unasked, the organ takes the unrest up itself:
                            // it answers no one's request.
                            Sequel::Sitting(Hearing {
                                det,
                                view: consult,
                                voters: Voters::Consult,
                                required: 0.0,
                                answers: None,
                            })
                        } else {
                            Sequel::Unasked {
                                secretariat: d.secretariat.as_ref().map(|s| s.p),
                            }
                        },
                    ]),
                    p_request,
                    scored,
                }
            }
        }
    })
}

/// Where the leading power sits among `members`, if it is one of the deciders
/// (not when it is the requester).
pub(crate) fn leader_in(members: &[MemberDecision], d: &Decisions) -> Option<usize> {
    let leader = d.leader.as_deref()?;
    members.iter().position(|m| m.state == leader)
}

/// Where the chair sits among `members`, if it is one of the deciders.
pub(crate) fn chair_in(members: &[MemberDecision], d: &Decisions) -> Option<usize> {
    let chair = d.chair.as_deref()?;
    members.iter().position(|m| m.state == chair)
}

/// The same crisis, asking only for consultations.
pub(crate) fn consultations(crisis: &Crisis) -> Crisis {
    Crisis {
        asks: Ask::Consultations,
        ..crisis.clone()
    }
}

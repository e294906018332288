//! Sampling: one replication walks the plan's steps with its own random
//! stream; at every decision it draws a branch of the step's protocol.

use super::memory::{Cache, answered, memory_key};
use super::plan::{Plan, Step, apply};
use super::protocol::{Decisions, Hearing, Sequel, Voters, protocol};
use crate::council::{self, CouncilResult};
use crate::decision::Stance;
use crate::dynamics::{Memory, Outcome};
use crate::state::StateCode;
use rand_core::Rng;
use rand_pcg::Pcg64;

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
    fn decided(
        res: CouncilResult,
        asked: Option<bool>,
        stances: Vec<(StateCode, Stance, f64)>,
    ) -> Draw {
        Draw {
            outcome: Some(res.outcome),
            asked,
            stances,
            council: Some(res),
            ..Draw::default()
        }
    }

    /// Nothing reached the council (no request, or an informal wish).
    fn undecided(asked: Option<bool>, stances: Vec<(StateCode, Stance, f64)>) -> Draw {
        Draw {
            outcome: Some(Outcome::None),
            asked,
            stances,
            ..Draw::default()
        }
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
    let memory = walk_course(
        plan,
        Memory::default(),
        rng,
        chooser,
        cache,
        |ev, _, draw| draws[ev] = Some(draw),
    );
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

/// Walk the timeline once from `memory`: deterministic steps change memory,
/// decision steps are decided (their decisions cached per memory) and played;
/// `visit` sees each decision event's decisions and draw. Returns the final memory.
pub(super) fn walk_course(
    plan: &Plan,
    mut memory: Memory,
    rng: &mut Pcg64,
    chooser: Chooser,
    cache: &mut Cache,
    mut visit: impl FnMut(usize, &std::sync::Arc<Decisions>, Draw),
) -> Memory {
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
            .decisions
            .entry(key)
            .or_insert_with(|| std::sync::Arc::new(plan.decisions(step, event.date, &memory)))
            .clone();
        let draw = play(plan, step, &event.id, &d, &mut memory, rng, &mut choose);
        visit(*ev, &d, draw);
    }
    memory
}

/// Play one decision step: draw the members' stances, the asker's choice
/// among the protocol's branches, and the branch's sequel; memory follows the
/// answer. The draws come in a fixed order — stances on the main view, the
/// choice, then stances on consultations or the secretariat's call — so that a
/// seed replays the same course.
pub(crate) fn play(
    plan: &Plan,
    step: &Step,
    event_id: &str,
    d: &Decisions,
    memory: &mut Memory,
    rng: &mut Pcg64,
    choose: &mut impl FnMut(&[f64], &mut Pcg64) -> usize,
) -> Draw {
    if let Step::Summit | Step::Exercise { .. } = step {
        // Each engaged member signs / takes part with its engagement probability.
        let engaged: Vec<(StateCode, bool)> = d
            .signs
            .iter()
            .map(|s| (s.state.clone(), choose(&[s.p, 1.0 - s.p], rng) == 0))
            .collect();
        return match step {
            Step::Exercise { host } => Draw {
                cancelled: host
                    .as_ref()
                    .map(|h| !engaged.iter().any(|(m, took)| m == h && *took)),
                participated: engaged,
                ..Draw::default()
            },
            _ => Draw {
                signed: engaged,
                ..Draw::default()
            },
        };
    }
    let Some(protocol) = protocol(step, d) else {
        return Draw::default();
    };
    let mut stances = draw_stances(Voters::Members, d, rng, choose);
    let choice = match &protocol.choice {
        Some(p) => choose(p, rng),
        None => protocol.given,
    };
    let asked = protocol.asker_decides().then(|| protocol.asks[choice]);
    match protocol.sequel(choice) {
        Sequel::Informal => Draw::undecided(asked, stances),
        Sequel::Unasked { secretariat } => {
            let spoke = secretariat.is_some_and(|p| choose(&[p, 1.0 - p], rng) == 0);
            Draw {
                outcome: Some(if spoke {
                    Outcome::Statement
                } else {
                    Outcome::None
                }),
                ..Draw::undecided(asked, vec![])
            }
        }
        Sequel::Sitting(h) => {
            if h.voters != Voters::Members {
                stances = draw_stances(h.voters, d, rng, choose);
            }
            let res = hear(plan, d, &h, &stances);
            if let Some(a) = &h.answers {
                let requester = &h.view.requester;
                let owed = a.owed(requester);
                answered(
                    plan,
                    memory,
                    requester,
                    event_id,
                    a.asked,
                    res.outcome,
                    owed,
                );
            }
            Draw::decided(res, asked, stances)
        }
    }
}

/// Each voter's stance drawn from its probabilities, with its troops if it
/// chooses forces and the sitting counts them. Where the others follow the
/// leading power, its stance is drawn first and theirs from the probabilities
/// given it (the leader decides first among the voters, so the order of the
/// draws is the voters' order either way).
fn draw_stances(
    voters: Voters,
    d: &Decisions,
    rng: &mut Pcg64,
    choose: &mut impl FnMut(&[f64], &mut Pcg64) -> usize,
) -> Vec<(StateCode, Stance, f64)> {
    // Where the sitting's mood varies, it is drawn first (one draw more per
    // sitting; none where it does not, so the stream is as before).
    let moods = voters.moods(d);
    let mood = (!moods.is_empty()).then(|| {
        let weights: Vec<f64> = moods.iter().map(|m| m.weight).collect();
        &moods[choose(&weights, rng)]
    });
    let following = match mood {
        Some(m) => m.following.as_ref(),
        None => voters.following(d),
    };
    let mut leader_stance: Option<usize> = None;
    voters
        .of(d)
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let probs: &[f64; 4] = match (following, leader_stance, mood) {
                (Some(f), Some(k), _) if i != f.leader => &f.given[k][i],
                (_, _, Some(mood)) => &mood.probabilities[i],
                _ => &m.probabilities,
            };
            let k = choose(probs, rng);
            if following.is_some_and(|f| f.leader == i) {
                leader_stance = Some(k);
            }
            let s = Stance::ALL[k];
            let troops = if s == Stance::Forces && voters.with_troops() {
                m.contribution
            } else {
                0.0
            };
            (m.state.clone(), s, troops)
        })
        .collect()
}

/// The council's result at a sitting, given the stances drawn.
fn hear(
    plan: &Plan,
    d: &Decisions,
    h: &Hearing,
    stances: &[(StateCode, Stance, f64)],
) -> CouncilResult {
    let refs: Vec<(&str, Stance, f64)> = stances
        .iter()
        .map(|(m, s, t)| (m.as_str(), *s, *t))
        .collect();
    council::decide(
        plan.council_rule(),
        h.det,
        h.view,
        &refs,
        h.required,
        &plan.params,
        d.chair.as_deref(),
        d.leader.as_deref(),
    )
}

/// The modal course: at every decision the most likely choice, with the
/// decisions (terms, utilities, probabilities) seen along the way.
pub fn modal_course(plan: &Plan) -> Vec<(usize, Decisions, Draw)> {
    let mut out = Vec::new();
    walk_course(
        plan,
        Memory::default(),
        &mut stream(0, 0),
        Chooser::Modal,
        &mut Cache::new(),
        |ev, d, draw| out.push((ev, d.as_ref().clone(), draw)),
    );
    out
}

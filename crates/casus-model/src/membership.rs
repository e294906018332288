//! The membership history as observations of the yearly decisions the
//! horizon draws. Each year a member is at risk it was either engaged (it
//! could freeze, or leave outright) or frozen (it could give notice); what it
//! did is the observation, and the model's yearly hazard for it
//! (`lifetime::member_year`) is the prediction. The leading power's years are
//! kept apart: its decision is deterministic (`lifetime::leader_decision`).
//!
//! Why an exact likelihood: given the facts of a year, each hazard is a
//! logistic function of the parameters, so the log-likelihood of the history
//! is a sum of Bernoulli terms with an analytic gradient — the fit needs no
//! simulation. Memory is what the history shows (other members' freezes, new
//! outside partners); trust and grievances start where a run starts them.

use crate::Date;
use crate::alliance::Alliance;
use crate::decision::Facts;
use crate::dynamics::{Memory, Status};
use crate::lifetime;
use crate::params::Params;
use crate::scenario::World;
use crate::state::{RelationKind, StateCode};
use serde::{Deserialize, Serialize};

/// What kind of decision (or non-decision) an entry of the history records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    Freeze,
    Notice,
    RefusalToRenew,
    Dissolution,
    StateEnded,
    CouncilSuspension,
}

impl HistoryKind {
    /// A decision to leave.
    pub fn exits(self) -> bool {
        matches!(self, HistoryKind::Notice | HistoryKind::RefusalToRenew)
    }
}

/// One dated, sourced entry of the membership history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEvent {
    pub alliance: String,
    /// The member (the alliance's id for a dissolution).
    pub state: StateCode,
    pub kind: HistoryKind,
    pub date: Date,
    /// A decision that never took effect (Hungary 1956).
    #[serde(default)]
    pub undone: bool,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The membership history (`data/membership-history.toml`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    pub format: u32,
    /// The last day the history is complete for.
    pub observed_until: Date,
    pub events: Vec<HistoryEvent>,
}

impl History {
    /// The alliance's dissolution, if the history records one.
    pub fn dissolution(&self, alliance: &str) -> Option<Date> {
        self.events
            .iter()
            .find(|e| e.alliance == alliance && e.kind == HistoryKind::Dissolution)
            .map(|e| e.date)
    }

    fn of<'a>(
        &'a self,
        alliance: &'a str,
        state: &'a str,
    ) -> impl Iterator<Item = &'a HistoryEvent> {
        self.events
            .iter()
            .filter(move |e| e.alliance == alliance && e.state == state)
    }
}

/// Where a member stood at the start of a year it was at risk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Engaged,
    Frozen,
    /// The leading power (its decision is not a draw).
    Leader,
}

/// One member-year: where the member stood, what the model's terms were,
/// and whether it took the step open to it (froze or left from engaged, gave
/// notice when frozen, left when leader).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Observation {
    pub alliance: String,
    pub state: StateCode,
    pub year: i32,
    pub standing: Standing,
    pub event: bool,
    /// The engagement terms (before their weights).
    pub leader_wish: f64,
    pub cohesion: f64,
    pub ties: f64,
    pub trust: f64,
    pub grievance: f64,
    /// The war terms (0 while the leader's credibility is 1, as throughout the history).
    pub hedge: f64,
    pub threat: f64,
    /// The leader's decision, for the leader's years.
    pub leader_stays: Option<bool>,
}

/// New outside security partners of `state` on `date`: partnerships and
/// defence treaties with non-members of `alliance` concluded after it joined.
fn outside_ties(world: &World, alliance: &Alliance, state: &str, joined: Date, date: Date) -> u32 {
    world
        .relations
        .iter()
        .filter(|r| {
            matches!(
                r.kind,
                RelationKind::Partnership | RelationKind::DefenceTreaty
            )
        })
        .filter(|r| r.in_force(date) && r.from > joined)
        .filter(|r| {
            let other = if r.parties[0] == state {
                &r.parties[1]
            } else if r.parties[1] == state {
                &r.parties[0]
            } else {
                return false;
            };
            !alliance.is_member(other, date)
        })
        .count() as u32
}

fn jan1(year: i32) -> Date {
    Date::new(year, 1, 1).expect("valid date")
}

/// The member-year observations of every alliance the history covers (every
/// alliance of the world, from each member's first full year to the year
/// before the alliance's dissolution, or to `observed_until`). In the year of
/// a dissolution only the members that decided to leave before it count.
pub fn observations(world: &World, history: &History, params: &Params) -> Vec<Observation> {
    let mut out = Vec::new();
    for (id, alliance) in &world.alliances {
        let end = history.dissolution(id).unwrap_or(history.observed_until);
        let leader = alliance.leading_power.as_deref().unwrap_or("");
        for spell in &alliance.members {
            let last = spell.left.map_or(end.year, |l| l.year.min(end.year));
            for year in spell.joined.year + 1..=last {
                let start = jan1(year);
                if !(spell.joined < start && spell.left.is_none_or(|l| l > start)) {
                    continue;
                }
                let events: Vec<&HistoryEvent> = history
                    .of(id, &spell.state)
                    .filter(|e| e.date >= spell.joined)
                    .collect();
                let before = |k: HistoryKind| {
                    events
                        .iter()
                        .any(|e| e.kind == k && e.date < start && !e.undone)
                };
                let this_year: Vec<&&HistoryEvent> =
                    events.iter().filter(|e| e.date.year == year).collect();
                if this_year.iter().any(|e| e.kind == HistoryKind::StateEnded) {
                    continue;
                }
                if events
                    .iter()
                    .any(|e| e.kind.exits() && !e.undone && e.date < start)
                {
                    continue; // under notice: nothing left to decide
                }
                let frozen = before(HistoryKind::Freeze);
                if !frozen && !alliance.is_participating(&spell.state, start) {
                    continue; // suspended by the council: not its own decision
                }
                let exits = this_year.iter().any(|e| e.kind.exits());
                let freezes = this_year.iter().any(|e| e.kind == HistoryKind::Freeze);
                if year == end.year && end < history.observed_until && !exits {
                    continue; // the dissolution year: only those who left first
                }
                let standing = if spell.state == leader {
                    Standing::Leader
                } else if frozen {
                    Standing::Frozen
                } else {
                    Standing::Engaged
                };
                let event = match standing {
                    Standing::Engaged => exits || freezes,
                    Standing::Frozen | Standing::Leader => exits,
                };
                // The memory the history shows on 1 January: who else had frozen.
                let mut memory = Memory::default();
                for other in &alliance.members {
                    if other.state != spell.state
                        && history.of(id, &other.state).any(|e| {
                            e.kind == HistoryKind::Freeze
                                && e.date < start
                                && e.date >= other.joined
                        })
                    {
                        memory
                            .status
                            .insert(other.state.clone(), Status::Frozen { since: start });
                    }
                }
                let ties = outside_ties(world, alliance, &spell.state, spell.joined, start);
                if ties > 0 {
                    memory.outside_ties.insert(spell.state.clone(), ties);
                }
                let f = Facts::new(world, alliance, start, &memory, params);
                let status = if frozen {
                    Status::Frozen { since: start }
                } else {
                    Status::Engaged
                };
                let y = lifetime::member_year(&f, &spell.state, status);
                let leader_stays = (standing == Standing::Leader)
                    .then(|| lifetime::leader_decision(&f, &spell.state).stays);
                let (hedge, threat) = (y.hedge, y.threat);
                let e = y.engagement;
                out.push(Observation {
                    alliance: id.clone(),
                    state: spell.state.clone(),
                    year,
                    standing,
                    event,
                    leader_wish: e.leader_wish,
                    cohesion: e.cohesion,
                    ties: e.ties,
                    trust: e.trust,
                    grievance: e.grievance,
                    hedge,
                    threat,
                    leader_stays,
                });
            }
        }
    }
    out
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The model's probability of the observed step in a member-year under `p`:
/// the same formula as `lifetime::member_year` on the observation's terms.
/// For the leader: 0 while its decision says stay, 1 otherwise.
pub fn hazard(o: &Observation, p: &Params) -> f64 {
    let u = p.sign_constant + p.trust * o.trust + p.leader_wish * o.leader_wish
        - p.grievance * o.grievance
        + p.cohesion * o.cohesion
        - p.outside_ties * o.ties
        - p.outside_options * o.hedge
        - p.leader_threat * o.threat;
    match o.standing {
        Standing::Engaged => logistic(p.freeze_constant - u),
        Standing::Frozen => logistic(p.exit_constant - u),
        Standing::Leader => {
            if o.leader_stays == Some(false) {
                1.0
            } else {
                0.0
            }
        }
    }
}

/// The parameters the membership history fits (the other terms of the
/// engagement utility are fitted to the crisis cases and held fixed).
pub const FITTED: &[&str] = &[
    "freeze_constant",
    "exit_constant",
    "cohesion",
    "outside_ties",
];

/// Smallest probability a score charges (a log score of at most ~23 nats).
const FLOOR: f64 = 1e-10;

/// Scores of predictions against member-years.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    pub n: usize,
    pub events: usize,
    /// Mean negative log-likelihood per member-year (nats; lower is better).
    pub log: f64,
    /// Mean squared error of the yearly probability (lower is better).
    pub brier: f64,
    /// Mean predicted hazard.
    pub mean_p: f64,
}

/// Score probabilities `ps` against the observations' outcomes.
pub fn score(obs: &[&Observation], ps: &[f64]) -> Scores {
    let n = obs.len();
    if n == 0 {
        return Scores::default();
    }
    let mut s = Scores {
        n,
        ..Scores::default()
    };
    for (o, p) in obs.iter().zip(ps) {
        let y = f64::from(u8::from(o.event));
        let q = p.clamp(FLOOR, 1.0 - FLOOR);
        s.events += usize::from(o.event);
        s.log -= y * q.ln() + (1.0 - y) * (1.0 - q).ln();
        s.brier += (p - y).powi(2);
        s.mean_p += p;
    }
    s.log /= n as f64;
    s.brier /= n as f64;
    s.mean_p /= n as f64;
    s
}

/// The constant-hazard baseline: per standing, the share of years with an
/// event in `training` (with half an event and one year added, so that no
/// standing gets a hazard of exactly 0 or 1).
pub fn constant_hazard(training: &[&Observation], standing: Standing) -> f64 {
    let years = training.iter().filter(|o| o.standing == standing);
    let (n, k) = years.fold((0.0, 0.0), |(n, k), o| {
        (n + 1.0, k + f64::from(u8::from(o.event)))
    });
    (k + 0.5) / (n + 1.0)
}

fn with_vector(base: &Params, x: &[f64]) -> Params {
    let mut p = base.clone();
    for (name, v) in FITTED.iter().zip(x) {
        p = p.with(name, *v).expect("fitted names are parameters");
    }
    p
}

fn vector(p: &Params) -> Vec<f64> {
    let pairs = p.pairs();
    FITTED
        .iter()
        .map(|n| pairs.iter().find(|(k, _)| k == n).map_or(0.0, |(_, v)| *v))
        .collect()
}

/// The negative log-posterior of `x` (the fitted parameters, the others as
/// in `base`) and its gradient: Bernoulli terms of the members' years plus a
/// Gaussian prior of standard deviation `prior_sd` around `prior`.
fn objective(
    obs: &[&Observation],
    base: &Params,
    prior: &Params,
    prior_sd: f64,
    x: &[f64],
) -> (f64, Vec<f64>) {
    let p = with_vector(base, x);
    let x0 = vector(prior);
    let mut f = 0.0;
    let mut g = vec![0.0; FITTED.len()];
    for (i, (a, b)) in x.iter().zip(&x0).enumerate() {
        f += 0.5 * ((a - b) / prior_sd).powi(2);
        g[i] += (a - b) / prior_sd.powi(2);
    }
    for o in obs.iter().filter(|o| o.standing != Standing::Leader) {
        let q = hazard(o, &p).clamp(FLOOR, 1.0 - FLOOR);
        let y = f64::from(u8::from(o.event));
        f -= y * q.ln() + (1.0 - y) * (1.0 - q).ln();
        // d(−loglik)/d(logit) = q − y; the logit is constant − utility.
        let r = q - y;
        let constant = if o.standing == Standing::Engaged {
            0
        } else {
            1
        };
        g[constant] += r;
        g[2] -= r * o.cohesion; // ∂logit/∂cohesion = −cohesion term
        g[3] += r * o.ties; // ∂logit/∂outside_ties = +ties
    }
    (f, g)
}

struct Problem<'a> {
    obs: &'a [&'a Observation],
    base: &'a Params,
    prior: &'a Params,
    prior_sd: f64,
}

impl argmin::core::CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, x: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        Ok(objective(self.obs, self.base, self.prior, self.prior_sd, x).0)
    }
}

impl argmin::core::Gradient for Problem<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, x: &Vec<f64>) -> Result<Vec<f64>, argmin::core::Error> {
        Ok(objective(self.obs, self.base, self.prior, self.prior_sd, x).1)
    }
}

/// A fit of the membership parameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fit {
    pub params: Params,
    /// The negative log-posterior at the fit.
    pub objective: f64,
    pub iterations: u64,
}

/// Fit [`FITTED`] to `obs` (MAP, exact likelihood, analytic gradient): L-BFGS
/// from argmin with a backtracking line search, starting at the prior. The
/// other parameters (the engagement's weights, fitted to the crisis cases)
/// stay as in `base`; the prior's centre is `prior`'s values of [`FITTED`].
pub fn fit(obs: &[&Observation], base: &Params, prior: &Params, prior_sd: f64) -> Fit {
    use argmin::core::{Executor, State};
    use argmin::solver::linesearch::BacktrackingLineSearch;
    use argmin::solver::linesearch::condition::ArmijoCondition;
    use argmin::solver::quasinewton::LBFGS;
    let problem = Problem {
        obs,
        base,
        prior,
        prior_sd,
    };
    let x0 = vector(prior);
    let line = BacktrackingLineSearch::new(ArmijoCondition::new(1e-4).expect("0 < c < 1"))
        .rho(0.5)
        .expect("0 < rho < 1");
    let solver = LBFGS::new(line, 7)
        .with_tolerance_grad(1e-8)
        .and_then(|s| s.with_tolerance_cost(1e-12))
        .expect("the tolerances are positive");
    let run = Executor::new(problem, solver)
        .configure(|s| s.param(x0.clone()).max_iters(500))
        .ctrlc(false)
        .run();
    let (x, iterations) = match run {
        Ok(r) => {
            let st = r.state();
            (st.get_best_param().cloned().unwrap_or(x0), st.get_iter())
        }
        Err(_) => (x0, 0),
    };
    let objective = objective(obs, base, prior, prior_sd, &x).0;
    Fit {
        params: with_vector(base, &x),
        objective,
        iterations,
    }
}

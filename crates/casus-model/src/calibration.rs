//! Calibration and scoring against history. A case is a scenario up to the
//! decision point plus what was observed; the model sees only the scenario.
//! Predictions use the exact likelihood ([`crate::forecast::exact`]), so the
//! objective is deterministic and smooth in the parameters (no sampling noise to
//! average away with common random numbers). Fitting is maximum a posteriori: the
//! log-likelihood of every observation plus a Gaussian prior centred on the prior
//! parameter values, which guards a small case library against overfitting.
//! Leave-one-out refits give the out-of-sample scores.

use crate::council::asked_rung;
use crate::decision::{Crisis, Stance};
use crate::dynamics::Outcome;
use crate::event::EventKind;
use crate::forecast::{ExactEvent, Plan, exact};
use crate::params::Params;
use crate::scenario::{Scenario, World};
use crate::state::StateCode;
use serde::Serialize;
use std::collections::BTreeMap;

/// What was observed at one event of a case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Observed {
    pub event: String,
    pub outcome: Option<Outcome>,
    pub stances: BTreeMap<StateCode, Stance>,
    pub signed: BTreeMap<StateCode, bool>,
    /// Exercise: who took part (for the host: hosted rather than cancelled).
    pub took_part: BTreeMap<StateCode, bool>,
    pub note: Option<String>,
}

/// A documented case: the scenario the model sees and what happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Case {
    pub id: String,
    pub title: String,
    pub scenario: Scenario,
    pub observed: Vec<Observed>,
    pub sources: Vec<String>,
}

/// Smallest probability a score is computed with (keeps the log score finite).
pub const FLOOR: f64 = 1e-4;

/// Multi-class Brier score: Σ_k (p_k − 1[k = observed])², from 0 (perfect) to 2.
pub fn brier(p: &[f64; 4], observed: Outcome) -> f64 {
    p.iter()
        .enumerate()
        .map(|(k, q)| {
            let o = if k == observed.rung() { 1.0 } else { 0.0 };
            (q - o) * (q - o)
        })
        .sum()
}

/// Log score: −ln p(observed), floored.
pub fn log_score(p: &[f64; 4], observed: Outcome) -> f64 {
    -p[observed.rung()].max(FLOOR).ln()
}

/// Whether the most likely rung is the observed one (ties go to the lower rung).
pub fn hit(p: &[f64; 4], observed: Outcome) -> bool {
    let mut best = 0;
    for k in 1..4 {
        if p[k] > p[best] {
            best = k;
        }
    }
    best == observed.rung()
}

/// Mean scores over a set of (prediction, observation) pairs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    pub brier: f64,
    pub log: f64,
    pub accuracy: f64,
    pub n: usize,
}

pub fn score(pairs: &[([f64; 4], Outcome)]) -> Scores {
    let n = pairs.len();
    if n == 0 {
        return Scores::default();
    }
    let nf = n as f64;
    Scores {
        brier: pairs.iter().map(|(p, o)| brier(p, *o)).sum::<f64>() / nf,
        log: pairs.iter().map(|(p, o)| log_score(p, *o)).sum::<f64>() / nf,
        accuracy: pairs.iter().filter(|(p, o)| hit(p, *o)).count() as f64 / nf,
        n,
    }
}

/// A case's predictions at its observed events.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CasePrediction {
    pub case: String,
    pub event: String,
    pub observed: Option<Outcome>,
    pub predicted: Option<[f64; 4]>,
    pub treaty_literal: Option<[f64; 4]>,
    pub leader_only: Option<[f64; 4]>,
    pub signed: BTreeMap<StateCode, (bool, f64)>,
    pub took_part: BTreeMap<StateCode, (bool, f64)>,
    pub stances: BTreeMap<StateCode, (Stance, [f64; 4])>,
    /// At a formal request: the requester, what it asked for (0 help,
    /// 1 consultations; 2 at a crisis whose scenario scripts a request to a
    /// bilateral partner instead) and the model's P(help, consultations, bilateral
    /// partner, no one) for that choice, decided as if the scenario had not scripted it.
    pub asked: Option<(StateCode, usize, [f64; 4])>,
}

/// The names of the ask choices, in the order of [`CasePrediction::asked`].
pub const ASK_CHOICES: [&str; 4] = [
    "asked the alliance for help",
    "asked the alliance for consultations",
    "turned to its bilateral partner",
    "asked no one",
];

fn spread(rung: Outcome, mass: f64) -> [f64; 4] {
    let mut p = [(1.0 - mass) / 3.0; 4];
    p[rung.rung()] = mass;
    p
}

/// Predict every observed event of a case.
pub fn predict(world: &World, case: &Case, params: &Params) -> Result<Vec<CasePrediction>, String> {
    predict_planned(case, &plan_case(world, case, params)?)
}

fn plan_case(world: &World, case: &Case, params: &Params) -> Result<Plan, String> {
    Plan::new(world, &case.scenario, params).map_err(|e| format!("case {}: {e}", case.id))
}

/// Predict every observed event of a case from its plan (the scenario prepared
/// once, under the parameters the plan carries).
fn predict_planned(case: &Case, plan: &Plan) -> Result<Vec<CasePrediction>, String> {
    let ex = exact(plan);
    let leader = plan
        .world
        .alliances
        .get(&case.scenario.alliance)
        .and_then(|a| a.leading_power.clone());
    let mut out = Vec::new();
    for obs in &case.observed {
        let Some(i) = case.scenario.events.iter().position(|e| e.id == obs.event) else {
            return Err(format!("case {}: no event `{}`", case.id, obs.event));
        };
        let e: &ExactEvent = &ex[i];
        let literal = plan.determination_at(i).map(|d| {
            if d.casus_foederis {
                spread(Outcome::Deployment, 0.97)
            } else {
                spread(Outcome::None, 0.97)
            }
        });
        let leader_only = e.outcomes.map(|_| {
            let p_ask = e.p_request.unwrap_or(1.0);
            let asked = plan.asked_at(i).unwrap_or(Outcome::Deployment);
            let mut p = [0.0; 4];
            p[0] += 1.0 - p_ask;
            match leader.as_ref().and_then(|l| e.stances.get(l)) {
                Some(s) if plan.formal_at(i) => {
                    let map = [
                        Outcome::Deployment,
                        Outcome::Mission,
                        Outcome::Statement,
                        Outcome::None,
                    ];
                    for (k, q) in s.iter().enumerate() {
                        p[map[k].min(asked).rung()] += p_ask * q;
                    }
                }
                _ => {
                    // The leader asks itself, or the wish is informal: the leader's
                    // own interest decides — formal requests by the leader get its
                    // forces, informal ones nothing collective.
                    let rung = if plan.formal_at(i) {
                        asked
                    } else {
                        Outcome::None
                    };
                    p[rung.rung()] += p_ask;
                }
            }
            p
        });
        let asked = match (&case.scenario.events[i].kind, e.ask_choice) {
            (
                EventKind::Request {
                    requester, asks, ..
                },
                Some(q),
            ) => {
                // A request for consultations or for political support asks for
                // words (a statement), the consultations choice of the ask model.
                let choice = usize::from(asked_rung(*asks) == Outcome::Statement);
                Some((requester.clone(), choice, q))
            }
            (kind, Some(q)) if plan.turned_to_at(i).is_some() => {
                Crisis::from_events(kind, None).map(|c| (c.requester, 2, q))
            }
            _ => None,
        };
        // An informal wish never reaches the council: its outcome is `none` by
        // construction and is not scored (its members' stances are).
        let scored = plan.formal_at(i);
        out.push(CasePrediction {
            case: case.id.clone(),
            event: obs.event.clone(),
            observed: obs.outcome,
            predicted: if scored { e.outcomes } else { None },
            treaty_literal: literal,
            leader_only,
            signed: obs
                .signed
                .iter()
                .map(|(m, s)| (m.clone(), (*s, e.signed.get(m).copied().unwrap_or(0.5))))
                .collect(),
            took_part: obs
                .took_part
                .iter()
                .map(|(m, s)| {
                    (
                        m.clone(),
                        (*s, e.participates.get(m).copied().unwrap_or(0.5)),
                    )
                })
                .collect(),
            stances: obs
                .stances
                .iter()
                .map(|(m, s)| {
                    (
                        m.clone(),
                        (*s, e.stances.get(m).copied().unwrap_or([0.25; 4])),
                    )
                })
                .collect(),
            asked,
        });
    }
    Ok(out)
}

/// Log-likelihood of every observation of the predictions: ladder outcomes,
/// signatures and member stances.
pub fn log_likelihood(preds: &[CasePrediction]) -> f64 {
    let mut ll = 0.0;
    for p in preds {
        if let (Some(q), Some(o)) = (p.predicted, p.observed) {
            ll += q[o.rung()].max(FLOOR).ln();
        }
        for (s, q) in p.signed.values().chain(p.took_part.values()) {
            let q = if *s { *q } else { 1.0 - q };
            ll += q.max(FLOOR).ln();
        }
        for (s, q) in p.stances.values() {
            ll += q[*s as usize].max(FLOOR).ln();
        }
        if let Some((_, c, q)) = &p.asked {
            ll += q[*c].max(FLOOR).ln();
        }
    }
    ll
}

/// The parameters `calibrate` fits: the utility weights and constants. Structural
/// quantities (force thresholds, initial trust) stay at their documented values.
pub const FITTED: &[&str] = &[
    "obligation",
    "leader_wish",
    "shared_threat",
    "regime_security",
    "trust",
    "abandonment",
    "stake",
    "western_exposure",
    "adversary_ties",
    "legality",
    "cost",
    "entrapment",
    "forces_constant",
    "support_constant",
    "objection_cost",
    "objection_resolve",
    "follow_leader",
    "mood",
    "ask_help",
    "ask_prestige",
    "ask_constant",
    "consult_constant",
    "secretariat_constant",
    "condemn_constant",
    "sign_constant",
    "grievance",
    "trust_loss",
    "severity",
    "ask_severity",
    "need",
];

/// Default standard deviation of the Gaussian prior on each fitted parameter (logit units).
pub const PRIOR_SD: f64 = 1.0;

/// The MAP objective (to minimise): −(log-likelihood + log-prior).
pub fn objective(world: &World, cases: &[&Case], prior: &Params, prior_sd: f64, p: &Params) -> f64 {
    match Prepared::new(world, cases, p) {
        Ok(prepared) => prepared.objective(prior, prior_sd, p),
        Err(_) => f64::INFINITY,
    }
}

/// Cases with their scenarios planned once (overrides applied, treaty pass
/// run): the objective then re-plays each plan under every parameter vector
/// the optimiser tries, instead of re-preparing the world per evaluation.
pub struct Prepared<'a> {
    cases: Vec<(&'a Case, Plan)>,
}

impl<'a> Prepared<'a> {
    pub fn new(world: &World, cases: &[&'a Case], params: &Params) -> Result<Prepared<'a>, String> {
        let cases = cases
            .iter()
            .map(|c| Ok((*c, plan_case(world, c, params)?)))
            .collect::<Result<_, String>>()?;
        Ok(Prepared { cases })
    }

    /// The log-likelihood of every case under `p`. Cases are scored in
    /// parallel and summed in case order, so the value (and the fit) is the
    /// same bytes whatever the thread count.
    pub fn log_likelihood(&self, p: &Params) -> f64 {
        use rayon::prelude::*;
        let per_case: Vec<f64> = self
            .cases
            .par_iter()
            .map(
                |(c, plan)| match predict_planned(c, &plan.reparametrised(p)) {
                    Ok(preds) => log_likelihood(&preds),
                    Err(_) => f64::NEG_INFINITY,
                },
            )
            .collect();
        per_case.iter().sum()
    }

    /// The MAP objective (to minimise): −(log-likelihood + log-prior).
    pub fn objective(&self, prior: &Params, prior_sd: f64, p: &Params) -> f64 {
        -(self.log_likelihood(p) + log_prior(prior, prior_sd, p))
    }
}

/// The Gaussian log-prior of the fitted parameters around `prior`.
fn log_prior(prior: &Params, prior_sd: f64, p: &Params) -> f64 {
    let mut lp = 0.0;
    for name in FITTED {
        let (a, b) = (value(prior, name), value(p, name));
        lp -= 0.5 * ((b - a) / prior_sd).powi(2);
    }
    lp
}

fn value(p: &Params, name: &str) -> f64 {
    p.pairs()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap_or(0.0)
}

fn with_vector(base: &Params, x: &[f64]) -> Params {
    let mut p = base.clone();
    for (name, v) in FITTED.iter().zip(x) {
        p = p.with(name, *v).expect("fitted names are parameters");
    }
    p
}

/// The MAP problem as argmin sees it: the objective over the fitted
/// parameters' vector, and its gradient by forward differences (each
/// coordinate's difference is an independent evaluation, run in parallel and
/// collected in coordinate order, so the gradient is the same bytes whatever
/// the thread count). It keeps the evaluation budget and the best point the
/// optimiser has evaluated: when the budget is spent it refuses the next
/// evaluation, which ends the run, and the fit returns that best point. The
/// budget is checked before each call argmin makes, never inside the parallel
/// differences, so where a fit stops does not depend on the threads either.
struct MapProblem<'p, 'a> {
    prepared: &'p Prepared<'a>,
    prior: &'p Params,
    prior_sd: f64,
    budget: usize,
    used: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    best: std::sync::Arc<std::sync::Mutex<(Vec<f64>, f64)>>,
}

/// Step of the forward differences (logit units; the objective is a sum of
/// log-probabilities of order 10²–10³, so 1e-6 keeps both the truncation and
/// the rounding error far below what the line search resolves).
const DIFF_STEP: f64 = 1e-6;

impl MapProblem<'_, '_> {
    fn value(&self, x: &[f64]) -> f64 {
        let v = self
            .prepared
            .objective(self.prior, self.prior_sd, &with_vector(self.prior, x));
        // A case that cannot be predicted makes the point infeasible.
        if v.is_nan() { f64::INFINITY } else { v }
    }

    /// Take `n` evaluations from the budget, or refuse.
    fn spend(&self, n: usize) -> Result<(), argmin::core::Error> {
        use std::sync::atomic::Ordering;
        let used = self.used.load(Ordering::Relaxed);
        if used + n > self.budget {
            return Err(argmin::core::Error::msg("the evaluation budget is spent"));
        }
        self.used.store(used + n, Ordering::Relaxed);
        Ok(())
    }
}

impl argmin::core::CostFunction for MapProblem<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, x: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        self.spend(1)?;
        let v = self.value(x);
        let mut best = self.best.lock().expect("no evaluation panics");
        if v < best.1 {
            *best = (x.clone(), v);
        }
        Ok(v)
    }
}

impl argmin::core::Gradient for MapProblem<'_, '_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, x: &Vec<f64>) -> Result<Vec<f64>, argmin::core::Error> {
        use rayon::prelude::*;
        self.spend(x.len() + 1)?;
        let f0 = self.value(x);
        Ok((0..x.len())
            .into_par_iter()
            .map(|i| {
                let mut y = x.clone();
                y[i] += DIFF_STEP;
                (self.value(&y) - f0) / DIFF_STEP
            })
            .collect())
    }
}

/// Fit the parameters to `cases` (MAP), starting from `start`, with `prior` as
/// the prior's centre: L-BFGS (argmin, memory 7) with a backtracking Armijo
/// line search on the exact log-posterior, its gradient by forward
/// differences (n + 1 evaluations). At most `max_evals` evaluations of the
/// objective; the optimiser stops earlier when the gradient or the change in
/// the objective vanishes. Returns the best point evaluated and its objective.
pub fn fit(
    world: &World,
    cases: &[&Case],
    prior: &Params,
    prior_sd: f64,
    start: &Params,
    max_evals: usize,
) -> (Params, f64) {
    use argmin::core::Executor;
    use argmin::solver::linesearch::BacktrackingLineSearch;
    use argmin::solver::linesearch::condition::ArmijoCondition;
    use argmin::solver::quasinewton::LBFGS;
    let Ok(prepared) = Prepared::new(world, cases, prior) else {
        return (start.clone(), f64::INFINITY);
    };
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    let x0: Vec<f64> = FITTED.iter().map(|n| value(start, n)).collect();
    let used = Arc::new(AtomicUsize::new(1));
    let f0 = Prepared::objective(&prepared, prior, prior_sd, &with_vector(prior, &x0));
    let f0 = if f0.is_nan() { f64::INFINITY } else { f0 };
    let best = Arc::new(Mutex::new((x0, f0)));
    // L-BFGS stops when a step no longer changes the objective; from there a
    // fresh start (a new curvature memory) sometimes still finds a way down,
    // so restart from the best point while that improves and budget remains.
    let budget = max_evals.max(1);
    loop {
        let (x, fx) = best.lock().expect("no evaluation panics").clone();
        if !fx.is_finite() || used.load(Ordering::Relaxed) >= budget {
            break;
        }
        let problem = MapProblem {
            prepared: &prepared,
            prior,
            prior_sd,
            budget,
            used: Arc::clone(&used),
            best: Arc::clone(&best),
        };
        let line = BacktrackingLineSearch::new(ArmijoCondition::new(1e-4).expect("0 < c < 1"))
            .rho(0.5)
            .expect("0 < rho < 1");
        let solver = LBFGS::new(line, 7)
            .with_tolerance_grad(1e-6)
            .and_then(|s| s.with_tolerance_cost(1e-10))
            .expect("the tolerances are positive");
        // Ending on the budget is an `Err` from argmin; either way the best
        // point evaluated is kept by the problem.
        let _ = Executor::new(problem, solver)
            .configure(|s| s.param(x).max_iters(budget as u64))
            .ctrlc(false)
            .run();
        let improved = best.lock().expect("no evaluation panics").1 < fx - 1e-6;
        if !improved {
            break;
        }
    }
    let (x, fx) = best.lock().expect("no evaluation panics").clone();
    (with_vector(prior, &x), fx)
}

/// Pairs of (prediction, observation) for the ladder outcomes.
pub fn ladder_pairs(
    preds: &[CasePrediction],
    pick: impl Fn(&CasePrediction) -> Option<[f64; 4]>,
) -> Vec<([f64; 4], Outcome)> {
    preds
        .iter()
        .filter_map(|p| Some((pick(p)?, p.observed?)))
        .collect()
}

/// Climatology: the base rates of the ladder in `training`, Laplace-smoothed.
pub fn climatology(training: &[&CasePrediction]) -> [f64; 4] {
    let mut counts = [1.0; 4];
    for p in training {
        if let Some(o) = p.observed {
            counts[o.rung()] += 1.0;
        }
    }
    let total: f64 = counts.iter().sum();
    counts.map(|c| c / total)
}

/// Scores of the model and the baselines on a set of predictions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Backtest {
    pub predictions: Vec<CasePrediction>,
    pub scores: Scores,
    /// Baseline name → scores on the same cases.
    pub baselines: BTreeMap<String, Scores>,
    /// Brier score of member-level observations (signatures and stances as binary
    /// events: P(observed stance) against 1), and how many there are.
    pub member_brier: f64,
    pub member_n: usize,
}

/// Score predictions: the model, climatology (leave-one-out base rates of the
/// other cases), treaty-literal and leader-only.
pub fn evaluate(predictions: Vec<CasePrediction>) -> Backtest {
    // Every row of the table scores the same outcomes, those the model and each
    // baseline predict: a baseline is not scored on an informal wish the model
    // leaves out (one n per table).
    let scored = |p: &CasePrediction| {
        p.predicted.is_some() && p.treaty_literal.is_some() && p.leader_only.is_some()
    };
    let model = score(&ladder_pairs(&predictions, |p| {
        p.predicted.filter(|_| scored(p))
    }));
    let literal = score(&ladder_pairs(&predictions, |p| {
        p.treaty_literal.filter(|_| scored(p))
    }));
    let leader = score(&ladder_pairs(&predictions, |p| {
        p.leader_only.filter(|_| scored(p))
    }));
    let clim_pairs: Vec<([f64; 4], Outcome)> = predictions
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let o = p.observed?;
            if !scored(p) {
                return None;
            }
            let others: Vec<&CasePrediction> = predictions
                .iter()
                .enumerate()
                .filter(|(j, q)| *j != i && scored(q))
                .map(|(_, q)| q)
                .collect();
            Some((climatology(&others), o))
        })
        .collect();
    let clim = score(&clim_pairs);
    let mut member_sq = 0.0;
    let mut member_n = 0;
    for p in &predictions {
        for (s, q) in p.signed.values().chain(p.took_part.values()) {
            let q = if *s { *q } else { 1.0 - q };
            member_sq += (1.0 - q).powi(2);
            member_n += 1;
        }
        for (s, q) in p.stances.values() {
            member_sq += (1.0 - q[*s as usize]).powi(2);
            member_n += 1;
        }
        if let Some((_, c, q)) = &p.asked {
            member_sq += (1.0 - q[*c]).powi(2);
            member_n += 1;
        }
    }
    let mut baselines = BTreeMap::new();
    baselines.insert("climatology".to_string(), clim);
    baselines.insert("treaty_literal".to_string(), literal);
    baselines.insert("leader_only".to_string(), leader);
    Backtest {
        predictions,
        scores: model,
        baselines,
        member_brier: if member_n > 0 {
            member_sq / member_n as f64
        } else {
            0.0
        },
        member_n,
    }
}

/// Predict every case with `params` and score.
pub fn backtest(world: &World, cases: &[Case], params: &Params) -> Result<Backtest, String> {
    let mut preds = Vec::new();
    for c in cases {
        preds.extend(predict(world, c, params)?);
    }
    Ok(evaluate(preds))
}

/// Leave-one-out: for each case, fit on the others (warm-started at `start`) and
/// predict the case left out. The prior's centre stays `prior`.
pub fn leave_one_out(
    world: &World,
    cases: &[Case],
    prior: &Params,
    prior_sd: f64,
    start: &Params,
    max_evals: usize,
) -> Result<Vec<CasePrediction>, String> {
    use rayon::prelude::*;
    let per_case: Vec<Result<Vec<CasePrediction>, String>> = (0..cases.len())
        .into_par_iter()
        .map(|i| {
            let training: Vec<&Case> = cases
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| c)
                .collect();
            let (fitted, _) = fit(world, &training, prior, prior_sd, start, max_evals);
            predict(world, &cases[i], &fitted)
        })
        .collect();
    let mut out = Vec::new();
    for r in per_case {
        out.extend(r?);
    }
    Ok(out)
}

//! `backtest` and `calibrate`: the model against documented cases, scored beside
//! the baselines, and the fit of the global parameters with its out-of-sample
//! scores. Out of sample means held out by a [`HoldOut`] grouping: each case
//! alone (leave-one-case-out), or every case of one alliance at a time
//! (leave-one-alliance-out: fit on the other alliances, score the held-out one).

use crate::checkpoint::{Checkpoint, Checkpoints, Fingerprint, NoCheckpoints, Recorder};
use crate::progress::watch;
use crate::{Error, Progress, Threads};
use casus_model::calibration::{
    Backtest, Case, CasePrediction, Scores, backtest as score_cases, climatology, evaluate, fit,
    ladder_pairs, predict, score,
};
use casus_model::dynamics::Outcome;
use casus_model::membership;
use casus_model::params::Params;
use casus_model::scenario::World;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// How cases are held out of the fit that predicts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldOut {
    /// Each case predicted by a fit on all the others.
    Case,
    /// Each alliance's cases predicted by a fit on the other alliances' cases.
    Alliance,
}

impl HoldOut {
    pub fn name(self) -> &'static str {
        match self {
            HoldOut::Case => "case",
            HoldOut::Alliance => "alliance",
        }
    }
}

/// The groups of `cases` under `by`, each with its name and case indices, in
/// order of first appearance. Fewer than two alliances is an error: there would
/// be nothing to fit on.
pub fn groups(cases: &[Case], by: HoldOut) -> Result<Vec<(String, Vec<usize>)>, Error> {
    match by {
        HoldOut::Case => Ok(cases
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), vec![i]))
            .collect()),
        HoldOut::Alliance => {
            let mut by_alliance: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, c) in cases.iter().enumerate() {
                by_alliance
                    .entry(c.scenario.alliance.as_str())
                    .or_default()
                    .push(i);
            }
            if by_alliance.len() < 2 {
                let found: Vec<&str> = by_alliance.keys().copied().collect();
                return Err(Error::Request(format!(
                    "holding out by alliance needs cases of at least two alliances; these {} cases are all of {}\n  help: add cases of another alliance, or hold out by case",
                    cases.len(),
                    if found.is_empty() {
                        "none".to_string()
                    } else {
                        found.join(", ")
                    }
                )));
            }
            Ok(by_alliance
                .into_iter()
                .map(|(a, v)| (a.to_string(), v))
                .collect())
        }
    }
}

/// The scores of one held-out group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupScores {
    /// The alliance (or case) held out.
    pub group: String,
    pub cases: Vec<String>,
    pub scores: Scores,
    /// Climatology (base rates of the other groups), treaty-literal, leader-only.
    pub baselines: BTreeMap<String, Scores>,
}

/// Re-score `b` group by group: climatology becomes the base rates of the other
/// groups' cases (for the overall scores too), and each group gets its own row.
fn by_group(b: &mut Backtest, cases: &[Case], groups: &[(String, Vec<usize>)]) -> Vec<GroupScores> {
    let group_of: BTreeMap<&str, usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, (_, ix))| ix.iter().map(move |i| (cases[*i].id.as_str(), g)))
        .collect();
    let gi = |p: &CasePrediction| group_of.get(p.case.as_str()).copied();
    let clim_for = |g: Option<usize>| -> [f64; 4] {
        let training: Vec<&CasePrediction> = b
            .predictions
            .iter()
            .filter(|q| q.predicted.is_some() && gi(q) != g)
            .collect();
        climatology(&training)
    };
    let clim_pairs = |keep: &dyn Fn(&CasePrediction) -> bool| -> Vec<([f64; 4], Outcome)> {
        b.predictions
            .iter()
            .filter(|p| keep(p) && p.predicted.is_some())
            .filter_map(|p| Some((clim_for(gi(p)), p.observed?)))
            .collect()
    };
    let overall = score(&clim_pairs(&|_| true));
    let rows = groups
        .iter()
        .enumerate()
        .map(|(g, (name, ix))| {
            let mine: Vec<CasePrediction> = b
                .predictions
                .iter()
                .filter(|p| gi(p) == Some(g))
                .cloned()
                .collect();
            let mut baselines = BTreeMap::new();
            baselines.insert(
                "climatology".to_string(),
                score(&clim_pairs(&|p| gi(p) == Some(g))),
            );
            baselines.insert(
                "treaty_literal".to_string(),
                score(&ladder_pairs(&mine, |p| p.treaty_literal)),
            );
            baselines.insert(
                "leader_only".to_string(),
                score(&ladder_pairs(&mine, |p| p.leader_only)),
            );
            GroupScores {
                group: name.clone(),
                cases: ix.iter().map(|i| cases[*i].id.clone()).collect(),
                scores: score(&ladder_pairs(&mine, |p| p.predicted)),
                baselines,
            }
        })
        .collect();
    b.baselines.insert("climatology".to_string(), overall);
    rows
}

/// What a backtest is asked.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestRequest {
    pub cases: Vec<Case>,
    pub params: Params,
    /// Score per alliance, with climatology from the other alliances' base rates.
    /// `None` or [`HoldOut::Case`]: climatology from the other cases (the default).
    pub hold_out: Option<HoldOut>,
}

/// The model's predictions of documented cases and their scores.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BacktestSummary {
    /// How many cases were predicted.
    pub cases: usize,
    pub backtest: Backtest,
    /// With [`HoldOut::Alliance`]: the scores per alliance.
    pub by_alliance: Option<Vec<GroupScores>>,
}

/// Predict every case with the given parameters and score them.
pub fn backtest(world: &World, req: &BacktestRequest) -> Result<BacktestSummary, Error> {
    backtest_with(world, req, &crate::Silent)
}

/// [`backtest`], reporting to `progress` how many cases are predicted. The
/// cases are predicted in order on one thread, as the model's own backtest
/// does, so the summary is the same whoever listens.
pub fn backtest_with(
    world: &World,
    req: &BacktestRequest,
    progress: &dyn Progress,
) -> Result<BacktestSummary, Error> {
    let groups = match req.hold_out {
        Some(HoldOut::Alliance) => Some(groups(&req.cases, HoldOut::Alliance)?),
        _ => None,
    };
    let mut b = if progress.wanted() {
        watch(req.cases.len() as u64, progress, |done| {
            let mut predictions = Vec::new();
            for c in &req.cases {
                predictions.extend(predict(world, c, &req.params)?);
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<_, String>(evaluate(predictions))
        })
    } else {
        score_cases(world, &req.cases, &req.params)
    }
    .map_err(Error::Model)?;
    let by_alliance = groups.map(|g| by_group(&mut b, &req.cases, &g));
    Ok(BacktestSummary {
        cases: req.cases.len(),
        backtest: b,
        by_alliance,
    })
}

/// The standard deviation of the Gaussian prior around the starting values
/// (logit units): positive and finite.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PriorSd(f64);

impl PriorSd {
    /// `sd`, if it is a positive finite number.
    pub fn new(sd: f64) -> Option<PriorSd> {
        (sd > 0.0 && sd.is_finite()).then_some(PriorSd(sd))
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Default for PriorSd {
    fn default() -> Self {
        PriorSd(casus_model::calibration::PRIOR_SD)
    }
}

/// What a calibration is asked.
#[derive(Clone, Debug, PartialEq)]
pub struct CalibrateRequest {
    pub cases: Vec<Case>,
    /// The starting values and the prior's centre.
    pub prior: Params,
    pub prior_sd: PriorSd,
    /// Objective evaluations for the full fit; each held-out refit gets a third.
    pub evals: usize,
    /// Score out of sample, holding out by this grouping (`None`: in-sample only).
    pub hold_out: Option<HoldOut>,
    pub threads: Threads,
    /// The fits an interrupted run of the same calibration finished (its last
    /// checkpoint): they are not done again. Refused if it was made from other
    /// inputs.
    pub resume: Option<Checkpoint>,
}

/// The fitted parameters and how well they do.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Calibration {
    pub fitted: Params,
    /// The MAP objective at the fitted values (−log-posterior, up to a constant).
    pub objective: f64,
    pub cases: Vec<String>,
    /// In-sample scores of the prior's values.
    pub before: Backtest,
    /// In-sample scores of the fitted values.
    pub after: Backtest,
    pub held_out: Option<HeldOut>,
}

/// Out-of-sample scores: each group predicted by a fit without it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HeldOut {
    pub by: HoldOut,
    /// Objective evaluations per refit.
    pub refit_evals: usize,
    /// All held-out predictions, scored together (climatology from the training
    /// groups' base rates).
    pub overall: Backtest,
    /// Per alliance, for [`HoldOut::Alliance`]; empty for [`HoldOut::Case`].
    pub groups: Vec<GroupScores>,
}

/// Fit the global parameters to the cases (maximum a posteriori) and, if asked,
/// score them out of sample. Progress counts fits: the full one, then one per
/// held-out group.
pub fn calibrate(
    world: &World,
    req: &CalibrateRequest,
    progress: &dyn Progress,
) -> Result<Calibration, Error> {
    calibrate_checkpointed(world, req, progress, &NoCheckpoints)
}

/// [`calibrate`], telling `checkpoints` of every finished fit (the full fit,
/// then each held-out refit) with all the fits finished so far, and skipping
/// the fits of `req.resume`. A resumed calibration returns what an
/// uninterrupted one returns: the skipped fits' parameters are the ones the
/// interrupted run found, and the rest is deterministic.
pub fn calibrate_checkpointed(
    world: &World,
    req: &CalibrateRequest,
    progress: &dyn Progress,
    checkpoints: &dyn Checkpoints,
) -> Result<Calibration, Error> {
    // Check the grouping before the long fit: an impossible hold-out fails at once.
    let groups = req.hold_out.map(|by| groups(&req.cases, by)).transpose()?;
    let inputs = Fingerprint::of(world, req);
    let (start, done_before) = match &req.resume {
        Some(c) => {
            let names: Vec<String> = groups.iter().flatten().map(|(g, _)| g.clone()).collect();
            let d = crate::checkpoint::resume(c, &inputs, &names)?;
            (c.clone(), d)
        }
        None => (
            Checkpoint::new(inputs),
            crate::checkpoint::Done {
                full: None,
                refits: BTreeMap::new(),
            },
        ),
    };
    let record = Recorder::new(start, checkpoints);
    let total = 1 + groups.as_ref().map_or(0, Vec::len) as u64;
    let pool = req.threads.pool()?;
    let sd = req.prior_sd.get();
    let prior = &req.prior;
    let cases = &req.cases;
    watch(total, progress, |done| {
        let skipped = usize::from(done_before.full.is_some()) + done_before.refits.len();
        done.store(skipped as u64, Ordering::Relaxed);
        pool.install(|| {
            let refs: Vec<&Case> = cases.iter().collect();
            let full = || match &done_before.full {
                Some(f) => f.clone(),
                None => {
                    let (f, o) = fit(world, &refs, prior, sd, prior, req.evals);
                    done.fetch_add(1, Ordering::Relaxed);
                    record.full(&f, o);
                    (f, o)
                }
            };
            let ((fitted, objective), held_out) = match (req.hold_out, &groups) {
                // Held-out alliances are refitted from the prior, not from the
                // full fit: a start that has seen the held-out alliance's cases
                // would leak them into its score. With no warm start to build
                // on, each refit gets the full fit's evaluations, and the refits
                // run beside the full fit.
                (Some(HoldOut::Alliance), Some(groups)) => {
                    let (f, h) = rayon::join(full, || {
                        hold_out(
                            world,
                            cases,
                            groups,
                            HoldOut::Alliance,
                            (prior, sd, prior, req.evals),
                            (done, &done_before.refits, &record),
                        )
                    });
                    (f, Some(h?))
                }
                (Some(by), Some(groups)) => {
                    let f = full();
                    record.check()?;
                    let h = hold_out(
                        world,
                        cases,
                        groups,
                        by,
                        (prior, sd, &f.0, req.evals / 3),
                        (done, &done_before.refits, &record),
                    )?;
                    (f, Some(h))
                }
                _ => (full(), None),
            };
            record.check()?;
            let before = score_cases(world, cases, prior).map_err(Error::Model)?;
            let after = score_cases(world, cases, &fitted).map_err(Error::Model)?;
            Ok(Calibration {
                fitted,
                objective,
                cases: cases.iter().map(|c| c.id.clone()).collect(),
                before,
                after,
                held_out,
            })
        })
    })
}

/// For each group, fit on the other groups from `start` (the full fit for
/// leave-one-case-out, the prior for leave-one-alliance-out; the prior's
/// centre unchanged) and predict the group. Predictions come back in
/// case order, so leave-one-case-out is exactly the model's `leave_one_out`.
/// A group in `finished` is not refitted: it is predicted with the refit an
/// earlier run found; every other refit is counted in `done` and recorded.
fn hold_out(
    world: &World,
    cases: &[Case],
    groups: &[(String, Vec<usize>)],
    by: HoldOut,
    (prior, sd, start, evals): (&Params, f64, &Params, usize),
    (done, finished, record): (&AtomicU64, &BTreeMap<String, Params>, &Recorder),
) -> Result<HeldOut, Error> {
    use rayon::prelude::*;
    /// A held-out group's predictions, by case index (`None`: not refitted,
    /// because the calibration was asked to stop).
    type Predicted = Option<Result<Vec<(usize, Vec<CasePrediction>)>, String>>;
    let per_group: Vec<Predicted> = groups
        .par_iter()
        .map(|(name, held)| {
            let fitted = match finished.get(name) {
                Some(f) => f.clone(),
                None if record.stopped() => return None,
                None => {
                    let training: Vec<&Case> = cases
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| !held.contains(j))
                        .map(|(_, c)| c)
                        .collect();
                    let (fitted, _) = fit(world, &training, prior, sd, start, evals);
                    done.fetch_add(1, Ordering::Relaxed);
                    record.refit(name, &fitted);
                    fitted
                }
            };
            Some(
                held.iter()
                    .map(|i| Ok((*i, predict(world, &cases[*i], &fitted)?)))
                    .collect(),
            )
        })
        .collect();
    record.check()?;
    let mut by_case: Vec<Vec<CasePrediction>> = vec![Vec::new(); cases.len()];
    for g in per_group.into_iter().flatten() {
        for (i, p) in g.map_err(Error::Model)? {
            by_case[i] = p;
        }
    }
    let mut overall = evaluate(by_case.into_iter().flatten().collect());
    // Leave-one-case-out keeps the model's climatology (the other predictions'
    // base rates), so its scores are the ones `calibrate` always reported.
    let groups = match by {
        HoldOut::Case => Vec::new(),
        HoldOut::Alliance => by_group(&mut overall, cases, groups),
    };
    Ok(HeldOut {
        by,
        refit_evals: evals,
        overall,
        groups,
    })
}

/// What the membership backtest is asked: the history, the parameters it
/// scores as given, and the prior the held-out refits start from.
#[derive(Clone, Debug, PartialEq)]
pub struct MembershipRequest {
    pub history: casus_model::membership::History,
    pub params: Params,
    /// The centre of the refits' Gaussian prior (the bundled priors).
    pub prior: Params,
    pub prior_sd: PriorSd,
    /// Alliances whose member-years no fit may read (`casus_data::reserved`):
    /// they are scored only, with the fit on all the others.
    pub reserved: Vec<String>,
}

/// One predictor's scores on one group's member-years.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MembershipScores {
    pub group: String,
    /// The parameters as given, without a refit.
    pub given: membership::Scores,
    /// Refitted on the other alliances' member-years (from the prior).
    pub held_out: membership::Scores,
    /// The other alliances' yearly rate per standing (engaged, frozen).
    pub constant: membership::Scores,
}

/// The yearly freeze/exit/stay observations scored beside a constant hazard,
/// per alliance, leave-one-alliance-out, and the fit on all of them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MembershipSummary {
    /// Member-years at risk (the leader's apart).
    pub member_years: usize,
    pub events: usize,
    /// The leading powers' years, and those in which its decision said stay
    /// (none of them left its alliance).
    pub leader_years: usize,
    pub leader_stays: usize,
    pub by_alliance: Vec<MembershipScores>,
    pub pooled: MembershipScores,
    /// The reserved alliances, each scored out of sample: held out = the fit
    /// on every other alliance, constant = their yearly rate. Not in `pooled`
    /// nor in any fit.
    pub reserved: Vec<MembershipScores>,
    /// The fit on every alliance but the reserved: (name, prior, fitted); the
    /// other parameters as given.
    pub fitted: Vec<(String, f64, f64)>,
    /// Negative log-likelihood of every member-year (no prior term) at the
    /// prior and at the fit.
    pub objective_prior: f64,
    pub objective_fitted: f64,
    pub iterations: u64,
    /// Implied yearly P(an engaged member freezes or leaves), mean over the
    /// engaged member-years, under the given parameters and under the fit.
    pub implied_engaged_hazard: (f64, f64),
    /// Observed: events per engaged member-year.
    pub observed_engaged_rate: f64,
}

/// Score the membership history (`casus backtest --membership`).
pub fn membership_backtest(
    world: &World,
    req: &MembershipRequest,
) -> Result<MembershipSummary, Error> {
    use casus_model::membership::{Standing, constant_hazard, hazard, observations};
    let obs = observations(world, &req.history, &req.params);
    let is_reserved = |o: &&membership::Observation| req.reserved.contains(&o.alliance);
    let held_back: Vec<&membership::Observation> = obs
        .iter()
        .filter(|o| o.standing != Standing::Leader && is_reserved(o))
        .collect();
    let at_risk: Vec<&membership::Observation> = obs
        .iter()
        .filter(|o| o.standing != Standing::Leader && !is_reserved(o))
        .collect();
    let leaders: Vec<&membership::Observation> = obs
        .iter()
        .filter(|o| o.standing == Standing::Leader)
        .collect();
    let mut alliances: Vec<&str> = at_risk.iter().map(|o| o.alliance.as_str()).collect();
    alliances.sort_unstable();
    alliances.dedup();
    if alliances.len() < 2 {
        return Err(Error::Request(
            "the membership history covers fewer than two alliances\n  help: leave-one-alliance-out needs two or more".into(),
        ));
    }
    let sd = req.prior_sd.get();
    let mut pooled_given = Vec::new();
    let mut pooled_held = Vec::new();
    let mut pooled_const = Vec::new();
    let mut pooled_obs = Vec::new();
    let mut by_alliance = Vec::new();
    for a in &alliances {
        let test: Vec<&membership::Observation> = at_risk
            .iter()
            .copied()
            .filter(|o| o.alliance == *a)
            .collect();
        let train: Vec<&membership::Observation> = at_risk
            .iter()
            .copied()
            .filter(|o| o.alliance != *a)
            .collect();
        let refit = membership::fit(&train, &req.params, &req.prior, sd).params;
        let given: Vec<f64> = test.iter().map(|o| hazard(o, &req.params)).collect();
        let held: Vec<f64> = test.iter().map(|o| hazard(o, &refit)).collect();
        let rate = |s: Standing| constant_hazard(&train, s);
        let (ce, cf) = (rate(Standing::Engaged), rate(Standing::Frozen));
        let constant: Vec<f64> = test
            .iter()
            .map(|o| {
                if o.standing == Standing::Frozen {
                    cf
                } else {
                    ce
                }
            })
            .collect();
        by_alliance.push(MembershipScores {
            group: a.to_string(),
            given: membership::score(&test, &given),
            held_out: membership::score(&test, &held),
            constant: membership::score(&test, &constant),
        });
        pooled_obs.extend(test);
        pooled_given.extend(given);
        pooled_held.extend(held);
        pooled_const.extend(constant);
    }
    let all = membership::fit(&at_risk, &req.params, &req.prior, sd);
    let mut held_ids: Vec<&str> = held_back.iter().map(|o| o.alliance.as_str()).collect();
    held_ids.dedup();
    let reserved: Vec<MembershipScores> = held_ids
        .iter()
        .map(|a| {
            let test: Vec<&membership::Observation> = held_back
                .iter()
                .copied()
                .filter(|o| o.alliance == *a)
                .collect();
            let (ce, cf) = (
                constant_hazard(&at_risk, Standing::Engaged),
                constant_hazard(&at_risk, Standing::Frozen),
            );
            let on = |f: &dyn Fn(&membership::Observation) -> f64| {
                let ps: Vec<f64> = test.iter().map(|o| f(o)).collect();
                membership::score(&test, &ps)
            };
            MembershipScores {
                group: a.to_string(),
                given: on(&|o| hazard(o, &req.params)),
                held_out: on(&|o| hazard(o, &all.params)),
                constant: on(&|o| {
                    if o.standing == Standing::Frozen {
                        cf
                    } else {
                        ce
                    }
                }),
            }
        })
        .collect();
    let objective_at = |p: &Params| -> f64 {
        let ps: Vec<f64> = at_risk.iter().map(|o| hazard(o, p)).collect();
        membership::score(&at_risk, &ps).log * at_risk.len() as f64
    };
    let pairs = |p: &Params| p.pairs();
    let fitted: Vec<(String, f64, f64)> = membership::FITTED
        .iter()
        .map(|n| {
            let v = |p: &Params| {
                pairs(p)
                    .into_iter()
                    .find(|(k, _)| k == n)
                    .map_or(0.0, |(_, v)| v)
            };
            (n.to_string(), v(&req.prior), v(&all.params))
        })
        .collect();
    // The given parameters with the fitted ones at the prior's centre.
    let mut prior_point = req.params.clone();
    for (n, v, _) in &fitted {
        prior_point = prior_point
            .with(n, *v)
            .expect("fitted names are parameters");
    }
    let engaged: Vec<&membership::Observation> = at_risk
        .iter()
        .copied()
        .filter(|o| o.standing == Standing::Engaged)
        .collect();
    let mean = |p: &Params| {
        engaged.iter().map(|o| hazard(o, p)).sum::<f64>() / engaged.len().max(1) as f64
    };
    Ok(MembershipSummary {
        member_years: at_risk.len(),
        events: at_risk.iter().filter(|o| o.event).count(),
        leader_years: leaders.len(),
        leader_stays: leaders
            .iter()
            .filter(|o| o.leader_stays == Some(true))
            .count(),
        pooled: MembershipScores {
            group: "all".into(),
            given: membership::score(&pooled_obs, &pooled_given),
            held_out: membership::score(&pooled_obs, &pooled_held),
            constant: membership::score(&pooled_obs, &pooled_const),
        },
        by_alliance,
        reserved,
        fitted,
        objective_prior: objective_at(&prior_point),
        objective_fitted: objective_at(&all.params),
        iterations: all.iterations,
        implied_engaged_hazard: (mean(&req.params), mean(&all.params)),
        observed_engaged_rate: engaged.iter().filter(|o| o.event).count() as f64
            / engaged.len().max(1) as f64,
    })
}

/// What the posterior is computed from: the parameters it is centred on, the
/// cases and member-years whose likelihood it curves, and the prior's width.
#[derive(Clone, Debug, PartialEq)]
pub struct PosteriorRequest {
    pub params: Params,
    /// The crisis cases the parameters were fitted to.
    pub cases: Vec<Case>,
    /// The membership history (its fit's likelihood curves the long-horizon block).
    pub history: casus_model::membership::History,
    /// Alliances whose member-years no fit reads (`casus_data::reserved`).
    pub reserved: Vec<String>,
    pub prior_sd: PriorSd,
}

/// One parameter's posterior.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PosteriorEntry {
    pub name: String,
    pub value: f64,
    pub sd: f64,
    /// The likelihood's slope at the value (0 at the fit's optimum).
    pub gradient: f64,
}

/// The Laplace posterior at the given parameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PosteriorSummary {
    pub entries: Vec<PosteriorEntry>,
    /// Row by row, in the order of `entries`.
    pub covariance: Vec<Vec<f64>>,
    /// Eigenvalues of the curvature raised to the prior precision.
    pub raised: usize,
    pub prior_sd: f64,
    pub cases: usize,
    pub member_years: usize,
    /// Evaluations of the likelihoods the Hessians took.
    pub evaluations: usize,
}

/// Step of the Hessian's central differences (logit units): wide enough that
/// rounding in an objective of order 10²–10³ stays far below the curvature,
/// narrow against the scale (≈ 1) on which the probabilities bend.
const HESSIAN_STEP: f64 = 1e-2;

/// The Laplace approximation of the parameters' posterior at `req.params`
/// (`casus posterior`): the negative log-posterior's curvature in two
/// blocks — the crisis parameters (`calibration::FITTED`) over the cases, the
/// long-horizon ones (`membership::FITTED`) over the member-years outside
/// the reserved alliances — each plus the prior's precision 1/sd², inverted
/// with flat directions kept at the prior's width. The blocks are
/// independent: the two fits read different data and share no fitted
/// parameter. Progress counts likelihood evaluations.
pub fn posterior(
    world: &World,
    req: &PosteriorRequest,
    progress: &dyn Progress,
) -> Result<PosteriorSummary, Error> {
    use casus_model::posterior::{hessian, laplace_covariance};
    let sd = req.prior_sd.get();
    let p = &req.params;
    let value = |name: &str| {
        p.pairs()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map_or(0.0, |(_, v)| v)
    };
    let with = |names: &[&str], x: &[f64]| {
        let mut q = p.clone();
        for (n, v) in names.iter().zip(x) {
            q = q.with(n, *v).expect("fitted names are parameters");
        }
        q
    };
    let crisis: &[&str] = casus_model::calibration::FITTED;
    let long: &[&str] = membership::FITTED;
    let refs: Vec<&Case> = req.cases.iter().collect();
    if refs.is_empty() {
        return Err(Error::Request(
            "no cases to compute the posterior from
  help: give the cases the parameters were fitted to (--cases DIR), or use a parameter file whose [meta] names bundled cases".into(),
        ));
    }
    let prepared =
        casus_model::calibration::Prepared::new(world, &refs, p).map_err(Error::Model)?;
    let obs = membership::observations(world, &req.history, p);
    let at_risk: Vec<&membership::Observation> = obs
        .iter()
        .filter(|o| {
            o.standing != membership::Standing::Leader && !req.reserved.contains(&o.alliance)
        })
        .collect();
    let n_c = crisis.len();
    let n_l = long.len();
    // Per block: the Hessian's 1 + 2n + 2n(n−1) evaluations, the gradient's 2n.
    let evals = |n: usize| 1 + 4 * n + 2 * n * (n - 1);
    let total = (evals(n_c) + evals(n_l)) as u64;
    let x_c: Vec<f64> = crisis.iter().map(|n| value(n)).collect();
    let x_l: Vec<f64> = long.iter().map(|n| value(n)).collect();
    let (h_c, h_l) = watch(total, progress, |done| {
        let f_c = |x: &[f64]| {
            done.fetch_add(1, Ordering::Relaxed);
            -prepared.log_likelihood(&with(crisis, x))
        };
        let f_l = |x: &[f64]| {
            done.fetch_add(1, Ordering::Relaxed);
            let q = with(long, x);
            let ps: Vec<f64> = at_risk.iter().map(|o| membership::hazard(o, &q)).collect();
            membership::score(&at_risk, &ps).log * at_risk.len() as f64
        };
        let grad = |f: &(dyn Fn(&[f64]) -> f64 + Sync), x: &[f64]| -> Vec<f64> {
            (0..x.len())
                .map(|i| {
                    let (mut a, mut b) = (x.to_vec(), x.to_vec());
                    a[i] += HESSIAN_STEP;
                    b[i] -= HESSIAN_STEP;
                    (f(&a) - f(&b)) / (2.0 * HESSIAN_STEP)
                })
                .collect()
        };
        (
            (hessian(&f_c, &x_c, HESSIAN_STEP), grad(&f_c, &x_c)),
            (hessian(&f_l, &x_l, HESSIAN_STEP), grad(&f_l, &x_l)),
        )
    });
    let precision = 1.0 / (sd * sd);
    let with_prior = |h: &[Vec<f64>]| -> Vec<Vec<f64>> {
        h.iter()
            .enumerate()
            .map(|(i, r)| {
                r.iter()
                    .enumerate()
                    .map(|(j, v)| if i == j { v + precision } else { *v })
                    .collect()
            })
            .collect()
    };
    let (cov_c, raised_c) = laplace_covariance(&with_prior(&h_c.0), precision);
    let (cov_l, raised_l) = laplace_covariance(&with_prior(&h_l.0), precision);
    let n = n_c + n_l;
    let mut covariance = vec![vec![0.0; n]; n];
    for i in 0..n_c {
        covariance[i][..n_c].copy_from_slice(&cov_c[i]);
    }
    for i in 0..n_l {
        covariance[n_c + i][n_c..].copy_from_slice(&cov_l[i]);
    }
    let names: Vec<&str> = crisis.iter().chain(long).copied().collect();
    let gradient: Vec<f64> = h_c.1.iter().chain(&h_l.1).copied().collect();
    let entries = names
        .iter()
        .enumerate()
        .map(|(i, name)| PosteriorEntry {
            name: name.to_string(),
            value: value(name),
            sd: covariance[i][i].sqrt(),
            gradient: gradient[i],
        })
        .collect();
    Ok(PosteriorSummary {
        entries,
        covariance,
        raised: raised_c + raised_l,
        prior_sd: sd,
        cases: refs.len(),
        member_years: at_risk.len(),
        evaluations: total as usize,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three bundled cases split into two pretend alliances.
    fn split() -> (World, Vec<Case>, Backtest) {
        let world = casus_data::bundled_world().unwrap();
        let params = casus_data::params::bundled_params().unwrap().params();
        let cases: Vec<Case> = casus_data::cases::bundled_cases(&world)
            .unwrap()
            .into_iter()
            .filter(|c| {
                ["kazakhstan-2022", "karabakh-2020", "armenia-2022"].contains(&c.id.as_str())
            })
            .collect();
        assert_eq!(cases.len(), 3);
        let b = score_cases(&world, &cases, &params).unwrap();
        (world, cases, b)
    }

    #[test]
    fn each_group_is_scored_apart_and_the_groups_add_up_to_the_whole() {
        let (_, cases, mut b) = split();
        let model = b.scores;
        let groups = vec![("A".to_string(), vec![0, 2]), ("B".to_string(), vec![1])];
        let rows = by_group(&mut b, &cases, &groups);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].cases, vec![cases[1].id.clone()]);
        let n: usize = rows.iter().map(|r| r.scores.n).sum();
        assert_eq!(n, model.n);
        for name in ["climatology", "treaty_literal", "leader_only"] {
            let weighted: f64 = rows
                .iter()
                .map(|r| r.baselines[name].brier * r.baselines[name].n as f64)
                .sum();
            let whole = &b.baselines[name];
            assert!(
                (weighted / whole.n as f64 - whole.brier).abs() < 1e-12,
                "{name}: the groups' Brier scores add up to the overall one"
            );
        }
        let weighted: f64 = rows
            .iter()
            .map(|r| r.scores.brier * r.scores.n as f64)
            .sum();
        assert!((weighted / n as f64 - model.brier).abs() < 1e-12);
    }

    #[test]
    fn a_groups_climatology_is_the_base_rate_of_the_other_groups_only() {
        let (_, cases, mut b) = split();
        let groups = vec![("A".to_string(), vec![0, 2]), ("B".to_string(), vec![1])];
        let others: Vec<&CasePrediction> = b
            .predictions
            .iter()
            .filter(|p| p.case != cases[1].id && p.predicted.is_some())
            .collect();
        let base = climatology(&others);
        let mine: Vec<([f64; 4], Outcome)> = b
            .predictions
            .iter()
            .filter(|p| p.case == cases[1].id && p.predicted.is_some())
            .filter_map(|p| Some((base, p.observed?)))
            .collect();
        let rows = by_group(&mut b, &cases, &groups);
        assert_eq!(rows[1].baselines["climatology"], score(&mine));
    }

    #[test]
    fn holding_out_two_groups_fits_twice_and_scores_each_group_apart() {
        let (world, cases, in_sample) = split();
        let params = casus_data::params::bundled_params().unwrap().params();
        let groups = vec![("A".to_string(), vec![0, 2]), ("B".to_string(), vec![1])];
        let done = AtomicU64::new(0);
        let record = Recorder::new(
            Checkpoint::new(Fingerprint::of(
                &world,
                &CalibrateRequest {
                    cases: cases.clone(),
                    prior: params.clone(),
                    prior_sd: PriorSd::default(),
                    evals: 10,
                    hold_out: Some(HoldOut::Alliance),
                    threads: Threads::ALL_CORES,
                    resume: None,
                },
            )),
            &NoCheckpoints,
        );
        let h = hold_out(
            &world,
            &cases,
            &groups,
            HoldOut::Alliance,
            (&params, 1.0, &params, 10),
            (&done, &BTreeMap::new(), &record),
        )
        .unwrap();
        assert_eq!(done.load(Ordering::Relaxed), 2, "one refit per group");
        assert_eq!(h.groups.len(), 2);
        let order = |b: &Backtest| -> Vec<(String, String)> {
            b.predictions
                .iter()
                .map(|p| (p.case.clone(), p.event.clone()))
                .collect()
        };
        assert_eq!(order(&h.overall), order(&in_sample), "case order kept");
        for g in &h.groups {
            assert!(g.scores.brier.is_finite() && g.scores.n > 0, "{}", g.group);
        }
    }
}

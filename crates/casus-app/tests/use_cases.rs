//! The use cases on the bundled data, as a front end calls them: typed request
//! in, typed summary out, the same summary for any thread count, progress that
//! reaches its total, and explicit errors for requests that cannot be served.

use casus_app::anchors::{AnchorsRequest, anchors};
use casus_app::catalogue::{check, list};
use casus_app::checkpoint::{Checkpoint, Checkpoints, Fingerprint};
use casus_app::forecast::{ForecastRequest, HorizonRequest, forecast, horizon};
use casus_app::history::{
    BacktestRequest, CalibrateRequest, HoldOut, PriorSd, backtest, calibrate,
    calibrate_checkpointed, groups,
};
use casus_app::timeline::{ExplainRequest, explain, run};
use casus_app::{Error, Silent, Threads, render};
use casus_model::Date;
use casus_model::calibration::Case;
use casus_model::params::Params;
use casus_model::scenario::{Scenario, World};
use casus_model::state::RelationKind;
use std::num::NonZeroU64;
use std::sync::Mutex;

fn world() -> World {
    casus_data::bundled_world().unwrap()
}

fn scenario(name: &str, world: &World) -> Scenario {
    casus_data::bundled_scenario(name, world).unwrap().unwrap()
}

fn params() -> Params {
    casus_data::params::bundled_params().unwrap().params()
}

fn runs(n: u64) -> NonZeroU64 {
    NonZeroU64::new(n).unwrap()
}

fn threads(n: usize) -> Threads {
    Threads::new(n).unwrap()
}

/// A progress listener that keeps every report.
#[derive(Default)]
struct Recorder(Mutex<Vec<(u64, u64)>>);

impl casus_app::Progress for Recorder {
    fn update(&self, done: u64, total: u64) {
        self.0.lock().unwrap().push((done, total));
    }
}

impl Recorder {
    fn last(&self) -> (u64, u64) {
        *self
            .0
            .lock()
            .unwrap()
            .last()
            .expect("at least the final report")
    }
}

fn cases(world: &World) -> Vec<Case> {
    casus_data::cases::bundled_cases(world).unwrap()
}

fn csto_cases(world: &World, n: usize) -> Vec<Case> {
    cases(world)
        .into_iter()
        .filter(|c| c.scenario.alliance == "CSTO")
        .take(n)
        .collect()
}

#[test]
fn list_names_the_csto_its_members_and_every_bundled_scenario() {
    let w = world();
    let c = list(&w, Date::new(2026, 1, 1).unwrap());
    let csto = c.alliances.iter().find(|a| a.id == "CSTO").unwrap();
    assert!(
        csto.members
            .iter()
            .any(|m| m.state == "RUS" && !m.suspended)
    );
    assert_eq!(c.states.len(), w.states.len());
    assert!(!c.scenarios.is_empty());
    for s in &c.scenarios {
        assert!(s.title.is_ok(), "{} does not load: {:?}", s.name, s.title);
    }
}

#[test]
fn check_and_run_cover_every_event_of_a_scenario() {
    let w = world();
    let sc = scenario("kazakhstan-2022", &w);
    let c = check(&w, &sc).unwrap();
    assert_eq!((c.events, c.alliance.as_str()), (sc.events.len(), "CSTO"));
    let r = run(&w, &sc, None).unwrap();
    assert_eq!(r.events.len(), sc.events.len());
    assert_eq!(r.seed, sc.seed);
    assert_eq!(run(&w, &sc, Some(5)).unwrap().seed, 5);
    assert!(r.events.iter().any(|e| e.treaty.is_some()));
}

#[test]
fn explain_keeps_the_asked_event_only_and_names_the_events_of_a_wrong_one() {
    let w = world();
    let sc = scenario("kazakhstan-2022", &w);
    let all = explain(
        &w,
        &ExplainRequest {
            scenario: sc.clone(),
            params: params(),
            event: None,
        },
    )
    .unwrap();
    let first = all.events[0].event.id.clone();
    let one = explain(
        &w,
        &ExplainRequest {
            scenario: sc.clone(),
            params: params(),
            event: Some(first.clone()),
        },
    )
    .unwrap();
    assert_eq!(one.events.len(), 1);
    assert_eq!(one.events[0], all.events[0]);
    let err = explain(
        &w,
        &ExplainRequest {
            scenario: sc,
            params: params(),
            event: Some("no-such-event".into()),
        },
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Request(m) if m.contains(&first)),
        "{err}"
    );
}

fn forecast_request(w: &World, n: usize) -> ForecastRequest {
    ForecastRequest {
        scenario: scenario("kazakhstan-2022", w),
        params: params(),
        runs: runs(5000),
        seed: Some(3),
        threads: threads(n),
    }
}

#[test]
fn forecast_probabilities_sum_to_one_per_event_within_their_intervals() {
    let w = world();
    let s = forecast(&w, &forecast_request(&w, 2), &Silent).unwrap();
    assert_eq!((s.runs, s.seed), (5000, 3));
    let answered: Vec<_> = s.events.iter().filter_map(|e| e.answer.as_ref()).collect();
    assert!(!answered.is_empty());
    for a in answered {
        let total: f64 = a.outcomes.iter().map(|(_, sh)| sh.p).sum();
        assert!((total - 1.0).abs() < 1e-12, "outcomes sum to {total}");
        assert_eq!(
            a.outcomes.iter().map(|(_, sh)| sh.count).sum::<u64>(),
            a.decided
        );
        for (_, sh) in &a.outcomes {
            assert!(sh.ci95.0 <= sh.p && sh.p <= sh.ci95.1, "{sh:?}");
        }
        for (m, f) in &a.members {
            let st: f64 = f.stances.iter().sum();
            assert!((st - 1.0).abs() < 1e-12, "{m}'s stances sum to {st}");
            assert!(f.expected_troops >= 0.0);
        }
    }
}

#[test]
fn forecast_is_the_same_summary_on_one_or_two_threads_and_reports_progress_to_the_end() {
    let w = world();
    let one = forecast(&w, &forecast_request(&w, 1), &Silent).unwrap();
    let progress = Recorder::default();
    let two = forecast(&w, &forecast_request(&w, 2), &progress).unwrap();
    assert_eq!(one, two);
    assert_eq!(render::forecast_json(&one), render::forecast_json(&two));
    assert_eq!(progress.last(), (5000, 5000));
    let reports = progress.0.lock().unwrap();
    assert!(
        reports.windows(2).all(|p| p[0].0 <= p[1].0),
        "progress never goes back"
    );
}

#[test]
fn forecast_json_is_one_document_with_the_summary_events() {
    let w = world();
    let s = forecast(&w, &forecast_request(&w, 2), &Silent).unwrap();
    let text = render::forecast_json(&s);
    assert!(text.ends_with("}\n"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["events"].as_array().unwrap().len(), s.events.len());
    let e = s.events.iter().find(|e| e.answer.is_some()).unwrap();
    let j = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["id"] == e.id.as_str())
        .unwrap();
    let (_, none) = e.answer.as_ref().unwrap().outcomes[0];
    assert_eq!(j["outcomes"]["none"].as_f64().unwrap(), none.p);
}

fn horizon_request(w: &World, until: Date, n: usize) -> HorizonRequest {
    HorizonRequest {
        scenario: scenario("russia-loses-2026", w),
        params: params(),
        rates: casus_data::params::bundled_base_rates().unwrap(),
        until,
        runs: runs(300),
        seed: Some(11),
        threads: threads(n),
    }
}

#[test]
fn horizon_gives_one_row_per_year_and_the_same_for_any_thread_count() {
    let w = world();
    let until = Date::new(2029, 12, 31).unwrap();
    let progress = Recorder::default();
    let one = horizon(&w, &horizon_request(&w, until, 1), &progress).unwrap();
    let two = horizon(&w, &horizon_request(&w, until, 2), &Silent).unwrap();
    assert_eq!(one, two);
    assert_eq!(progress.last(), (300, 300));
    assert_eq!(one.years.last().unwrap().year, 2029);
    assert!(!one.members.is_empty());
    for y in &one.years {
        let h: f64 = y.engaged_allies.histogram.iter().sum();
        assert!((h - 1.0).abs() < 1e-9, "{}: histogram sums to {h}", y.year);
        let e = &y.engaged_allies;
        assert!(e.q05 <= e.q25 && e.q25 <= e.median && e.median <= e.q75 && e.q75 <= e.q95);
        for m in &one.members {
            assert!(
                y.p_left[m] <= y.p_frozen_or_gone[m] + 1e-12,
                "gone implies disengaged"
            );
        }
    }
}

#[test]
fn horizon_that_ends_before_the_scenario_does_is_refused() {
    let w = world();
    let err = horizon(
        &w,
        &horizon_request(&w, Date::new(2020, 1, 1).unwrap(), 1),
        &Silent,
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Request(m) if m.contains("not after")),
        "{err}"
    );
}

#[test]
fn backtest_scores_the_library_beside_its_baselines() {
    let w = world();
    let cases = cases(&w);
    let s = backtest(
        &w,
        &BacktestRequest {
            cases: cases.clone(),
            params: params(),
            hold_out: None,
        },
    )
    .unwrap();
    assert_eq!(s.cases, cases.len());
    assert!(s.by_alliance.is_none());
    assert!(s.backtest.scores.brier.is_finite() && s.backtest.scores.n > 0);
    for k in ["climatology", "treaty_literal", "leader_only"] {
        assert!(s.backtest.baselines[k].brier.is_finite(), "{k}");
    }
}

#[test]
fn holding_out_by_alliance_with_one_alliance_says_so() {
    let w = world();
    let one = csto_cases(&w, 3);
    let err = backtest(
        &w,
        &BacktestRequest {
            cases: one.clone(),
            params: params(),
            hold_out: Some(HoldOut::Alliance),
        },
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Request(m) if m.contains("at least two alliances") && m.contains("CSTO")),
        "{err}"
    );
    // Refused before the fit: no evaluation budget is spent on an impossible request.
    let req = CalibrateRequest {
        cases: one,
        prior: params(),
        prior_sd: PriorSd::default(),
        evals: 1_000_000,
        hold_out: Some(HoldOut::Alliance),
        threads: Threads::ALL_CORES,
        resume: None,
    };
    let err = calibrate(&w, &req, &Silent).unwrap_err();
    assert!(
        matches!(&err, Error::Request(m) if m.contains("at least two alliances")),
        "{err}"
    );
}

#[test]
fn cases_group_by_their_scenarios_alliance() {
    let w = world();
    let mut cs = csto_cases(&w, 3);
    cs[1].scenario.alliance = "OTHER".into();
    let g = groups(&cs, HoldOut::Alliance).unwrap();
    assert_eq!(
        g,
        vec![
            ("CSTO".to_string(), vec![0, 2]),
            ("OTHER".to_string(), vec![1])
        ]
    );
    let by_case = groups(&cs, HoldOut::Case).unwrap();
    assert_eq!(by_case.len(), 3);
    assert_eq!(by_case[1], (cs[1].id.clone(), vec![1]));
}

#[test]
fn calibrate_on_three_cases_returns_finite_scores_for_any_thread_count() {
    let w = world();
    let req = |n| CalibrateRequest {
        cases: csto_cases(&w, 3),
        prior: params(),
        prior_sd: PriorSd::default(),
        evals: 30,
        hold_out: Some(HoldOut::Case),
        threads: threads(n),
        resume: None,
    };
    let progress = Recorder::default();
    let c = calibrate(&w, &req(2), &progress).unwrap();
    assert_eq!(progress.last(), (4, 4), "the full fit and three refits");
    assert!(c.objective.is_finite());
    assert_eq!(c.cases.len(), 3);
    for b in [&c.before, &c.after] {
        assert!(b.scores.brier.is_finite() && b.scores.log.is_finite());
    }
    let h = c.held_out.as_ref().unwrap();
    assert_eq!((h.by, h.refit_evals), (HoldOut::Case, 10));
    assert!(h.overall.scores.brier.is_finite());
    assert!(h.groups.is_empty());
    let in_sample: Vec<_> = c
        .after
        .predictions
        .iter()
        .map(|p| (&p.case, &p.event))
        .collect();
    let held: Vec<_> = h
        .overall
        .predictions
        .iter()
        .map(|p| (&p.case, &p.event))
        .collect();
    assert_eq!(
        in_sample, held,
        "every prediction held out once, in case order"
    );
    assert_eq!(calibrate(&w, &req(1), &Silent).unwrap(), c);
}

#[test]
fn calibrate_leave_one_case_out_is_the_models_leave_one_out() {
    let w = world();
    let cs = csto_cases(&w, 3);
    let prior = params();
    let req = CalibrateRequest {
        cases: cs.clone(),
        prior: prior.clone(),
        prior_sd: PriorSd::default(),
        evals: 30,
        hold_out: Some(HoldOut::Case),
        threads: threads(2),
        resume: None,
    };
    let c = calibrate(&w, &req, &Silent).unwrap();
    let loo = casus_model::calibration::leave_one_out(&w, &cs, &prior, 1.0, &c.fitted, 10).unwrap();
    assert_eq!(
        c.held_out.unwrap().overall,
        casus_model::calibration::evaluate(loo)
    );
}

#[test]
fn anchors_average_the_councils_answers_the_same_on_any_thread_count() {
    let w = world();
    let req = |n| AnchorsRequest {
        alliance: "CSTO".into(),
        params: params(),
        years: vec![2014, 2022],
        threads: threads(n),
    };
    let progress = Recorder::default();
    let a = anchors(&w, &req(2), &progress).unwrap();
    assert_eq!(a, anchors(&w, &req(1), &Silent).unwrap());
    assert!(a.invocations > 0);
    assert_eq!(
        progress.last(),
        (a.invocations as u64, a.invocations as u64)
    );
    assert!((0.0..=1.0).contains(&(a.honoured + a.partly)));
    assert_eq!(a.article, "CST-4");
    let csto = &w.alliances["CSTO"];
    for (year, victim, attacker) in &a.pairs {
        let on = Date::new(*year, 7, 1).unwrap();
        assert!(csto.is_participating(victim, on), "{victim} in {year}");
        assert!(
            !csto.is_member(attacker, on),
            "{attacker} is a member in {year}"
        );
        assert!(
            w.related(RelationKind::Dispute, victim, attacker, on),
            "{attacker} attacks {victim} in {year} without a dispute"
        );
    }
    assert!(a.pairs.contains(&(2022, "ARM".into(), "AZE".into())));
    let err = anchors(
        &w,
        &AnchorsRequest {
            alliance: "NOPE".into(),
            ..req(1)
        },
        &Silent,
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Request(m) if m.contains("CSTO")),
        "{err}"
    );
}

/// A checkpoint sink that keeps every checkpoint and asks to stop after `stop` fits.
struct Keep {
    all: Mutex<Vec<Checkpoint>>,
    stop: usize,
}

impl Checkpoints for Keep {
    fn fit_done(&self, done: &Checkpoint) -> Result<(), String> {
        let mut all = self.all.lock().unwrap();
        all.push(done.clone());
        if all.len() >= self.stop {
            return Err(format!("stopped after {} fits", all.len()));
        }
        Ok(())
    }
}

#[test]
fn a_calibration_resumed_from_any_checkpoint_returns_what_an_uninterrupted_one_returns() {
    let w = world();
    let req = CalibrateRequest {
        cases: csto_cases(&w, 3),
        prior: params(),
        prior_sd: PriorSd::default(),
        evals: 30,
        hold_out: Some(HoldOut::Case),
        threads: threads(2),
        resume: None,
    };
    let all = Keep {
        all: Mutex::new(Vec::new()),
        stop: usize::MAX,
    };
    let whole = calibrate_checkpointed(&w, &req, &Silent, &all).unwrap();
    let kept = all.all.into_inner().unwrap();
    assert_eq!(kept.len(), 4, "the full fit, then three refits");
    for (n, c) in kept.iter().enumerate() {
        assert_eq!(c.fits(), n + 1, "each checkpoint adds one fit");
        assert!(c.full.is_some(), "refits start from the full fit");
    }
    assert_eq!(calibrate(&w, &req, &Silent).unwrap(), whole);

    // Interrupted after the full fit and one refit, then resumed.
    let two = Keep {
        all: Mutex::new(Vec::new()),
        stop: 2,
    };
    let err = calibrate_checkpointed(&w, &req, &Silent, &two).unwrap_err();
    assert!(
        matches!(&err, Error::Stopped(m) if m.contains("after 2")),
        "{err}"
    );
    let last = two.all.into_inner().unwrap().pop().unwrap();
    assert_eq!(last.fits(), 2);
    let progress = Recorder::default();
    let rest = Keep {
        all: Mutex::new(Vec::new()),
        stop: usize::MAX,
    };
    let resumed = CalibrateRequest {
        resume: Some(last),
        ..req.clone()
    };
    assert_eq!(
        calibrate_checkpointed(&w, &resumed, &progress, &rest).unwrap(),
        whole
    );
    assert_eq!(
        rest.all.into_inner().unwrap().len(),
        2,
        "only the two refits left"
    );
    assert_eq!(progress.last(), (4, 4), "resumed fits count as done");
    // Refits done before the full fit (an order where they run beside it):
    // only the full fit is done again.
    let mut refits_only = kept.last().unwrap().clone();
    refits_only.full = None;
    let full_only = Keep {
        all: Mutex::new(Vec::new()),
        stop: usize::MAX,
    };
    let r = CalibrateRequest {
        resume: Some(refits_only),
        ..req.clone()
    };
    assert_eq!(
        calibrate_checkpointed(&w, &r, &Silent, &full_only).unwrap(),
        whole
    );
    let heard = full_only.all.into_inner().unwrap();
    assert_eq!((heard.len(), heard[0].fits()), (1, 4));
    // Every checkpoint of the uninterrupted run resumes to the same result.
    for c in kept {
        let r = CalibrateRequest {
            resume: Some(c),
            ..req.clone()
        };
        assert_eq!(calibrate(&w, &r, &Silent).unwrap(), whole);
    }
}

#[test]
fn a_checkpoint_of_other_inputs_is_refused_before_any_fit() {
    let w = world();
    let req = CalibrateRequest {
        cases: csto_cases(&w, 3),
        prior: params(),
        prior_sd: PriorSd::default(),
        evals: 30,
        hold_out: Some(HoldOut::Case),
        threads: threads(1),
        resume: None,
    };
    let c = Checkpoint::new(Fingerprint::of(&w, &req));
    let refused = |r: CalibrateRequest| match calibrate(&w, &r, &Silent).unwrap_err() {
        Error::Request(m) => m,
        e => panic!("{e}"),
    };
    let evals = refused(CalibrateRequest {
        evals: 1_000_000,
        resume: Some(c.clone()),
        ..req.clone()
    });
    assert!(
        evals.contains("evaluations: 30 in the checkpoint, 1000000 now"),
        "{evals}"
    );
    let sd = refused(CalibrateRequest {
        prior_sd: PriorSd::new(2.0).unwrap(),
        evals: 1_000_000,
        resume: Some(Checkpoint::new(Fingerprint::of(
            &w,
            &CalibrateRequest {
                evals: 1_000_000,
                ..req.clone()
            },
        ))),
        ..req.clone()
    });
    assert!(sd.contains("prior sd"), "{sd}");
    let mut other = csto_cases(&w, 3);
    other[0].observed.clear();
    let content = refused(CalibrateRequest {
        cases: other,
        evals: 1_000_000,
        resume: Some(Checkpoint::new(Fingerprint::of(
            &w,
            &CalibrateRequest {
                evals: 1_000_000,
                ..req.clone()
            },
        ))),
        ..req.clone()
    });
    assert!(
        content.contains("a case's scenario or observed outcomes changed"),
        "{content}"
    );
    let mut stray = c;
    stray
        .refits
        .insert("no-such-case".into(), Default::default());
    let group = refused(CalibrateRequest {
        resume: Some(stray),
        ..req
    });
    assert!(group.contains("`no-such-case`"), "{group}");
}

#[test]
fn a_calibration_held_out_by_alliance_resumes_from_whichever_fits_finished_first() {
    // A twin of the CSTO, so that three cases make two alliances.
    let mut w = world();
    let mut twin = w.alliances["CSTO"].clone();
    twin.id = "TWIN".into();
    w.alliances.insert("TWIN".into(), twin);
    let mut cs = csto_cases(&w, 3);
    cs[1].scenario.alliance = "TWIN".into();
    let req = CalibrateRequest {
        cases: cs,
        prior: params(),
        prior_sd: PriorSd::default(),
        evals: 30,
        hold_out: Some(HoldOut::Alliance),
        threads: threads(2),
        resume: None,
    };
    let all = Keep {
        all: Mutex::new(Vec::new()),
        stop: usize::MAX,
    };
    let whole = calibrate_checkpointed(&w, &req, &Silent, &all).unwrap();
    let kept = all.all.into_inner().unwrap();
    assert_eq!(kept.len(), 3, "the full fit and two refits");
    for stop in 1..=2 {
        let some = Keep {
            all: Mutex::new(Vec::new()),
            stop,
        };
        assert!(matches!(
            calibrate_checkpointed(&w, &req, &Silent, &some),
            Err(Error::Stopped(_))
        ));
        let last = some.all.into_inner().unwrap().pop().unwrap();
        assert_eq!(last.fits(), stop);
        let r = CalibrateRequest {
            resume: Some(last),
            ..req.clone()
        };
        assert_eq!(
            calibrate(&w, &r, &Silent).unwrap(),
            whole,
            "stopped after {stop}"
        );
    }
}

#[test]
fn the_membership_backtest_scores_each_alliance_apart_beside_a_constant_hazard() {
    let w = world();
    let req = casus_app::history::MembershipRequest {
        history: casus_data::membership::bundled_history(&w).unwrap(),
        params: casus_data::params::bundled_params().unwrap().params(),
        prior: casus_data::params::bundled_priors().unwrap().params(),
        prior_sd: PriorSd::default(),
        reserved: casus_data::reserved::ALLIANCES.map(String::from).to_vec(),
    };
    let s = casus_app::history::membership_backtest(&w, &req).unwrap();
    // Every alliance of the world has member-years: the reserved ones are
    // scored apart and read by no fit; the others' groups add up.
    assert_eq!(s.by_alliance.len() + s.reserved.len(), w.alliances.len());
    let reserved: Vec<&str> = s.reserved.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(reserved, ["ANZUS", "NATO"]);
    assert!(
        s.by_alliance
            .iter()
            .all(|g| !reserved.contains(&g.group.as_str()))
    );
    let n: usize = s.by_alliance.iter().map(|g| g.given.n).sum();
    assert_eq!(n, s.member_years);
    assert_eq!(s.pooled.held_out.n, s.member_years);
    let events: usize = s.by_alliance.iter().map(|g| g.given.events).sum();
    assert_eq!(events, s.events);
    // No leading power left its own alliance, and its decision says so.
    assert!(s.leader_years > 100);
    assert_eq!(s.leader_stays, s.leader_years);
    // The fit on every alliance does not fit worse than its prior.
    assert!(s.objective_fitted <= s.objective_prior + 1e-9);
    for g in &s.by_alliance {
        for sc in [g.given, g.held_out, g.constant] {
            assert!(
                sc.log.is_finite() && (0.0..=1.0).contains(&sc.brier),
                "{g:?}"
            );
        }
    }
}

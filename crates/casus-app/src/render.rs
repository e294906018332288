//! The JSON documents of the summaries: the bytes `casus … --json` prints, shared
//! by every front end (a binding's `.to_json()` calls the same function). Each
//! returns pretty-printed JSON with a final newline. Keys are sorted (serde_json
//! objects); floats print as serde_json prints them; the layout is documented on
//! each function here and pinned byte for byte by the CLI's golden tests
//! (`crates/casus-cli/tests/golden`). The summaries also derive
//! `Serialize` (their own structure, for tools that want every field); the
//! documents here are the stable format.

use crate::Error;
use crate::forecast::{EventForecast, ForecastSummary, HorizonSummary, PARTIAL_FORMAT, Partial};
use crate::history::{BacktestSummary, GroupScores};
use crate::sweep::SweepSummary;
use crate::timeline::{ExplainSummary, RunSummary};
use casus_data::{LoadError, Problem};
use casus_model::calibration::{ASK_CHOICES, Backtest, Scores};
use casus_model::decision::Stance;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

fn document(v: &Value) -> String {
    // A `Value` has string keys only: serialising it cannot fail.
    serde_json::to_string_pretty(v).expect("a JSON value serialises") + "\n"
}

/// `casus run --json`: `events[]`, each the event with its `treaty`
/// determination (or `bilateral` request) and, where the forecast decided
/// something, `forecast` (the fields of `casus forecast --json`'s event) and
/// `council` (the council's decision under the most likely stances, as in
/// `casus explain --json`); `runs` and `generator` say how the forecast was made.
pub fn run_json(s: &RunSummary) -> String {
    let forecasts: BTreeMap<&str, &EventForecast> = s
        .forecast
        .events
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect();
    let events: Vec<Value> = s
        .events
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e).expect("an analysed event serialises");
            if let Some(f) = forecasts.get(e.event.id.as_str()) {
                v["forecast"] = forecast_event(f, Map::new());
            }
            if let Some(c) = s.councils.get(&e.event.id) {
                v["council"] = json!(c);
            }
            v
        })
        .collect();
    document(&json!({
        "scenario": s.scenario,
        "title": s.title,
        "alliance": s.alliance,
        "seed": s.seed,
        "runs": s.forecast.runs,
        "generator": GENERATOR,
        "events": events,
    }))
}

/// `casus explain --json`.
pub fn explain_json(s: &ExplainSummary) -> String {
    let items: Vec<Value> = s
        .events
        .iter()
        .map(|e| {
            json!({
                "id": e.event.id,
                "decisions": e.decisions,
                "modal_outcome": e.modal_outcome.map(|o| o.name()),
                "council": e.council,
            })
        })
        .collect();
    document(&json!({ "scenario": s.scenario, "events": items }))
}

fn object<'a>(m: impl Iterator<Item = (&'a String, &'a f64)>) -> Value {
    Value::Object(m.map(|(k, v)| (k.clone(), json!(v))).collect())
}

/// One event of a forecast: `outcomes`, `ci95`, `members`, `p_request`,
/// `deployment`, `p_sign`/`p_all_sign`, `p_take_part`/`p_host_cancels`, each
/// where the event has it.
fn forecast_event(ev: &EventForecast, mut e: Map<String, Value>) -> Value {
    if let Some(a) = &ev.answer {
        let mut outcomes = Map::new();
        let mut ci = Map::new();
        for (r, sh) in &a.outcomes {
            outcomes.insert(r.name().into(), json!(sh.p));
            ci.insert(r.name().into(), json!([sh.ci95.0, sh.ci95.1]));
        }
        e.insert("outcomes".into(), Value::Object(outcomes));
        e.insert("ci95".into(), Value::Object(ci));
        let members: Map<String, Value> = a
            .members
            .iter()
            .map(|(m, f)| {
                let st: Map<String, Value> = Stance::ALL
                    .iter()
                    .map(|s| (s.name().into(), json!(f.stances[*s as usize])))
                    .collect();
                (
                    m.clone(),
                    json!({ "stances": st, "expected_troops": f.expected_troops }),
                )
            })
            .collect();
        e.insert("members".into(), Value::Object(members));
        if let Some(r) = &ev.request {
            e.insert("p_request".into(), json!(r.p));
        }
        if let Some(d) = &a.deployment {
            e.insert(
                "deployment".into(),
                json!({
                    "expected_days_to_deploy": d.expected_days_to_deploy,
                    "expected_troops_if_deployed": d.expected_troops_if_deployed,
                }),
            );
        }
    }
    if let Some(su) = &ev.summit {
        e.insert("p_sign".into(), object(su.p_sign.iter()));
        e.insert("p_all_sign".into(), json!(su.p_all_sign));
    }
    if let Some(x) = &ev.exercise {
        e.insert("p_take_part".into(), object(x.p_take_part.iter()));
        e.insert("p_host_cancels".into(), json!(x.p_host_cancels));
    }
    Value::Object(e)
}

const GENERATOR: &str = "PCG64 (Lcg128Xsl64), stream = replication index";

/// `casus forecast --json`: `events[]` with `id`, `date`, `kind` and the
/// fields of [`forecast_event`].
pub fn forecast_json(s: &ForecastSummary) -> String {
    let events: Vec<Value> = s
        .events
        .iter()
        .map(|ev| {
            let head = json!({ "id": ev.id, "date": ev.date, "kind": ev.kind });
            let Value::Object(head) = head else {
                unreachable!("an object literal")
            };
            forecast_event(ev, head)
        })
        .collect();
    document(&json!({
        "scenario": s.scenario,
        "alliance": s.alliance,
        "runs": s.runs,
        "seed": s.seed,
        "generator": GENERATOR,
        "events": events,
    }))
}

/// `casus forecast --until DATE --json`: `years[]` with the per-member series and
/// the engaged allies' quantiles and histogram.
pub fn horizon_json(s: &HorizonSummary) -> String {
    let ys: Vec<Value> = s
        .years
        .iter()
        .map(|y| {
            let e = &y.engaged_allies;
            json!({
                "year": y.year,
                "p_dissolved": y.p_dissolved,
                "p_dissolved_by_leader": y.p_dissolved_by_leader,
                "p_deployment_so_far": y.p_deployment_so_far,
                "p_frozen_or_gone": object(y.p_frozen_or_gone.iter()),
                "p_notice_or_gone": object(y.p_notice_or_gone.iter()),
                "p_left": object(y.p_left.iter()),
                "p_refuses_to_sign": object(y.p_refuses_to_sign.iter()),
                "p_skips_exercise": object(y.p_skips_exercise.iter()),
                "p_frozen_two_years_arrears_no_vote": object(y.p_frozen_two_years_arrears_no_vote.iter()),
                "engaged_allies": { "q05": e.q05, "median": e.median, "q95": e.q95,
                    "histogram": e.histogram },
            })
        })
        .collect();
    document(&json!({
        "scenario": s.scenario,
        "until": s.until,
        "runs": s.runs,
        "seed": s.seed,
        "years": ys,
    }))
}

fn dist(p: &[f64; 4]) -> Value {
    json!({ "none": p[0], "statement": p[1], "mission": p[2], "deployment": p[3] })
}

fn scores_json(s: &Scores) -> Value {
    json!({ "brier": s.brier, "log": s.log, "accuracy": s.accuracy, "n": s.n })
}

fn groups_json(groups: &[GroupScores]) -> Value {
    Value::Array(
        groups
            .iter()
            .map(|g| {
                json!({
                    "group": g.group,
                    "cases": g.cases,
                    "scores": scores_json(&g.scores),
                    "baselines": g.baselines.iter().map(|(k, v)| (k.clone(), scores_json(v))).collect::<Map<_, _>>(),
                })
            })
            .collect(),
    )
}

/// A backtest's predictions and scores as a JSON value.
pub fn backtest_value(b: &Backtest) -> Value {
    let cases: Vec<Value> = b
        .predictions
        .iter()
        .map(|p| {
            json!({
                "id": p.case,
                "event": p.event,
                "observed": p.observed.map(|o| o.name()),
                "predicted": p.predicted.as_ref().map(dist),
                "baselines": {
                    "treaty_literal": p.treaty_literal.as_ref().map(dist),
                    "leader_only": p.leader_only.as_ref().map(dist),
                },
                "took_part": p.took_part.iter().map(|(m, (s, q))| (m.clone(), json!({"observed": s, "p_take_part": q}))).collect::<Map<_, _>>(),
                "signed": p.signed.iter().map(|(m, (s, q))| (m.clone(), json!({"observed": s, "p_sign": q}))).collect::<Map<_, _>>(),
                "stances": p.stances.iter().map(|(m, (s, q))| (m.clone(), json!({"observed": s.name(), "p": q}))).collect::<Map<_, _>>(),
                "asked": p.asked.as_ref().map(|(m, c, q)| json!({
                    "requester": m,
                    "observed": ASK_CHOICES[*c],
                    "p": {
                        "help": q[0], "consultations": q[1], "bilateral": q[2], "no_one": q[3],
                    },
                })),
            })
        })
        .collect();
    json!({
        "cases": cases,
        "scores": scores_json(&b.scores),
        "baselines": b.baselines.iter().map(|(k, v)| (k.clone(), scores_json(v))).collect::<Map<_, _>>(),
        "member_level": { "brier": b.member_brier, "n": b.member_n },
    })
}

/// `casus backtest --json`; with `--hold-out alliance` also `by_alliance[]`.
pub fn backtest_json(s: &BacktestSummary) -> String {
    let mut v = backtest_value(&s.backtest);
    if let Some(g) = &s.by_alliance {
        v["by_alliance"] = groups_json(g);
    }
    document(&v)
}

/// A shard's part (`casus forecast … --shard K/N`): the [`Partial`] as JSON,
/// its integer tallies exactly, for [`parse_partial`] and `casus merge`.
pub fn partial_json(p: &Partial) -> String {
    serde_json::to_string_pretty(p).expect("a partial serialises") + "\n"
}

/// A part read back from `file`'s `text`, or a located error: the JSON's
/// syntax or shape at its line and column, a file that is no part, or a part
/// of another layout.
pub fn parse_partial(file: &str, text: &str) -> Result<Partial, Error> {
    let problem = |line: usize, column: usize, message: String, help: &str| {
        Error::Input(LoadError(vec![Problem {
            file: file.to_string(),
            line,
            column,
            message,
            help: Some(help.to_string()),
        }]))
    };
    #[derive(serde::Deserialize)]
    struct Head {
        format: Option<String>,
        version: Option<u32>,
    }
    let head: Head = serde_json::from_str(text).map_err(|e| {
        problem(
            e.line().max(1),
            e.column().max(1),
            e.to_string(),
            "give a file `casus forecast … --shard K/N` wrote, unchanged",
        )
    })?;
    if head.format.as_deref() != Some("casus-partial") {
        return Err(problem(
            1,
            1,
            "this is not a shard's part (no `\"format\": \"casus-partial\"`)".into(),
            "give the files `casus forecast … --shard K/N -o FILE` wrote",
        ));
    }
    if head.version != Some(PARTIAL_FORMAT) {
        return Err(problem(
            1,
            1,
            format!(
                "a part of layout {:?}; this casus reads layout {PARTIAL_FORMAT}",
                head.version
            ),
            "run the shard again with this casus",
        ));
    }
    serde_json::from_str(text).map_err(|e| {
        problem(
            e.line().max(1),
            e.column().max(1),
            e.to_string(),
            "give a file `casus forecast … --shard K/N` wrote, unchanged",
        )
    })
}

/// `casus sweep --json`: the design's `factors`, `seed`, `runs`, `streams`,
/// `design_points`, the `shard` (or null) and `points[]`, each with `point`,
/// `values` (by factor) and `results[]` (`scenario`, `output`, `probability`,
/// `count`, `runs`, `ci95`; nulls where the event was never decided).
pub fn sweep_json(s: &SweepSummary) -> String {
    let points: Vec<Value> = s
        .points
        .iter()
        .map(|p| {
            let values: Map<String, Value> = s
                .factors
                .iter()
                .zip(&p.values)
                .map(|(f, v)| (f.clone(), json!(v)))
                .collect();
            let results: Vec<Value> = p
                .results
                .iter()
                .map(|r| {
                    let sh = r.share.as_ref();
                    json!({
                        "scenario": r.scenario,
                        "output": r.output,
                        "probability": sh.map(|x| x.p),
                        "count": sh.map(|x| x.count),
                        "runs": sh.map(|x| x.of),
                        "ci95": sh.map(|x| [x.ci95.0, x.ci95.1]),
                    })
                })
                .collect();
            json!({ "point": p.point, "values": values, "results": results })
        })
        .collect();
    document(&json!({
        "factors": s.factors,
        "seed": s.seed,
        "runs": s.runs,
        "streams": s.streams,
        "design_points": s.design_points,
        "shard": s.shard.map(|x| x.to_string()),
        "generator": "PCG64 (Lcg128Xsl64), seed = point_seed(seed, point) (or seed with common streams), stream = replication index",
        "points": points,
    }))
}

/// The membership backtest as JSON (`casus backtest --membership --json`).
pub fn membership_json(s: &crate::history::MembershipSummary) -> String {
    document(&serde_json::to_value(s).expect("a summary serialises"))
}

/// A long-horizon forecast with the parameters' uncertainty (`--posterior --json`).
pub fn posterior_horizon_json(s: &crate::posterior::PosteriorHorizon) -> String {
    document(&serde_json::to_value(s).expect("a summary serialises"))
}

/// A scenario's events with parameter uncertainty (`casus forecast --posterior --json`).
pub fn posterior_forecast_json(s: &crate::posterior::PosteriorForecast) -> String {
    document(&serde_json::to_value(s).expect("a summary serialises"))
}

/// The parameters' posterior (`casus posterior --json`).
pub fn posterior_json(s: &crate::history::PosteriorSummary) -> String {
    document(&serde_json::to_value(s).expect("a summary serialises"))
}

/// The explanation of the years after a scenario (`casus explain --until --json`).
pub fn explain_years_json(s: &crate::timeline::ExplainYearsSummary) -> String {
    document(&serde_json::to_value(s).expect("a summary serialises"))
}

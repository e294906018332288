//! Summaries as tidy tables: one row per observation, one column per
//! variable, named the same in every front end (the CLI's `--csv` and
//! `--parquet`, the Python package's data frames, the web front end's tables).
//! Building the rows is here, once; encoding them (CSV, Parquet, a data frame)
//! is the front end's job.
//!
//! | summary | tables |
//! |---|---|
//! | [`Catalogue`] | `alliances`, `members`, `states`, `scenarios` |
//! | [`RunSummary`] | `events`, `chain`, `outcomes`, `stances` |
//! | [`ExplainSummary`] | `decisions`, `terms` |
//! | [`ForecastSummary`] | `events`, `outcomes`, `stances`, `engagement` |
//! | [`HorizonSummary`] | `horizon`, `years`, `engaged_allies` |
//! | [`BacktestSummary`] | `predictions`, `member_predictions`, `scores` |
//! | [`Calibration`] | `parameters`, `predictions`, `scores` |
//! | [`AnchorsSummary`] | `anchors`, `invocations` |
//! | [`SweepSummary`] | `sweep`, `points` |
//!
//! Probabilities are fractions (0–1), dates ISO `YYYY-MM-DD` strings, a
//! missing value is [`Cell::Null`]. Rows come in the summary's order (timeline
//! order, then members by code), so the same summary gives the same rows.

use crate::anchors::AnchorsSummary;
use crate::catalogue::Catalogue;
use crate::forecast::{ForecastSummary, HorizonSummary};
use crate::history::{BacktestSummary, Calibration, GroupScores};
use crate::sweep::SweepSummary;
use crate::timeline::{ExplainSummary, RunSummary};
use casus_model::calibration::{Backtest, CasePrediction, FITTED, Scores};
use casus_model::decision::Stance;
use casus_model::dynamics::Outcome;
use casus_model::params::Params;
use casus_model::treaty::{Basis, Outcome as Applies};
use serde::Serialize;
use std::collections::BTreeMap;

/// The type of a column's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Str,
    F64,
    Int,
    Bool,
}

/// One value.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Str(String),
    F64(f64),
    Int(i64),
    Bool(bool),
    /// A value that does not exist for this row (no request decided, an
    /// unobserved outcome).
    Null,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Str(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Str(s)
    }
}
impl From<&String> for Cell {
    fn from(s: &String) -> Cell {
        Cell::Str(s.clone())
    }
}
impl From<f64> for Cell {
    fn from(x: f64) -> Cell {
        Cell::F64(x)
    }
}
impl From<i64> for Cell {
    fn from(x: i64) -> Cell {
        Cell::Int(x)
    }
}
impl From<i32> for Cell {
    fn from(x: i32) -> Cell {
        Cell::Int(x.into())
    }
}
impl From<u64> for Cell {
    fn from(x: u64) -> Cell {
        // Counts of replications are bounded by `MAX_RUNS` (10^9).
        Cell::Int(i64::try_from(x).unwrap_or(i64::MAX))
    }
}
impl From<usize> for Cell {
    fn from(x: usize) -> Cell {
        Cell::from(x as u64)
    }
}
impl From<bool> for Cell {
    fn from(x: bool) -> Cell {
        Cell::Bool(x)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(x: Option<T>) -> Cell {
        x.map_or(Cell::Null, Into::into)
    }
}

/// A named column and its type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

/// A tidy table: named, typed columns and rows of cells in column order. Every
/// cell of a column is of the column's kind or [`Cell::Null`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    /// The table's name (a file stem: `outcomes` → `outcomes.csv`).
    pub name: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    fn new(name: &'static str, columns: &[(&'static str, Kind)]) -> Table {
        Table {
            name,
            columns: columns
                .iter()
                .map(|&(name, kind)| Column { name, kind })
                .collect(),
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "table {}", self.name);
        self.rows.push(row);
    }

    /// The column names, in order.
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    /// Whether column `i` holds a missing value.
    pub fn nullable(&self, i: usize) -> bool {
        self.rows.iter().any(|r| r[i] == Cell::Null)
    }
}

use Kind::{Bool, F64, Int, Str};

macro_rules! row {
    ($($x:expr),* $(,)?) => { vec![$(Cell::from($x)),*] };
}

const OUTCOME_COLUMNS: &[(&str, Kind)] = &[
    ("event", Str),
    ("date", Str),
    ("outcome", Str),
    ("probability", F64),
    ("ci_low", F64),
    ("ci_high", F64),
];

const STANCE_COLUMNS: &[(&str, Kind)] = &[
    ("event", Str),
    ("member", Str),
    ("stance", Str),
    ("probability", F64),
    ("expected_troops", F64),
];

/// `outcomes`: P(each rung of the ladder) per decided event, with its 95%
/// Wilson interval.
fn outcomes(s: &ForecastSummary) -> Table {
    let mut t = Table::new("outcomes", OUTCOME_COLUMNS);
    for ev in &s.events {
        for (o, sh) in ev.answer.iter().flat_map(|a| &a.outcomes) {
            t.push(row![
                &ev.id,
                ev.date.to_string(),
                o.name(),
                sh.p,
                sh.ci95.0,
                sh.ci95.1
            ]);
        }
    }
    t
}

/// `stances`: P(each stance) per member and decided event; the member's
/// expected troops (over all decided replications) repeats on its four rows.
fn stances(s: &ForecastSummary) -> Table {
    let mut t = Table::new("stances", STANCE_COLUMNS);
    for ev in &s.events {
        for (m, f) in ev.answer.iter().flat_map(|a| &a.members) {
            for st in Stance::ALL {
                t.push(row![
                    &ev.id,
                    m,
                    st.name(),
                    f.stances[st as usize],
                    f.expected_troops
                ]);
            }
        }
    }
    t
}

/// `casus forecast`: `events` (one row per forecast event), `outcomes`,
/// `stances`, `engagement` (who signs a summit's declaration, who takes part
/// in an exercise).
pub fn forecast(s: &ForecastSummary) -> Vec<Table> {
    let mut events = Table::new(
        "events",
        &[
            ("event", Str),
            ("date", Str),
            ("kind", Str),
            ("title", Str),
            ("runs", Int),
            ("decided", Int),
            ("p_request", F64),
            ("expected_troops_if_deployed", F64),
            ("expected_days_to_deploy", F64),
            ("p_all_sign", F64),
            ("p_host_cancels", F64),
        ],
    );
    let mut engagement = Table::new(
        "engagement",
        &[
            ("event", Str),
            ("date", Str),
            ("activity", Str),
            ("member", Str),
            ("probability", F64),
        ],
    );
    for ev in &s.events {
        let deployment = ev.answer.as_ref().and_then(|a| a.deployment);
        events.push(row![
            &ev.id,
            ev.date.to_string(),
            &ev.kind,
            &ev.title,
            s.runs,
            ev.answer.as_ref().map(|a| a.decided),
            ev.request.map(|r| r.p),
            deployment.map(|d| d.expected_troops_if_deployed),
            deployment.map(|d| d.expected_days_to_deploy),
            ev.summit.as_ref().map(|x| x.p_all_sign),
            ev.exercise.as_ref().map(|x| x.p_host_cancels),
        ]);
        for (m, p) in ev.summit.iter().flat_map(|x| &x.p_sign) {
            engagement.push(row![&ev.id, ev.date.to_string(), "sign", m, *p]);
        }
        for (m, p) in ev.exercise.iter().flat_map(|x| &x.p_take_part) {
            engagement.push(row![&ev.id, ev.date.to_string(), "take_part", m, *p]);
        }
    }
    vec![events, outcomes(s), stances(s), engagement]
}

/// `casus run`: `events` (the treaty's determination in brief), `chain` (every
/// provision weighed, with its citation), and the forecast's `outcomes` and
/// `stances`.
pub fn run(s: &RunSummary) -> Vec<Table> {
    let mut events = Table::new(
        "events",
        &[
            ("event", Str),
            ("date", Str),
            ("kind", Str),
            ("title", Str),
            ("casus_foederis", Bool),
            ("casus_foederis_for", Str),
            ("basis", Str),
            ("articles", Str),
            ("bilateral_to", Str),
        ],
    );
    let mut chain = Table::new(
        "chain",
        &[
            ("event", Str),
            ("provision", Str),
            ("instrument", Str),
            ("article", Str),
            ("status", Str),
            ("overridden_by", Str),
            ("reason", Str),
            ("verbatim", Bool),
            ("source", Str),
        ],
    );
    for e in &s.events {
        let ev = &e.event;
        let d = e.treaty.as_ref();
        events.push(row![
            &ev.id,
            ev.date.to_string(),
            ev.kind.name(),
            &ev.title,
            d.map(|d| d.casus_foederis),
            d.and_then(|d| d.casus_foederis_for.clone()),
            d.and_then(|d| d.basis).map(|b| match b {
                Basis::AttackOnMemberTerritory => "attack_on_member_territory",
                Basis::InvokedByRequester => "invoked_by_requester",
            }),
            d.map(|d| d.articles.join(";")),
            e.bilateral.as_ref().map(|b| b.to.clone()),
        ]);
        for step in d.iter().flat_map(|d| &d.chain) {
            let (status, by) = match &step.outcome {
                Applies::Applies => ("applies", None),
                Applies::NotApplicable => ("not_applicable", None),
                Applies::OverriddenBy { provision } => ("overridden_by", Some(provision)),
            };
            chain.push(row![
                &ev.id,
                &step.provision,
                &step.instrument,
                &step.article,
                status,
                by,
                &step.reason,
                step.verbatim,
                &step.source,
            ]);
        }
    }
    vec![events, chain, outcomes(&s.forecast), stances(&s.forecast)]
}

/// `casus explain`: `decisions` (each member's utility and probability of each
/// stance along the modal course; a stance not open to it has no utility) and
/// `terms` (the weighted terms of its net benefit).
pub fn explain(s: &ExplainSummary) -> Vec<Table> {
    let mut decisions = Table::new(
        "decisions",
        &[
            ("event", Str),
            ("member", Str),
            ("stance", Str),
            ("utility", F64),
            ("probability", F64),
        ],
    );
    let mut terms = Table::new(
        "terms",
        &[
            ("event", Str),
            ("member", Str),
            ("term", Str),
            ("value", F64),
        ],
    );
    for x in &s.events {
        for m in &x.decisions.members {
            for st in Stance::ALL {
                let i = st as usize;
                decisions.push(row![
                    &x.event.id,
                    &m.state,
                    st.name(),
                    m.utilities[i],
                    m.probabilities[i]
                ]);
            }
            for (term, v) in &m.contributions {
                terms.push(row![&x.event.id, &m.state, term, *v]);
            }
        }
    }
    vec![decisions, terms]
}

/// `casus forecast --until`: `horizon` (per year and member, P(each state) by
/// the end of the year), `years` (the alliance's series) and `engaged_allies`
/// (P(k allies engaged)).
pub fn horizon(s: &HorizonSummary) -> Vec<Table> {
    let mut horizon = Table::new(
        "horizon",
        &[
            ("year", Int),
            ("member", Str),
            ("state", Str),
            ("probability", F64),
        ],
    );
    let mut years = Table::new(
        "years",
        &[
            ("year", Int),
            ("runs", Int),
            ("p_dissolved", F64),
            ("p_deployment_so_far", F64),
            ("engaged_q05", Int),
            ("engaged_q25", Int),
            ("engaged_median", Int),
            ("engaged_q75", Int),
            ("engaged_q95", Int),
        ],
    );
    let mut engaged = Table::new(
        "engaged_allies",
        &[("year", Int), ("allies", Int), ("probability", F64)],
    );
    for y in &s.years {
        let series: [(&str, &BTreeMap<String, f64>); 6] = [
            ("frozen_or_gone", &y.p_frozen_or_gone),
            ("notice_or_gone", &y.p_notice_or_gone),
            ("left", &y.p_left),
            ("refuses_to_sign", &y.p_refuses_to_sign),
            ("skips_exercise", &y.p_skips_exercise),
            (
                "frozen_two_years_arrears_no_vote",
                &y.p_frozen_two_years_arrears_no_vote,
            ),
        ];
        for m in &s.members {
            for (state, by_member) in series {
                if let Some(p) = by_member.get(m) {
                    horizon.push(row![y.year, m, state, *p]);
                }
            }
        }
        let e = &y.engaged_allies;
        years.push(row![
            y.year,
            y.runs,
            y.p_dissolved,
            y.p_deployment_so_far,
            e.q05,
            e.q25,
            e.median,
            e.q75,
            e.q95
        ]);
        for (k, p) in e.histogram.iter().enumerate() {
            engaged.push(row![y.year, k, *p]);
        }
    }
    vec![horizon, years, engaged]
}

const PREDICTION_COLUMNS: &[(&str, Kind)] = &[
    ("case", Str),
    ("event", Str),
    ("observed", Str),
    ("predictor", Str),
    ("outcome", Str),
    ("probability", F64),
];

/// One case's P(each rung) by the model and by the two per-case baselines
/// (climatology is a base rate, the same for every case, and only scored).
fn push_predictions(t: &mut Table, stage: Option<&str>, predictions: &[CasePrediction]) {
    for p in predictions {
        let by = [
            ("model", &p.predicted),
            ("treaty_literal", &p.treaty_literal),
            ("leader_only", &p.leader_only),
        ];
        for (predictor, dist) in by {
            let Some(dist) = dist else { continue };
            for o in Outcome::ALL {
                let mut r = row![
                    &p.case,
                    &p.event,
                    p.observed.map(Outcome::name),
                    predictor,
                    o.name(),
                    dist[o.rung()]
                ];
                if let Some(s) = stage {
                    r.insert(0, s.into());
                }
                t.push(r);
            }
        }
    }
}

const SCORE_COLUMNS: &[(&str, Kind)] = &[
    ("group", Str),
    ("predictor", Str),
    ("brier", F64),
    ("log", F64),
    ("accuracy", F64),
    ("n", Int),
];

fn score_row(group: &str, predictor: &str, s: &Scores) -> Vec<Cell> {
    row![group, predictor, s.brier, s.log, s.accuracy, s.n]
}

/// The scores of a backtest (`group` "all"), then of each held-out group.
fn push_scores(t: &mut Table, stage: Option<&str>, b: &Backtest, groups: &[GroupScores]) {
    let mut rows = vec![score_row("all", "model", &b.scores)];
    rows.extend(b.baselines.iter().map(|(k, v)| score_row("all", k, v)));
    rows.push(row![
        "all",
        "model_member_level",
        b.member_brier,
        Cell::Null,
        Cell::Null,
        b.member_n
    ]);
    for g in groups {
        rows.push(score_row(&g.group, "model", &g.scores));
        rows.extend(g.baselines.iter().map(|(k, v)| score_row(&g.group, k, v)));
    }
    for mut r in rows {
        if let Some(s) = stage {
            r.insert(0, s.into());
        }
        t.push(r);
    }
}

/// `casus backtest`: `predictions` (per case and predictor, P(each rung)
/// beside the observed rung), `member_predictions` (each member-level
/// observation: P(each answer) and whether it was the one observed) and
/// `scores` (Brier, log, accuracy per predictor; per alliance with
/// `--hold-out alliance`).
pub fn backtest(s: &BacktestSummary) -> Vec<Table> {
    let b = &s.backtest;
    let mut predictions = Table::new("predictions", PREDICTION_COLUMNS);
    push_predictions(&mut predictions, None, &b.predictions);
    let mut members = Table::new(
        "member_predictions",
        &[
            ("case", Str),
            ("event", Str),
            ("member", Str),
            ("question", Str),
            ("answer", Str),
            ("probability", F64),
            ("observed", Bool),
        ],
    );
    for p in &b.predictions {
        for (m, (observed, q)) in &p.stances {
            for st in Stance::ALL {
                members.push(row![
                    &p.case,
                    &p.event,
                    m,
                    "stance",
                    st.name(),
                    q[st as usize],
                    *observed == st
                ]);
            }
        }
        for (question, answers) in [("signs", &p.signed), ("takes_part", &p.took_part)] {
            for (m, (observed, q)) in answers {
                members.push(row![&p.case, &p.event, m, question, "yes", *q, *observed]);
            }
        }
        if let Some((m, choice, q)) = &p.asked {
            for (i, answer) in ["help", "consultations", "bilateral", "no_one"]
                .iter()
                .enumerate()
            {
                members.push(row![
                    &p.case,
                    &p.event,
                    m,
                    "asks",
                    *answer,
                    q[i],
                    *choice == i
                ]);
            }
        }
    }
    let mut scores = Table::new("scores", SCORE_COLUMNS);
    push_scores(
        &mut scores,
        None,
        b,
        s.by_alliance.as_deref().unwrap_or_default(),
    );
    vec![predictions, members, scores]
}

fn with_stage(columns: &[(&'static str, Kind)]) -> Vec<(&'static str, Kind)> {
    std::iter::once(("stage", Str))
        .chain(columns.iter().copied())
        .collect()
}

/// `casus calibrate`: `parameters` (each parameter's prior centre and fitted
/// value, and whether the fit moves it), `predictions` and `scores` with a
/// `stage` column: `prior` and `fitted` in sample, `held_out` out of sample.
pub fn calibration(c: &Calibration, prior: &Params) -> Vec<Table> {
    let mut parameters = Table::new(
        "parameters",
        &[
            ("parameter", Str),
            ("prior", F64),
            ("fitted", F64),
            ("is_fitted", Bool),
        ],
    );
    for ((name, p), (_, f)) in prior.pairs().into_iter().zip(c.fitted.pairs()) {
        parameters.push(row![name, p, f, FITTED.contains(&name)]);
    }
    let mut predictions = Table::new("predictions", &with_stage(PREDICTION_COLUMNS));
    let mut scores = Table::new("scores", &with_stage(SCORE_COLUMNS));
    let mut stages = vec![("prior", &c.before, &[][..]), ("fitted", &c.after, &[][..])];
    if let Some(h) = &c.held_out {
        stages.push(("held_out", &h.overall, &h.groups[..]));
    }
    for (stage, b, groups) in stages {
        push_predictions(&mut predictions, Some(stage), &b.predictions);
        push_scores(&mut scores, Some(stage), b, groups);
    }
    vec![parameters, predictions, scores]
}

/// `casus anchors`: `anchors` (the experiment's result) and `invocations`
/// (every synthetic invocation made).
pub fn anchors(s: &AnchorsSummary) -> Vec<Table> {
    let mut summary = Table::new(
        "anchors",
        &[
            ("alliance", Str),
            ("article", Str),
            ("invocations", Int),
            ("honoured", F64),
            ("partly", F64),
        ],
    );
    summary.push(row![
        &s.alliance,
        &s.article,
        s.invocations,
        s.honoured,
        s.partly
    ]);
    let mut invocations = Table::new(
        "invocations",
        &[("year", Int), ("member", Str), ("aggressor", Str)],
    );
    for (year, member, aggressor) in &s.pairs {
        invocations.push(row![*year, member, aggressor]);
    }
    vec![summary, invocations]
}

/// `casus list`: `alliances`, `members` (on the catalogue's date), `states`,
/// `scenarios` (with the error of one that does not load).
pub fn catalogue(c: &Catalogue) -> Vec<Table> {
    let mut alliances = Table::new(
        "alliances",
        &[
            ("alliance", Str),
            ("name", Str),
            ("provisions", Int),
            ("members", Int),
        ],
    );
    let mut members = Table::new(
        "members",
        &[
            ("alliance", Str),
            ("member", Str),
            ("on", Str),
            ("suspended", Bool),
        ],
    );
    for a in &c.alliances {
        alliances.push(row![&a.id, &a.name, a.provisions, a.members.len()]);
        for m in &a.members {
            members.push(row![&a.id, &m.state, c.on.to_string(), m.suspended]);
        }
    }
    let mut states = Table::new("states", &[("state", Str), ("name", Str)]);
    for s in &c.states {
        states.push(row![&s.code, &s.name]);
    }
    let mut scenarios = Table::new(
        "scenarios",
        &[("scenario", Str), ("title", Str), ("error", Str)],
    );
    for s in &c.scenarios {
        scenarios.push(row![&s.name, s.title.as_ref().ok(), s.title.as_ref().err()]);
    }
    vec![alliances, members, states, scenarios]
}

/// A sweep's tables: `sweep` (one row per design point, scenario and output:
/// the probability with its count, replications and 95% Wilson interval) and
/// `points` (one row per design point and factor: the parameter's value).
pub fn sweep(s: &SweepSummary) -> Vec<Table> {
    let mut results = Table::new(
        "sweep",
        &[
            ("point", Int),
            ("scenario", Str),
            ("output", Str),
            ("probability", F64),
            ("count", Int),
            ("runs", Int),
            ("ci_low", F64),
            ("ci_high", F64),
        ],
    );
    let mut points = Table::new(
        "points",
        &[("point", Int), ("parameter", Str), ("value", F64)],
    );
    for p in &s.points {
        for (f, v) in s.factors.iter().zip(&p.values) {
            points.push(row![p.point, f, *v]);
        }
        for r in &p.results {
            let sh = r.share.as_ref();
            results.push(row![
                p.point,
                &r.scenario,
                &r.output,
                sh.map(|x| x.p),
                sh.map(|x| x.count),
                sh.map(|x| x.of),
                sh.map(|x| x.ci95.0),
                sh.map(|x| x.ci95.1),
            ]);
        }
    }
    vec![results, points]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_is_of_its_columns_kind_or_null() {
        let mut t = Table::new("t", &[("a", Str), ("b", F64)]);
        t.push(row!["x", 0.5]);
        t.push(row!["y", None::<f64>]);
        assert!(!t.nullable(0) && t.nullable(1));
        assert_eq!(t.column_names(), ["a", "b"]);
    }
}

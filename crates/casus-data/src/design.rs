//! Sweep design files (`casus sweep DESIGN.toml`, format in
//! `docs/sweep-format.md`): the scenarios, seed and runs, the varied
//! parameters with their ranges or levels, how points are chosen (factorial,
//! Latin hypercube, or a CSV of points such as SALib's Saltelli matrix) and the
//! named outputs. Every problem is located like a scenario file's; the files a
//! design names (scenarios, a parameter file, the points) are read by the front
//! end, which passes the points' text to [`parse_points`].

use crate::error::{LoadError, Reporter};
use casus_model::design::{Design, Factor, Measure, MemberState, Sampling, Streams, SweepOutput};
use casus_model::dynamics::Outcome;
use casus_model::params::Params;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The design format version this build reads.
pub const FORMAT: i64 = 1;

/// Where the format is documented (named in help texts).
pub const DOC: &str = "docs/sweep-format.md";

/// The most points a design may have: at 10^6 points the sweep's table alone
/// has millions of rows; split the work with `--shard` instead.
pub const MAX_POINTS: usize = 1_000_000;

type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesign {
    format: S<i64>,
    scenarios: S<Vec<S<String>>>,
    seed: S<i64>,
    runs: S<i64>,
    params: Option<S<String>>,
    streams: Option<S<String>>,
    design: S<RawSampling>,
    #[serde(default)]
    parameters: BTreeMap<String, S<RawFactor>>,
    outputs: S<Vec<S<RawOutput>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSampling {
    kind: S<String>,
    samples: Option<S<i64>>,
    points: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFactor {
    low: Option<f64>,
    high: Option<f64>,
    sd: Option<f64>,
    values: Option<Vec<f64>>,
    levels: Option<S<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    name: S<String>,
    event: Option<S<String>>,
    outcome: Option<S<String>>,
    dissolved_by: Option<S<i64>>,
    deployment_by: Option<S<i64>>,
    member: Option<S<String>>,
    state: Option<S<String>>,
    year: Option<S<i64>>,
}

/// A design file, checked. Paths are as written (relative to the design
/// file's directory when not absolute).
#[derive(Clone, Debug, PartialEq)]
pub struct DesignFile {
    /// Bundled scenario names or scenario file paths, in order.
    pub scenarios: Vec<String>,
    /// A parameter file the points vary (default: the bundled one).
    pub params: Option<String>,
    pub seed: u64,
    pub runs: u64,
    pub streams: Streams,
    /// The factors and sampling; with `kind = "points"` the points are set by
    /// [`DesignFile::set_points`] once their file is read.
    pub design: Design,
    /// With `kind = "points"`: the CSV file of points.
    pub points_file: Option<String>,
    /// Ranges declared in `[parameters]` (for points files, whose factors are
    /// the CSV's columns).
    declared: BTreeMap<String, (f64, f64)>,
    pub outputs: Vec<SweepOutput>,
}

impl DesignFile {
    /// Set the design's points (`kind = "points"`): the CSV's columns become
    /// the factors, with the range `[parameters]` declares, else the prior's ± 1.
    pub fn set_points(&mut self, names: Vec<String>, rows: Vec<Vec<f64>>, priors: &Params) {
        self.design.factors = names
            .into_iter()
            .map(|name| {
                let (low, high) = self
                    .declared
                    .get(&name)
                    .copied()
                    .unwrap_or_else(|| prior_range(priors, &name, 1.0));
                Factor {
                    name,
                    low,
                    high,
                    levels: Vec::new(),
                }
            })
            .collect();
        self.design.sampling = Sampling::Points(rows);
    }
}

fn prior_range(priors: &Params, name: &str, sd: f64) -> (f64, f64) {
    let v = priors
        .pairs()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map_or(0.0, |(_, v)| v);
    (v - sd, v + sd)
}

/// Parse a design file; `priors` give the default ranges (the prior ± `sd`,
/// 1 unless given: the calibration prior's standard deviation).
pub fn parse_design(file: &str, text: &str, priors: &Params) -> Result<DesignFile, LoadError> {
    let mut rep = Reporter::new(file, text).with_doc(DOC);
    let raw: RawDesign = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            rep.toml(&e);
            return Err(LoadError(rep.problems));
        }
    };
    if *raw.format.get_ref() != FORMAT {
        rep.at(
            raw.format.span(),
            format!("design format {} is not supported", raw.format.get_ref()),
            Some(format!("this build reads format = {FORMAT}")),
        );
    }
    if raw.scenarios.get_ref().is_empty() {
        rep.at(
            raw.scenarios.span(),
            "no scenarios",
            Some("name at least one bundled scenario (see `casus list`) or scenario file".into()),
        );
    }
    let seed = u64::try_from(*raw.seed.get_ref()).unwrap_or_else(|_| {
        rep.at(
            raw.seed.span(),
            "the seed must be 0 or more",
            Some("give a non-negative integer".into()),
        );
        0
    });
    let runs = *raw.runs.get_ref();
    let max_runs = 1_000_000_000;
    if !(1..=max_runs).contains(&runs) {
        rep.at(
            raw.runs.span(),
            format!("runs must be between 1 and {max_runs}, found {runs}"),
            Some(
                "the replications per point and scenario; 1000 gives ±3 points on a probability"
                    .into(),
            ),
        );
    }
    let streams = match raw.streams.as_ref().map(|s| s.get_ref().as_str()) {
        None | Some("per-point") => Streams::PerPoint,
        Some("common") => Streams::Common,
        Some(other) => {
            let s = raw.streams.as_ref().expect("matched Some");
            rep.at(
                s.span(),
                format!("unknown streams `{other}`"),
                Some("expected `per-point` (independent noise per point) or `common` (common random numbers)".into()),
            );
            Streams::PerPoint
        }
    };

    // Factors.
    let mut factors = Vec::new();
    let mut declared = BTreeMap::new();
    let kind = raw.design.get_ref().kind.get_ref().as_str();
    for (name, f) in &raw.parameters {
        let span = f.span();
        if !Params::NAMES.contains(&name.as_str()) {
            rep.at(
                span.clone(),
                format!("unknown parameter `{name}`"),
                Some(format!(
                    "parameters are named as in data/parameters.toml: {}",
                    Params::NAMES.join(", ")
                )),
            );
            continue;
        }
        let r = f.get_ref();
        let (low, high) = match (r.low, r.high) {
            (Some(l), Some(h)) => (l, h),
            (None, None) => prior_range(priors, name, r.sd.unwrap_or(1.0)),
            _ => {
                rep.at(
                    span.clone(),
                    format!("parameter `{name}` has only one of low and high"),
                    Some("give both, or neither (the range is then the prior ± sd)".into()),
                );
                continue;
            }
        };
        if !(low.is_finite() && high.is_finite() && low < high) {
            rep.at(
                span.clone(),
                format!("parameter `{name}`: low ({low}) must be below high ({high})"),
                None,
            );
            continue;
        }
        let levels = match (&r.values, &r.levels) {
            (Some(v), _) => v.clone(),
            (None, Some(n)) => {
                let k = *n.get_ref();
                if !(2..=1000).contains(&k) {
                    rep.at(
                        n.span(),
                        format!("levels must be between 2 and 1000, found {k}"),
                        None,
                    );
                    continue;
                }
                (0..k)
                    .map(|i| low + (high - low) * i as f64 / (k - 1) as f64)
                    .collect()
            }
            (None, None) => vec![low, high],
        };
        if kind == "factorial" && (levels.is_empty() || levels.iter().any(|v| !v.is_finite())) {
            rep.at(
                span.clone(),
                format!("parameter `{name}`: values must be finite numbers, at least one"),
                None,
            );
            continue;
        }
        declared.insert(name.clone(), (low, high));
        factors.push(Factor {
            name: name.clone(),
            low,
            high,
            levels,
        });
    }

    // Sampling.
    let ds = raw.design.get_ref();
    let mut points_file = None;
    let sampling = match kind {
        "factorial" => {
            let n: f64 = factors.iter().map(|f| f.levels.len() as f64).product();
            if n > MAX_POINTS as f64 {
                rep.at(
                    ds.kind.span(),
                    format!("the factorial design has {n} points, more than {MAX_POINTS}"),
                    Some("use fewer levels or a Latin hypercube".into()),
                );
            }
            Sampling::Factorial
        }
        "latin-hypercube" => match &ds.samples {
            Some(s) if (1..=MAX_POINTS as i64).contains(s.get_ref()) => Sampling::LatinHypercube {
                samples: *s.get_ref() as usize,
            },
            Some(s) => {
                rep.at(
                    s.span(),
                    format!(
                        "samples must be between 1 and {MAX_POINTS}, found {}",
                        s.get_ref()
                    ),
                    None,
                );
                Sampling::LatinHypercube { samples: 1 }
            }
            None => {
                rep.at(
                    raw.design.span(),
                    "a latin-hypercube design needs `samples`",
                    Some("add e.g. samples = 64".into()),
                );
                Sampling::LatinHypercube { samples: 1 }
            }
        },
        "points" => {
            match &ds.points {
                Some(p) => points_file = Some(p.get_ref().clone()),
                None => rep.at(
                    raw.design.span(),
                    "a points design needs `points`, a CSV file of points",
                    Some("add e.g. points = \"saltelli.csv\" (a header of parameter names, then one row per point)".into()),
                ),
            }
            Sampling::Points(Vec::new())
        }
        other => {
            rep.at(
                ds.kind.span(),
                format!("unknown design kind `{other}`"),
                Some("expected `factorial`, `latin-hypercube` or `points` (a CSV of points, e.g. a Saltelli matrix from SALib)".into()),
            );
            Sampling::Factorial
        }
    };
    if kind != "points" && factors.is_empty() && rep.problems.is_empty() {
        rep.at(
            raw.design.span(),
            "no parameters to vary",
            Some("add [parameters.NAME] tables (names as in data/parameters.toml)".into()),
        );
    }
    for (key, present) in [
        ("samples", ds.samples.is_some() && kind != "latin-hypercube"),
        ("points", ds.points.is_some() && kind != "points"),
    ] {
        if present {
            rep.at(
                raw.design.span(),
                format!("`{key}` does not belong to a `{kind}` design"),
                Some("remove it".into()),
            );
        }
    }

    // Outputs.
    let mut outputs = Vec::new();
    let mut names = BTreeMap::new();
    if raw.outputs.get_ref().is_empty() {
        rep.at(
            raw.outputs.span(),
            "no outputs",
            Some(
                "add [[outputs]] tables, e.g. name = \"dissolved_2030\", dissolved_by = 2030"
                    .into(),
            ),
        );
    }
    for o in raw.outputs.get_ref() {
        let span = o.span();
        let r = o.get_ref();
        let name = r.name.get_ref().clone();
        if let Some(prev) = names.insert(name.clone(), ()) {
            let () = prev;
            rep.at(
                r.name.span(),
                format!("output `{name}` is named twice"),
                Some("give each output its own name".into()),
            );
        }
        let year = |y: &S<i64>, rep: &mut Reporter| -> i32 {
            let v = *y.get_ref();
            if !(1900..=2200).contains(&v) {
                rep.at(
                    y.span(),
                    format!("year {v} is out of range (1900–2200)"),
                    None,
                );
            }
            v.clamp(1900, 2200) as i32
        };
        let given = [
            r.event.is_some(),
            r.dissolved_by.is_some(),
            r.deployment_by.is_some(),
            r.member.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            rep.at(
                span.clone(),
                format!("output `{name}` must give exactly one of `event`, `dissolved_by`, `deployment_by`, `member`"),
                Some(format!("see {DOC}, \"Outputs\"")),
            );
            continue;
        }
        let measure = if let Some(ev) = &r.event {
            let outcome = match &r.outcome {
                None => Outcome::Deployment,
                Some(o) => match Outcome::ALL.iter().find(|x| x.name() == o.get_ref()) {
                    Some(x) => *x,
                    None => {
                        rep.at(
                            o.span(),
                            format!("unknown outcome `{}`", o.get_ref()),
                            Some("expected none, statement, mission or deployment".into()),
                        );
                        continue;
                    }
                },
            };
            Measure::Outcome {
                event: ev.get_ref().clone(),
                outcome,
            }
        } else if let Some(y) = &r.dissolved_by {
            Measure::Dissolved {
                year: year(y, &mut rep),
            }
        } else if let Some(y) = &r.deployment_by {
            Measure::DeploymentBy {
                year: year(y, &mut rep),
            }
        } else {
            let member = r.member.as_ref().expect("one of four given");
            let state = match &r.state {
                None => MemberState::FrozenOrGone,
                Some(s) => match MemberState::ALL.iter().find(|x| x.name() == s.get_ref()) {
                    Some(x) => *x,
                    None => {
                        rep.at(
                            s.span(),
                            format!("unknown member state `{}`", s.get_ref()),
                            Some("expected frozen_or_gone, notice_or_gone or left".into()),
                        );
                        continue;
                    }
                },
            };
            let Some(y) = &r.year else {
                rep.at(
                    span.clone(),
                    format!("output `{name}` names a member but no `year`"),
                    Some("add year = YYYY: the state is read at the end of that year".into()),
                );
                continue;
            };
            Measure::Member {
                member: member.get_ref().clone(),
                state,
                year: year(y, &mut rep),
            }
        };
        let stray = match &measure {
            Measure::Outcome { .. } => r.state.is_some() || r.year.is_some(),
            Measure::Member { .. } => r.outcome.is_some(),
            _ => r.outcome.is_some() || r.state.is_some() || r.year.is_some(),
        };
        if stray {
            rep.at(
                span.clone(),
                format!("output `{name}` has keys that do not belong to its kind"),
                Some(format!("an event output takes `outcome`; a member output `state` and `year` (see {DOC})")),
            );
        }
        outputs.push(SweepOutput { name, measure });
    }

    let file = DesignFile {
        scenarios: raw
            .scenarios
            .get_ref()
            .iter()
            .map(|s| s.get_ref().clone())
            .collect(),
        params: raw.params.map(|p| p.into_inner()),
        seed,
        runs: runs.max(1) as u64,
        streams,
        design: Design { factors, sampling },
        points_file,
        declared,
        outputs,
    };
    rep.finish(file)
}

/// Parse a CSV of points: a header of parameter names, then one row of
/// numbers per point. Returns the names and the rows.
pub fn parse_points(file: &str, text: &str) -> Result<(Vec<String>, Vec<Vec<f64>>), LoadError> {
    let mut rep = Reporter::new(file, text).with_doc(DOC);
    let mut lines = text
        .split_inclusive('\n')
        .scan(0usize, |at, l| {
            let start = *at;
            *at += l.len();
            Some((start, l.trim_end_matches(['\n', '\r'])))
        })
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        rep.at(
            0..0,
            "the points file is empty",
            Some("write a header of parameter names, then one row per point".into()),
        );
        return Err(LoadError(rep.problems));
    };
    let mut names = Vec::new();
    let mut offset = 0;
    for n in header.split(',') {
        let name = n.trim().trim_matches('"').to_string();
        if !Params::NAMES.contains(&name.as_str()) {
            rep.at(
                offset..offset,
                format!("unknown parameter `{name}` in the header"),
                Some(format!(
                    "columns are parameters named as in data/parameters.toml: {}",
                    Params::NAMES.join(", ")
                )),
            );
        } else if names.contains(&name) {
            rep.at(
                offset..offset,
                format!("parameter `{name}` is a column twice"),
                None,
            );
        }
        names.push(name);
        offset += n.len() + 1;
    }
    let mut rows = Vec::new();
    for (start, line) in lines {
        let mut row = Vec::with_capacity(names.len());
        let mut col = start;
        for cell in line.split(',') {
            match cell.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => row.push(v),
                _ => rep.at(
                    col..col,
                    format!("`{}` is not a finite number", cell.trim()),
                    None,
                ),
            }
            col += cell.len() + 1;
        }
        if line.split(',').count() != names.len() {
            rep.at(
                start..start,
                format!(
                    "this row has {} values; the header names {}",
                    line.split(',').count(),
                    names.len()
                ),
                None,
            );
        }
        rows.push(row);
        if rows.len() > MAX_POINTS {
            rep.at(
                start..start,
                format!("more than {MAX_POINTS} points"),
                Some("split the design and run it in parts".into()),
            );
            break;
        }
    }
    if rows.is_empty() && rep.problems.is_empty() {
        rep.at(0..0, "the points file has a header but no points", None);
    }
    rep.finish((names, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn priors() -> Params {
        crate::params::bundled_priors().unwrap().params()
    }

    const GOOD: &str = r#"
format = 1
scenarios = ["russia-loses-2026"]
seed = 1
runs = 100

[design]
kind = "latin-hypercube"
samples = 8

[parameters.war_shift]
low = 0.0
high = 2.0

[parameters.cohesion]

[[outputs]]
name = "dissolved_2030"
dissolved_by = 2030

[[outputs]]
name = "blr_frozen"
member = "BLR"
year = 2030
"#;

    #[test]
    fn a_design_reads_its_factors_sampling_and_outputs() {
        let d = parse_design("d.toml", GOOD, &priors()).unwrap();
        assert_eq!(d.design.factors.len(), 2);
        let c = &d.design.factors[0];
        assert_eq!(c.name, "cohesion", "factors in name order");
        assert!((c.high - c.low - 2.0).abs() < 1e-12, "prior ± 1 by default");
        assert_eq!(d.design.sampling, Sampling::LatinHypercube { samples: 8 });
        assert_eq!(d.outputs[1].measure.year(), Some(2030));
    }

    #[test]
    fn a_bad_design_is_refused_at_its_line() {
        let bad = GOOD.replace("[parameters.war_shift]", "[parameters.war_shfit]");
        let e = parse_design("d.toml", &bad, &priors()).unwrap_err();
        assert_eq!(e.0[0].line, 11, "{e}");
        assert!(
            e.0[0].message.contains("unknown parameter `war_shfit`"),
            "{e}"
        );
        let bad = GOOD.replace("kind = \"latin-hypercube\"", "kind = \"sobol\"");
        let e = parse_design("d.toml", &bad, &priors()).unwrap_err();
        assert!(
            e.to_string()
                .contains("d.toml:8:8: error: unknown design kind `sobol`"),
            "{e}"
        );
        let bad = GOOD.replace("dissolved_by = 2030", "dissolved_by = 2030\nyear = 2030");
        let e = parse_design("d.toml", &bad, &priors()).unwrap_err();
        assert!(e.to_string().contains("do not belong"), "{e}");
    }

    #[test]
    fn a_points_file_is_checked_cell_by_cell() {
        let (n, r) = parse_points("p.csv", "war_shift,cohesion\n0.5,1\n1.5,2\n").unwrap();
        assert_eq!(n, ["war_shift", "cohesion"]);
        assert_eq!(r, vec![vec![0.5, 1.0], vec![1.5, 2.0]]);
        let e = parse_points("p.csv", "war_shift,cohesion\n0.5,x\n").unwrap_err();
        assert!(e.to_string().starts_with("p.csv:2:5: error: `x`"), "{e}");
        let e = parse_points("p.csv", "war_shift,nope\n0.5,1\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("p.csv:1:11: error: unknown parameter `nope`"),
            "{e}"
        );
    }
}

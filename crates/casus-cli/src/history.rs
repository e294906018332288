//! `backtest`, `calibrate` and `anchors` for people: the case library loaded at
//! the edge, the scores against baselines as text, the reliability diagram, the
//! fitted parameter file, and the implied reliability beside the published rates.

use crate::input::{InvalidInput, write_atomic};
use anyhow::{Context, Result, bail};
use casus_app::anchors::AnchorsSummary;
use casus_app::checkpoint::{Checkpoint, Checkpoints};
use casus_app::history::{Calibration, GroupScores, HeldOut, HoldOut};
use casus_data::cases::{bundled_cases, load_cases};
use casus_data::params::{Entry, ParamFile};
use casus_model::calibration::{Backtest, Case, Scores};
use casus_model::scenario::World;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Load cases from a directory, or the bundled library.
pub fn cases(dir: Option<&Path>, world: &World) -> Result<Vec<Case>> {
    match dir {
        None => Ok(bundled_cases(world).map_err(InvalidInput)?),
        Some(d) => {
            let mut files = Vec::new();
            let rd = std::fs::read_dir(d)
                .with_context(|| format!("cannot read case directory `{}`", d.display()))?;
            for e in rd {
                let p = e?.path();
                if p.extension().is_some_and(|x| x == "toml") {
                    let text = crate::input::read(&p)?;
                    files.push((p.file_name().unwrap().to_string_lossy().into_owned(), text));
                }
            }
            files.sort();
            load_cases(&files, world).map_err(|mut e| {
                for p in e.0.iter_mut() {
                    p.file = d.join(&p.file).display().to_string();
                }
                InvalidInput(e).into()
            })
        }
    }
}

fn pct(x: f64) -> String {
    format!("{:3.0}%", 100.0 * x)
}

fn row(out: &mut String, name: &str, s: &Scores) {
    let _ = writeln!(
        out,
        "  {name:<16} {:>7.3} {:>7.3} {:>8.0}%",
        s.brier,
        s.log,
        100.0 * s.accuracy
    );
}

/// The scores of each held-out alliance beside its baselines.
pub fn groups_text(title: &str, groups: &[GroupScores]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{title}");
    for g in groups {
        let _ = writeln!(
            out,
            "{}: {} cases, {} ladder outcomes",
            g.group,
            g.cases.len(),
            g.scores.n
        );
        let _ = writeln!(
            out,
            "  {:<16} {:>7} {:>7} {:>9}",
            "", "Brier", "log", "accuracy"
        );
        row(&mut out, "model", &g.scores);
        for (k, v) in &g.baselines {
            row(&mut out, k, v);
        }
    }
    out
}

pub fn backtest_text(title: &str, b: &Backtest) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{title}");
    let _ = writeln!(
        out,
        "case                                event                 observed    none stmt miss depl  hit"
    );
    for p in &b.predictions {
        if let (Some(q), Some(o)) = (p.predicted, p.observed) {
            let hit = if casus_model::calibration::hit(&q, o) {
                "✓"
            } else {
                "✗"
            };
            let _ = writeln!(
                out,
                "{:<35} {:<21} {:<10} {} {} {} {}   {hit}",
                p.case,
                p.event,
                o.name(),
                pct(q[0]),
                pct(q[1]),
                pct(q[2]),
                pct(q[3])
            );
        }
        for (m, (s, q)) in &p.signed {
            let _ = writeln!(
                out,
                "{:<35} {:<21} {m} {} the declaration: P(sign) = {}",
                p.case,
                p.event,
                if *s { "signed" } else { "did not sign" },
                pct(*q)
            );
        }
        for (m, (s, q)) in &p.took_part {
            let _ = writeln!(
                out,
                "{:<35} {:<21} {m} {} the exercise: P(take part) = {}",
                p.case,
                p.event,
                if *s {
                    "took part in"
                } else {
                    "did not take part in"
                },
                pct(*q)
            );
        }
        for (m, (s, q)) in &p.stances {
            let _ = writeln!(
                out,
                "{:<35} {:<21} {m} {}: P = {}",
                p.case,
                p.event,
                s.name(),
                pct(q[*s as usize])
            );
        }
        if let Some((m, c, q)) = &p.asked {
            let _ = writeln!(
                out,
                "{:<35} {:<21} {m} {} (before the request): P = {}",
                p.case,
                p.event,
                casus_model::calibration::ASK_CHOICES[*c],
                pct(q[*c])
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "scores on {} ladder outcomes (lower Brier and log are better)",
        b.scores.n
    );
    let _ = writeln!(
        out,
        "  {:<16} {:>7} {:>7} {:>9}",
        "", "Brier", "log", "accuracy"
    );
    row(&mut out, "model", &b.scores);
    for (k, v) in &b.baselines {
        row(&mut out, k, v);
    }
    let _ = writeln!(
        out,
        "member level (signatures, stances, asks): Brier {:.3} on {} observations",
        b.member_brier, b.member_n
    );
    out
}

/// A reliability diagram: predicted probability of each rung against the observed
/// frequency, in bins of width 0.2, as a self-contained SVG.
pub fn reliability_svg(b: &Backtest, title: &str) -> String {
    let mut bins = [(0.0f64, 0.0f64, 0usize); 5];
    for p in &b.predictions {
        if let (Some(q), Some(o)) = (p.predicted, p.observed) {
            for (k, x) in q.iter().enumerate() {
                let i = ((x * 5.0) as usize).min(4);
                bins[i].0 += x;
                bins[i].1 += if k == o.rung() { 1.0 } else { 0.0 };
                bins[i].2 += 1;
            }
        }
    }
    let (w, h, m) = (420.0, 420.0, 50.0);
    let sx = |x: f64| m + x * (w - 2.0 * m);
    let sy = |y: f64| h - m - y * (h - 2.0 * m);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="20" text-anchor="middle" font-size="14">{title}</text>"#,
        w / 2.0
    );
    let _ = writeln!(
        s,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="gray" stroke-dasharray="4"/>"#,
        sx(0.0),
        sy(0.0),
        sx(1.0),
        sy(1.0)
    );
    let _ = writeln!(
        s,
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="black"/>"#,
        sx(0.0),
        sy(1.0),
        sx(1.0) - sx(0.0),
        sy(0.0) - sy(1.0)
    );
    for t in [0.0, 0.2, 0.4, 0.6, 0.8, 1.0] {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">{t:.1}</text>"#,
            sx(t),
            sy(0.0) + 16.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{t:.1}</text>"#,
            sx(0.0) - 6.0,
            sy(t) + 4.0
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">predicted probability</text>"#,
        w / 2.0,
        h - 12.0
    );
    let _ = writeln!(
        s,
        r#"<text x="14" y="{}" text-anchor="middle" transform="rotate(-90 14 {})">observed frequency</text>"#,
        h / 2.0,
        h / 2.0
    );
    let mut pts = Vec::new();
    for (sum_p, hits, n) in bins {
        if n == 0 {
            continue;
        }
        let (x, y) = (sum_p / n as f64, hits / n as f64);
        pts.push(format!("{:.1},{:.1}", sx(x), sy(y)));
        let r = 3.0 + (n as f64).sqrt();
        let _ = writeln!(
            s,
            r#"<circle cx="{:.1}" cy="{:.1}" r="{r:.1}" fill="steelblue" fill-opacity="0.7"><title>{n} predictions, mean {x:.2}, observed {y:.2}</title></circle>"#,
            sx(x),
            sy(y)
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="10">n={n}</text>"#,
            sx(x) + r + 2.0,
            sy(y) - 2.0
        );
    }
    let _ = writeln!(
        s,
        r#"<polyline points="{}" fill="none" stroke="steelblue"/>"#,
        pts.join(" ")
    );
    s.push_str("</svg>\n");
    s
}

/// How the report, the parameter file's `[meta]` keys and the diagram name a
/// hold-out: (report title, key prefix, diagram name).
fn held_out_names(by: HoldOut) -> (&'static str, &'static str, &'static str) {
    match by {
        HoldOut::Case => (
            "leave-one-out (each case predicted by a fit without it)",
            "loo",
            "leave-one-out",
        ),
        HoldOut::Alliance => (
            "leave-one-alliance-out (each alliance's cases predicted by a fit on the others; climatology from their base rates)",
            "loao",
            "leave-one-alliance-out",
        ),
    }
}

/// The calibration report: in-sample scores before and after the fit, then the
/// held-out scores (per alliance when held out by alliance).
pub fn calibration_text(c: &Calibration) -> String {
    let mut report = String::new();
    report.push_str(&backtest_text("prior parameters, in-sample", &c.before));
    report.push('\n');
    report.push_str(&backtest_text("fitted parameters, in-sample", &c.after));
    if let Some(h) = &c.held_out {
        report.push('\n');
        report.push_str(&backtest_text(held_out_names(h.by).0, &h.overall));
        if !h.groups.is_empty() {
            report.push('\n');
            report.push_str(&groups_text("per held-out alliance", &h.groups));
        }
    }
    report
}

/// The reliability diagram of the held-out predictions.
pub fn held_out_svg(h: &HeldOut) -> String {
    reliability_svg(
        &h.overall,
        &format!("casus: reliability ({})", held_out_names(h.by).2),
    )
}

/// What the parameter file records of how it was made, besides the scores.
pub struct Provenance {
    /// The command line that made it.
    pub command: String,
    /// The prior file.
    pub priors: String,
    pub prior_sd: f64,
    pub date: String,
}

/// The `[meta]` table of a fitted parameter file.
pub fn calibration_meta(c: &Calibration, p: &Provenance) -> Vec<(String, toml::Value)> {
    let mut meta: Vec<(String, toml::Value)> = vec![
        ("status".into(), "calibrated".into()),
        ("command".into(), p.command.clone().into()),
        ("priors".into(), p.priors.clone().into()),
        ("method".into(), format!("maximum a posteriori: exact log-likelihood of every observed outcome, signature and stance, plus a Gaussian prior (sd {} logit) centred on the previous values; L-BFGS (argmin) with a backtracking Armijo line search, gradients by forward differences", p.prior_sd).into()),
        ("objective".into(), c.objective.into()),
        ("cases".into(), toml::Value::Array(c.cases.iter().cloned().map(toml::Value::String).collect())),
        ("date".into(), p.date.clone().into()),
        ("in_sample_brier".into(), c.after.scores.brier.into()),
    ];
    if let Some(h) = &c.held_out {
        let prefix = held_out_names(h.by).1;
        let s = &h.overall.scores;
        meta.push((format!("{prefix}_brier"), s.brier.into()));
        meta.push((format!("{prefix}_log"), s.log.into()));
        meta.push((format!("{prefix}_accuracy"), s.accuracy.into()));
        for (k, v) in &h.overall.baselines {
            meta.push((format!("{prefix}_baseline_{k}_brier"), v.brier.into()));
        }
    }
    meta
}

/// The parameter file after a fit: fitted values and their provenance.
pub fn fitted_file(
    base: &ParamFile,
    fitted: &casus_model::params::Params,
    meta: Vec<(String, toml::Value)>,
) -> ParamFile {
    let mut pf = base.clone();
    for (name, value) in fitted.pairs() {
        if let Some(e) = pf.entries.get_mut(name)
            && (e.value - value).abs() > 0.0
            && casus_model::calibration::FITTED.contains(&name)
        {
            let prior = e
                .provenance
                .split(" | fitted")
                .next()
                .unwrap_or(&e.provenance)
                .to_string();
            *e = Entry {
                value: (value * 1e4).round() / 1e4,
                unit: e.unit.clone(),
                meaning: e.meaning.clone(),
                provenance: format!("{prior} | fitted by `casus calibrate` (MAP, see [meta])"),
            };
        }
    }
    pf.meta.clear();
    pf.meta.extend(meta);
    pf
}

/// Serialise a parameter file in the documented layout.
pub fn param_file_text(pf: &ParamFile) -> Result<String> {
    let mut s = String::from(
        "# Global parameters of the casus decision model (one set for every state and case).\n\
         # Each entry: value, unit, meaning, provenance. Utilities are in logit units: a\n\
         # difference of 1 between two options multiplies their odds by e ≈ 2.7.\n\
         # Written by `casus calibrate`; [meta] says how the values were fitted.\n\n",
    );
    let mut meta = toml::Table::new();
    for (k, v) in &pf.meta {
        meta.insert(k.clone(), v.clone());
    }
    s.push_str("[meta]\n");
    s.push_str(&toml::to_string(&meta)?);
    for name in casus_model::params::Params::NAMES {
        if let Some(e) = pf.entries.get(*name) {
            s.push_str(&format!("\n[{name}]\n"));
            s.push_str(&toml::to_string(e)?);
        }
    }
    if let Some(t) = &pf.posterior {
        s.push_str(&posterior_text(t)?);
    }
    Ok(s)
}

/// The file's `[posterior]` table from a computed posterior.
pub fn posterior_table(
    s: &casus_app::history::PosteriorSummary,
    command: String,
    date: String,
) -> casus_data::params::PosteriorTable {
    casus_data::params::PosteriorTable {
        method: format!(
            "Laplace approximation at the file's values: covariance = inverse curvature of the negative log-posterior (central differences, step 0.01) in two independent blocks, the crisis parameters over {} cases and the long-horizon ones over {} member-years (NATO and ANZUS reserved), each with a Gaussian prior of sd {}; {} eigenvalues below the prior precision raised to it (directions the data do not inform keep the prior's width)",
            s.cases, s.member_years, s.prior_sd, s.raised
        ),
        command,
        date,
        raised: s.raised as u64,
        names: s.entries.iter().map(|e| e.name.clone()).collect(),
        covariance: s.covariance.clone(),
    }
}

/// The posterior as text: each parameter's value, posterior and prior sd,
/// and the likelihood's slope there (0 at the optimum of the fit).
pub fn posterior_text_summary(s: &casus_app::history::PosteriorSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "posterior (Laplace) over {} parameters: {} cases, {} member-years, {} likelihood evaluations; {} flat directions kept at the prior's width (sd {})",
        s.entries.len(),
        s.cases,
        s.member_years,
        s.evaluations,
        s.raised,
        s.prior_sd
    );
    let _ = writeln!(
        out,
        "{:<22} {:>9} {:>9} {:>9} {:>11}",
        "parameter", "value", "sd", "sd/prior", "slope"
    );
    for e in &s.entries {
        let _ = writeln!(
            out,
            "{:<22} {:>9.4} {:>9.4} {:>9.2} {:>11.4}",
            e.name,
            e.value,
            e.sd,
            e.sd / s.prior_sd,
            e.gradient
        );
    }
    let worst = s
        .entries
        .iter()
        .map(|e| e.gradient.abs())
        .fold(0.0, f64::max);
    let _ = writeln!(
        out,
        "largest slope of the negative log-likelihood: {worst:.3} (a fit's optimum has slope = −(prior pull); large slopes mean the values are not the fit of these cases)"
    );
    out
}

/// The `[posterior]` table, one covariance row per line (numbers in their
/// shortest form that reads back to the same bits).
fn posterior_text(t: &casus_data::params::PosteriorTable) -> Result<String> {
    let mut head = toml::Table::new();
    head.insert("method".into(), t.method.clone().into());
    head.insert("command".into(), t.command.clone().into());
    head.insert("date".into(), t.date.clone().into());
    head.insert("raised".into(), toml::Value::Integer(t.raised as i64));
    let mut s = String::from("\n[posterior]\n");
    s.push_str(&toml::to_string(&head)?);
    let names: Vec<String> = t.names.iter().map(|n| format!("{n:?}")).collect();
    s.push_str(&format!("names = [{}]\ncovariance = [\n", names.join(", ")));
    for row in &t.covariance {
        let cells: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        s.push_str(&format!("  [{}],\n", cells.join(", ")));
    }
    s.push_str("]\n");
    Ok(s)
}

/// Where a calibration writing `output` keeps its checkpoint: beside it, as
/// `OUTPUT.checkpoint.toml` (`None` for standard output: nowhere to put it).
pub fn checkpoint_path(output: &Path) -> Option<PathBuf> {
    if output.as_os_str() == "-" {
        return None;
    }
    let mut p = output.as_os_str().to_owned();
    p.push(".checkpoint.toml");
    Some(PathBuf::from(p))
}

/// The checkpoint to resume from, read before any work. Without `--resume` an
/// existing checkpoint is refused rather than overwritten: it holds the work of
/// an interrupted run.
pub fn resume_from(path: Option<&Path>, resume: bool) -> Result<Option<Checkpoint>> {
    let Some(path) = path else {
        if resume {
            bail!(
                "--resume reads the checkpoint beside the output file, and the output is standard output\n  help: give the output file of the interrupted run with -o"
            );
        }
        return Ok(None);
    };
    let exists = std::fs::symlink_metadata(path).is_ok();
    match (resume, exists) {
        (false, false) => Ok(None),
        (false, true) => bail!(
            "`{}` holds the finished fits of an interrupted calibration\n  help: add --resume to continue it (same cases, parameter file and flags), or delete the file to start over",
            path.display()
        ),
        (true, false) => bail!(
            "--resume: there is no checkpoint `{}`\n  help: an interrupted `casus calibrate -o {}` leaves one; run without --resume to start from the beginning",
            path.display(),
            path.display()
                .to_string()
                .trim_end_matches(".checkpoint.toml")
        ),
        (true, true) => {
            let text = crate::input::read(path)?;
            let c = toml::from_str::<Checkpoint>(&text).map_err(|e| {
                let at = e
                    .span()
                    .map(|s| {
                        let before = &text[..s.start.min(text.len())];
                        let line = before.matches('\n').count() + 1;
                        let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                        format!(":{line}:{col}")
                    })
                    .unwrap_or_default();
                anyhow::anyhow!(
                    "{}{at}: error: not a calibration checkpoint: {}\n  help: it is written by `casus calibrate`; delete it to start over",
                    path.display(),
                    e.message()
                )
            })?;
            Ok(Some(c))
        }
    }
}

/// The test hook `CASUS_STOP_AFTER_FITS=N`: stop the calibration with an error
/// right after the N-th checkpoint of this run is written, as an interruption
/// would (the tests of `--resume` use it).
pub fn stop_after_fits() -> Result<Option<usize>> {
    match std::env::var("CASUS_STOP_AFTER_FITS") {
        Err(_) => Ok(None),
        Ok(v) => v.parse().map(Some).map_err(|_| {
            anyhow::anyhow!("CASUS_STOP_AFTER_FITS={v}: not a number of fits\n  help: unset it (it is a test hook), or give a whole number")
        }),
    }
}

/// Writes each checkpoint of a calibration atomically to its file. A
/// checkpoint that cannot be written is a warning, not the end of hours of
/// fitting: the run goes on, only less resumable.
pub struct CheckpointFile {
    path: Option<PathBuf>,
    stop_after: Option<usize>,
    written: AtomicUsize,
    warned: AtomicBool,
}

impl CheckpointFile {
    pub fn new(path: Option<PathBuf>, stop_after: Option<usize>) -> CheckpointFile {
        CheckpointFile {
            path,
            stop_after,
            written: AtomicUsize::new(0),
            warned: AtomicBool::new(false),
        }
    }
}

impl Checkpoints for CheckpointFile {
    fn fit_done(&self, done: &Checkpoint) -> std::result::Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let written = toml::to_string(done)
            .map_err(anyhow::Error::from)
            .and_then(|text| {
                crate::output::write_to(
                    path,
                    &format!(
                        "# The finished fits of a `casus calibrate` run, for `--resume`; removed when the run completes.\n{text}"
                    ),
                )
            });
        if let Err(e) = written {
            if !self.warned.swap(true, Ordering::Relaxed) {
                eprintln!(
                    "warning: {e:#}\n  help: the calibration goes on, but an interruption now loses the fits since the last checkpoint"
                );
            }
            return Ok(());
        }
        let n = self.written.fetch_add(1, Ordering::Relaxed) + 1;
        match self.stop_after {
            Some(stop) if n >= stop => Err(format!(
                "stopped after {n} fits (CASUS_STOP_AFTER_FITS={stop}, a test hook)"
            )),
            _ => Ok(()),
        }
    }
}

/// Remove the checkpoint once the run's outputs are written.
pub fn remove_checkpoint(path: Option<&Path>) -> Result<()> {
    match path.map(std::fs::remove_file) {
        None | Some(Ok(())) => Ok(()),
        Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Some(Err(e)) => Err(e).with_context(|| {
            format!(
                "the calibration is written, but its checkpoint `{}` could not be removed",
                path.map_or(String::new(), |p| p.display().to_string())
            )
        }),
    }
}

/// Write `text` to `path` atomically.
pub fn write(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, text)
}

/// The implied rate of honoured defence commitments, printed beside the
/// published rates (see `casus_app::anchors`).
pub fn anchors_text(a: &AnchorsSummary) -> String {
    let (first, last) = (
        a.years.first().copied().unwrap_or_default(),
        a.years.last().copied().unwrap_or_default(),
    );
    let step = a.years.get(1).map_or(1, |y| y - first);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Implied reliability of the {}'s collective-defence clause ({}), model vs published rates",
        a.alliance, a.article
    );
    let _ = writeln!(
        s,
        "model: {} synthetic invocations (each member attacked in a war — reach national — by each non-member it has a sourced dispute with, formal request for forces, {first}–{last} every {step} years)",
        a.invocations
    );
    let _ = writeln!(
        s,
        "  honoured (forces sent)           {:5.1}%",
        100.0 * a.honoured
    );
    let _ = writeln!(
        s,
        "  partly (mission, no forces)      {:5.1}%",
        100.0 * a.partly
    );
    let _ = writeln!(s, "published (shared/domain/published-models.md §3):");
    let _ = writeln!(
        s,
        "  Leeds, Long & Mitchell (2000), 1816–1944, all obligations       74.5%"
    );
    let _ = writeln!(
        s,
        "  Berkemeier & Fuhrmann (2018), all, 1816–2003                     50%  (73/146)"
    );
    let _ = writeln!(
        s,
        "  Berkemeier & Fuhrmann (2018), defence pacts, all years           41%  (42/102)"
    );
    let _ = writeln!(
        s,
        "  Berkemeier & Fuhrmann (2018), defence pacts, 1945–2003           14%  (6/43)"
    );
    let _ = writeln!(
        s,
        "  Chiba et al. (2026), invoked alliances                          ~67%"
    );
    s
}

/// The membership backtest as text: per alliance and pooled, the log score
/// and Brier of the yearly hazards beside the constant hazard, then the fit.
pub fn membership_text(s: &casus_app::history::MembershipSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "membership history: {} member-years at risk, {} freezes or exits; leading powers: {} years, its decision says stay in {}",
        s.member_years, s.events, s.leader_years, s.leader_stays
    );
    let _ = writeln!(
        out,
        "scores per member-year (log: nats, lower is better; Brier); held out = refitted on the other alliances; constant = their yearly rate"
    );
    let _ = writeln!(
        out,
        "{:<8} {:>6} {:>6}   {:>8} {:>8} {:>8}   {:>8} {:>8} {:>8}",
        "alliance",
        "years",
        "events",
        "log:given",
        "held_out",
        "constant",
        "Brier:gvn",
        "held_out",
        "constant"
    );
    for g in s.by_alliance.iter().chain(std::iter::once(&s.pooled)) {
        let _ = writeln!(
            out,
            "{:<8} {:>6} {:>6}   {:>8.4} {:>8.4} {:>8.4}   {:>8.5} {:>8.5} {:>8.5}",
            g.group,
            g.given.n,
            g.given.events,
            g.given.log,
            g.held_out.log,
            g.constant.log,
            g.given.brier,
            g.held_out.brier,
            g.constant.brier
        );
    }
    if !s.reserved.is_empty() {
        let _ = writeln!(
            out,
            "reserved for out-of-sample scoring (read by no fit; held out = the fit on every alliance above):"
        );
    }
    for g in &s.reserved {
        let _ = writeln!(
            out,
            "{:<8} {:>6} {:>6}   {:>8.4} {:>8.4} {:>8.4}   {:>8.5} {:>8.5} {:>8.5}",
            g.group,
            g.given.n,
            g.given.events,
            g.given.log,
            g.held_out.log,
            g.constant.log,
            g.given.brier,
            g.held_out.brier,
            g.constant.brier
        );
    }
    let _ = writeln!(
        out,
        "\nfit on every alliance but the reserved (MAP, exact likelihood, L-BFGS, {} iterations): −log-likelihood {:.2} at the prior, {:.2} fitted",
        s.iterations, s.objective_prior, s.objective_fitted
    );
    for (n, prior, fitted) in &s.fitted {
        let _ = writeln!(out, "  {n:<16} prior {prior:>8.4}  fitted {fitted:>8.4}");
    }
    let _ = writeln!(
        out,
        "implied yearly P(an engaged member freezes or leaves), mean over engaged member-years: {:.3}% given, {:.3}% fitted; observed {:.3}%",
        100.0 * s.implied_engaged_hazard.0,
        100.0 * s.implied_engaged_hazard.1,
        100.0 * s.observed_engaged_rate
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use casus_app::checkpoint::{Fingerprint, FullFit};

    #[test]
    fn a_checkpoint_keeps_every_number_bit_for_bit_through_its_file() {
        let awkward = [
            0.1 + 0.2,
            1.0 / 3.0,
            -0.0,
            5e-324,
            1e-300,
            1e300,
            f64::MAX,
            -2.5,
            20.577511743697542,
        ];
        let values = |k: &str| -> casus_app::checkpoint::Values {
            awkward
                .iter()
                .enumerate()
                .map(|(i, x)| (format!("{k}{i}"), *x))
                .collect()
        };
        let c = Checkpoint {
            format: casus_app::checkpoint::FORMAT,
            inputs: Fingerprint {
                cases: vec!["a-2022".into(), "b 1999".into()],
                cases_digest: "00".into(),
                world_digest: "11".into(),
                evals: 40,
                prior_sd: 0.1 + 0.2,
                hold_out: Some(casus_app::history::HoldOut::Alliance),
                prior: values("p"),
            },
            full: Some(FullFit {
                objective: 1.0 / 3.0,
                fitted: values("f"),
            }),
            refits: [
                ("CSTO".to_string(), values("r")),
                ("x.y".into(), values("s")),
            ]
            .into_iter()
            .collect(),
        };
        let back: Checkpoint = toml::from_str(&toml::to_string(&c).unwrap()).unwrap();
        let bits = |c: &Checkpoint| -> Vec<u64> {
            let f = c.full.as_ref().unwrap();
            std::iter::once(c.inputs.prior_sd)
                .chain(std::iter::once(f.objective))
                .chain(c.inputs.prior.values().copied())
                .chain(f.fitted.values().copied())
                .chain(c.refits.values().flat_map(|v| v.values().copied()))
                .map(f64::to_bits)
                .collect()
        };
        assert_eq!(bits(&back), bits(&c));
        assert_eq!(back.refits.keys().collect::<Vec<_>>(), ["CSTO", "x.y"]);
        assert_eq!(back.inputs.cases, c.inputs.cases);
    }

    #[test]
    fn the_checkpoint_lies_beside_the_output_and_standard_output_has_none() {
        assert_eq!(
            checkpoint_path(Path::new("out/p.toml")),
            Some(PathBuf::from("out/p.toml.checkpoint.toml"))
        );
        assert_eq!(checkpoint_path(Path::new("-")), None);
    }
}

//! `casus`: the command line. Arguments become a validated request of a
//! `casus-app` use case, the use case returns a summary, and a renderer turns it
//! into text, JSON or SVG — the way ripgrep turns its flags into its own config.
//! Reading input files, the clock and the terminal, and writing outputs, happen
//! here at the edge; no use-case logic does.

mod export;
mod history;
mod input;
mod output;
mod progress;
mod report;
mod web;

use anyhow::{Context, Result};
use casus_app::forecast::{ForecastRequest, HorizonRequest};
use casus_app::history::{BacktestRequest, CalibrateRequest, HoldOut, PriorSd};
use casus_app::{Threads, render, tables};
use casus_data::bundled_world;
use casus_model::scenario::World;
use clap::{Args, Parser, Subcommand, ValueEnum};
use export::ExportArgs;
use progress::Bar;
use std::num::NonZeroU64;
use std::path::PathBuf;
use std::process::ExitCode;

/// casus — a collective-security alliance (the CSTO first) as software you can run.
#[derive(Parser)]
#[command(name = "casus", version, about, long_about = None)]
struct Cli {
    /// A directory of your own states/*.toml, relations.toml and alliances/*.toml,
    /// layered over the bundled data (same code or id: yours replaces it).
    #[arg(long, global = true, value_name = "DIR")]
    world: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the bundled alliances, states and scenarios.
    List(ListArgs),
    /// Validate a scenario file (or a bundled scenario) and report every problem.
    Check {
        /// Path to a scenario .toml file, or the name of a bundled scenario.
        scenario: String,
    },
    /// Run a scenario: what is likely to happen (the outcome probabilities of a
    /// quick forecast) and, for each event, what the treaty says and why.
    Run(RunArgs),
    /// Explain every decision of a scenario along its most likely course: utility
    /// terms, choice probabilities, who blocks.
    Explain(ExplainArgs),
    /// Monte Carlo forecast: per event, the probability of each outcome with 95%
    /// intervals, members' stances and expected contributions.
    Forecast(ForecastArgs),
    /// Merge the parts of a sharded forecast (`casus forecast … --shard K/N`)
    /// into the result the unsharded forecast prints, byte for byte.
    Merge(MergeArgs),
    /// Run an experiment design (DESIGN.toml: parameter ranges, factorial, Latin
    /// hypercube or a CSV of points, scenarios, named outputs): one forecast per
    /// point and scenario, as a tidy table (docs/sweep-format.md).
    Sweep(SweepArgs),
    /// Score the model on documented cases against baselines (climatology,
    /// treaty-literal, leader-only).
    Backtest(BacktestArgs),
    /// The model's implied rate of honoured defence commitments beside the published
    /// reliability figures (Leeds et al. 2000; Berkemeier & Fuhrmann 2018).
    Anchors(AnchorsArgs),
    /// Fit the global parameters to the cases (maximum a posteriori), report
    /// leave-one-out scores beside in-sample ones, and write the parameter file.
    Calibrate(CalibrateArgs),
    /// The parameters' uncertainty: the Laplace approximation of their posterior
    /// at a parameter file's values (the curvature of the cases' and the
    /// membership history's likelihood), written back into the file as its
    /// [posterior] table; `--posterior` on a forecast draws from it.
    Posterior(PosteriorArgs),
    /// One self-contained HTML file (opens offline): the timeline with the treaty's
    /// reading and citations, outcome probabilities, stances, fan charts and a map.
    Report(web::ReportArgs),
    /// A local web dashboard and JSON HTTP API (http://127.0.0.1:8765/ by default).
    Serve(web::ServeArgs),
}

#[derive(Args)]
struct ListArgs {
    #[command(flatten)]
    export: ExportArgs,
}

#[derive(Args)]
struct RunArgs {
    /// A bundled scenario name (see `casus list`) or a path to a .toml file.
    scenario: String,
    /// Seed of the forecast shown beside the treaty's reading (default: the
    /// scenario's own seed, as `casus forecast`).
    #[arg(long)]
    seed: Option<u64>,
    /// Parameter file (default: the bundled one).
    #[arg(long)]
    params: Option<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,
    /// Write the output to this file (atomically, through a symbolic link)
    /// instead of standard output; `-` is standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    export: ExportArgs,
}

#[derive(Args)]
struct ExplainArgs {
    /// A bundled scenario name or a path to a .toml file.
    scenario: String,
    /// Only this event.
    #[arg(long)]
    event: Option<String>,
    /// Explain instead the years after the timeline, to this date: per year
    /// and member, the terms behind freezing, leaving or staying.
    #[arg(long, conflicts_with = "event")]
    until: Option<String>,
    /// Parameter file (default: the bundled one).
    #[arg(long)]
    params: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    export: ExportArgs,
}

#[derive(Args)]
struct ForecastArgs {
    /// A bundled scenario name or a path to a .toml file.
    scenario: String,
    /// Number of replications.
    #[arg(long, default_value_t = casus_app::forecast::DEFAULT_RUNS)]
    runs: u64,
    /// Seed (default: the scenario's own seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Parameter file (default: the bundled one).
    #[arg(long)]
    params: Option<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,
    /// Write the output to this file (atomically, through a symbolic link)
    /// instead of standard output; `-` is standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Simulate the years after the scenario up to this date (YYYY-MM-DD):
    /// summits, exercises, crises from base rates, freezes, exits, dissolution.
    #[arg(long)]
    until: Option<String>,
    /// With --until: also write fan charts (SVG) to this file.
    #[arg(long)]
    svg: Option<PathBuf>,
    /// Run only shard K of N (K/N, e.g. 2/8): its replications of the --runs,
    /// written as a part (JSON tallies) for `casus merge`, which makes the
    /// unsharded result exactly. A failed shard is rerun alone.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Include the parameters' uncertainty (of the scenario's events, or with
    /// --until of the years after it). The runs are split
    /// into --draws blocks, each under parameters drawn from the parameter
    /// file's [posterior] (written by `casus posterior`); intervals then hold
    /// both the parameters' and the Monte Carlo uncertainty.
    #[arg(long)]
    posterior: bool,
    /// With --posterior: how many parameter vectors to draw.
    #[arg(long, default_value_t = casus_app::posterior::DEFAULT_DRAWS)]
    draws: u64,
    #[command(flatten)]
    export: ExportArgs,
}

#[derive(Args)]
struct SweepArgs {
    /// The design file (format: docs/sweep-format.md).
    design: PathBuf,
    /// Run only shard K of N of the design's points (K/N); the rows of shards
    /// 1..N, in order, are the unsharded sweep's rows.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Print one JSON document instead of the `sweep` table as CSV.
    #[arg(long)]
    json: bool,
    /// Write the output to this file (atomically) instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    export: ExportArgs,
}

#[derive(Args)]
struct MergeArgs {
    /// The parts `casus forecast … --shard K/N -o FILE` wrote, shards 1 to N of one forecast.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// Print one JSON document (the unsharded `casus forecast … --json`'s bytes) instead of text.
    #[arg(long)]
    json: bool,
    /// Write the output to this file (atomically) instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// For the parts of a long-horizon forecast: also write its fan charts (SVG).
    #[arg(long)]
    svg: Option<PathBuf>,
    #[command(flatten)]
    export: ExportArgs,
}

/// How `--hold-out` groups the cases.
#[derive(Clone, Copy, ValueEnum)]
enum HoldOutArg {
    /// Each case predicted by a fit on the others.
    Case,
    /// Each alliance's cases predicted by a fit on the other alliances' cases.
    Alliance,
}

impl From<HoldOutArg> for HoldOut {
    fn from(h: HoldOutArg) -> HoldOut {
        match h {
            HoldOutArg::Case => HoldOut::Case,
            HoldOutArg::Alliance => HoldOut::Alliance,
        }
    }
}

#[derive(Args)]
struct BacktestArgs {
    /// A directory of cases (NAME.toml + NAME.observed.toml); default: the bundled library.
    #[arg(long)]
    cases: Option<PathBuf>,
    /// Parameter file (default: the bundled one).
    #[arg(long)]
    params: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Also write a reliability diagram (SVG) to this file.
    #[arg(long)]
    reliability: Option<PathBuf>,
    /// `alliance`: also score each alliance's cases apart, with climatology from
    /// the other alliances' base rates (needs cases of two alliances or more).
    #[arg(long, value_enum)]
    hold_out: Option<HoldOutArg>,
    /// Score the membership history instead of the cases: the yearly
    /// freeze / exit / stay observations of data/membership-history.toml
    /// against a constant hazard, per alliance, leave-one-alliance-out.
    #[arg(long, conflicts_with_all = ["cases", "reliability", "hold_out"])]
    membership: bool,
    #[command(flatten)]
    export: ExportArgs,
}

#[derive(Args)]
struct AnchorsArgs {
    /// Parameter file (default: the bundled one).
    #[arg(long)]
    params: Option<PathBuf>,
    /// The alliance whose collective-defence clause is invoked.
    #[arg(long, default_value = "CSTO")]
    alliance: String,
    #[command(flatten)]
    export: ExportArgs,
}

#[derive(Args)]
struct PosteriorArgs {
    /// The parameter file (default: the bundled data/parameters.toml).
    #[arg(long)]
    params: Option<PathBuf>,
    /// The cases the parameters were fitted to (a directory; default: the
    /// bundled cases that the file's [meta] names, or every bundled case).
    #[arg(long)]
    cases: Option<PathBuf>,
    /// Where to write the parameter file with its [posterior] (atomically).
    /// Required: a default path would silently replace a parameter file.
    #[arg(long, short)]
    output: PathBuf,
    /// Standard deviation of the Gaussian prior the fit used (logit units).
    #[arg(long, default_value_t = casus_model::calibration::PRIOR_SD)]
    prior_sd: f64,
    /// The date written into the provenance (default: today).
    #[arg(long)]
    date: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct CalibrateArgs {
    /// A directory of cases; default: the bundled library.
    #[arg(long)]
    cases: Option<PathBuf>,
    /// Starting parameter file and centre of the prior (default: the bundled priors, data/priors.toml).
    #[arg(long)]
    params: Option<PathBuf>,
    /// Where to write the fitted parameter file (atomically). Required: a
    /// default path would silently replace a parameter file.
    #[arg(long, short)]
    output: PathBuf,
    /// Objective evaluations for the full fit (held-out cases' refits get a third,
    /// held-out alliances' refits as many, from the prior).
    #[arg(long, default_value_t = 6000)]
    evals: usize,
    /// The date written into the provenance (default: today).
    #[arg(long)]
    date: Option<String>,
    /// Skip the held-out refits.
    #[arg(long)]
    no_loo: bool,
    /// How the out-of-sample refits hold cases out: each case, or each alliance's cases.
    #[arg(long, value_enum, default_value = "case")]
    hold_out: HoldOutArg,
    /// Also write the held-out reliability diagram (SVG) to this file.
    #[arg(long)]
    reliability: Option<PathBuf>,
    /// Standard deviation of the Gaussian prior around the starting values (logit units).
    #[arg(long, default_value_t = casus_model::calibration::PRIOR_SD)]
    prior_sd: f64,
    /// Worker threads for the refits (default: all cores). The result does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Continue an interrupted calibration from its checkpoint, OUTPUT.checkpoint.toml
    /// (written after the full fit and after each held-out refit, removed when the
    /// run completes). Give the same cases, parameter file and flags; the result is
    /// the one an uninterrupted run writes.
    #[arg(long)]
    resume: bool,
    #[command(flatten)]
    export: ExportArgs,
}

fn load_param_file(path: Option<&PathBuf>) -> Result<casus_data::params::ParamFile> {
    Ok(match path {
        Some(p) => {
            let text = input::read(p)?;
            casus_data::params::parse_params(&p.display().to_string(), &text)
                .map_err(input::InvalidInput)?
        }
        None => casus_data::params::bundled_params().map_err(input::InvalidInput)?,
    })
}

fn load_params(path: Option<&PathBuf>) -> Result<casus_model::params::Params> {
    Ok(load_param_file(path)?.params())
}

/// `--threads N` as the use cases take it.
fn threads(n: Option<usize>) -> Result<Threads> {
    match n {
        None => Ok(Threads::ALL_CORES),
        Some(0) => anyhow::bail!("--threads must be at least 1 (or leave it out to use all cores)"),
        Some(t) => Threads::new(t).with_context(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            format!(
                "--threads {t} is more than {}\n  help: this machine has {cores} cores; the result does not depend on the thread count, and threads beyond the cores only add overhead",
                Threads::MAX
            )
        }),
    }
}

/// A use case's error, with located input problems kept as they are.
fn app(e: casus_app::Error) -> anyhow::Error {
    match e {
        casus_app::Error::Input(l) => input::InvalidInput(l).into(),
        e => e.into(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(inv) = e.downcast_ref::<input::InvalidInput>() {
                eprintln!("{inv}");
            } else {
                eprintln!("error: {e:#}");
            }
            ExitCode::from(2)
        }
    }
}

fn emit(text: &str, output: Option<&PathBuf>) -> Result<()> {
    match output {
        Some(p) => output::write_to(p, text),
        None => output::Output::Stdout.write(text),
    }
}

fn execute(cli: Cli) -> Result<()> {
    let (world, notes) = match &cli.world {
        Some(dir) => {
            let o = casus_data::load_overlay(dir).map_err(input::InvalidInput)?;
            (o.world, o.notes)
        }
        None => (bundled_world().map_err(input::InvalidInput)?, Vec::new()),
    };
    match cli.command {
        Command::List(a) => {
            a.export.check()?;
            let on = casus_model::Date::new(2026, 1, 1).expect("valid date");
            let c = casus_app::catalogue::list(&world, on);
            a.export.write(&tables::catalogue(&c))?;
            let mut text = report::catalogue_text(&c);
            if !notes.is_empty() {
                text.push_str("overlay:\n");
                for n in &notes {
                    text.push_str(&format!("  {n}\n"));
                }
            }
            emit(&text, None)
        }
        Command::Check { scenario } => {
            let sc = input::load_scenario(&scenario, &world)?;
            let c = casus_app::catalogue::check(&world, &sc).map_err(app)?;
            emit(&report::check_text(&scenario, &c), None)
        }
        Command::Run(a) => {
            output::check_all(&[a.output.as_ref()])?;
            a.export.check()?;
            let params = load_params(a.params.as_ref())?;
            let sc = input::load_scenario(&a.scenario, &world)?;
            let s = casus_app::timeline::run_with(&world, &sc, a.seed, &params).map_err(app)?;
            a.export.write(&tables::run(&s))?;
            let text = if a.json {
                render::run_json(&s)
            } else {
                report::timeline(&s, &a.scenario)
            };
            emit(&text, a.output.as_ref())
        }
        Command::Explain(a) if a.until.is_some() => {
            if a.export.csv.is_some() || a.export.parquet.is_some() {
                anyhow::bail!(
                    "explain --until has no tables to export yet\n  help: use --json, or drop --csv/--parquet"
                );
            }
            let until = a.until.as_deref().unwrap_or_default();
            let until: casus_model::Date = until.parse().map_err(|e| {
                anyhow::anyhow!(
                    "--until: {e}\n  help: give a date as YYYY-MM-DD, e.g. --until 2030-12-31"
                )
            })?;
            let req = casus_app::timeline::ExplainYearsRequest {
                params: load_params(a.params.as_ref())?,
                scenario: input::load_scenario(&a.scenario, &world)?,
                until,
            };
            let s = casus_app::timeline::explain_years(&world, &req).map_err(app)?;
            let text = if a.json {
                render::explain_years_json(&s)
            } else {
                report::explain_years_text(&s)
            };
            emit(&text, None)
        }
        Command::Explain(a) => {
            a.export.check()?;
            let req = casus_app::timeline::ExplainRequest {
                params: load_params(a.params.as_ref())?,
                scenario: input::load_scenario(&a.scenario, &world)?,
                event: a.event,
            };
            let s = casus_app::timeline::explain(&world, &req).map_err(app)?;
            a.export.write(&tables::explain(&s))?;
            let text = if a.json {
                render::explain_json(&s)
            } else {
                report::explain_text(&s)
            };
            emit(&text, None)
        }
        Command::Forecast(a) => forecast(a, &world),
        Command::Merge(a) => merge(a),
        Command::Sweep(a) => sweep(a, &world),
        Command::Anchors(a) => {
            a.export.check()?;
            let req = casus_app::anchors::AnchorsRequest {
                alliance: a.alliance,
                params: load_params(a.params.as_ref())?,
                years: casus_app::anchors::default_years(),
                threads: Threads::ALL_CORES,
            };
            let bar = Bar::new("invocations");
            let s = casus_app::anchors::anchors(&world, &req, &bar);
            bar.finish();
            let s = s.map_err(app)?;
            a.export.write(&tables::anchors(&s))?;
            emit(&history::anchors_text(&s), None)
        }
        Command::Backtest(a) => backtest(a, &world),
        Command::Calibrate(a) => calibrate(a, &world),
        Command::Posterior(a) => posterior(a, &world),
        Command::Report(a) => web::report(a, &world),
        Command::Serve(a) => web::serve(a, world),
    }
}

fn forecast(a: ForecastArgs, world: &World) -> Result<()> {
    let runs = NonZeroU64::new(a.runs).context("--runs must be at least 1")?;
    let threads = threads(a.threads)?;
    let file = load_param_file(a.params.as_ref())?;
    let params = file.params();
    let posterior = if a.posterior {
        if a.shard.is_some() {
            anyhow::bail!(
                "--posterior and --shard cannot be combined yet\n  help: drop --shard (the draws already run in parallel)"
            );
        }
        let name = a
            .params
            .as_ref()
            .map_or("data/parameters.toml".to_string(), |p| {
                p.display().to_string()
            });
        Some(file.posterior().with_context(|| {
            format!(
                "the parameter file `{name}` has no [posterior] table\n  help: compute it with `casus posterior --params {name} -o {name}`"
            )
        })?)
    } else {
        None
    };
    output::check_all(&[a.output.as_ref(), a.svg.as_ref()])?;
    a.export.check()?;
    let shard = a
        .shard
        .as_deref()
        .map(|s| s.parse::<casus_app::forecast::Shard>())
        .transpose()
        .map_err(|e| anyhow::anyhow!("--shard: {e}"))?;
    if shard.is_some() && (a.svg.is_some() || a.export.csv.is_some() || a.export.parquet.is_some())
    {
        anyhow::bail!(
            "--shard writes a part, not a result: --svg, --csv and --parquet go on `casus merge`"
        );
    }
    let scenario = input::load_scenario(&a.scenario, world)?;
    let line = Bar::new("replications");
    if let Some(until) = a.until {
        let until: casus_model::Date = until.parse().map_err(|e| {
            anyhow::anyhow!(
                "--until: {e}\n  help: give a date as YYYY-MM-DD, e.g. --until 2030-12-31"
            )
        })?;
        let req = HorizonRequest {
            scenario,
            params,
            rates: casus_data::params::bundled_base_rates().map_err(input::InvalidInput)?,
            until,
            runs,
            seed: a.seed,
            threads,
        };
        if let Some(shard) = shard {
            let p = casus_app::forecast::horizon_shard(world, &req, shard, &line);
            line.finish();
            return emit(&render::partial_json(&p.map_err(app)?), a.output.as_ref());
        }
        if let Some(post) = &posterior {
            let s = casus_app::posterior::horizon_posterior(world, &req, post, a.draws, &line);
            line.finish();
            let s = s.map_err(app)?;
            if let Some(svg) = &a.svg {
                output::write_to(svg, &report::horizon_svg(&s.summary))?;
            }
            a.export.write(&tables::horizon(&s.summary))?;
            let text = if a.json {
                render::posterior_horizon_json(&s)
            } else {
                let mut t = report::horizon_text(&s.summary);
                t.push_str(&report::posterior_text(&s));
                t
            };
            return emit(&text, a.output.as_ref());
        }
        let s = casus_app::forecast::horizon(world, &req, &line);
        line.finish();
        let s = s.map_err(app)?;
        if let Some(svg) = &a.svg {
            output::write_to(svg, &report::horizon_svg(&s))?;
        }
        a.export.write(&tables::horizon(&s))?;
        let text = if a.json {
            render::horizon_json(&s)
        } else {
            report::horizon_text(&s)
        };
        return emit(&text, a.output.as_ref());
    }
    if a.svg.is_some() {
        anyhow::bail!("--svg draws the fan charts of a long-horizon run: add --until DATE");
    }
    let req = ForecastRequest {
        scenario,
        params,
        runs,
        seed: a.seed,
        threads,
    };
    if let Some(shard) = shard {
        let p = casus_app::forecast::shard(world, &req, shard, &line);
        line.finish();
        return emit(&render::partial_json(&p.map_err(app)?), a.output.as_ref());
    }
    if let Some(post) = &posterior {
        let s = casus_app::posterior::forecast_posterior(world, &req, post, a.draws, &line);
        line.finish();
        let s = s.map_err(app)?;
        a.export.write(&tables::forecast(&s.summary))?;
        let text = if a.json {
            render::posterior_forecast_json(&s)
        } else {
            let mut t = report::forecast_text(&s.summary);
            t.push_str(&report::posterior_forecast_text(&s));
            t
        };
        return emit(&text, a.output.as_ref());
    }
    let s = casus_app::forecast::forecast(world, &req, &line);
    line.finish();
    let s = s.map_err(app)?;
    a.export.write(&tables::forecast(&s))?;
    let text = if a.json {
        render::forecast_json(&s)
    } else {
        report::forecast_text(&s)
    };
    emit(&text, a.output.as_ref())
}

/// A path a design file names: relative to the design's directory if a file
/// is there, else as given (a bundled scenario's name).
fn beside(design: &std::path::Path, name: &str) -> String {
    let p = std::path::Path::new(name);
    match design.parent() {
        Some(dir) if p.is_relative() && dir.join(p).exists() => dir.join(p).display().to_string(),
        _ => name.to_string(),
    }
}

fn sweep(a: SweepArgs, world: &World) -> Result<()> {
    output::check_all(&[a.output.as_ref()])?;
    a.export.check()?;
    let shard = a
        .shard
        .as_deref()
        .map(|s| s.parse::<casus_app::forecast::Shard>())
        .transpose()
        .map_err(|e| anyhow::anyhow!("--shard: {e}"))?;
    let name = a.design.display().to_string();
    let priors = casus_data::params::bundled_priors()
        .map_err(input::InvalidInput)?
        .params();
    let mut d = casus_data::design::parse_design(&name, &input::read(&a.design)?, &priors)
        .map_err(input::InvalidInput)?;
    if let Some(f) = d.points_file.clone() {
        let path = PathBuf::from(beside(&a.design, &f));
        let (names, rows) =
            casus_data::design::parse_points(&path.display().to_string(), &input::read(&path)?)
                .map_err(input::InvalidInput)?;
        d.set_points(names, rows, &priors);
    }
    let params = load_params(
        d.params
            .as_ref()
            .map(|p| PathBuf::from(beside(&a.design, p)))
            .as_ref(),
    )?;
    let scenarios = d
        .scenarios
        .iter()
        .map(|s| input::load_scenario(&beside(&a.design, s), world))
        .collect::<Result<Vec<_>>>()?;
    let req = casus_app::sweep::SweepRequest {
        scenarios,
        params,
        rates: casus_data::params::bundled_base_rates().map_err(input::InvalidInput)?,
        design: d.design,
        outputs: d.outputs,
        seed: d.seed,
        runs: NonZeroU64::new(d.runs).context("runs must be at least 1")?,
        streams: d.streams,
        shard,
        threads: threads(a.threads)?,
    };
    let bar = Bar::new("replications");
    let s = casus_app::sweep::sweep(world, &req, &bar);
    bar.finish();
    let s = s.map_err(app)?;
    let tables = tables::sweep(&s);
    a.export.write(&tables)?;
    let text = if a.json {
        render::sweep_json(&s)
    } else {
        String::from_utf8(export::Format::Csv.encode(&tables[0])?)
            .context("a CSV table is UTF-8")?
    };
    emit(&text, a.output.as_ref())
}

fn merge(a: MergeArgs) -> Result<()> {
    use casus_app::forecast::Merged;
    output::check_all(&[a.output.as_ref(), a.svg.as_ref()])?;
    a.export.check()?;
    let mut parts = Vec::with_capacity(a.parts.len());
    for path in &a.parts {
        let name = path.display().to_string();
        let p = render::parse_partial(&name, &input::read(path)?).map_err(app)?;
        parts.push((name, p));
    }
    let text = match casus_app::forecast::merge(&parts).map_err(app)? {
        Merged::Forecast(s) => {
            if a.svg.is_some() {
                anyhow::bail!(
                    "--svg draws the fan charts of a long-horizon forecast; these parts are of a forecast of the timeline"
                );
            }
            a.export.write(&tables::forecast(&s))?;
            if a.json {
                render::forecast_json(&s)
            } else {
                report::forecast_text(&s)
            }
        }
        Merged::Horizon(s) => {
            if let Some(svg) = &a.svg {
                output::write_to(svg, &report::horizon_svg(&s))?;
            }
            a.export.write(&tables::horizon(&s))?;
            if a.json {
                render::horizon_json(&s)
            } else {
                report::horizon_text(&s)
            }
        }
    };
    emit(&text, a.output.as_ref())
}

fn backtest(a: BacktestArgs, world: &World) -> Result<()> {
    if a.membership {
        if a.export.csv.is_some() || a.export.parquet.is_some() {
            anyhow::bail!(
                "backtest --membership has no tables to export yet\n  help: use --json, or drop --csv/--parquet"
            );
        }
        let req = casus_app::history::MembershipRequest {
            history: casus_data::membership::bundled_history(world).map_err(input::InvalidInput)?,
            params: load_params(a.params.as_ref())?,
            prior: casus_data::params::bundled_priors()
                .map_err(input::InvalidInput)?
                .params(),
            prior_sd: PriorSd::default(),
            reserved: casus_data::reserved::ALLIANCES.map(String::from).to_vec(),
        };
        let s = casus_app::history::membership_backtest(world, &req).map_err(app)?;
        let text = if a.json {
            render::membership_json(&s)
        } else {
            history::membership_text(&s)
        };
        return emit(&text, None);
    }
    output::check_all(&[a.reliability.as_ref()])?;
    a.export.check()?;
    let req = BacktestRequest {
        params: load_params(a.params.as_ref())?,
        cases: history::cases(a.cases.as_deref(), world)?,
        hold_out: a.hold_out.map(HoldOut::from),
    };
    let bar = Bar::new("cases");
    let s = casus_app::history::backtest_with(world, &req, &bar);
    bar.finish();
    let s = s.map_err(app)?;
    a.export.write(&tables::backtest(&s))?;
    if let Some(svg) = a.reliability {
        history::write(
            &svg,
            &history::reliability_svg(&s.backtest, "casus: reliability (in-sample)"),
        )?;
    }
    let text = if a.json {
        render::backtest_json(&s)
    } else {
        let mut t = history::backtest_text(&format!("backtest: {} cases", s.cases), &s.backtest);
        if let Some(g) = &s.by_alliance {
            t.push('\n');
            t.push_str(&history::groups_text(
                "per alliance (climatology: the other alliances' base rates)",
                g,
            ));
        }
        t
    };
    emit(&text, None)
}

fn calibrate(a: CalibrateArgs, world: &World) -> Result<()> {
    let prior_sd = PriorSd::new(a.prior_sd).context("--prior-sd must be a positive number")?;
    output::check_all(&[Some(&a.output), a.reliability.as_ref()])?;
    a.export.check()?;
    let base = match a.params.as_ref() {
        Some(_) => load_param_file(a.params.as_ref())?,
        None => casus_data::params::bundled_priors().map_err(input::InvalidInput)?,
    };
    let hold_out = (!a.no_loo).then(|| HoldOut::from(a.hold_out));
    let checkpoint = history::checkpoint_path(&a.output);
    let resume = history::resume_from(checkpoint.as_deref(), a.resume)?;
    let req = CalibrateRequest {
        cases: history::cases(a.cases.as_deref(), world)?,
        prior: base.params(),
        prior_sd,
        evals: a.evals,
        hold_out,
        threads: threads(a.threads)?,
        resume,
    };
    eprintln!(
        "fitting {} parameters to {} cases{} …",
        casus_model::calibration::FITTED.len(),
        req.cases.len(),
        match hold_out {
            Some(by) => format!(", then the held-out refits (by {})", by.name()),
            None => String::new(),
        }
    );
    if let (true, Some(p)) = (req.resume.is_some(), &checkpoint) {
        let n = casus_app::checkpoint::resumable(world, &req)
            .map_err(|e| anyhow::anyhow!("cannot resume from `{}`: {}", p.display(), app(e)))?;
        eprintln!("resuming from `{}`: {n} fits done", p.display());
    }
    let line = Bar::new("fits");
    let sink = history::CheckpointFile::new(checkpoint.clone(), history::stop_after_fits()?);
    let c = casus_app::history::calibrate_checkpointed(world, &req, &line, &sink);
    line.finish();
    let c = c.map_err(|e| match (e, &checkpoint) {
        (casus_app::Error::Stopped(m), Some(p)) => anyhow::anyhow!(
            "{m}\n  help: the finished fits are in `{}`; run the same command with --resume to continue",
            p.display()
        ),
        (e, _) => app(e),
    })?;
    // The exact command line, as typed (issue 19): every flag, in order, but
    // `--resume`, which does not change the result (the file is the one an
    // uninterrupted run writes).
    let command = std::iter::once("casus".to_string())
        .chain(
            std::env::args()
                .skip(1)
                .filter(|a| a != "--resume")
                .map(|a| report::shell_word(&a)),
        )
        .collect::<Vec<_>>()
        .join(" ");
    let provenance = history::Provenance {
        command,
        priors: a
            .params
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "data/priors.toml".into()),
        prior_sd: a.prior_sd,
        date: a.date.clone().unwrap_or_else(today),
    };
    if let (Some(svg), Some(h)) = (&a.reliability, &c.held_out) {
        history::write(svg, &history::held_out_svg(h))?;
    }
    let pf = history::fitted_file(&base, &c.fitted, history::calibration_meta(&c, &provenance));
    history::write(&a.output, &history::param_file_text(&pf)?)?;
    history::remove_checkpoint(checkpoint.as_deref())?;
    a.export.write(&tables::calibration(&c, &base.params()))?;
    let mut report = history::calibration_text(&c);
    report.push_str(&format!("\nwrote {}\n", a.output.display()));
    emit(&report, None)
}

fn posterior(a: PosteriorArgs, world: &World) -> Result<()> {
    let prior_sd = PriorSd::new(a.prior_sd).context("--prior-sd must be a positive number")?;
    output::check_all(&[Some(&a.output)])?;
    let mut file = load_param_file(a.params.as_ref())?;
    let mut cases = history::cases(a.cases.as_deref(), world)?;
    if a.cases.is_none()
        && let Some(toml::Value::Array(named)) = file.meta.get("cases")
    {
        let named: Vec<&str> = named.iter().filter_map(|v| v.as_str()).collect();
        cases.retain(|c| named.contains(&c.id.as_str()));
    }
    let req = casus_app::history::PosteriorRequest {
        params: file.params(),
        cases,
        history: casus_data::membership::bundled_history(world).map_err(input::InvalidInput)?,
        reserved: casus_data::reserved::ALLIANCES.map(String::from).to_vec(),
        prior_sd,
    };
    eprintln!(
        "curvature of {} parameters over {} cases and the membership history …",
        casus_model::calibration::FITTED.len() + casus_model::membership::FITTED.len(),
        req.cases.len()
    );
    let bar = Bar::new("evaluations");
    let s = casus_app::history::posterior(world, &req, &bar);
    bar.finish();
    let s = s.map_err(app)?;
    let command = std::iter::once("casus".to_string())
        .chain(std::env::args().skip(1).map(|a| report::shell_word(&a)))
        .collect::<Vec<_>>()
        .join(" ");
    file.posterior = Some(history::posterior_table(
        &s,
        command,
        a.date.clone().unwrap_or_else(today),
    ));
    history::write(&a.output, &history::param_file_text(&file)?)?;
    let mut text = if a.json {
        render::posterior_json(&s)
    } else {
        history::posterior_text_summary(&s)
    };
    if !a.json {
        text.push_str(&format!("\nwrote {}\n", a.output.display()));
    }
    emit(&text, None)
}

/// Today's date (UTC) from the system clock — the CLI is the edge that may read it.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    casus_model::Date::from_days_since_epoch(secs / 86_400).to_string()
}

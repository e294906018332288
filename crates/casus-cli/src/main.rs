//! `casus`: the command line. A thin shell around the library crates: it parses
//! arguments, loads data at the edge, calls the pure core and renders the result.

mod history;
mod input;
mod output;
mod report;

use anyhow::Result;
use casus_data::{bundled_scenario, bundled_scenario_names, bundled_world};
use casus_model::analysis::analyse_timeline;
use casus_model::forecast::{Plan, modal_course, monte_carlo};
use clap::{Parser, Subcommand};
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

/// casus — a collective-security alliance (the CSTO first) as software you can run.
#[derive(Parser)]
#[command(name = "casus", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the bundled alliances, states and scenarios.
    List,
    /// Validate a scenario file (or a bundled scenario) and report every problem.
    Check {
        /// Path to a scenario .toml file, or the name of a bundled scenario.
        scenario: String,
    },
    /// Run a scenario: the timeline, and for each event what the treaty says and why.
    Run {
        /// A bundled scenario name (see `casus list`) or a path to a .toml file.
        scenario: String,
        /// Seed for stochastic parts (default: the scenario's own seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Write the output to this file (atomically, through a symbolic link)
        /// instead of standard output; `-` is standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Explain every decision of a scenario along its most likely course: utility
    /// terms, choice probabilities, who blocks.
    Explain {
        /// A bundled scenario name or a path to a .toml file.
        scenario: String,
        /// Only this event.
        #[arg(long)]
        event: Option<String>,
        /// Parameter file (default: the bundled one).
        #[arg(long)]
        params: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Monte Carlo forecast: per event, the probability of each outcome with 95%
    /// intervals, members' stances and expected contributions.
    Forecast {
        /// A bundled scenario name or a path to a .toml file.
        scenario: String,
        /// Number of replications.
        #[arg(long, default_value_t = 10_000)]
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
    },
    /// Score the model on documented cases against baselines (climatology,
    /// treaty-literal, leader-only).
    Backtest {
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
    },
    /// The model's implied rate of honoured defence commitments beside the published
    /// reliability figures (Leeds et al. 2000; Berkemeier & Fuhrmann 2018).
    Anchors {
        /// Parameter file (default: the bundled one).
        #[arg(long)]
        params: Option<PathBuf>,
    },
    /// Fit the global parameters to the cases (maximum a posteriori), report
    /// leave-one-out scores beside in-sample ones, and write the parameter file.
    Calibrate {
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
        /// Objective evaluations for the full fit (leave-one-out fits get a third).
        #[arg(long, default_value_t = 6000)]
        evals: usize,
        /// The date written into the provenance (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Skip the leave-one-out refits.
        #[arg(long)]
        no_loo: bool,
        /// Also write the leave-one-out reliability diagram (SVG) to this file.
        #[arg(long)]
        reliability: Option<PathBuf>,
        /// Standard deviation of the Gaussian prior around the starting values (logit units).
        #[arg(long, default_value_t = casus_model::calibration::PRIOR_SD)]
        prior_sd: f64,
    },
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

/// A progress line on standard error while a long forecast runs (terminals only).
fn with_progress<T>(runs: u64, f: impl FnOnce(&AtomicU64) -> T) -> T {
    let done = AtomicU64::new(0);
    let show = std::io::stderr().is_terminal() && runs >= 200_000;
    let finished = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        if show {
            s.spawn(|| {
                while !finished.load(Ordering::Relaxed) {
                    let d = done.load(Ordering::Relaxed);
                    let width = 30;
                    let filled = (width as u64 * d / runs.max(1)) as usize;
                    eprint!(
                        "\r[{}{}] {d}/{runs} replications",
                        "#".repeat(filled),
                        " ".repeat(width - filled.min(width))
                    );
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                eprint!("\r{}\r", " ".repeat(70));
            });
        }
        let r = f(&done);
        finished.store(true, Ordering::Relaxed);
        r
    })
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

/// The most replications a forecast runs: at 10^9 the 95% interval of any
/// probability is narrower than ±0.0001, so more runs only cost time.
const MAX_RUNS: u64 = 1_000_000_000;
/// The most worker threads: more than any machine this runs on has cores; a
/// larger number only adds scheduling overhead (issue 19: 10,000 threads took
/// 64 s for 1,000 runs).
const MAX_THREADS: usize = 256;
/// The longest horizon of `forecast --until`, in years after the scenario.
const MAX_HORIZON_YEARS: i32 = 100;

fn execute(cli: Cli) -> Result<()> {
    let world = bundled_world().map_err(input::InvalidInput)?;
    match cli.command {
        Command::List => {
            let mut s = String::new();
            s.push_str("alliances:\n");
            for a in world.alliances.values() {
                let on = casus_model::Date::new(2026, 1, 1).expect("valid date");
                let members: Vec<String> = a
                    .members_on(on)
                    .into_iter()
                    .map(|m| {
                        if a.is_participating(m, on) {
                            m.to_string()
                        } else {
                            format!("{m}(suspended)")
                        }
                    })
                    .collect();
                s.push_str(&format!(
                    "  {:<6} {} — {} provisions, members (2026): {}\n",
                    a.id,
                    a.name,
                    a.provisions.len(),
                    members.join(" ")
                ));
            }
            s.push_str("states:\n");
            for st in world.states.values() {
                s.push_str(&format!("  {}  {}\n", st.code, st.name));
            }
            s.push_str("scenarios:\n");
            for name in bundled_scenario_names() {
                let title = match bundled_scenario(name, &world) {
                    Some(Ok(sc)) => sc.title,
                    Some(Err(e)) => format!("INVALID: {e}"),
                    None => String::new(),
                };
                s.push_str(&format!("  {name:<28} {title}\n"));
            }
            emit(&s, None)
        }
        Command::Check { scenario } => {
            let sc = input::load_scenario(&scenario, &world)?;
            analyse_timeline(&world, &sc)?;
            emit(
                &format!(
                    "{scenario}: ok — {} events, alliance {}\n",
                    sc.events.len(),
                    sc.alliance
                ),
                None,
            )
        }
        Command::Run {
            scenario,
            seed,
            json,
            output,
        } => {
            output::check_all(&[output.as_ref()])?;
            let sc = input::load_scenario(&scenario, &world)?;
            let seed = seed.unwrap_or(sc.seed);
            let events = analyse_timeline(&world, &sc)?;
            let text = if json {
                let doc = serde_json::json!({
                    "scenario": sc.id,
                    "title": sc.title,
                    "alliance": sc.alliance,
                    "seed": seed,
                    "events": events,
                });
                serde_json::to_string_pretty(&doc)? + "\n"
            } else {
                report::timeline(&sc, &events, seed)
            };
            emit(&text, output.as_ref())
        }
        Command::Explain {
            scenario,
            event,
            params,
            json,
        } => {
            let params = load_params(params.as_ref())?;
            let sc = input::load_scenario(&scenario, &world)?;
            if let Some(e) = &event
                && !sc.events.iter().any(|x| &x.id == e)
            {
                let ids: Vec<&str> = sc.events.iter().map(|x| x.id.as_str()).collect();
                anyhow::bail!(
                    "scenario `{}` has no event `{e}`\n  help: its events: {}",
                    sc.id,
                    ids.join(", ")
                );
            }
            let plan = Plan::new(&world, &sc, &params)?;
            let course = modal_course(&plan);
            let text = if json {
                let items: Vec<_> = course
                    .iter()
                    .filter(|(ev, _, _)| event.as_ref().is_none_or(|e| *e == sc.events[*ev].id))
                    .map(|(ev, d, draw)| {
                        serde_json::json!({
                            "id": sc.events[*ev].id,
                            "decisions": d,
                            "modal_outcome": draw.outcome.map(|o| o.name()),
                            "council": draw.council,
                        })
                    })
                    .collect();
                serde_json::to_string_pretty(
                    &serde_json::json!({ "scenario": sc.id, "events": items }),
                )? + "\n"
            } else {
                report::explain_text(&sc, &course, event.as_deref())
            };
            emit(&text, None)
        }
        Command::Forecast {
            scenario,
            runs,
            seed,
            threads,
            params,
            json,
            output,
            until,
            svg,
        } => {
            if runs == 0 {
                anyhow::bail!("--runs must be at least 1");
            }
            if runs > MAX_RUNS {
                anyhow::bail!(
                    "--runs {runs} is more than {MAX_RUNS} (10^9)\n  help: at 10^9 runs the 95% interval of every probability is narrower than ±0.0001; more runs only cost time"
                );
            }
            if threads == Some(0) {
                anyhow::bail!("--threads must be at least 1 (or leave it out to use all cores)");
            }
            if let Some(t) = threads
                && t > MAX_THREADS
            {
                let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
                anyhow::bail!(
                    "--threads {t} is more than {MAX_THREADS}\n  help: this machine has {cores} cores; the result does not depend on the thread count, and threads beyond the cores only add overhead"
                );
            }
            output::check_all(&[output.as_ref(), svg.as_ref()])?;
            let params = load_params(params.as_ref())?;
            let sc = input::load_scenario(&scenario, &world)?;
            let seed = seed.unwrap_or(sc.seed);
            let plan = Plan::new(&world, &sc, &params)?;
            if let Some(until) = until {
                let date: casus_model::Date = until.parse().map_err(|e| {
                    anyhow::anyhow!(
                        "--until: {e}\n  help: give a date as YYYY-MM-DD, e.g. --until 2030-12-31"
                    )
                })?;
                let last = sc.events.last().map(|e| e.date).unwrap_or(date);
                if date.year <= last.year {
                    anyhow::bail!(
                        "--until {date} is not after the scenario's last year ({})\n  help: give a date in a later year",
                        last.year
                    );
                }
                if date.year > last.year + MAX_HORIZON_YEARS {
                    anyhow::bail!(
                        "--until {date} is more than {MAX_HORIZON_YEARS} years after the scenario's last year ({})\n  help: the base rates and the members' figures say nothing about so far ahead; give an earlier date",
                        last.year
                    );
                }
                let rates =
                    casus_data::params::bundled_base_rates().map_err(input::InvalidInput)?;
                let years = with_progress(runs, |p| {
                    casus_model::horizon::run_until(&plan, &rates, date, seed, runs, threads, p)
                })?;
                if let Some(svg) = &svg {
                    input::write_atomic(svg, &report::horizon_svg(&sc, &years))?;
                }
                let text = if json {
                    serde_json::to_string_pretty(&report::horizon_json(
                        &sc, &years, runs, seed, &until,
                    ))? + "\n"
                } else {
                    report::horizon_text(&sc, &years, runs, seed)
                };
                return emit(&text, output.as_ref());
            }
            if svg.is_some() {
                anyhow::bail!("--svg draws the fan charts of a long-horizon run: add --until DATE");
            }
            let tallies = with_progress(runs, |p| monte_carlo(&plan, seed, runs, threads, p))?;
            let text = if json {
                serde_json::to_string_pretty(&report::forecast_json(&sc, &tallies, runs, seed))?
                    + "\n"
            } else {
                report::forecast_text(&sc, &tallies, runs, seed)
            };
            emit(&text, output.as_ref())
        }
        Command::Anchors { params } => {
            let params = load_params(params.as_ref())?;
            emit(&history::anchors_text(&world, &params)?, None)
        }
        Command::Backtest {
            cases,
            params,
            json,
            reliability,
        } => {
            output::check_all(&[reliability.as_ref()])?;
            let params = load_params(params.as_ref())?;
            let cases = history::cases(cases.as_deref(), &world)?;
            let b = casus_model::calibration::backtest(&world, &cases, &params)
                .map_err(anyhow::Error::msg)?;
            if let Some(svg) = reliability {
                history::write(
                    &svg,
                    &history::reliability_svg(&b, "casus: reliability (in-sample)"),
                )?;
            }
            let text = if json {
                serde_json::to_string_pretty(&history::backtest_json(&b))? + "\n"
            } else {
                history::backtest_text(&format!("backtest: {} cases", cases.len()), &b)
            };
            emit(&text, None)
        }
        Command::Calibrate {
            cases,
            params,
            output,
            evals,
            date,
            no_loo,
            reliability,
            prior_sd,
        } => {
            if !(prior_sd > 0.0 && prior_sd.is_finite()) {
                anyhow::bail!("--prior-sd must be a positive number");
            }
            output::check_all(&[Some(&output), reliability.as_ref()])?;
            use casus_model::calibration::{backtest, evaluate, fit, leave_one_out};
            let base = match params.as_ref() {
                Some(_) => load_param_file(params.as_ref())?,
                None => casus_data::params::bundled_priors().map_err(input::InvalidInput)?,
            };
            let prior = base.params();
            let cases = history::cases(cases.as_deref(), &world)?;
            let refs: Vec<&casus_model::calibration::Case> = cases.iter().collect();
            eprintln!(
                "fitting {} parameters to {} cases …",
                casus_model::calibration::FITTED.len(),
                cases.len()
            );
            let (fitted, objective) = fit(&world, &refs, &prior, prior_sd, &prior, evals);
            let before = backtest(&world, &cases, &prior).map_err(anyhow::Error::msg)?;
            let after = backtest(&world, &cases, &fitted).map_err(anyhow::Error::msg)?;
            let mut report = String::new();
            report.push_str(&history::backtest_text(
                "prior parameters, in-sample",
                &before,
            ));
            report.push('\n');
            report.push_str(&history::backtest_text(
                "fitted parameters, in-sample",
                &after,
            ));
            let mut meta: Vec<(&str, toml::Value)> = vec![
                ("status", "calibrated".into()),
                (
                    "command",
                    format!(
                        "casus calibrate{} --evals {evals} --prior-sd {prior_sd}",
                        params.as_ref().map(|p| format!(" --params {}", p.display())).unwrap_or_default()
                    )
                    .into(),
                ),
                ("priors", params.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "data/priors.toml".into()).into()),
                ("method", format!("maximum a posteriori: exact log-likelihood of every observed outcome, signature and stance, plus a Gaussian prior (sd {prior_sd} logit) centred on the previous values; Nelder-Mead").into()),
                ("objective", objective.into()),
                ("cases", toml::Value::Array(cases.iter().map(|c| toml::Value::String(c.id.clone())).collect())),
                ("date", date.clone().unwrap_or_else(today).into()),
                ("in_sample_brier", after.scores.brier.into()),
            ];
            if !no_loo {
                eprintln!("leave-one-out: {} refits …", cases.len());
                let loo = evaluate(
                    leave_one_out(&world, &cases, &prior, prior_sd, &fitted, evals / 3)
                        .map_err(anyhow::Error::msg)?,
                );
                report.push('\n');
                report.push_str(&history::backtest_text(
                    "leave-one-out (each case predicted by a fit without it)",
                    &loo,
                ));
                if let Some(svg) = &reliability {
                    history::write(
                        svg,
                        &history::reliability_svg(&loo, "casus: reliability (leave-one-out)"),
                    )?;
                }
                meta.push(("loo_brier", loo.scores.brier.into()));
                meta.push(("loo_log", loo.scores.log.into()));
                meta.push(("loo_accuracy", loo.scores.accuracy.into()));
                for (k, v) in &loo.baselines {
                    meta.push((
                        Box::leak(format!("loo_baseline_{k}_brier").into_boxed_str()),
                        v.brier.into(),
                    ));
                }
            }
            let pf = history::fitted_file(&base, &fitted, meta);
            history::write(&output, &history::param_file_text(&pf)?)?;
            report.push_str(&format!("\nwrote {}\n", output.display()));
            emit(&report, None)
        }
    }
}

/// Today's date (UTC) from the system clock — the CLI is the edge that may read it.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    casus_model::Date::from_days_since_epoch(secs / 86_400).to_string()
}

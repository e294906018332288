//! `casus`: the command line. A thin shell around the library crates: it parses
//! arguments, loads data at the edge, calls the pure core and renders the result.

mod input;
mod report;

use anyhow::{Context, Result};
use casus_data::{bundled_scenario, bundled_scenario_names, bundled_world};
use casus_model::analysis::analyse_timeline;
use clap::{Parser, Subcommand};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

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
        /// Write the output to this file (atomically) instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
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
        Some(p) => input::write_atomic(p, text),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`casus run … | head`) is not an error worth a message.
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.context("cannot write to standard output"),
            }
        }
    }
}

fn execute(cli: Cli) -> Result<()> {
    let world = bundled_world().map_err(input::InvalidInput)?;
    match cli.command {
        Command::List => {
            let mut s = String::new();
            s.push_str("alliances:\n");
            for a in world.alliances.values() {
                let members = a.members_on(casus_model::Date::new(2026, 1, 1).expect("valid date"));
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
    }
}

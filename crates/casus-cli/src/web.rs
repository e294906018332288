//! `casus report` and `casus serve`: the browser front ends, started from the
//! command line. The pages and the server are `casus-web`'s; here are the
//! flags, the file written (atomically, see [`crate::output`]) and the socket.

use crate::progress::Bar;
use crate::{app, input, load_params, output, threads};
use anyhow::{Context, Result};
use casus_app::report::{ReportRequest, default_until};
use casus_model::scenario::World;
use casus_web::serve::{AppState, Limits};
use clap::Args;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU64;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args)]
pub struct ReportArgs {
    /// A bundled scenario name (see `casus list`) or a path to a .toml file.
    scenario: String,
    /// Where to write the HTML file (atomically); `-` is standard output.
    #[arg(long, short)]
    output: PathBuf,
    /// Replications of the timeline's forecast.
    #[arg(long, default_value_t = 10_000)]
    runs: u64,
    /// The horizon's fan charts run to this date (YYYY-MM-DD); default: 31
    /// December, five years after the scenario's last event.
    #[arg(long, conflicts_with = "no_horizon")]
    until: Option<String>,
    /// Replications of the horizon (each simulated year costs about a timeline).
    #[arg(long, default_value_t = 2_000)]
    horizon_runs: u64,
    /// Leave out the years after the scenario.
    #[arg(long)]
    no_horizon: bool,
    /// Seed (default: the scenario's own seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). The report does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Parameter file (default: the bundled one).
    #[arg(long)]
    params: Option<PathBuf>,
}

/// `casus report`: one self-contained HTML file.
pub fn report(a: ReportArgs, world: &World) -> Result<()> {
    let runs = NonZeroU64::new(a.runs).context("--runs must be at least 1")?;
    let horizon_runs =
        NonZeroU64::new(a.horizon_runs).context("--horizon-runs must be at least 1")?;
    let threads = threads(a.threads)?;
    let params = load_params(a.params.as_ref())?;
    output::check_all(&[Some(&a.output)])?;
    let (scenario, warnings) = input::load_scenario_quiet(&a.scenario, world)?;
    for w in &warnings {
        eprintln!("{w}");
    }
    let until = match (&a.until, a.no_horizon) {
        (_, true) => None,
        (Some(u), false) => Some(u.parse().map_err(|e| {
            anyhow::anyhow!(
                "--until: {e}\n  help: give a date as YYYY-MM-DD, e.g. --until 2030-12-31"
            )
        })?),
        (None, false) => Some(default_until(&scenario)),
    };
    let req = ReportRequest {
        scenario,
        params,
        rates: casus_data::params::bundled_base_rates().map_err(input::InvalidInput)?,
        runs,
        until,
        horizon_runs,
        seed: a.seed,
        threads,
    };
    let line = Bar::new("replications");
    let s = casus_app::report::report(world, &req, &line);
    line.finish();
    let s = s.map_err(app)?;
    let notes: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    output::write_to(&a.output, &casus_web::page::report_html(&s, &notes))
}

#[derive(Args)]
pub struct ServeArgs {
    /// The port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8765)]
    port: u16,
    /// The address to bind. The API has no authentication: keep the default
    /// (this machine only) unless the network is yours.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// The most replications one request may ask.
    #[arg(long, default_value_t = Limits::default().max_runs)]
    max_runs: u64,
    /// The most horizon replications one request may ask.
    #[arg(long, default_value_t = Limits::default().max_horizon_runs)]
    max_horizon_runs: u64,
    /// Forecasts and reports computing at once (more are refused with 429).
    #[arg(long, default_value_t = Limits::default().max_jobs)]
    max_jobs: usize,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = Limits::default().max_body)]
    max_body: usize,
    /// Seconds a POST /api/forecast may take (then 503).
    #[arg(long, default_value_t = Limits::default().request_time.as_secs())]
    request_seconds: u64,
    /// Worker threads per computation (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

/// `casus serve`: the dashboard and the API, until Ctrl-C.
pub fn serve(a: ServeArgs, world: World) -> Result<()> {
    if a.max_jobs == 0 || a.max_runs == 0 || a.max_horizon_runs == 0 || a.request_seconds == 0 {
        anyhow::bail!(
            "--max-jobs, --max-runs, --max-horizon-runs and --request-seconds must be at least 1"
        );
    }
    let limits = Limits {
        max_body: a.max_body,
        max_runs: a.max_runs,
        max_horizon_runs: a.max_horizon_runs,
        max_jobs: a.max_jobs,
        request_time: Duration::from_secs(a.request_seconds),
        ..Limits::default()
    };
    let state =
        Arc::new(AppState::new(world, limits, threads(a.threads)?).map_err(input::InvalidInput)?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    rt.block_on(async move {
        let addr = SocketAddr::new(a.host, a.port);
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!(
                "cannot listen on {addr}\n  help: another program may use port {}; try --port 0 for any free port",
                a.port
            )
        })?;
        let bound = listener.local_addr()?;
        if !a.host.is_loopback() {
            eprintln!(
                "warning: listening on {bound}, reachable from other machines; the API has no authentication"
            );
        }
        println!("casus dashboard: http://{bound}/  (Ctrl-C stops it)");
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        casus_web::serve::serve(listener, state, shutdown)
            .await
            .context("the server stopped")
    })
}

//! `casus serve`: the dashboard and its JSON HTTP API, on `casus-app`'s use
//! cases. The server holds the world, the parameters and the base rates loaded
//! once; a request becomes a use case's request exactly as a CLI invocation
//! does, so `POST /api/forecast` answers the very bytes `casus forecast --json`
//! prints for the same scenario, runs and seed.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the dashboard (one self-contained page) |
//! | `GET /api/scenarios` | the bundled scenarios: name, title, alliance, events |
//! | `GET /api/scenarios/{name}` | a bundled scenario's TOML text |
//! | `POST /api/check` | validate a scenario: `200` with warnings, or `422` with located problems |
//! | `POST /api/forecast` | `casus forecast --json` (with `until`: `--until DATE --json`) |
//! | `POST /api/jobs` | start a report (forecast + horizon) in the background: `202 {id}` |
//! | `GET /api/jobs/{id}` | its progress (`done`/`total`), then the report's data |
//!
//! A body is a scenario's TOML text (options in the query string: `runs`,
//! `seed`, `until`, `horizon_runs`, `file`) or, with `Content-Type:
//! application/json`, `{"scenario": NAME_OR_TOML, "runs": …, "seed": …,
//! "until": "YYYY-MM-DD", "horizon_runs": …, "file": …}`.
//!
//! Bounded, because a dashboard on a laptop must not be taken down by one
//! request: a maximum body size, replications per request, concurrent
//! computations (shared by forecasts and jobs; more get `429`), the time a
//! forecast request may take (`503` after it; the computation finishes in the
//! background, still holding its slot, so the bound on concurrent work holds),
//! and a number of finished jobs kept. Every refusal is a 4xx/5xx with a JSON
//! body `{"error": TEXT, "problems": [{file, line, column, message, help}]}`.

use crate::page;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use casus_app::forecast::{ForecastRequest, HorizonRequest};
use casus_app::report::{ReportRequest, default_until};
use casus_app::{Threads, render};
use casus_data::{LoadError, Problem, bundled_scenario_names, bundled_scenario_text};
use casus_model::Date;
use casus_model::horizon::BaseRates;
use casus_model::params::Params;
use casus_model::scenario::{Scenario, World};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// What one server allows.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// The largest request body, in bytes.
    pub max_body: usize,
    /// The most replications of a scenario's timeline one request may ask.
    pub max_runs: u64,
    /// The most replications of a horizon one request may ask (a simulated year
    /// costs about as much as a whole timeline).
    pub max_horizon_runs: u64,
    /// Forecasts and jobs computing at once.
    pub max_jobs: usize,
    /// How long `POST /api/forecast` may take.
    pub request_time: Duration,
    /// Finished jobs kept for their results (the oldest go first).
    pub kept_jobs: usize,
}

impl Default for Limits {
    /// 1 MiB of body (some 25 times the largest bundled scenario); 200,000
    /// replications (about 10 s on two cores), 20,000 for a horizon; two
    /// computations at once (one per core of a small machine); 60 s per forecast
    /// request; 64 finished jobs.
    fn default() -> Self {
        Limits {
            max_body: 1 << 20,
            max_runs: 200_000,
            max_horizon_runs: 20_000,
            max_jobs: 2,
            request_time: Duration::from_secs(60),
            kept_jobs: 64,
        }
    }
}

/// Everything a request may need, loaded once.
pub struct AppState {
    world: World,
    params: Params,
    /// The bundled parameter file's posterior, which `posterior=true` draws from.
    posterior: Option<casus_model::posterior::Posterior>,
    rates: BaseRates,
    limits: Limits,
    threads: Threads,
    permits: Arc<Semaphore>,
    jobs: Mutex<Jobs>,
    dashboard: String,
}

impl AppState {
    /// A server's state on `world` with the bundled parameters and base rates.
    pub fn new(world: World, limits: Limits, threads: Threads) -> Result<AppState, LoadError> {
        let file = casus_data::params::bundled_params()?;
        Ok(AppState {
            params: file.params(),
            posterior: file.posterior(),
            rates: casus_data::params::bundled_base_rates()?,
            permits: Arc::new(Semaphore::new(limits.max_jobs.max(1))),
            world,
            limits,
            threads,
            jobs: Mutex::new(Jobs::default()),
            dashboard: page::dashboard_html(),
        })
    }
}

/// A refusal: its status and the JSON body every error has.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    error: String,
    problems: Vec<Problem>,
}

impl ApiError {
    fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            problems: Vec::new(),
        }
    }

    fn bad(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, error)
    }

    /// Located problems in the input: `422`, each problem with file, line and column.
    fn input(e: LoadError) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            error: e.to_string(),
            problems: e.0,
        }
    }

    fn body(&self) -> Value {
        json!({ "error": self.error, "problems": problems_json(&self.problems) })
    }
}

fn problems_json(ps: &[Problem]) -> Value {
    Value::Array(
        ps.iter()
            .map(|p| {
                json!({ "file": p.file, "line": p.line, "column": p.column,
                        "message": p.message, "help": p.help })
            })
            .collect(),
    )
}

impl From<casus_app::Error> for ApiError {
    fn from(e: casus_app::Error) -> ApiError {
        use casus_app::Error as E;
        match e {
            E::Input(l) => ApiError::input(l),
            E::Request(m) => ApiError::bad(m),
            e @ (E::Analysis(_) | E::Model(_)) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            }
            e => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}

fn json_response(status: StatusCode, v: &Value) -> Response {
    let body = serde_json::to_string_pretty(v).expect("a JSON value serialises") + "\n";
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The options of a run, from the query string or the JSON body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    runs: Option<u64>,
    seed: Option<u64>,
    until: Option<String>,
    horizon_runs: Option<u64>,
    /// Draw the parameters from their posterior (`casus forecast --posterior`).
    posterior: Option<bool>,
    /// With `posterior`: how many parameter vectors (default 200).
    draws: Option<u64>,
    /// The name the scenario's problems are located in (default `request.toml`).
    file: Option<String>,
}

/// A JSON body: the scenario (a bundled name or TOML text) and the options.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonBody {
    scenario: String,
    #[serde(flatten)]
    options: Options,
}

/// A request's scenario and options, parsed and bounded.
struct Parsed {
    scenario: Scenario,
    warnings: Vec<String>,
    runs: NonZeroU64,
    horizon_runs: NonZeroU64,
    seed: Option<u64>,
    until: Option<Date>,
    /// `Some(draws)` with `posterior`.
    posterior: Option<u64>,
}

const BODY: &str = "request body";

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"))
}

fn body_bytes(body: Result<Bytes, BytesRejection>, limits: &Limits) -> Result<Bytes, ApiError> {
    body.map_err(|r| {
        let status = r.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                status,
                format!(
                    "the request body is larger than this server's limit of {} bytes\n  help: a scenario is hand-written TOML; send a smaller one, or start the server with a larger --max-body",
                    limits.max_body
                ),
            )
        } else {
            ApiError::new(status, format!("cannot read the request body: {r}"))
        }
    })
}

/// A problem located in the request body itself (bad JSON, a wrong field).
fn body_problem(line: usize, column: usize, message: String, help: &str) -> ApiError {
    let e = LoadError(vec![Problem {
        file: BODY.into(),
        line,
        column,
        message,
        help: Some(help.into()),
    }]);
    ApiError {
        status: StatusCode::BAD_REQUEST,
        error: e.to_string(),
        problems: e.0,
    }
}

/// The scenario text and options of a request, in either form.
fn scenario_and_options(
    headers: &HeaderMap,
    query: Option<String>,
    body: Bytes,
) -> Result<(String, String, Options), ApiError> {
    if is_json(headers) {
        if query.as_deref().is_some_and(|q| !q.is_empty()) {
            return Err(ApiError::bad(
                "with a JSON body, give the options in the body, not in the query string",
            ));
        }
        let b: JsonBody = serde_json::from_slice(&body).map_err(|e| {
            body_problem(
                e.line().max(1),
                e.column().max(1),
                e.to_string(),
                r#"send {"scenario": NAME_OR_TOML, "runs": N, "seed": N, "until": "YYYY-MM-DD", "horizon_runs": N, "posterior": true, "draws": N, "file": NAME}; only "scenario" is required"#,
            )
        })?;
        let file = b.options.file.clone();
        match (bundled_scenario_text(&b.scenario), file) {
            (Some((f, text)), None) => Ok((f.to_string(), text.to_string(), b.options)),
            (_, file) => Ok((
                file.unwrap_or_else(|| "request.toml".into()),
                b.scenario,
                b.options,
            )),
        }
    } else {
        let options: Options = match query.as_deref() {
            None | Some("") => Options::default(),
            Some(q) => query_options(q)?,
        };
        let text = casus_data::source::decode(
            options.file.as_deref().unwrap_or("request.toml"),
            body.to_vec(),
        )
        .map_err(ApiError::input)?;
        let file = options
            .file
            .clone()
            .unwrap_or_else(|| "request.toml".into());
        Ok((file, text, options))
    }
}

/// `runs=…&seed=…` with every value checked and named when wrong.
fn query_options(q: &str) -> Result<Options, ApiError> {
    let mut o = Options::default();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v);
        let number = |name: &str| {
            v.parse::<u64>().map_err(|_| {
                ApiError::bad(format!(
                    "query parameter `{name}={v}` is not a whole number\n  help: e.g. `?runs=10000&seed=1`"
                ))
            })
        };
        match k {
            "runs" => o.runs = Some(number(k)?),
            "seed" => o.seed = Some(number(k)?),
            "horizon_runs" => o.horizon_runs = Some(number(k)?),
            "until" => o.until = Some(v),
            "draws" => o.draws = Some(number(k)?),
            "posterior" => {
                o.posterior = Some(match v.as_str() {
                    "true" | "1" | "" => true,
                    "false" | "0" => false,
                    _ => {
                        return Err(ApiError::bad(format!(
                            "query parameter `posterior={v}` is not true or false\n  help: e.g. `?posterior=true&draws=200`"
                        )));
                    }
                })
            }
            "file" => o.file = Some(v),
            _ => {
                return Err(ApiError::bad(format!(
                    "unknown query parameter `{k}`\n  help: the options are runs, seed, until, horizon_runs, posterior, draws and file"
                )));
            }
        }
    }
    Ok(o)
}

/// `%XX` and `+` as in a form-encoded query; malformed escapes stay as they are.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(x) => {
                        out.push(x);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl AppState {
    /// Parse, validate and bound a run request.
    fn parse(
        &self,
        headers: &HeaderMap,
        query: Option<String>,
        body: Result<Bytes, BytesRejection>,
    ) -> Result<Parsed, ApiError> {
        let body = body_bytes(body, &self.limits)?;
        let (file, text, o) = scenario_and_options(headers, query, body)?;
        let loaded = casus_data::scenario::parse_scenario_loaded(&file, &text, &self.world)
            .map_err(ApiError::input)?;
        let bounded = |n: Option<u64>, default: u64, max: u64, name: &str| {
            let n = n.unwrap_or(default.min(max));
            match NonZeroU64::new(n) {
                None => Err(ApiError::bad(format!("{name} must be at least 1"))),
                Some(_) if n > max => Err(ApiError::bad(format!(
                    "{name} {n} is more than this server's limit of {max} per request\n  help: ask for fewer, or run the command line (`casus forecast --runs {n}`), which has no such limit"
                ))),
                Some(r) => Ok(r),
            }
        };
        let runs = bounded(o.runs, 10_000, self.limits.max_runs, "runs")?;
        let horizon_runs = bounded(
            o.horizon_runs,
            2_000,
            self.limits.max_horizon_runs,
            "horizon_runs",
        )?;
        let until = o
            .until
            .map(|u| {
                u.parse::<Date>().map_err(|e| {
                    ApiError::bad(format!(
                        "until: {e}\n  help: give a date as YYYY-MM-DD, e.g. \"2030-12-31\""
                    ))
                })
            })
            .transpose()?;
        let posterior = match (o.posterior.unwrap_or(false), o.draws) {
            (true, d) => Some(d.unwrap_or(casus_app::posterior::DEFAULT_DRAWS)),
            (false, None) => None,
            (false, Some(_)) => {
                return Err(ApiError::bad(
                    "draws is the number of parameter vectors of a forecast with the posterior\n  help: add posterior=true, or drop draws",
                ));
            }
        };
        Ok(Parsed {
            posterior,
            warnings: loaded.warnings.iter().map(|w| w.to_string()).collect(),
            scenario: loaded.value,
            runs,
            horizon_runs,
            seed: o.seed,
            until,
        })
    }

    /// A slot for one computation, or `429` when every slot is taken.
    fn permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        self.permits.clone().try_acquire_owned().map_err(|_| {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "this server already runs {} computations, its limit\n  help: wait for one to finish (GET /api/jobs/ID shows progress) and try again",
                    self.limits.max_jobs
                ),
            )
        })
    }
}

/// The router of the dashboard and the API on `state`.
pub fn router(state: Arc<AppState>) -> Router {
    let max_body = state.limits.max_body;
    Router::new()
        .route("/", get(dashboard))
        .route("/api/scenarios", get(scenarios))
        .route("/api/scenarios/{name}", get(scenario_text))
        .route("/api/check", post(check))
        .route("/api/forecast", post(forecast))
        .route("/api/jobs", post(start_job))
        .route("/api/jobs/{id}", get(job_status))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

/// Serve `router(state)` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn dashboard(State(st): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        st.dashboard.clone(),
    )
        .into_response()
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such page\n  help: the API is GET /api/scenarios, GET /api/scenarios/NAME, POST /api/check, POST /api/forecast, POST /api/jobs, GET /api/jobs/ID; the dashboard is at /",
    )
}

async fn scenarios(State(st): State<Arc<AppState>>) -> Response {
    let list: Vec<Value> = bundled_scenario_names()
        .into_iter()
        .map(|name| match casus_data::bundled_scenario(name, &st.world) {
            Some(Ok(sc)) => json!({ "name": name, "title": sc.title, "alliance": sc.alliance,
                    "events": sc.events.len(), "seed": sc.seed }),
            Some(Err(e)) => json!({ "name": name, "error": e.to_string() }),
            None => json!({ "name": name }),
        })
        .collect();
    json_response(StatusCode::OK, &Value::Array(list))
}

async fn scenario_text(Path(name): Path<String>) -> Response {
    match bundled_scenario_text(&name) {
        Some((_, text)) => (
            [(header::CONTENT_TYPE, "application/toml; charset=utf-8")],
            text,
        )
            .into_response(),
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no bundled scenario `{name}`\n  help: bundled scenarios: {}",
                bundled_scenario_names().join(", ")
            ),
        )
        .into_response(),
    }
}

async fn check(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    // Checking is fast (a parse and one treaty pass): it runs on the request's
    // thread, so typing in the editor never waits for a forecast's slot.
    let p = st.parse(&headers, query, body)?;
    let c = casus_app::catalogue::check(&st.world, &p.scenario)?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "ok": true, "scenario": c.scenario, "events": c.events,
                 "alliance": c.alliance, "warnings": p.warnings }),
    ))
}

/// Run `work` on a blocking thread, holding `permit` until it ends.
async fn compute<T: Send + 'static>(
    permit: tokio::sync::OwnedSemaphorePermit,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || {
        let out = work();
        drop(permit);
        out
    })
    .await
    .map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the computation failed: {e}"),
        )
    })
}

async fn forecast(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let p = st.parse(&headers, query, body)?;
    let permit = st.permit()?;
    let limit = st.limits.request_time;
    let state = st.clone();
    let work = compute(permit, move || -> Result<String, casus_app::Error> {
        let st = state;
        let posterior = match (p.posterior, &st.posterior) {
            (None, _) => None,
            (Some(d), Some(post)) => Some((d, post)),
            (Some(_), None) => {
                return Err(casus_app::Error::Request(
                    "this server's parameters carry no posterior\n  help: drop posterior".into(),
                ));
            }
        };
        match p.until {
            Some(until) => {
                let req = HorizonRequest {
                    scenario: p.scenario,
                    params: st.params.clone(),
                    rates: st.rates.clone(),
                    until,
                    runs: p.runs,
                    seed: p.seed,
                    threads: st.threads,
                };
                match posterior {
                    Some((d, post)) => casus_app::posterior::horizon_posterior(
                        &st.world,
                        &req,
                        post,
                        d,
                        &casus_app::Silent,
                    )
                    .map(|s| render::posterior_horizon_json(&s)),
                    None => casus_app::forecast::horizon(&st.world, &req, &casus_app::Silent)
                        .map(|s| render::horizon_json(&s)),
                }
            }
            None => {
                let req = ForecastRequest {
                    scenario: p.scenario,
                    params: st.params.clone(),
                    runs: p.runs,
                    seed: p.seed,
                    threads: st.threads,
                };
                match posterior {
                    Some((d, post)) => casus_app::posterior::forecast_posterior(
                        &st.world,
                        &req,
                        post,
                        d,
                        &casus_app::Silent,
                    )
                    .map(|s| render::posterior_forecast_json(&s)),
                    None => casus_app::forecast::forecast(&st.world, &req, &casus_app::Silent)
                        .map(|s| render::forecast_json(&s)),
                }
            }
        }
    });
    let json = match tokio::time::timeout(limit, work).await {
        Ok(r) => r??,
        Err(_) => {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the forecast took longer than this server's limit of {} s\n  help: ask for fewer runs, use POST /api/jobs (which reports progress and has no time limit), or the command line",
                    limit.as_secs()
                ),
            ));
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// A report computing in the background.
struct Job {
    done: AtomicU64,
    total: AtomicU64,
    started: Instant,
    /// The report page's data (`{report, notes, version}`), or why it failed.
    result: Mutex<Option<Result<Value, ApiError>>>,
}

#[derive(Default)]
struct Jobs {
    next: u64,
    all: BTreeMap<u64, Arc<Job>>,
}

impl Jobs {
    /// Keep at most `kept` finished jobs: drop the oldest finished ones.
    fn prune(&mut self, kept: usize) {
        let finished: Vec<u64> = self
            .all
            .iter()
            .filter(|(_, j)| j.result.lock().map(|r| r.is_some()).unwrap_or(true))
            .map(|(id, _)| *id)
            .collect();
        for id in finished.iter().take(finished.len().saturating_sub(kept)) {
            self.all.remove(id);
        }
    }
}

async fn start_job(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let p = st.parse(&headers, query, body)?;
    let permit = st.permit()?;
    let until = p.until.unwrap_or_else(|| default_until(&p.scenario));
    let job = Arc::new(Job {
        done: AtomicU64::new(0),
        total: AtomicU64::new(p.runs.get() + p.horizon_runs.get()),
        started: Instant::now(),
        result: Mutex::new(None),
    });
    let id = {
        let mut jobs = st.jobs.lock().map_err(|_| poisoned())?;
        jobs.next += 1;
        let id = jobs.next;
        jobs.all.insert(id, job.clone());
        jobs.prune(st.limits.kept_jobs);
        id
    };
    let state = st.clone();
    let j = job.clone();
    tokio::spawn(async move {
        let worker = j.clone();
        let out = compute(permit, move || {
            let st = state;
            let req = ReportRequest {
                scenario: p.scenario,
                params: st.params.clone(),
                rates: st.rates.clone(),
                runs: p.runs,
                until: Some(until),
                horizon_runs: p.horizon_runs,
                seed: p.seed,
                threads: st.threads,
            };
            let progress = |done: u64, total: u64| {
                worker.done.store(done, Ordering::Relaxed);
                worker.total.store(total, Ordering::Relaxed);
            };
            casus_app::report::report(&st.world, &req, &progress)
                .map(|s| page::report_data(&s, &p.warnings))
                .map_err(ApiError::from)
        })
        .await;
        let out = out.and_then(|r| r);
        if let Ok(mut slot) = j.result.lock() {
            *slot = Some(out);
        }
    });
    Ok(json_response(
        StatusCode::ACCEPTED,
        &json!({ "id": id.to_string(), "status": format!("/api/jobs/{id}") }),
    ))
}

fn poisoned() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the job table is unusable after a failed job; restart the server",
    )
}

async fn job_status(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let unknown = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no job `{id}`\n  help: jobs are numbered by POST /api/jobs; the server keeps the last {} finished ones",
                st.limits.kept_jobs
            ),
        )
    };
    let n: u64 = id.parse().map_err(|_| unknown())?;
    let job = st
        .jobs
        .lock()
        .map_err(|_| poisoned())?
        .all
        .get(&n)
        .cloned()
        .ok_or_else(unknown)?;
    let done = job.done.load(Ordering::Relaxed);
    let total = job.total.load(Ordering::Relaxed);
    let seconds = job.started.elapsed().as_secs_f64();
    let result = job.result.lock().map_err(|_| poisoned())?;
    let v = match &*result {
        None => {
            json!({ "id": id, "state": "running", "done": done, "total": total, "seconds": seconds })
        }
        Some(Ok(data)) => {
            json!({ "id": id, "state": "done", "done": total, "total": total, "result": data })
        }
        Some(Err(e)) => {
            json!({ "id": id, "state": "failed", "status": e.status.as_u16(), "error": e.body() })
        }
    };
    Ok(json_response(StatusCode::OK, &v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_decoded_and_unknown_names_refused() {
        let o = query_options("runs=100&seed=7&until=2030-12-31&file=my%20case.toml").unwrap();
        assert_eq!((o.runs, o.seed), (Some(100), Some(7)));
        assert_eq!(o.file.as_deref(), Some("my case.toml"));
        assert!(
            query_options("runs=many")
                .unwrap_err()
                .error
                .contains("whole number")
        );
        assert!(
            query_options("rnus=1")
                .unwrap_err()
                .error
                .contains("unknown")
        );
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%41+b%zz"), "A b%zz");
    }
}

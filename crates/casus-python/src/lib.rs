//! # casus-python
//!
//! The Python front end: the extension module `casus._casus`, which the pure
//! Python package `casus` (`python/casus/`) wraps. It owns only the binding —
//! turning keyword arguments into the typed requests of `casus-app`, calling the
//! use case with the GIL released, and handing back the summary — so that the
//! Python package computes exactly what the command line computes, and its
//! `.to_json()` is the CLI's `--json` because both call [`casus_app::render`].
//!
//! What it does itself, as an edge may: read the files a user names (scenarios,
//! parameter files, case directories) through `casus_data::source`, with the
//! same bounds and located errors as the CLI; turn Python data into TOML text
//! ([`toml_text`]) so an edited scenario is validated by the same loader; map
//! [`casus_app::Error`] to the exception classes of `casus/_errors.py`; and
//! forward progress to a Python callable. DataFrames are built in Python from
//! the JSON documents, so every number in a table is a number of `--json`.

mod toml_text;

use casus_app::forecast::{ForecastRequest, ForecastSummary, HorizonRequest, HorizonSummary};
use casus_app::history::{BacktestRequest, BacktestSummary, CalibrateRequest, HoldOut, PriorSd};
use casus_app::timeline::{ExplainRequest, ExplainSummary, RunSummary};
use casus_app::{Progress, Threads, render};
use casus_data::LoadError;
use casus_model::Date;
use casus_model::calibration::Case;
use casus_model::scenario::{Scenario, World};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The bundled world, loaded once per process (0.08 s) and shared by every call.
fn world() -> PyResult<&'static World> {
    static WORLD: OnceLock<Result<World, LoadError>> = OnceLock::new();
    match WORLD.get_or_init(casus_data::bundled_world) {
        Ok(w) => Ok(w),
        Err(e) => Python::attach(|py| Err(input_error(py, "InputError", e))),
    }
}

/// One of the exception classes of `casus._errors`, raised with `args`.
fn raise<'py>(py: Python<'py>, class: &str, args: impl pyo3::call::PyCallArgs<'py>) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let cls = py.import("casus._errors")?.getattr(class)?;
        Ok(PyErr::from_value(cls.call1(args)?))
    })();
    made.unwrap_or_else(|e| e)
}

/// Located problems as `casus._errors.<class>(text, problems)`: `text` is the
/// CLI's message (file:line:col: error: …, help), `problems` one dict each.
fn input_error(py: Python<'_>, class: &str, e: &LoadError) -> PyErr {
    let problems = PyList::empty(py);
    for p in &e.0 {
        let d = PyDict::new(py);
        let filled = (|| -> PyResult<()> {
            d.set_item("file", &p.file)?;
            d.set_item("line", p.line)?;
            d.set_item("column", p.column)?;
            d.set_item("message", &p.message)?;
            d.set_item("help", p.help.as_deref())?;
            problems.append(d)
        })();
        if let Err(err) = filled {
            return err;
        }
    }
    raise(py, class, (e.to_string(), problems))
}

/// A use case's error as the Python exception a user catches.
fn app_error(e: casus_app::Error, input_class: &str) -> PyErr {
    Python::attach(|py| match &e {
        casus_app::Error::Input(l) => input_error(py, input_class, l),
        casus_app::Error::Request(m) => raise(py, "RequestError", (m.clone(),)),
        _ => raise(py, "CasusError", (e.to_string(),)),
    })
}

fn request_error(msg: impl Into<String>) -> PyErr {
    Python::attach(|py| raise(py, "RequestError", (msg.into(),)))
}

/// The bound on one input file: `CASUS_MAX_INPUT_BYTES`, else 8 MiB (as the CLI).
fn max_input_bytes() -> u64 {
    std::env::var("CASUS_MAX_INPUT_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(casus_data::source::MAX_INPUT_BYTES)
}

/// The text of a file the user named, with located errors.
fn read(path: &Path, class: &str) -> PyResult<String> {
    casus_data::source::read_text(path, &path.display().to_string(), max_input_bytes())
        .map_err(|e| Python::attach(|py| input_error(py, class, &e)))
}

/// `--threads N` as the use cases take it.
fn threads(n: Option<usize>) -> PyResult<Threads> {
    match n {
        None => Ok(Threads::ALL_CORES),
        Some(0) => Err(request_error(
            "threads must be at least 1 (or None to use all cores)",
        )),
        Some(t) => Threads::new(t).ok_or_else(|| {
            request_error(format!(
                "threads {t} is more than {}\n  help: the result does not depend on the thread count, and threads beyond the cores only add overhead",
                Threads::MAX
            ))
        }),
    }
}

fn runs(n: u64) -> PyResult<NonZeroU64> {
    NonZeroU64::new(n).ok_or_else(|| request_error("runs must be at least 1"))
}

fn hold_out(name: Option<&str>) -> PyResult<Option<HoldOut>> {
    match name {
        None => Ok(None),
        Some("case") => Ok(Some(HoldOut::Case)),
        Some("alliance") => Ok(Some(HoldOut::Alliance)),
        Some(o) => Err(request_error(format!(
            "hold_out `{o}` is not a grouping\n  help: give \"case\", \"alliance\" or None"
        ))),
    }
}

fn date(s: &str, what: &str) -> PyResult<Date> {
    s.parse().map_err(|e| {
        request_error(format!(
            "{what}: {e}\n  help: give a date as YYYY-MM-DD (a str or datetime.date), e.g. \"2030-12-31\""
        ))
    })
}

/// Progress of a long use case, forwarded to a Python callable `(done, total)`.
/// Called from the use case's helper thread, which takes the GIL for the call;
/// the first exception the callable raises is kept and raised when the work ends.
struct Callback {
    f: Option<Py<PyAny>>,
    error: Mutex<Option<PyErr>>,
}

impl Callback {
    fn new(f: Option<Py<PyAny>>) -> Self {
        Callback {
            f,
            error: Mutex::new(None),
        }
    }

    /// The callable's first exception, if it raised one.
    fn finish(self) -> PyResult<()> {
        match self.error.into_inner() {
            Ok(Some(e)) => Err(e),
            _ => Ok(()),
        }
    }
}

impl Progress for Callback {
    fn update(&self, done: u64, total: u64) {
        let Some(f) = &self.f else { return };
        let Ok(mut err) = self.error.lock() else {
            return;
        };
        if err.is_some() {
            return;
        }
        Python::attach(|py| {
            if let Err(e) = f.call1(py, (done, total)) {
                *err = Some(e);
            }
        });
    }
    fn wanted(&self) -> bool {
        self.f.is_some()
    }
}

/// A validated scenario (the core's `Scenario`), as the use cases take it. The
/// Python `casus.Scenario` holds one beside its TOML text.
#[pyclass(frozen, module = "casus._casus")]
struct ValidScenario(Scenario);

#[pymethods]
impl ValidScenario {
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    #[getter]
    fn events(&self) -> usize {
        self.0.events.len()
    }
}

/// Parse and validate scenario `text` (named `file` in errors) against the
/// bundled world: the CLI's loader, so the CLI's located errors. Returns the
/// scenario and its warnings (as the CLI prints them).
#[pyfunction]
fn parse_scenario(
    py: Python<'_>,
    file: &str,
    text: &str,
) -> PyResult<(ValidScenario, Vec<String>)> {
    let w = world()?;
    let loaded = py
        .detach(|| casus_data::scenario::parse_scenario_loaded(file, text, w))
        .map_err(|e| input_error(py, "ScenarioError", &e))?;
    casus_app::catalogue::check(w, &loaded.value).map_err(|e| app_error(e, "ScenarioError"))?;
    let warnings = loaded.warnings.iter().map(ToString::to_string).collect();
    Ok((ValidScenario(loaded.value), warnings))
}

/// What `casus load NAME_OR_PATH` reads: `(file, text)` of an existing file (or
/// any name ending in `.toml`), else of the bundled scenario of that name —
/// the CLI's resolution.
#[pyfunction]
fn scenario_source(name_or_path: PathBuf) -> PyResult<(String, String)> {
    let shown = name_or_path.display().to_string();
    let is_path = name_or_path.is_file()
        || shown.ends_with(".toml")
        || (name_or_path.exists() && casus_data::bundled_scenario_text(&shown).is_none());
    if is_path {
        return Ok((shown, read(&name_or_path, "ScenarioError")?));
    }
    match casus_data::bundled_scenario_text(&shown) {
        Some((file, text)) => Ok((file.to_string(), text.to_string())),
        None => Err(request_error(format!(
            "no bundled scenario and no file named `{shown}`\n  help: bundled scenarios: {}; or give a path to a .toml file",
            casus_data::bundled_scenario_names().join(", ")
        ))),
    }
}

/// The global parameters of the decision model (`data/parameters.toml`).
#[pyclass(frozen, eq, module = "casus._casus")]
#[derive(Clone, PartialEq)]
struct Params(
    casus_model::params::Params,
    /// The file's `[posterior]`, if it has one (dropped by a `replace` that
    /// changes a value: it is the posterior of the file's values).
    Option<casus_model::posterior::Posterior>,
);

impl Params {
    fn of_file(f: &casus_data::params::ParamFile) -> Params {
        Params(f.params(), f.posterior())
    }
}

#[pymethods]
impl Params {
    /// The shipped parameters (`data/parameters.toml`), the default of every use case.
    #[staticmethod]
    fn bundled(py: Python<'_>) -> PyResult<Params> {
        casus_data::params::bundled_params()
            .map(|f| Params::of_file(&f))
            .map_err(|e| input_error(py, "InputError", &e))
    }

    /// The priors calibration starts from and shrinks towards (`data/priors.toml`).
    #[staticmethod]
    fn priors(py: Python<'_>) -> PyResult<Params> {
        casus_data::params::bundled_priors()
            .map(|f| Params::of_file(&f))
            .map_err(|e| input_error(py, "InputError", &e))
    }

    /// A parameter file, validated as `--params FILE` is.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Params> {
        let text = read(&path, "InputError")?;
        Params::from_toml(py, &text, &path.display().to_string())
    }

    /// Parameter-file text named `file` in errors.
    #[staticmethod]
    #[pyo3(signature = (text, file = "<string>"))]
    fn from_toml(py: Python<'_>, text: &str, file: &str) -> PyResult<Params> {
        casus_data::params::parse_params(file, text)
            .map(|f| Params::of_file(&f))
            .map_err(|e| input_error(py, "InputError", &e))
    }

    /// Every parameter's name, in declaration order.
    #[staticmethod]
    fn names() -> Vec<&'static str> {
        casus_model::params::Params::NAMES.to_vec()
    }

    /// `{name: value}` in declaration order.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.0.pairs() {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    /// A copy with the given parameters set (`p.replace(trust=0.5)`); an
    /// unknown name or a non-finite value is an error. A copy whose values
    /// differ has no posterior (it was the posterior of the old values).
    #[pyo3(signature = (**values))]
    fn replace(&self, values: Option<&Bound<'_, PyDict>>) -> PyResult<Params> {
        let mut p = self.0.clone();
        for (name, v) in values.into_iter().flat_map(|d| d.iter()) {
            let name: String = name.extract()?;
            let v: f64 = v.extract()?;
            if !v.is_finite() {
                return Err(request_error(format!(
                    "parameter `{name}` = {v} is not a finite number"
                )));
            }
            p = p.with(&name, v).ok_or_else(|| {
                request_error(format!(
                    "unknown parameter `{name}`\n  help: known: {}",
                    casus_model::params::Params::NAMES.join(", ")
                ))
            })?;
        }
        // Unchanged values keep their posterior; changed ones leave it behind.
        let posterior = if p == self.0 { self.1.clone() } else { None };
        Ok(Params(p, posterior))
    }

    /// Whether the parameters carry a posterior (`casus posterior`), which
    /// `forecast(..., until=..., posterior=True)` draws from.
    fn has_posterior(&self) -> bool {
        self.1.is_some()
    }

    fn __repr__(&self) -> String {
        let body: Vec<String> = self
            .0
            .pairs()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("Params({})", body.join(", "))
    }
}

/// `casus run --json` and the summary behind it.
#[pyclass(frozen, module = "casus._casus")]
struct RunResult(RunSummary);

#[pymethods]
impl RunResult {
    /// The bytes of `casus run --json` (render::run_json).
    fn to_json(&self) -> String {
        render::run_json(&self.0)
    }
}

/// `casus explain --json`.
#[pyclass(frozen, module = "casus._casus")]
struct ExplainResult(ExplainSummary);

#[pymethods]
impl ExplainResult {
    /// The bytes of `casus explain --json` (render::explain_json).
    fn to_json(&self) -> String {
        render::explain_json(&self.0)
    }
}

/// `casus forecast --json`.
#[pyclass(frozen, module = "casus._casus")]
struct ForecastResult(ForecastSummary);

#[pymethods]
impl ForecastResult {
    /// The bytes of `casus forecast --json` (render::forecast_json).
    fn to_json(&self) -> String {
        render::forecast_json(&self.0)
    }
    /// The title of each forecast event, by id (not in the JSON document).
    fn titles(&self) -> Vec<(String, String)> {
        self.0
            .events
            .iter()
            .map(|e| (e.id.clone(), e.title.clone()))
            .collect()
    }
}

/// `casus forecast --until DATE --json`.
#[pyclass(frozen, module = "casus._casus")]
struct HorizonResult(HorizonSummary);

#[pymethods]
impl HorizonResult {
    /// The bytes of `casus forecast --until DATE --json` (render::horizon_json).
    fn to_json(&self) -> String {
        render::horizon_json(&self.0)
    }
}

/// `casus forecast --until DATE --posterior --json`.
#[pyclass(frozen, module = "casus._casus")]
struct PosteriorHorizonResult(casus_app::posterior::PosteriorHorizon);

#[pymethods]
impl PosteriorHorizonResult {
    /// The bytes of `casus forecast --until DATE --posterior --json`.
    fn to_json(&self) -> String {
        render::posterior_horizon_json(&self.0)
    }
    /// The pooled forecast's document (`render::horizon_json` of its summary).
    fn summary_json(&self) -> String {
        render::horizon_json(&self.0.summary)
    }
}

/// `casus forecast --posterior --json` (the scenario's own events).
#[pyclass(frozen, module = "casus._casus")]
struct PosteriorForecastResult(casus_app::posterior::PosteriorForecast);

#[pymethods]
impl PosteriorForecastResult {
    /// The bytes of `casus forecast --posterior --json`.
    fn to_json(&self) -> String {
        render::posterior_forecast_json(&self.0)
    }
    /// The pooled forecast over every draw, as a plain forecast's result.
    fn summary(&self) -> ForecastResult {
        ForecastResult(self.0.summary.clone())
    }
}

/// `casus backtest --json`.
#[pyclass(frozen, module = "casus._casus")]
struct BacktestResult(BacktestSummary);

#[pymethods]
impl BacktestResult {
    /// The bytes of `casus backtest --json` (render::backtest_json).
    fn to_json(&self) -> String {
        render::backtest_json(&self.0)
    }
}

/// A calibration: fitted parameters and their scores.
#[pyclass(frozen, module = "casus._casus")]
struct CalibrationResult(casus_app::history::Calibration);

#[pymethods]
impl CalibrationResult {
    #[getter]
    fn fitted(&self) -> Params {
        Params(self.0.fitted.clone(), None)
    }
    #[getter]
    fn objective(&self) -> f64 {
        self.0.objective
    }
    /// The summary's own structure as JSON (the CLI prints calibrations as text
    /// and a parameter file, so there is no `--json` to match).
    fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.0).expect("a summary serialises") + "\n"
    }
    /// The in-sample backtests before and after the fit, and the held-out one,
    /// as backtest documents (render::backtest_value).
    fn backtests(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("before", render::backtest_value(&self.0.before).to_string()),
            ("after", render::backtest_value(&self.0.after).to_string()),
        ];
        if let Some(h) = &self.0.held_out {
            v.push(("held_out", render::backtest_value(&h.overall).to_string()));
        }
        v
    }
}

/// The catalogue (`casus list`) with memberships on `on`, as JSON.
#[pyfunction]
fn catalogue(on: &str) -> PyResult<String> {
    let on = date(on, "on")?;
    let c = casus_app::catalogue::list(world()?, on);
    Ok(serde_json::to_string(&c).expect("a catalogue serialises"))
}

/// The bundled states with their figures for `year` (the value the model uses:
/// the latest used observation at or before the year), as columns.
#[pyfunction]
fn state_table(py: Python<'_>, year: i32) -> PyResult<Bound<'_, PyDict>> {
    let w = world()?;
    let d = PyDict::new(py);
    let states: Vec<_> = w.states.values().collect();
    let col = |f: &dyn Fn(&casus_model::state::State) -> Option<f64>| -> Vec<Option<f64>> {
        states.iter().map(|s| f(s)).collect()
    };
    d.set_item(
        "code",
        states.iter().map(|s| s.code.clone()).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "name",
        states.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "region",
        states
            .iter()
            .map(|s| {
                serde_json::to_value(s.region)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
            })
            .collect::<Vec<_>>(),
    )?;
    d.set_item("population", col(&|s| s.population.value_at(year)))?;
    d.set_item("gdp_usd", col(&|s| s.gdp_usd.value_at(year)))?;
    d.set_item(
        "defence_spending_usd",
        col(&|s| s.defence_spending_usd.value_at(year)),
    )?;
    d.set_item(
        "active_personnel",
        col(&|s| s.active_personnel.value_at(year)),
    )?;
    d.set_item("freedom_score", col(&|s| s.freedom_score.value_at(year)))?;
    Ok(d)
}

/// The treaty's reading of every event.
#[pyfunction]
#[pyo3(signature = (scenario, seed = None))]
fn run(py: Python<'_>, scenario: &ValidScenario, seed: Option<u64>) -> PyResult<RunResult> {
    let w = world()?;
    py.detach(|| casus_app::timeline::run(w, &scenario.0, seed))
        .map(RunResult)
        .map_err(|e| app_error(e, "ScenarioError"))
}

/// Every decision along the modal course (of one event, if asked).
#[pyfunction]
#[pyo3(signature = (scenario, params, event = None))]
fn explain(
    py: Python<'_>,
    scenario: &ValidScenario,
    params: &Params,
    event: Option<String>,
) -> PyResult<ExplainResult> {
    let w = world()?;
    let req = ExplainRequest {
        scenario: scenario.0.clone(),
        params: params.0.clone(),
        event,
    };
    py.detach(|| casus_app::timeline::explain(w, &req))
        .map(ExplainResult)
        .map_err(|e| app_error(e, "ScenarioError"))
}

/// Monte Carlo over the timeline, with the GIL released while it runs.
#[pyfunction]
#[pyo3(signature = (scenario, params, runs, seed = None, threads = None, progress = None))]
fn forecast(
    py: Python<'_>,
    scenario: &ValidScenario,
    params: &Params,
    runs: u64,
    seed: Option<u64>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<ForecastResult> {
    let w = world()?;
    let req = ForecastRequest {
        scenario: scenario.0.clone(),
        params: params.0.clone(),
        runs: self::runs(runs)?,
        seed,
        threads: self::threads(threads)?,
    };
    let cb = Callback::new(progress);
    let s = py.detach(|| casus_app::forecast::forecast(w, &req, &cb));
    cb.finish()?;
    s.map(ForecastResult)
        .map_err(|e| app_error(e, "ScenarioError"))
}

/// The years after the scenario up to `until`, with the GIL released.
#[pyfunction]
#[pyo3(signature = (scenario, params, until, runs, seed = None, threads = None, progress = None))]
#[allow(clippy::too_many_arguments)]
fn horizon(
    py: Python<'_>,
    scenario: &ValidScenario,
    params: &Params,
    until: &str,
    runs: u64,
    seed: Option<u64>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<HorizonResult> {
    let w = world()?;
    let req = HorizonRequest {
        scenario: scenario.0.clone(),
        params: params.0.clone(),
        rates: casus_data::params::bundled_base_rates()
            .map_err(|e| input_error(py, "InputError", &e))?,
        until: date(until, "until")?,
        runs: self::runs(runs)?,
        seed,
        threads: self::threads(threads)?,
    };
    let cb = Callback::new(progress);
    let s = py.detach(|| casus_app::forecast::horizon(w, &req, &cb));
    cb.finish()?;
    s.map(HorizonResult)
        .map_err(|e| app_error(e, "ScenarioError"))
}

/// The years after the scenario with parameters drawn from the posterior the
/// parameters carry (`casus forecast --until DATE --posterior`).
#[pyfunction]
#[pyo3(signature = (scenario, params, until, runs, draws, seed = None, threads = None, progress = None))]
#[allow(clippy::too_many_arguments)]
fn horizon_posterior(
    py: Python<'_>,
    scenario: &ValidScenario,
    params: &Params,
    until: &str,
    runs: u64,
    draws: u64,
    seed: Option<u64>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<PosteriorHorizonResult> {
    let w = world()?;
    let post = posterior_of(params)?;
    let req = HorizonRequest {
        scenario: scenario.0.clone(),
        params: params.0.clone(),
        rates: casus_data::params::bundled_base_rates()
            .map_err(|e| input_error(py, "InputError", &e))?,
        until: date(until, "until")?,
        runs: self::runs(runs)?,
        seed,
        threads: self::threads(threads)?,
    };
    let cb = Callback::new(progress);
    let s = py.detach(|| casus_app::posterior::horizon_posterior(w, &req, post, draws, &cb));
    cb.finish()?;
    s.map(PosteriorHorizonResult)
        .map_err(|e| app_error(e, "ScenarioError"))
}

/// The scenario's events with parameters drawn from the posterior the
/// parameters carry (`casus forecast --posterior`).
#[pyfunction]
#[pyo3(signature = (scenario, params, runs, draws, seed = None, threads = None, progress = None))]
#[allow(clippy::too_many_arguments)]
fn forecast_posterior(
    py: Python<'_>,
    scenario: &ValidScenario,
    params: &Params,
    runs: u64,
    draws: u64,
    seed: Option<u64>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<PosteriorForecastResult> {
    let w = world()?;
    let post = posterior_of(params)?;
    let req = ForecastRequest {
        scenario: scenario.0.clone(),
        params: params.0.clone(),
        runs: self::runs(runs)?,
        seed,
        threads: self::threads(threads)?,
    };
    let cb = Callback::new(progress);
    let s = py.detach(|| casus_app::posterior::forecast_posterior(w, &req, post, draws, &cb));
    cb.finish()?;
    s.map(PosteriorForecastResult)
        .map_err(|e| app_error(e, "ScenarioError"))
}

/// The posterior `params` carry, or the error that says where to get one.
fn posterior_of(params: &Params) -> PyResult<&casus_model::posterior::Posterior> {
    params.1.as_ref().ok_or_else(|| {
        request_error(
            "these parameters carry no posterior\n  help: load a parameter file with a [posterior] table (the bundled one has it; `casus posterior` writes one); `replace` drops it",
        )
    })
}

/// The cases of a directory (NAME.toml + NAME.observed.toml), or the bundled
/// library: what `casus backtest --cases DIR` reads, with its located errors.
fn cases(dir: Option<&Path>, world: &World) -> PyResult<Vec<Case>> {
    let Some(d) = dir else {
        return casus_data::cases::bundled_cases(world)
            .map_err(|e| Python::attach(|py| input_error(py, "InputError", &e)));
    };
    let rd = std::fs::read_dir(d)
        .map_err(|e| request_error(format!("cannot read case directory `{}`: {e}", d.display())))?;
    let mut files = Vec::new();
    for e in rd {
        let p = e
            .map_err(|e| {
                request_error(format!("cannot read case directory `{}`: {e}", d.display()))
            })?
            .path();
        if p.extension().is_some_and(|x| x == "toml") {
            let text = read(&p, "InputError")?;
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            files.push((name.unwrap_or_default(), text));
        }
    }
    files.sort();
    casus_data::cases::load_cases(&files, world).map_err(|mut e| {
        for p in e.0.iter_mut() {
            p.file = d.join(&p.file).display().to_string();
        }
        Python::attach(|py| input_error(py, "InputError", &e))
    })
}

/// Score the model on documented cases beside the baselines.
#[pyfunction]
#[pyo3(signature = (params, cases = None, hold_out = None))]
fn backtest(
    py: Python<'_>,
    params: &Params,
    cases: Option<PathBuf>,
    hold_out: Option<&str>,
) -> PyResult<BacktestResult> {
    let w = world()?;
    let req = BacktestRequest {
        cases: self::cases(cases.as_deref(), w)?,
        params: params.0.clone(),
        hold_out: self::hold_out(hold_out)?,
    };
    py.detach(|| casus_app::history::backtest(w, &req))
        .map(BacktestResult)
        .map_err(|e| app_error(e, "InputError"))
}

/// Fit the global parameters (maximum a posteriori), with held-out refits.
#[pyfunction]
#[pyo3(signature = (prior, cases = None, evals = 6000, prior_sd = None, hold_out = Some("case"), threads = None, progress = None))]
#[allow(clippy::too_many_arguments)]
fn calibrate(
    py: Python<'_>,
    prior: &Params,
    cases: Option<PathBuf>,
    evals: usize,
    prior_sd: Option<f64>,
    hold_out: Option<&str>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<CalibrationResult> {
    let w = world()?;
    let prior_sd = match prior_sd {
        None => PriorSd::default(),
        Some(sd) => {
            PriorSd::new(sd).ok_or_else(|| request_error("prior_sd must be a positive number"))?
        }
    };
    if evals == 0 {
        return Err(request_error("evals must be at least 1"));
    }
    let req = CalibrateRequest {
        cases: self::cases(cases.as_deref(), w)?,
        prior: prior.0.clone(),
        prior_sd,
        evals,
        hold_out: self::hold_out(hold_out)?,
        threads: self::threads(threads)?,
        resume: None,
    };
    let cb = Callback::new(progress);
    let c = py.detach(|| casus_app::history::calibrate(w, &req, &cb));
    cb.finish()?;
    c.map(CalibrationResult)
        .map_err(|e| app_error(e, "InputError"))
}

/// A sweep design file, checked (`casus-data`'s `DesignFile`).
#[pyclass(frozen, module = "casus._casus")]
struct Design(casus_data::design::DesignFile);

#[pymethods]
impl Design {
    /// Bundled scenario names or scenario paths, as written.
    #[getter]
    fn scenarios(&self) -> Vec<String> {
        self.0.scenarios.clone()
    }
    /// The parameter file the design names, as written.
    #[getter]
    fn params(&self) -> Option<String> {
        self.0.params.clone()
    }
    /// The points CSV a `kind = "points"` design names, as written.
    #[getter]
    fn points_file(&self) -> Option<String> {
        self.0.points_file.clone()
    }
    /// `(name, low, high)` of each factor, in the order of a point's values.
    #[getter]
    fn factors(&self) -> Vec<(String, f64, f64)> {
        self.0
            .design
            .factors
            .iter()
            .map(|f| (f.name.clone(), f.low, f.high))
            .collect()
    }
    #[getter]
    fn seed(&self) -> u64 {
        self.0.seed
    }
    #[getter]
    fn runs(&self) -> u64 {
        self.0.runs
    }
    /// The outputs' names.
    #[getter]
    fn outputs(&self) -> Vec<String> {
        self.0.outputs.iter().map(|o| o.name.clone()).collect()
    }
}

/// Parse a design file's text (default ranges from the bundled priors).
#[pyfunction]
fn parse_design(py: Python<'_>, file: &str, text: &str) -> PyResult<Design> {
    let priors = casus_data::params::bundled_priors()
        .map_err(|e| input_error(py, "InputError", &e))?
        .params();
    casus_data::design::parse_design(file, text, &priors)
        .map(Design)
        .map_err(|e| input_error(py, "InputError", &e))
}

/// Parse a points CSV: its parameter names and rows.
#[pyfunction]
fn parse_points(py: Python<'_>, file: &str, text: &str) -> PyResult<(Vec<String>, Vec<Vec<f64>>)> {
    casus_data::design::parse_points(file, text).map_err(|e| input_error(py, "InputError", &e))
}

fn shard(s: Option<(u64, u64)>) -> PyResult<Option<casus_app::forecast::Shard>> {
    s.map(|(k, n)| casus_app::forecast::Shard::new(k, n))
        .transpose()
        .map_err(|e| app_error(e, "InputError"))
}

/// `casus sweep --json` and the summary behind it.
#[pyclass(frozen, module = "casus._casus")]
struct SweepResult(casus_app::sweep::SweepSummary);

#[pymethods]
impl SweepResult {
    /// The bytes of `casus sweep --json` (render::sweep_json).
    fn to_json(&self) -> String {
        render::sweep_json(&self.0)
    }
    /// The result as a part for `merge_sweeps` (exact: values as bits, counts).
    fn to_part(&self) -> String {
        serde_json::to_string(&self.0.to_part()).expect("a part serialises")
    }
}

/// Run a design's points (or a shard of them) on the scenarios.
#[pyfunction]
#[pyo3(signature = (design, scenarios, params, points = None, shard = None, threads = None, progress = None))]
#[allow(clippy::too_many_arguments)]
fn sweep(
    py: Python<'_>,
    design: &Design,
    scenarios: Vec<PyRef<'_, ValidScenario>>,
    params: &Params,
    points: Option<(Vec<String>, Vec<Vec<f64>>)>,
    shard: Option<(u64, u64)>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<SweepResult> {
    let w = world()?;
    let mut d = design.0.clone();
    if let Some((names, rows)) = points {
        let priors = casus_data::params::bundled_priors()
            .map_err(|e| input_error(py, "InputError", &e))?
            .params();
        d.set_points(names, rows, &priors);
    } else if d.points_file.is_some() {
        return Err(request_error(
            "a points design needs its points\n  help: casus.sweep reads the design's points file; pass points= to give them directly",
        ));
    }
    let req = casus_app::sweep::SweepRequest {
        scenarios: scenarios.iter().map(|s| s.0.clone()).collect(),
        params: params.0.clone(),
        rates: casus_data::params::bundled_base_rates()
            .map_err(|e| input_error(py, "InputError", &e))?,
        design: d.design,
        outputs: d.outputs,
        seed: d.seed,
        runs: self::runs(d.runs)?,
        streams: d.streams,
        shard: self::shard(shard)?,
        threads: self::threads(threads)?,
    };
    let cb = Callback::new(progress);
    let s = py.detach(|| casus_app::sweep::sweep(w, &req, &cb));
    cb.finish()?;
    s.map(SweepResult)
        .map_err(|e| app_error(e, "ScenarioError"))
}

/// Merge sweep parts (`SweepResult.to_part()` of shards 1..N).
#[pyfunction]
fn merge_sweeps(parts: Vec<String>) -> PyResult<SweepResult> {
    let parts = parts
        .iter()
        .map(|p| serde_json::from_str(p))
        .collect::<Result<Vec<casus_app::sweep::SweepPart>, _>>()
        .map_err(|e| request_error(format!("not a sweep part: {e}")))?;
    casus_app::sweep::merge(&parts)
        .map(SweepResult)
        .map_err(|e| app_error(e, "InputError"))
}

/// Shard `shard = (k, n)` of a forecast (with `until`: of a horizon), as the
/// part `casus forecast … --shard K/N` writes (JSON).
#[pyfunction]
#[pyo3(signature = (scenario, params, runs, shard, seed = None, until = None, threads = None))]
#[allow(clippy::too_many_arguments)]
fn forecast_shard(
    py: Python<'_>,
    scenario: &ValidScenario,
    params: &Params,
    runs: u64,
    shard: (u64, u64),
    seed: Option<u64>,
    until: Option<&str>,
    threads: Option<usize>,
) -> PyResult<String> {
    let w = world()?;
    let sh = self::shard(Some(shard))?.expect("given");
    let p = match until {
        Some(u) => {
            let req = HorizonRequest {
                scenario: scenario.0.clone(),
                params: params.0.clone(),
                rates: casus_data::params::bundled_base_rates()
                    .map_err(|e| input_error(py, "InputError", &e))?,
                until: date(u, "until")?,
                runs: self::runs(runs)?,
                seed,
                threads: self::threads(threads)?,
            };
            py.detach(|| casus_app::forecast::horizon_shard(w, &req, sh, &casus_app::Silent))
        }
        None => {
            let req = ForecastRequest {
                scenario: scenario.0.clone(),
                params: params.0.clone(),
                runs: self::runs(runs)?,
                seed,
                threads: self::threads(threads)?,
            };
            py.detach(|| casus_app::forecast::shard(w, &req, sh, &casus_app::Silent))
        }
    };
    p.map(|p| render::partial_json(&p))
        .map_err(|e| app_error(e, "ScenarioError"))
}

/// Merge the parts (JSON texts) of a sharded forecast: a `ForecastResult` or
/// a `HorizonResult`, the unsharded one exactly.
#[pyfunction]
fn merge(py: Python<'_>, parts: Vec<String>) -> PyResult<Py<PyAny>> {
    let mut read = Vec::with_capacity(parts.len());
    for (i, text) in parts.iter().enumerate() {
        let name = format!("part {}", i + 1);
        let p = render::parse_partial(&name, text).map_err(|e| app_error(e, "InputError"))?;
        read.push((name, p));
    }
    match casus_app::forecast::merge(&read).map_err(|e| app_error(e, "InputError"))? {
        casus_app::forecast::Merged::Forecast(s) => Ok(Py::new(py, ForecastResult(s))?.into_any()),
        casus_app::forecast::Merged::Horizon(s) => Ok(Py::new(py, HorizonResult(s))?.into_any()),
    }
}

/// The TOML text of a Python mapping (str keys; str, int, float, bool,
/// `datetime.date`, lists and mappings as values), keys in the mapping's order.
#[pyfunction]
fn to_toml(value: &Bound<'_, PyAny>) -> PyResult<String> {
    toml_text::to_toml(value)
}

#[pymodule]
fn _casus(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("MAX_RUNS", casus_app::forecast::MAX_RUNS)?;
    m.add("MAX_THREADS", Threads::MAX)?;
    m.add("DEFAULT_PRIOR_SD", casus_model::calibration::PRIOR_SD)?;
    m.add_class::<ValidScenario>()?;
    m.add_class::<Params>()?;
    m.add_class::<RunResult>()?;
    m.add_class::<ExplainResult>()?;
    m.add_class::<ForecastResult>()?;
    m.add_class::<HorizonResult>()?;
    m.add_class::<PosteriorHorizonResult>()?;
    m.add_class::<PosteriorForecastResult>()?;
    m.add_class::<BacktestResult>()?;
    m.add_class::<CalibrationResult>()?;
    m.add_class::<Design>()?;
    m.add_class::<SweepResult>()?;
    m.add_function(wrap_pyfunction!(parse_design, m)?)?;
    m.add_function(wrap_pyfunction!(parse_points, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(merge_sweeps, m)?)?;
    m.add_function(wrap_pyfunction!(forecast_shard, m)?)?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add_function(wrap_pyfunction!(parse_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_source, m)?)?;
    m.add_function(wrap_pyfunction!(catalogue, m)?)?;
    m.add_function(wrap_pyfunction!(state_table, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(forecast, m)?)?;
    m.add_function(wrap_pyfunction!(horizon, m)?)?;
    m.add_function(wrap_pyfunction!(horizon_posterior, m)?)?;
    m.add_function(wrap_pyfunction!(forecast_posterior, m)?)?;
    m.add_function(wrap_pyfunction!(backtest, m)?)?;
    m.add_function(wrap_pyfunction!(calibrate, m)?)?;
    m.add_function(wrap_pyfunction!(to_toml, m)?)?;
    Ok(())
}

"""casus — a collective-security alliance (the CSTO first) as software.

The Python front end of the casus engine: the same use cases as the ``casus``
command line, computed by the same Rust code (``casus._casus``, built with
PyO3 on the ``casus-app`` crate; nothing shells out to the binary). Results
are objects with tidy pandas DataFrames and a ``.to_json()`` that is the CLI's
``--json`` byte for byte::

    import casus
    f = casus.forecast("kazakhstan-2022", runs=10_000, seed=1)
    f.outcomes          # event, date, outcome, probability, ci_low, ci_high
    f.members           # event, member, stance, probability, expected_troops

Runs release the GIL, and their results do not depend on ``threads``: the
same inputs and seed give the same bytes on any machine and thread count.
Bad input raises :class:`InputError` (:class:`ScenarioError` for scenarios)
with the file, line and column the CLI reports.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Mapping
from typing import Any, Literal, Union, overload

import pandas as pd

from . import _casus
from ._casus import MAX_RUNS, MAX_THREADS, Params
from ._errors import CasusError, InputError, Problem, RequestError, ScenarioError, ScenarioWarning
from ._results import (
    HORIZON_STATES,
    OUTCOMES,
    STANCES,
    Backtest,
    Calibration,
    Explanation,
    Forecast,
    Horizon,
    PosteriorForecast,
    PosteriorHorizon,
    Run,
)
from ._scenario import Scenario
from ._sweep import (
    Sweep,
    factors,
    forecast_on,
    morris,
    prim,
    prim_boxes,
    problem,
    saltelli_points,
    sobol,
    sobol_indices,
    sweep,
)

__version__: str = _casus.__version__

__all__ = [
    "HORIZON_STATES",
    "MAX_RUNS",
    "MAX_THREADS",
    "OUTCOMES",
    "STANCES",
    "Backtest",
    "Calibration",
    "CasusError",
    "Explanation",
    "Forecast",
    "Horizon",
    "PosteriorForecast",
    "PosteriorHorizon",
    "InputError",
    "Params",
    "Problem",
    "RequestError",
    "Run",
    "Scenario",
    "ScenarioError",
    "ScenarioWarning",
    "Sweep",
    "alliances",
    "backtest",
    "calibrate",
    "explain",
    "factors",
    "forecast",
    "forecast_on",
    "load",
    "memberships",
    "morris",
    "prim",
    "prim_boxes",
    "problem",
    "run",
    "saltelli_points",
    "scenarios",
    "sobol",
    "sobol_indices",
    "states",
    "sweep",
]

#: A scenario as the use cases take it: a Scenario, a bundled name or a path.
ScenarioLike = Union[Scenario, str, "os.PathLike[str]"]
#: Parameters: None (the shipped ones), a Params, a parameter file's path, or
#: ``{name: value}`` changes to the shipped ones.
ParamsLike = Union[None, Params, str, "os.PathLike[str]", Mapping[str, float]]
#: A date as ``"YYYY-MM-DD"`` or a ``datetime.date``.
DateLike = Union[str, _dt.date]
#: Called with ``(done, total)`` while long work runs (e.g. a tqdm's update).
ProgressFn = Callable[[int, int], object]

#: The date `casus list` takes memberships on.
_LIST_DATE = "2026-01-01"


def _date(d: DateLike) -> str:
    if isinstance(d, _dt.datetime):
        return str(d)  # refused by the loader, with the reason
    return d.isoformat() if isinstance(d, _dt.date) else str(d)


def load(scenario: ScenarioLike) -> Scenario:
    """A scenario: a bundled name (``"kazakhstan-2022"``, see
    :func:`scenarios`) or a path to a ``.toml`` file — resolved as ``casus
    check NAME_OR_PATH`` resolves it, validated with its errors."""
    if isinstance(scenario, Scenario):
        return scenario
    file, text = _casus.scenario_source(os.fspath(scenario))
    return Scenario(text, file)


def _params(params: ParamsLike) -> Params:
    if params is None:
        return Params.bundled()
    if isinstance(params, Params):
        return params
    if isinstance(params, Mapping):
        return Params.bundled().replace(**params)
    return Params.load(os.fspath(params))


def _core(scenario: ScenarioLike) -> _casus.ValidScenario:
    return load(scenario)._core


def scenarios() -> pd.DataFrame:
    """The bundled scenarios: ``name, title, loads, error``."""
    c = _casus_catalogue(_LIST_DATE)
    rows = [
        {
            "name": s["name"],
            "title": s["title"].get("Ok"),
            "loads": "Ok" in s["title"],
            "error": s["title"].get("Err"),
        }
        for s in c["scenarios"]
    ]
    return pd.DataFrame(rows, columns=["name", "title", "loads", "error"])


def alliances(on: DateLike = _LIST_DATE) -> pd.DataFrame:
    """The bundled alliances: ``id, name, provisions, members`` (members on
    ``on``, counting suspended ones)."""
    c = _casus_catalogue(_date(on))
    rows = [
        {"id": a["id"], "name": a["name"], "provisions": a["provisions"], "members": len(a["members"])}
        for a in c["alliances"]
    ]
    return pd.DataFrame(rows, columns=["id", "name", "provisions", "members"])


def memberships(on: DateLike = _LIST_DATE) -> pd.DataFrame:
    """Who is a member of which alliance on ``on``: ``alliance, state, suspended``."""
    c = _casus_catalogue(_date(on))
    rows = [
        {"alliance": a["id"], "state": m["state"], "suspended": m["suspended"]}
        for a in c["alliances"]
        for m in a["members"]
    ]
    return pd.DataFrame(rows, columns=["alliance", "state", "suspended"])


def states(year: int = 2026) -> pd.DataFrame:
    """The bundled states: ``code, name, region`` and the figures the model
    uses for ``year`` (the latest used observation at or before it):
    ``population, gdp_usd, defence_spending_usd, active_personnel,
    freedom_score``. Each figure's source is in ``data/states/CODE.toml``."""
    return pd.DataFrame(_casus.state_table(year))


def _casus_catalogue(on: str) -> dict[str, Any]:
    import json

    doc: dict[str, Any] = json.loads(_casus.catalogue(on))
    return doc


def run(scenario: ScenarioLike, *, seed: int | None = None) -> Run:
    """``casus run``: each event, what the treaty says and why."""
    return Run(_casus.run(_core(scenario), seed))


def explain(
    scenario: ScenarioLike, *, event: str | None = None, params: ParamsLike = None
) -> Explanation:
    """``casus explain``: every decision along the most likely course (of one
    event, if given): utility terms, choice probabilities, who blocks."""
    return Explanation(_casus.explain(_core(scenario), _params(params), event))


@overload
def forecast(
    scenario: ScenarioLike,
    *,
    runs: int = ...,
    seed: int | None = ...,
    threads: int | None = ...,
    params: ParamsLike = ...,
    until: None = ...,
    progress: ProgressFn | None = ...,
    posterior: Literal[False] = ...,
    draws: int = ...,
) -> Forecast: ...
@overload
def forecast(
    scenario: ScenarioLike,
    *,
    runs: int = ...,
    seed: int | None = ...,
    threads: int | None = ...,
    params: ParamsLike = ...,
    until: None = ...,
    progress: ProgressFn | None = ...,
    posterior: Literal[True],
    draws: int = ...,
) -> PosteriorForecast: ...
@overload
def forecast(
    scenario: ScenarioLike,
    *,
    runs: int = ...,
    seed: int | None = ...,
    threads: int | None = ...,
    params: ParamsLike = ...,
    until: DateLike,
    progress: ProgressFn | None = ...,
    posterior: Literal[False] = ...,
    draws: int = ...,
) -> Horizon: ...
@overload
def forecast(
    scenario: ScenarioLike,
    *,
    runs: int = ...,
    seed: int | None = ...,
    threads: int | None = ...,
    params: ParamsLike = ...,
    until: DateLike,
    progress: ProgressFn | None = ...,
    posterior: Literal[True],
    draws: int = ...,
) -> PosteriorHorizon: ...
def forecast(
    scenario: ScenarioLike,
    *,
    runs: int = 10_000,
    seed: int | None = None,
    threads: int | None = None,
    params: ParamsLike = None,
    until: DateLike | None = None,
    progress: ProgressFn | None = None,
    posterior: bool = False,
    draws: int = 200,
) -> Forecast | Horizon | PosteriorForecast | PosteriorHorizon:
    """``casus forecast``: Monte Carlo over the timeline (a :class:`Forecast`),
    or with ``until`` the years after it (a :class:`Horizon`). With
    ``posterior=True``, ``draws`` blocks of the runs under parameters drawn
    from the parameter file's posterior (a :class:`PosteriorForecast`, or with
    ``until`` a :class:`PosteriorHorizon`).

    ``seed`` defaults to the scenario's own; ``threads`` to all cores and does
    not change the result. ``progress(done, total)`` is called about every
    0.1 s from a helper thread."""
    core, p = _core(scenario), _params(params)
    if until is None:
        if posterior:
            return PosteriorForecast(
                _casus.forecast_posterior(core, p, runs, draws, seed, threads, progress)
            )
        return Forecast(_casus.forecast(core, p, runs, seed, threads, progress))
    if posterior:
        return PosteriorHorizon(
            _casus.horizon_posterior(core, p, _date(until), runs, draws, seed, threads, progress)
        )
    return Horizon(_casus.horizon(core, p, _date(until), runs, seed, threads, progress))


def backtest(
    *,
    cases: str | os.PathLike[str] | None = None,
    params: ParamsLike = None,
    hold_out: str | None = None,
) -> Backtest:
    """``casus backtest``: the model on documented cases (the bundled library,
    or a directory in ``docs/case-format.md``) beside climatology,
    treaty-literal and leader-only. ``hold_out="alliance"`` also scores each
    alliance with climatology from the others' base rates."""
    d = None if cases is None else os.fspath(cases)
    return Backtest(_casus.backtest(_params(params), d, hold_out))


def calibrate(
    *,
    cases: str | os.PathLike[str] | None = None,
    params: ParamsLike = None,
    evals: int = 6000,
    prior_sd: float | None = None,
    hold_out: str | None = "case",
    threads: int | None = None,
    progress: ProgressFn | None = None,
) -> Calibration:
    """``casus calibrate``: fit the global parameters (maximum a posteriori,
    Gaussian prior around ``params``, default the bundled priors) and score the
    fit out of sample (``hold_out="case"`` or ``"alliance"``; None skips the
    refits). Slow: the shipped fit took 23 min; small ``evals`` for a try.
    ``progress`` counts fits."""
    prior = Params.priors() if params is None else _params(params)
    d = None if cases is None else os.fspath(cases)
    c = _casus.calibrate(prior, d, evals, prior_sd, hold_out, threads, progress)
    return Calibration(c, prior)

"""Experiment designs, sensitivity analysis and runs on a Dask cluster.

``sweep`` runs a design file (``docs/sweep-format.md``) in process, or — given
a ``dask.distributed`` client — as shards of its points on the cluster's
workers; either way the result is the same, byte for byte, because point *p*'s
replication *r* draws from a stream of (seed, p, r) wherever it runs and the
parts carry exact counts. ``forecast_on`` does the same for one forecast
(shards of its replications, merged as ``casus merge`` merges them).

``sobol`` and ``morris`` generate a Saltelli or Morris design with SALib, run
it through ``sweep`` and analyse each output with SALib: first- and
total-order Sobol indices with bootstrap confidence intervals, or Morris'
μ* and σ. SALib and Dask are imported only when used.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from . import _casus
from ._casus import Params
from ._results import _Result
from ._scenario import Scenario

PathLike = str | os.PathLike[str]

#: Columns of :attr:`Sweep.table` (the CLI's ``sweep`` table).
SWEEP_COLUMNS = ["point", "scenario", "output", "probability", "count", "runs", "ci_low", "ci_high"]


class Sweep(_Result):
    """``casus sweep``: one forecast per design point and scenario."""

    @property
    def factors(self) -> list[str]:
        return list(self._doc["factors"])

    @property
    def table(self) -> pd.DataFrame:
        """``point, scenario, output, probability, count, runs, ci_low, ci_high``:
        one row per design point, scenario and output (the CLI's ``sweep`` table)."""
        rows = [
            {
                "point": p["point"],
                "scenario": r["scenario"],
                "output": r["output"],
                "probability": r["probability"],
                "count": r["count"],
                "runs": r["runs"],
                "ci_low": None if r["ci95"] is None else r["ci95"][0],
                "ci_high": None if r["ci95"] is None else r["ci95"][1],
            }
            for p in self._doc["points"]
            for r in p["results"]
        ]
        return pd.DataFrame(rows, columns=SWEEP_COLUMNS)

    @property
    def points(self) -> pd.DataFrame:
        """One row per point, one column per factor (the parameter values)."""
        rows = [{"point": p["point"], **p["values"]} for p in self._doc["points"]]
        return pd.DataFrame(rows, columns=["point", *self.factors])

    def frame(self) -> pd.DataFrame:
        """:attr:`table` with each point's parameter values as columns."""
        return self.table.merge(self.points, on="point", how="left")

    def outcome(self, output: str, scenario: str | None = None) -> list[float]:
        """The output's probability at each point, in point order (for SALib)."""
        t = self.table
        t = t[t["output"] == output]
        if scenario is not None:
            t = t[t["scenario"] == scenario]
        if t["scenario"].nunique() > 1:
            raise ValueError(f"output {output!r} has several scenarios; name one")
        return [float(x) for x in t.sort_values("point")["probability"].fillna(0.0)]


def _design(path: PathLike) -> tuple[_casus.Design, Path]:
    p = Path(os.fspath(path))
    return _casus.parse_design(str(p), p.read_text(encoding="utf-8")), p.parent


def _beside(base: Path, name: str) -> str:
    """A path a design names: relative to its directory if a file is there."""
    q = base / name
    return str(q) if not Path(name).is_absolute() and q.exists() else name


def _inputs(
    design: PathLike, points: Sequence[Sequence[float]] | None, params: Any
) -> tuple[_casus.Design, list[Scenario], Params, tuple[list[str], list[list[float]]] | None]:
    from . import _params, load

    d, base = _design(design)
    scenarios = [load(_beside(base, s)) for s in d.scenarios]
    if params is None and d.params is not None:
        params = _beside(base, d.params)
    pts: tuple[list[str], list[list[float]]] | None = None
    if points is not None:
        pts = ([f[0] for f in d.factors], [[float(x) for x in row] for row in points])
    elif d.points_file is not None:
        f = _beside(base, d.points_file)
        pts = _casus.parse_points(f, Path(f).read_text(encoding="utf-8"))
    return d, scenarios, _params(params), pts


def sweep(
    design: PathLike,
    *,
    points: Sequence[Sequence[float]] | None = None,
    params: Any = None,
    shard: tuple[int, int] | None = None,
    threads: int | None = None,
    client: Any = None,
    shards: int | None = None,
    progress: Any = None,
) -> Sweep:
    """``casus sweep DESIGN.toml``: a forecast per point of the design.

    ``points`` (rows of values, one per factor in :func:`factors` order) replace
    the design's own points, e.g. a Saltelli matrix from SALib. ``shard=(k, n)``
    runs only shard k of n of the points. With a ``dask.distributed`` ``client``
    the points run as ``shards`` tasks (default: two per worker) on its workers
    and are merged — the same result as in process, byte for byte."""
    if client is None:
        d, scs, p, pts = _inputs(design, points, params)
        core = [s._core for s in scs]
        return Sweep(_casus.sweep(d, core, p, pts, shard, threads, progress))
    if shard is not None:
        raise ValueError("give either shard= or client=, not both")
    n = shards or max(1, 2 * len(client.scheduler_info().get("workers", {})))
    d, scs, p, pts = _inputs(design, points, params)
    rows = None if pts is None else pts[1]
    futures = [
        client.submit(
            _sweep_part, os.fspath(design), rows, p.to_dict(), (k, n), threads, pure=False
        )
        for k in range(1, n + 1)
    ]
    parts = client.gather(futures)
    return Sweep(_casus.merge_sweeps(list(parts)))


def _sweep_part(
    design: str,
    points: list[list[float]] | None,
    params: dict[str, float],
    shard: tuple[int, int],
    threads: int | None,
) -> str:
    """A Dask task: one shard of a sweep, as an exact part."""
    d, scs, _, pts = _inputs(design, points, None)
    p = Params.bundled().replace(**params)
    return _casus.sweep(d, [s._core for s in scs], p, pts, shard, threads, None).to_part()


def factors(design: PathLike) -> list[tuple[str, float, float]]:
    """``(name, low, high)`` of each factor of a design file, in point order."""
    return list(_design(design)[0].factors)


def problem(design: PathLike) -> dict[str, Any]:
    """The design's factors as a SALib problem (``num_vars``, ``names``, ``bounds``)."""
    fs = factors(design)
    return {"num_vars": len(fs), "names": [f[0] for f in fs], "bounds": [[f[1], f[2]] for f in fs]}


def saltelli_points(problem: dict[str, Any], n: int, seed: int = 0) -> Any:
    """A Saltelli (Sobol') design of ``n`` base samples, first and total order
    only: ``n·(D+2)`` points (SALib ``sample.sobol``)."""
    from SALib.sample import sobol as sample  # type: ignore[import-untyped]

    return sample.sample(problem, n, calc_second_order=False, seed=seed)


def sobol_indices(problem: dict[str, Any], y: Sequence[float], seed: int = 0) -> pd.DataFrame:
    """First- and total-order Sobol indices of ``y`` (evaluated at
    :func:`saltelli_points`) with their 95% bootstrap intervals (SALib
    ``analyze.sobol``): ``parameter, S1, S1_conf, ST, ST_conf`` — an index ±
    its ``_conf`` is the interval."""
    import numpy as np
    from SALib.analyze import sobol as analyze  # type: ignore[import-untyped]

    r = analyze.analyze(
        problem, np.asarray(y, dtype=float), calc_second_order=False, seed=seed, print_to_console=False
    )
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": r["S1"],
            "S1_conf": r["S1_conf"],
            "ST": r["ST"],
            "ST_conf": r["ST_conf"],
        }
    )


def sobol(
    design: PathLike,
    n: int,
    *,
    seed: int = 0,
    client: Any = None,
    threads: int | None = None,
    params: Any = None,
) -> tuple[pd.DataFrame, Sweep]:
    """Sobol indices of every output on every scenario of ``design``: a
    Saltelli design of ``n`` base samples over the design's factor ranges, run
    by :func:`sweep` (on ``client`` if given), analysed per scenario and output.
    Returns ``scenario, output, parameter, S1, S1_conf, ST, ST_conf`` and the
    sweep."""
    pr = problem(design)
    s = sweep(design, points=saltelli_points(pr, n, seed), client=client, threads=threads, params=params)
    frames = []
    t = s.table
    for (scenario, output), _ in t.groupby(["scenario", "output"], sort=False):
        ix = sobol_indices(pr, s.outcome(str(output), str(scenario)), seed)
        ix.insert(0, "output", str(output))
        ix.insert(0, "scenario", str(scenario))
        frames.append(ix)
    return pd.concat(frames, ignore_index=True), s


def morris(
    design: PathLike,
    trajectories: int,
    *,
    levels: int = 4,
    seed: int = 0,
    client: Any = None,
    threads: int | None = None,
) -> tuple[pd.DataFrame, Sweep]:
    """Morris screening of every output on every scenario: ``trajectories``
    one-at-a-time paths over ``levels`` levels (SALib ``sample.morris``), run by
    :func:`sweep`, analysed by SALib ``analyze.morris``. Returns ``scenario,
    output, parameter, mu, mu_star, sigma, mu_star_conf`` and the sweep."""
    import numpy as np
    from SALib.analyze import morris as analyze  # type: ignore[import-untyped]
    from SALib.sample import morris as sample  # type: ignore[import-untyped]

    pr = problem(design)
    x = sample.sample(pr, trajectories, num_levels=levels, seed=seed)
    s = sweep(design, points=x, client=client, threads=threads)
    frames = []
    for (scenario, output), _ in s.table.groupby(["scenario", "output"], sort=False):
        y = np.asarray(s.outcome(str(output), str(scenario)))
        r = analyze.analyze(pr, x, y, num_levels=levels, seed=seed, print_to_console=False)
        frames.append(
            pd.DataFrame(
                {
                    "scenario": scenario,
                    "output": output,
                    "parameter": pr["names"],
                    "mu": r["mu"],
                    "mu_star": r["mu_star"],
                    "sigma": r["sigma"],
                    "mu_star_conf": r["mu_star_conf"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True), s


def _forecast_part(
    toml: str,
    file: str,
    params: dict[str, float],
    runs: int,
    shard: tuple[int, int],
    seed: int | None,
    until: str | None,
    threads: int | None,
) -> str:
    """A Dask task: one shard of a forecast, as the part `casus forecast --shard` writes."""
    s = Scenario(toml, file)
    p = Params.bundled().replace(**params)
    return _casus.forecast_shard(s._core, p, runs, shard, seed, until, threads)


def forecast_on(
    client: Any,
    scenario: Any,
    *,
    runs: int = 10_000,
    shards: int | None = None,
    seed: int | None = None,
    until: Any = None,
    params: Any = None,
    threads: int | None = None,
) -> Any:
    """:func:`casus.forecast` on a ``dask.distributed`` cluster: ``shards``
    tasks (default: two per worker), each a range of the replications, merged
    as ``casus merge`` merges them — the same result as in process, byte for
    byte. Returns a :class:`Forecast` (with ``until``: a :class:`Horizon`)."""
    from . import _date, _params, load
    from ._results import Forecast, Horizon

    s = load(scenario)
    p = _params(params)
    n = shards or max(1, 2 * len(client.scheduler_info().get("workers", {})))
    u = None if until is None else _date(until)
    futures = [
        client.submit(_forecast_part, s.toml, s.file, p.to_dict(), runs, (k, n), seed, u, threads, pure=False)
        for k in range(1, n + 1)
    ]
    merged = _casus.merge(list(client.gather(futures)))
    return Horizon(merged) if u is not None else Forecast(merged)


def prim_boxes(
    points: pd.DataFrame,
    hit: Sequence[bool],
    *,
    density: float = 0.8,
) -> pd.DataFrame:
    """Scenario discovery: the box of parameter values in which ``hit`` is
    mostly true, found by PRIM (Friedman & Fisher 1999) as the EMA Workbench
    implements it (``ema_workbench.analysis.prim``), peeled until the box's
    density (the share of hits inside it) reaches ``density``. ``points`` has
    one column per parameter. Returns ``parameter, low, high`` for the
    parameters the box restricts, with the box's ``coverage`` (the share of all
    hits inside it), ``density`` and ``mass`` (the share of points inside) in
    ``DataFrame.attrs``."""
    import warnings

    import numpy as np

    with warnings.catch_warnings():
        # The workbench warns about its optional plotting back ends on import.
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim  # type: ignore[import-untyped]

        y = np.asarray(hit, dtype=bool)
        if len(y) != len(points):
            raise ValueError(f"{len(y)} outcomes for {len(points)} points")
        if not y.any():
            raise ValueError("no point is a hit: there is no region to find")
        x = points.reset_index(drop=True).astype(float)
        box = prim.Prim(x, y, threshold=density).find_box()
    lims = box.box_lims[box._cur_box]
    full = x.agg(["min", "max"])
    rows = [
        {"parameter": c, "low": float(lims[c][0]), "high": float(lims[c][1])}
        for c in x.columns
        if float(lims[c][0]) > float(full[c]["min"]) or float(lims[c][1]) < float(full[c]["max"])
    ]
    out = pd.DataFrame(rows, columns=["parameter", "low", "high"])
    stats = box.peeling_trajectory.iloc[box._cur_box]
    out.attrs.update(
        coverage=float(stats["coverage"]), density=float(stats["density"]), mass=float(stats["mass"])
    )
    return out


def prim(
    result: Sweep,
    output: str,
    *,
    scenario: str | None = None,
    above: float,
    density: float = 0.8,
) -> pd.DataFrame:
    """Which parameter region makes ``output`` likely: :func:`prim_boxes` on a
    sweep's points, a point counting as a hit where the output's probability
    is at least ``above`` (e.g. ``output="dissolved_2030", above=0.05``: where
    is dissolution by 2030 at least 5% likely?)."""
    y = result.outcome(output, scenario)
    pts = result.points.sort_values("point")[result.factors]
    return prim_boxes(pts, [v >= above for v in y], density=density)


__all__ = [
    "Sweep",
    "factors",
    "forecast_on",
    "morris",
    "prim",
    "prim_boxes",
    "problem",
    "saltelli_points",
    "sobol",
    "sobol_indices",
    "sweep",
]

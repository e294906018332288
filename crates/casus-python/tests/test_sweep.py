"""Sweeps, sensitivity analysis and runs on a Dask cluster.

A design file gives the same bytes from Python as from `casus sweep --json`;
a sweep or a forecast split over the workers of a local Dask cluster equals
the in-process one byte for byte; and the Sobol helper (SALib) recovers the
Ishigami function's known indices within its confidence intervals."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import casus

DESIGN = """
format = 1
scenarios = ["kazakhstan-2022"]
seed = 11
runs = 200

[design]
kind = "latin-hypercube"
samples = 6

[parameters.obligation]
low = 0.0
high = 3.0

[parameters.cohesion]

[[outputs]]
name = "deployment"
event = "appeal"

[[outputs]]
name = "mission"
event = "appeal"
outcome = "mission"
"""

HORIZON_DESIGN = """
format = 1
scenarios = ["russia-loses-2026"]
seed = 3
runs = 60
streams = "common"

[design]
kind = "latin-hypercube"
samples = 4

[parameters.war_shift]
low = 0.0
high = 3.0

[parameters.freeze_constant]

[[outputs]]
name = "dissolved_2029"
dissolved_by = 2029

[[outputs]]
name = "blr_frozen_2029"
member = "BLR"
year = 2029
"""


@pytest.fixture
def design(tmp_path: Path) -> Path:
    p = tmp_path / "design.toml"
    p.write_text(DESIGN)
    return p


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as c:
        yield c


def test_a_sweep_is_the_bytes_of_casus_sweep_json(design, casus_cli):
    s = casus.sweep(design)
    assert s.to_json().encode() == casus_cli("sweep", str(design), "--json").stdout
    t = s.table
    assert list(t.columns) == [
        "point", "scenario", "output", "probability", "count", "runs", "ci_low", "ci_high"
    ]
    assert len(t) == 6 * 2
    assert set(s.frame().columns) >= {"obligation", "cohesion", "probability"}


def test_shards_of_a_sweep_merge_to_the_whole(design):
    whole = casus.sweep(design)
    parts = [casus.sweep(design, shard=(k, 3)) for k in (1, 2, 3)]
    assert sum(len(p.table) for p in parts) == len(whole.table)


def test_a_sweep_on_a_local_dask_cluster_equals_the_in_process_sweep(design, tmp_path, client):
    assert casus.sweep(design, client=client, shards=3).to_json() == casus.sweep(design).to_json()
    h = tmp_path / "horizon.toml"
    h.write_text(HORIZON_DESIGN)
    assert casus.sweep(h, client=client).to_json() == casus.sweep(h).to_json()


def test_a_forecast_sharded_on_dask_equals_the_unsharded_cli_json(client, casus_cli):
    f = casus.forecast_on(client, "kazakhstan-2022", runs=3001, shards=3, seed=4)
    want = casus_cli("forecast", "kazakhstan-2022", "--runs", "3001", "--seed", "4", "--json").stdout
    assert f.to_json().encode() == want
    h = casus.forecast_on(client, "russia-loses-2026", runs=301, until="2028-12-31")
    assert h.to_json() == casus.forecast("russia-loses-2026", runs=301, until="2028-12-31").to_json()


def test_a_bad_design_raises_a_located_input_error(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text(DESIGN.replace("[parameters.cohesion]", "[parameters.cohesoin]"))
    with pytest.raises(casus.InputError) as e:
        casus.sweep(p)
    assert e.value.problems[0].line == 15
    assert "unknown parameter `cohesoin`" in str(e.value)


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_the_sobol_helper_recovers_the_ishigami_indices_within_their_intervals():
    pytest.importorskip("SALib")
    pr = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    x = casus.saltelli_points(pr, 4096, seed=1)
    ix = casus.sobol_indices(pr, ishigami(np.asarray(x)), seed=1)
    # Analytic values for a = 7, b = 0.1 (Ishigami & Homma 1990; Saltelli et al. 2008).
    s1 = [0.3139, 0.4424, 0.0]
    st = [0.5576, 0.4424, 0.2437]
    for i in range(3):
        r = ix.iloc[i]
        assert abs(r["S1"] - s1[i]) <= r["S1_conf"], r
        assert abs(r["ST"] - st[i]) <= r["ST_conf"], r


def test_sobol_and_morris_on_a_design_give_a_row_per_parameter_and_output(design):
    pytest.importorskip("SALib")
    ix, s = casus.sobol(design, 8)
    assert len(s.table) == 8 * (2 + 2) * 2
    assert set(ix["parameter"]) == {"cohesion", "obligation"}
    assert set(ix.columns) >= {"S1", "S1_conf", "ST", "ST_conf"}
    mo, _ = casus.morris(design, 4)
    assert set(mo.columns) >= {"mu_star", "sigma", "mu_star_conf"}
    assert len(mo) == 2 * 2


def test_prim_finds_the_region_where_the_outcome_is_likely():
    # Hits exactly where a > 0.7 and b < 0.3; c is irrelevant. PRIM (EMA
    # Workbench) must restrict a and b to about those limits and leave c free.
    rng = np.random.default_rng(1)
    import pandas as pd

    x = pd.DataFrame({"a": rng.uniform(0, 1, 2000), "b": rng.uniform(0, 1, 2000), "c": rng.uniform(0, 1, 2000)})
    hit = ((x["a"] > 0.7) & (x["b"] < 0.3)).tolist()
    box = casus.prim_boxes(x, hit, density=0.8).set_index("parameter")
    assert set(box.index) == {"a", "b"}
    assert abs(box.loc["a", "low"] - 0.7) < 0.05
    assert abs(box.loc["b", "high"] - 0.3) < 0.05
    assert box.attrs["density"] >= 0.8
    assert box.attrs["coverage"] > 0.8


def test_prim_without_a_single_hit_says_so():
    import pandas as pd

    x = pd.DataFrame({"a": [0.1, 0.2, 0.3]})
    with pytest.raises(ValueError, match="no point is a hit"):
        casus.prim_boxes(x, [False, False, False])

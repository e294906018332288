"""Backtest and calibration from Python: the model against documented cases,
and a fit of the global parameters — the numbers the CLI reports."""

import shutil
import tomllib

import pytest

import casus
from conftest import REPO

CASES = ["armenia-2022", "kazakhstan-2022", "karabakh-2020"]


@pytest.fixture
def three_cases(tmp_path):
    d = tmp_path / "cases"
    d.mkdir()
    for name in CASES:
        for suffix in (".toml", ".observed.toml"):
            shutil.copy(REPO / "data" / "cases" / f"{name}{suffix}", d)
    return d


def test_a_calibration_fits_what_casus_calibrate_fits(three_cases, tmp_path, casus_cli):
    # 120 evaluations buy a few L-BFGS steps (a gradient costs 28 in 27 dimensions).
    c = casus.calibrate(cases=three_cases, evals=120, hold_out="case")
    out = tmp_path / "fitted.toml"
    casus_cli("calibrate", "--cases", str(three_cases), "--evals", "120", "-o", str(out),
              "--date", "2026-01-01")
    written = tomllib.loads(out.read_text())
    # The file keeps three decimals; the Params the full precision of the fit.
    fitted = {k: written[k]["value"] for k in casus.Params.names()}
    assert c.params.to_dict() == pytest.approx(fitted, abs=0.0005 + 1e-12)
    assert c.params != casus.Params.priors()
    scores = c.scores.set_index(["sample", "predictor"])
    assert set(scores.index.get_level_values("sample")) == {"before", "after", "held_out"}
    assert (scores["n"] == len(CASES)).all()
    # The fit is a Params like any other.
    assert casus.backtest(cases=three_cases, params=c.params).scores.iloc[0]["n"] == 3


def test_parameters_can_be_changed_by_name():
    p = casus.Params.bundled()
    q = p.replace(trust=0.0)
    assert q.to_dict()["trust"] == 0.0 and p.to_dict()["trust"] != 0.0
    assert q != p and p.replace() == p
    a = casus.forecast("kazakhstan-2022", runs=3000, seed=1, params={"trust": 0.0}).to_json()
    b = casus.forecast("kazakhstan-2022", runs=3000, seed=1, params=q).to_json()
    assert a == b


def test_a_case_directory_with_a_bad_file_is_located(three_cases):
    bad = three_cases / "kazakhstan-2022.observed.toml"
    bad.write_text(bad.read_text() + "\nnonsense = [\n")
    with pytest.raises(casus.InputError) as e:
        casus.backtest(cases=three_cases)
    assert e.value.file == str(bad)

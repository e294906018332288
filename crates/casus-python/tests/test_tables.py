"""Results as tidy DataFrames: one row per observation, named columns, the
numbers of the JSON document."""

import math

import pandas as pd
import pytest

import casus


@pytest.fixture(scope="module")
def kazakhstan():
    return casus.forecast("kazakhstan-2022", runs=4000, seed=1)


def test_forecast_outcomes_are_one_row_per_event_and_rung(kazakhstan):
    df = kazakhstan.outcomes
    assert list(df.columns) == ["event", "date", "outcome", "probability", "ci_low", "ci_high"]
    assert list(df["outcome"]) == list(casus.OUTCOMES)  # one decided event, ladder order
    assert df["date"].iloc[0] == pd.Timestamp("2022-01-05")
    assert math.isclose(df["probability"].sum(), 1.0)
    # Within rounding: the Wilson lower bound of a share of 0 comes out as
    # 5e-20 at some run counts (the model's float arithmetic, not this table).
    assert (df["ci_low"] <= df["probability"] + 1e-12).all()
    assert (df["probability"] <= df["ci_high"]).all()
    doc = kazakhstan.to_dict()["events"][0]
    row = df.set_index("outcome").loc["deployment"]
    assert row["probability"] == doc["outcomes"]["deployment"]
    assert [row["ci_low"], row["ci_high"]] == doc["ci95"]["deployment"]


def test_member_stances_sum_to_one_per_member(kazakhstan):
    df = kazakhstan.members
    assert list(df.columns) == ["event", "member", "stance", "probability", "expected_troops"]
    assert set(df["member"]) == {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"} - {"KAZ"}
    sums = df.groupby(["event", "member"])["probability"].sum()
    assert all(math.isclose(s, 1.0) for s in sums)


def test_forecast_events_carry_request_and_deployment(kazakhstan):
    e = kazakhstan.events.set_index("event").loc["appeal"]
    assert e["kind"] == "request" and e["title"] == "Tokayev appeals to the CSTO"
    assert e["p_request"] == 1.0
    assert 3 < e["expected_days_to_deploy"] < 7
    assert math.isnan(e["p_all_sign"])


def test_horizon_members_are_year_member_state_probability():
    h = casus.forecast("russia-loses-2026", runs=300, seed=2, until="2028-12-31")
    assert isinstance(h, casus.Horizon)
    df = h.members
    assert list(df.columns) == ["year", "member", "state", "probability"]
    assert set(df["state"]) <= set(casus.HORIZON_STATES)
    assert {2027, 2028} <= set(df["year"])
    assert df["probability"].between(0, 1).all()
    a = h.alliance
    assert list(a.columns)[:3] == ["year", "p_dissolved", "p_deployment_so_far"]
    engaged = h.engaged.groupby("year")["probability"].sum()
    assert all(math.isclose(s, 1.0) for s in engaged)


def test_summits_and_exercises_have_their_own_tables():
    f = casus.forecast("armenia-2022-2023", runs=500, seed=4)
    assert list(f.summits.columns) == ["event", "member", "p_sign"]
    assert list(f.exercises.columns) == ["event", "member", "p_take_part"]
    assert len(f.summits) > 0 and len(f.exercises) > 0


def test_run_tables_give_the_treatys_reading():
    r = casus.run("armenia-2022")
    ev = r.events.set_index("event")
    assert bool(ev.loc["art4-request", "casus_foederis"]) in (True, False)
    assert "CST-4" in ev.loc["art4-request", "articles"]
    assert {"event", "provision", "status", "reason", "source"} <= set(r.chain.columns)
    assert {"event", "action", "verdict"} <= set(r.actions.columns)


def test_explain_tables_give_utilities_and_terms():
    e = casus.explain("kazakhstan-2022")
    d = e.decisions
    assert list(d.columns) == ["event", "member", "stance", "utility", "probability"]
    sums = d.groupby(["event", "member"])["probability"].sum()
    assert all(math.isclose(s, 1.0) for s in sums)
    assert list(e.terms.columns) == ["event", "member", "term", "contribution"]
    assert e.outcomes.set_index("event").loc["appeal", "modal_outcome"] == "deployment"


def test_backtest_tables_score_model_and_baselines():
    b = casus.backtest(hold_out="alliance")
    s = b.scores.set_index("predictor")
    assert set(s.index) == {"model", "climatology", "treaty_literal", "leader_only"}
    assert (s["n"] == s.loc["model", "n"]).all()
    p = b.predictions
    assert list(p.columns) == ["case", "event", "observed", "predictor", "outcome", "probability"]
    per = p.groupby(["case", "event", "predictor"])["probability"].sum()
    assert all(math.isclose(x, 1.0, abs_tol=1e-9) for x in per)
    assert {"CSTO", "ECOWAS"} <= set(b.by_alliance["alliance"])


def test_tables_go_to_parquet_and_back(tmp_path, kazakhstan):
    path = tmp_path / "outcomes.parquet"
    kazakhstan.outcomes.to_parquet(path)
    pd.testing.assert_frame_equal(pd.read_parquet(path), kazakhstan.outcomes, check_dtype=False)


def test_the_catalogue_is_what_casus_list_shows(casus_cli):
    listed = casus_cli("list").stdout.decode()
    names = casus.scenarios()["name"]
    assert "kazakhstan-2022" in set(names) and casus.scenarios()["loads"].all()
    assert all(n in listed for n in names)
    a = casus.alliances().set_index("id")
    assert {"CSTO", "NATO", "ANZUS"} <= set(a.index)
    assert a.loc["CSTO", "members"] == len(casus.memberships().query("alliance == 'CSTO'"))
    st = casus.states()
    assert len(st) == 158 and {"code", "name", "region", "population"} <= set(st.columns)
    assert st.set_index("code").loc["KAZ", "name"] == "Kazakhstan"

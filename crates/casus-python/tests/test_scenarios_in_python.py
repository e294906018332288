"""A scenario can be inspected and changed in Python; every change is
validated by the CLI's loader, and a changed scenario runs like any other."""

import datetime as dt

import pandas as pd
import pytest

import casus


def test_a_loaded_scenario_shows_its_timeline():
    s = casus.load("kazakhstan-2022")
    assert (s.id, s.alliance, s.seed) == ("kazakhstan-2022", "CSTO", 2022)
    assert s.file == "data/scenarios/kazakhstan-2022.toml"
    ev = s.events
    assert list(ev.columns[:4]) == ["id", "date", "kind", "title"]
    assert list(ev["id"]) == ["unrest", "appeal"]
    assert ev["date"].iloc[1] == pd.Timestamp("2022-01-05")
    assert s.to_dict()["events"][1]["asks"] == "peacekeepers"
    assert s.check() == {"scenario": "kazakhstan-2022", "events": 2, "alliance": "CSTO"}


def test_an_added_event_takes_its_place_in_the_timeline():
    s = casus.load("armenia-2022")
    s.add_event(
        id="warning", date=dt.date(2022, 9, 1), kind="threat", target="ARM",
        title="Troops massed at the border", **{"from": "AZE"},
    )
    assert list(s.events["id"]) == ["warning", "attack", "art4-request"]
    assert s.file == "<edited data/scenarios/armenia-2022.toml>"
    assert "[[events]]\nid = \"warning\"\ndate = 2022-09-01\n" in s.toml


def test_an_override_changes_what_the_treaty_says():
    base = casus.load("kazakhstan-2022")
    without = base.copy()
    without.add_override(alliance="CSTO", remove_provision="CST-4")
    articles = casus.run(without).events.set_index("event").loc["appeal", "articles"]
    assert "CST-4" not in articles
    assert "CST-4" in casus.run(base).events.set_index("event").loc["appeal", "articles"]
    assert len(without.overrides) == 1 and base.overrides.empty


def test_a_nested_override_written_in_any_key_order_loads():
    s = casus.load("kazakhstan-2022")
    s.add_override(rule={"kind": "majority", "share": 0.5}, alliance="CSTO", organ="CSC")
    assert s.to_dict()["overrides"] == [
        {"rule": {"kind": "majority", "share": 0.5}, "alliance": "CSTO", "organ": "CSC"}
    ]
    f = casus.forecast(s, runs=2000, seed=1)
    assert f.outcomes["probability"].sum() == pytest.approx(1.0)


def test_a_counterfactual_moves_the_forecast():
    s = casus.load("kazakhstan-2022")
    base = casus.forecast(s, runs=20000, seed=1).outcomes.set_index("outcome")["probability"]
    s.add_override(alliance="CSTO", leading_power="")
    moved = casus.forecast(s, runs=20000, seed=1).outcomes.set_index("outcome")["probability"]
    assert moved["deployment"] != base["deployment"]


def test_removing_an_event_others_refer_to_is_refused():
    s = casus.load("kazakhstan-2022")
    with pytest.raises(casus.ScenarioError, match="crisis"):
        s.remove_event("unrest")
    with pytest.raises(KeyError):
        s.remove_event("nope")
    assert len(s.events) == 2


def test_top_level_keys_can_be_set():
    s = casus.load("kazakhstan-2022")
    s.set(seed=7, title="Kazakhstan with another seed")
    assert s.seed == 7 and casus.forecast(s, runs=10).seed == 7


def test_a_saved_scenario_is_what_casus_check_reads(tmp_path, casus_cli):
    s = casus.load("armenia-2022")
    s.add_event(id="later", date="2022-10-01", kind="threat", target="ARM", title="t",
                **{"from": "AZE"})
    path = tmp_path / "edited.toml"
    s.save(path)
    assert casus_cli("check", str(path)).returncode == 0
    again = casus.load(path)
    assert casus.run(again).to_json() == casus.run(s).to_json()


def test_a_scenario_from_python_data():
    data = {
        "format": 1, "id": "mine", "title": "Armenia asks for help", "alliance": "CSTO", "seed": 7,
        "events": [
            {"id": "attack", "date": "2022-09-13", "kind": "external_aggression",
             "aggressor": "AZE", "target": "ARM", "reach": "regional", "title": "attack"},
            {"id": "ask", "date": "2022-09-13", "kind": "request", "requester": "ARM",
             "to": "CSTO", "crisis": "attack", "article": "CST-4", "asks": "forces", "title": "ask"},
        ],
    }
    s = casus.Scenario.from_dict(data)
    assert s.file == "<dict>" and len(s.events) == 2
    assert casus.forecast(s, runs=1000).seed == 7


def test_warnings_are_the_clis(casus_cli):
    with pytest.warns(casus.ScenarioWarning) as got:
        casus.load("russia-wins-2026")
    cli = casus_cli("check", "russia-wins-2026").stderr.decode()
    assert "".join(str(w.message) + "\n" for w in got) == cli


def test_saving_goes_through_a_symbolic_link_and_refuses_a_directory(tmp_path):
    s = casus.load("kazakhstan-2022")
    real = tmp_path / "real.toml"
    real.write_text("old")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    s.save(link)
    assert link.is_symlink() and real.read_text() == s.toml
    with pytest.raises(IsADirectoryError):
        s.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.toml", "real.toml"]

"""Bad input raises a casus exception that says where and what to do — the
same located message the CLI prints — never a panic or a bare traceback from
Rust. Requests the use cases refuse raise RequestError (a ValueError)."""

import pytest

import casus

BAD_KIND = """\
format = 1
id = "bad"
title = "A scenario with a typo"
alliance = "CSTO"

[[events]]
id = "a"
date = 2022-01-01
kind = "external_agression"
title = "misspelt kind"
"""


def test_a_bad_scenario_file_names_file_line_and_column(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BAD_KIND, encoding="utf-8")
    with pytest.raises(casus.ScenarioError) as e:
        casus.load(path)
    assert (e.value.file, e.value.line, e.value.column) == (str(path), 9, 8)
    assert "unknown event kind `external_agression`" in e.value.message
    assert "external_aggression" in e.value.help


def test_the_message_is_the_one_casus_check_prints(tmp_path, casus_cli):
    path = tmp_path / "bad.toml"
    path.write_text(BAD_KIND, encoding="utf-8")
    with pytest.raises(casus.ScenarioError) as e:
        casus.load(str(path))
    cli = casus_cli("check", str(path), check=False)
    assert cli.returncode == 2
    assert (str(e.value) + "\n").encode() == cli.stderr


def test_every_problem_is_reported_not_only_the_first():
    text = BAD_KIND.replace('alliance = "CSTO"', 'alliance = "CST0"')
    with pytest.raises(casus.ScenarioError) as e:
        casus.Scenario.from_toml(text, "two.toml")
    assert [(p.line, p.column) for p in e.value.problems][:2] == [(4, 12), (9, 8)]
    assert all(p.file == "two.toml" for p in e.value.problems)


def test_toml_syntax_errors_are_located_too():
    with pytest.raises(casus.ScenarioError) as e:
        casus.Scenario.from_toml('format = 1\nid = "x\n', "syntax.toml")
    assert (e.value.file, e.value.line) == ("syntax.toml", 2)


def test_a_failed_edit_leaves_the_scenario_as_it_was():
    s = casus.load("kazakhstan-2022")
    before = s.toml
    with pytest.raises(casus.ScenarioError) as e:
        s.add_event(id="later", date="2022-01-09", kind="summit", title="no host", organ="CSC",
                    casualties=3)
    assert s.toml == before
    # The lines are those of the edited text, which the error carries.
    assert e.value.file == "<edited data/scenarios/kazakhstan-2022.toml>"
    assert e.value.text.splitlines()[e.value.line - 1].startswith("casualties")


def test_an_unknown_name_is_a_request_error():
    with pytest.raises(casus.RequestError, match="no bundled scenario and no file named `nowhere`"):
        casus.load("nowhere")


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"runs": 0}, "runs must be at least 1"),
        ({"runs": casus.MAX_RUNS + 1}, "is more than 1000000000"),
        ({"threads": 0}, "threads must be at least 1"),
        ({"threads": casus.MAX_THREADS + 1}, "threads 257 is more than 256"),
        ({"until": "2022-06-01"}, "is not after the scenario's last year"),
        ({"until": "2030-02-30"}, "impossible date"),
        ({"params": {"no_such": 1.0}}, "unknown parameter `no_such`"),
    ],
)
def test_requests_out_of_bounds_are_refused_with_what_to_do(kwargs, says):
    with pytest.raises(casus.RequestError, match=says):
        casus.forecast("kazakhstan-2022", **{"runs": 10, **kwargs})


def test_a_bad_parameter_file_is_located(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[meta]\n[trust]\nvalue = nan\nunit = 'x'\nmeaning = 'x'\nprovenance = 'x'\n")
    with pytest.raises(casus.InputError) as e:
        casus.forecast("kazakhstan-2022", runs=10, params=path)
    assert (e.value.file, e.value.line) == (str(path), 3)


def test_an_unknown_event_for_explain_lists_the_events():
    with pytest.raises(casus.RequestError, match="its events: unrest, appeal"):
        casus.explain("kazakhstan-2022", event="nope")


def test_python_values_without_a_toml_form_are_refused():
    s = casus.load("kazakhstan-2022")
    with pytest.raises(ValueError, match="None has no TOML form"):
        s.add_override(state="KAZ", attribute="gdp_usd", year=2022, value=None)

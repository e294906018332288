"""`.to_json()` is the CLI's `--json`, byte for byte: the package and the
binary call the same use case and the same renderer (casus_app::render)."""

import casus
from conftest import REPO


def test_a_forecast_is_the_bytes_of_casus_forecast_json(casus_cli):
    # The "Done when" of issue 16.
    ours = casus.forecast("kazakhstan-2022", runs=10000, seed=1).to_json()
    theirs = casus_cli("forecast", "kazakhstan-2022", "--runs", "10000", "--seed", "1", "--json")
    assert ours.encode() == theirs.stdout


def test_run_explain_horizon_and_backtest_match_the_cli_too(casus_cli):
    assert casus.run("armenia-2022").to_json().encode() == casus_cli(
        "run", "armenia-2022", "--json"
    ).stdout
    assert casus.explain("kursk-2024").to_json().encode() == casus_cli(
        "explain", "kursk-2024", "--json"
    ).stdout
    horizon = casus.forecast("russia-wins-2026", runs=500, seed=3, until="2028-12-31")
    assert horizon.to_json().encode() == casus_cli(
        "forecast", "russia-wins-2026", "--runs", "500", "--seed", "3",
        "--until", "2028-12-31", "--json",
    ).stdout
    assert casus.backtest(hold_out="alliance").to_json().encode() == casus_cli(
        "backtest", "--hold-out", "alliance", "--json"
    ).stdout


def test_a_scenario_file_and_a_parameter_file_give_the_cli_bytes(casus_cli, tmp_path):
    path = tmp_path / "k.toml"
    casus.load("kazakhstan-2022").save(path)
    params = REPO / "data" / "parameters-csto.toml"
    ours = casus.forecast(path, runs=2000, seed=5, params=params).to_json()
    theirs = casus_cli(
        "forecast", str(path), "--runs", "2000", "--seed", "5", "--params", str(params), "--json"
    )
    assert ours.encode() == theirs.stdout


def test_a_forecast_with_the_posterior_is_the_cli_bytes_and_its_spread_a_table(casus_cli):
    post = casus.forecast(
        "russia-loses-2026", runs=600, seed=3, until="2028-12-31", posterior=True, draws=30
    )
    assert post.to_json().encode() == casus_cli(
        "forecast", "russia-loses-2026", "--runs", "600", "--seed", "3",
        "--until", "2028-12-31", "--posterior", "--draws", "30", "--json",
    ).stdout
    assert post.draws == 30 and post.horizon.runs == 600
    s = post.spread
    d = s[(s.quantity == "deployment_so_far") & (s.year == 2028)].iloc[0]
    assert d.parameter_sd > 0 and d.ci_high - d.ci_low > d.mean_ci_high - d.mean_ci_low


def test_a_crisis_forecast_with_the_posterior_is_the_cli_bytes_and_pools_into_a_forecast(casus_cli):
    post = casus.forecast("armenia-2022", runs=2000, seed=4, posterior=True, draws=20)
    assert post.to_json().encode() == casus_cli(
        "forecast", "armenia-2022", "--runs", "2000", "--seed", "4",
        "--posterior", "--draws", "20", "--json",
    ).stdout
    assert post.draws == 20 and post.forecast.runs == 2000
    s = post.spread
    rungs = s[s.event == "art4-request"].set_index("quantity")
    pooled = post.forecast.outcomes.set_index("outcome")
    for o in casus.OUTCOMES:
        assert rungs.loc[o, "p"] == pooled.loc[o, "probability"]
    assert rungs.loc[list(casus.OUTCOMES), "parameter_sd"].max() > 0


def test_replaced_parameters_carry_no_posterior():
    p = casus.Params.bundled()
    assert p.has_posterior()
    assert not p.replace(trust=1.0).has_posterior()
    try:
        casus.forecast("russia-loses-2026", runs=100, until="2028-12-31", posterior=True,
                       params=p.replace(trust=1.0))
    except casus.RequestError as e:
        assert "carry no posterior" in str(e)
    else:
        raise AssertionError("a forecast without a posterior must be refused")

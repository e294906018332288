"""The results of the use cases: each holds the summary the CLI renders, its
``.to_json()`` is the CLI's ``--json`` byte for byte (both call
``casus_app::render``), and its DataFrame accessors are tidy views of that
document — one row per observation, so every number in a table is a number
of the JSON.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

import pandas as pd

from . import _casus

#: The response ladder, lowest rung first (the order of every outcome table).
OUTCOMES = ("none", "statement", "mission", "deployment")
#: A member's stances on a request, in the model's order.
STANCES = ("forces", "support", "abstain", "object")
#: The per-member series of a long horizon (``Horizon.members``), by name.
HORIZON_STATES = (
    "frozen_or_gone",
    "notice_or_gone",
    "left",
    "refuses_to_sign",
    "skips_exercise",
    "frozen_two_years_arrears_no_vote",
)
PREDICTORS = ("model", "climatology", "treaty_literal", "leader_only")


def _dates(df: pd.DataFrame, col: str = "date") -> pd.DataFrame:
    if col in df.columns:
        df[col] = pd.to_datetime(df[col])
    return df


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


class _Result:
    """A summary with its JSON document."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def to_json(self) -> str:
        """The JSON document, exactly as the CLI's ``--json`` prints it."""
        return self._inner.to_json()

    def to_dict(self) -> dict[str, Any]:
        """The JSON document as Python data."""
        return json.loads(self.to_json())

    @cached_property
    def _doc(self) -> dict[str, Any]:
        return self.to_dict()


class Run(_Result):
    """``casus run``: what the treaty says of each event, and why."""

    @property
    def scenario(self) -> str:
        return self._doc["scenario"]

    @property
    def events(self) -> pd.DataFrame:
        """``event, date, kind, title, casus_foederis, casus_foederis_for,
        articles`` (the provisions that apply, comma-separated); treaty columns
        are NA for bilateral requests."""
        rows = []
        for e in self._doc["events"]:
            t = e.get("treaty") or {}
            rows.append(
                {
                    "event": e["id"],
                    "date": e["date"],
                    "kind": e["kind"],
                    "title": e.get("title"),
                    "casus_foederis": t.get("casus_foederis"),
                    "casus_foederis_for": t.get("casus_foederis_for"),
                    "articles": ", ".join(t["articles"]) if "articles" in t else None,
                }
            )
        cols = ["event", "date", "kind", "title", "casus_foederis", "casus_foederis_for", "articles"]
        return _dates(_frame(rows, cols))

    @property
    def actions(self) -> pd.DataFrame:
        """``event, action, territory_of, verdict``: the treaty's verdict on
        each collective action at each event."""
        rows = [
            {
                "event": e["id"],
                "action": a["action"],
                "territory_of": a.get("territory_of"),
                "verdict": a["verdict"],
            }
            for e in self._doc["events"]
            for a in (e.get("treaty") or {}).get("actions", [])
        ]
        return _frame(rows, ["event", "action", "territory_of", "verdict"])

    @property
    def chain(self) -> pd.DataFrame:
        """``event, provision, instrument, article, status, reason, verbatim,
        source``: every provision relevant to each event, with its citation."""
        cols = ["provision", "instrument", "article", "status", "reason", "verbatim", "source"]
        rows = [
            {"event": e["id"], **{c: s.get(c) for c in cols}}
            for e in self._doc["events"]
            for s in (e.get("treaty") or {}).get("chain", [])
        ]
        return _frame(rows, ["event", *cols])

    def __repr__(self) -> str:
        return f"<casus.Run {self.scenario!r}: {len(self._doc['events'])} events>"


class Explanation(_Result):
    """``casus explain``: every decision along the most likely course."""

    @property
    def scenario(self) -> str:
        return self._doc["scenario"]

    @property
    def outcomes(self) -> pd.DataFrame:
        """``event, modal_outcome, limited_by``: what the most likely choices led to."""
        rows = [
            {
                "event": e["id"],
                "modal_outcome": e.get("modal_outcome"),
                "limited_by": (e.get("council") or {}).get("limited_by"),
            }
            for e in self._doc["events"]
        ]
        return _frame(rows, ["event", "modal_outcome", "limited_by"])

    @property
    def decisions(self) -> pd.DataFrame:
        """``event, member, stance, utility, probability``: each member's logit
        choice (utility NA where the stance is infeasible)."""
        rows = [
            {
                "event": e["id"],
                "member": m["state"],
                "stance": s,
                "utility": m["utilities"][i],
                "probability": m["probabilities"][i],
            }
            for e in self._doc["events"]
            for m in e["decisions"]["members"]
            for i, s in enumerate(STANCES)
        ]
        return _frame(rows, ["event", "member", "stance", "utility", "probability"])

    @property
    def terms(self) -> pd.DataFrame:
        """``event, member, term, contribution``: each utility term times its
        weight, as it enters the member's net benefit."""
        rows = [
            {"event": e["id"], "member": m["state"], "term": t, "contribution": v}
            for e in self._doc["events"]
            for m in e["decisions"]["members"]
            for t, v in m["contributions"]
        ]
        return _frame(rows, ["event", "member", "term", "contribution"])

    def __repr__(self) -> str:
        return f"<casus.Explanation {self.scenario!r}: {len(self._doc['events'])} events>"


class Forecast(_Result):
    """``casus forecast``: Monte Carlo over the timeline."""

    @property
    def scenario(self) -> str:
        return self._doc["scenario"]

    @property
    def runs(self) -> int:
        return self._doc["runs"]

    @property
    def seed(self) -> int:
        return self._doc["seed"]

    @property
    def outcomes(self) -> pd.DataFrame:
        """``event, date, outcome, probability, ci_low, ci_high``: each rung of
        the ladder at each decided event, with its 95% Wilson interval."""
        rows = [
            {
                "event": e["id"],
                "date": e["date"],
                "outcome": o,
                "probability": e["outcomes"][o],
                "ci_low": e["ci95"][o][0],
                "ci_high": e["ci95"][o][1],
            }
            for e in self._doc["events"]
            if "outcomes" in e
            for o in OUTCOMES
        ]
        cols = ["event", "date", "outcome", "probability", "ci_low", "ci_high"]
        return _dates(_frame(rows, cols))

    @property
    def members(self) -> pd.DataFrame:
        """``event, member, stance, probability, expected_troops``: each
        member's stance probabilities and the troops it sends on average over
        the decided runs (repeated on its four rows)."""
        rows = [
            {
                "event": e["id"],
                "member": m,
                "stance": s,
                "probability": f["stances"][s],
                "expected_troops": f["expected_troops"],
            }
            for e in self._doc["events"]
            for m, f in e.get("members", {}).items()
            for s in STANCES
        ]
        return _frame(rows, ["event", "member", "stance", "probability", "expected_troops"])

    @property
    def events(self) -> pd.DataFrame:
        """``event, date, kind, title, p_request, expected_days_to_deploy,
        expected_troops_if_deployed, p_all_sign, p_host_cancels``: one row per
        forecast event (NA where it does not apply)."""
        titles = dict(self._inner.titles())
        rows = [
            {
                "event": e["id"],
                "date": e["date"],
                "kind": e["kind"],
                "title": titles.get(e["id"]),
                "p_request": e.get("p_request"),
                "expected_days_to_deploy": (e.get("deployment") or {}).get("expected_days_to_deploy"),
                "expected_troops_if_deployed": (e.get("deployment") or {}).get(
                    "expected_troops_if_deployed"
                ),
                "p_all_sign": e.get("p_all_sign"),
                "p_host_cancels": e.get("p_host_cancels"),
            }
            for e in self._doc["events"]
        ]
        cols = [
            "event",
            "date",
            "kind",
            "title",
            "p_request",
            "expected_days_to_deploy",
            "expected_troops_if_deployed",
            "p_all_sign",
            "p_host_cancels",
        ]
        df = _dates(_frame(rows, cols))
        return df.astype({c: "float64" for c in cols[4:]})

    @property
    def summits(self) -> pd.DataFrame:
        """``event, member, p_sign``: who signs each summit's declaration."""
        rows = [
            {"event": e["id"], "member": m, "p_sign": p}
            for e in self._doc["events"]
            for m, p in e.get("p_sign", {}).items()
        ]
        return _frame(rows, ["event", "member", "p_sign"])

    @property
    def exercises(self) -> pd.DataFrame:
        """``event, member, p_take_part``: who takes part in each exercise."""
        rows = [
            {"event": e["id"], "member": m, "p_take_part": p}
            for e in self._doc["events"]
            for m, p in e.get("p_take_part", {}).items()
        ]
        return _frame(rows, ["event", "member", "p_take_part"])

    def __repr__(self) -> str:
        return f"<casus.Forecast {self.scenario!r}: {self.runs} runs, seed {self.seed}>"


class Horizon(_Result):
    """``casus forecast --until DATE``: the years after the scenario."""

    @property
    def scenario(self) -> str:
        return self._doc["scenario"]

    @property
    def runs(self) -> int:
        return self._doc["runs"]

    @property
    def seed(self) -> int:
        return self._doc["seed"]

    @property
    def members(self) -> pd.DataFrame:
        """``year, member, state, probability``: by the end of each year, P(the
        member is in that state); states are those of ``HORIZON_STATES``
        (``left`` is "gone", ``frozen_or_gone`` counts freezes and exits)."""
        rows = [
            {"year": y["year"], "member": m, "state": st, "probability": p}
            for y in self._doc["years"]
            for st in HORIZON_STATES
            for m, p in y[f"p_{st}"].items()
        ]
        return _frame(rows, ["year", "member", "state", "probability"])

    @property
    def alliance(self) -> pd.DataFrame:
        """``year, p_dissolved, p_deployment_so_far, engaged_q05,
        engaged_median, engaged_q95``: the alliance's series."""
        rows = [
            {
                "year": y["year"],
                "p_dissolved": y["p_dissolved"],
                "p_deployment_so_far": y["p_deployment_so_far"],
                "engaged_q05": y["engaged_allies"]["q05"],
                "engaged_median": y["engaged_allies"]["median"],
                "engaged_q95": y["engaged_allies"]["q95"],
            }
            for y in self._doc["years"]
        ]
        cols = [
            "year",
            "p_dissolved",
            "p_deployment_so_far",
            "engaged_q05",
            "engaged_median",
            "engaged_q95",
        ]
        return _frame(rows, cols)

    @property
    def engaged(self) -> pd.DataFrame:
        """``year, allies, probability``: the distribution of the number of
        engaged allies (members other than the leading power)."""
        rows = [
            {"year": y["year"], "allies": k, "probability": p}
            for y in self._doc["years"]
            for k, p in enumerate(y["engaged_allies"]["histogram"])
        ]
        return _frame(rows, ["year", "allies", "probability"])

    def __repr__(self) -> str:
        return f"<casus.Horizon {self.scenario!r} until {self._doc['until']}: {self.runs} runs>"


class _Summary:
    """The pooled forecast inside a posterior run, as a Horizon's inner."""

    def __init__(self, text: str) -> None:
        self._text = text

    def to_json(self) -> str:
        return self._text


class PosteriorHorizon(_Result):
    """``casus forecast --until DATE --posterior``: the years after the
    scenario with parameters drawn from their posterior, block by block."""

    @property
    def draws(self) -> int:
        return self._doc["draws"]

    @property
    def horizon(self) -> Horizon:
        """The pooled forecast over every draw (a :class:`Horizon`)."""
        return Horizon(_Summary(self._inner.summary_json()))

    @property
    def spread(self) -> pd.DataFrame:
        """``year, quantity, member, p, mean_ci_low, mean_ci_high,
        parameter_sd, ci_low, ci_high``: each headline probability, the 95%
        interval of its estimate, its sd across the posterior's parameters and
        its 95% interval across them (quantities: ``dissolved``,
        ``deployment_so_far``, ``frozen_or_gone``, ``left``; ``member`` is
        empty for the alliance's)."""
        rows = []
        for y in self._doc["years"]:
            items = [("dissolved", "", y["dissolved"]), ("deployment_so_far", "", y["deployment_so_far"])]
            for q in ("frozen_or_gone", "left"):
                items += [(q, m, x) for m, x in y[q].items()]
            for q, m, x in items:
                rows.append(
                    {
                        "year": y["year"],
                        "quantity": q,
                        "member": m,
                        "p": x["p"],
                        "mean_ci_low": x["mean_ci95"][0],
                        "mean_ci_high": x["mean_ci95"][1],
                        "parameter_sd": x["parameter_sd"],
                        "ci_low": x["ci95"][0],
                        "ci_high": x["ci95"][1],
                    }
                )
        cols = ["year", "quantity", "member", "p", "mean_ci_low", "mean_ci_high", "parameter_sd", "ci_low", "ci_high"]
        return _frame(rows, cols)

    def __repr__(self) -> str:
        return f"<casus.PosteriorHorizon {self._doc['summary']['scenario']!r}: {self.draws} draws>"


class PosteriorForecast(_Result):
    """``casus forecast --posterior``: the scenario's events with parameters
    drawn from their posterior, block by block."""

    @property
    def draws(self) -> int:
        return self._doc["draws"]

    @property
    def forecast(self) -> Forecast:
        """The pooled forecast over every draw (a :class:`Forecast`)."""
        return Forecast(self._inner.summary())

    @property
    def spread(self) -> pd.DataFrame:
        """``event, quantity, p, mean_ci_low, mean_ci_high, parameter_sd,
        ci_low, ci_high``: each headline probability of each event, the 95%
        interval of its estimate, its sd across the posterior's parameters and
        its 95% interval across them (quantities: ``request``, the rungs
        ``none`` … ``deployment`` given an answer, ``all_sign``,
        ``host_cancels``)."""
        rows = []
        for e in self._doc["events"]:
            items = [(o, x) for o, x in e["outcomes"]]
            for q in ("request", "all_sign", "host_cancels"):
                if e.get(q) is not None:
                    items.append((q, e[q]))
            for q, x in items:
                rows.append(
                    {
                        "event": e["id"],
                        "quantity": q,
                        "p": x["p"],
                        "mean_ci_low": x["mean_ci95"][0],
                        "mean_ci_high": x["mean_ci95"][1],
                        "parameter_sd": x["parameter_sd"],
                        "ci_low": x["ci95"][0],
                        "ci_high": x["ci95"][1],
                    }
                )
        cols = ["event", "quantity", "p", "mean_ci_low", "mean_ci_high", "parameter_sd", "ci_low", "ci_high"]
        return _frame(rows, cols)

    def __repr__(self) -> str:
        return f"<casus.PosteriorForecast {self._doc['summary']['scenario']!r}: {self.draws} draws>"


def _score_rows(doc: dict[str, Any], **extra: Any) -> list[dict[str, Any]]:
    scored = [("model", doc["scores"]), *sorted(doc["baselines"].items())]
    return [{**extra, "predictor": k, **v} for k, v in scored]


_SCORE_COLS = ["predictor", "brier", "log", "accuracy", "n"]


class Backtest(_Result):
    """``casus backtest``: the model against documented cases."""

    @property
    def cases(self) -> int:
        return len(self._doc["cases"])

    @property
    def scores(self) -> pd.DataFrame:
        """``predictor, brier, log, accuracy, n``: the model and each baseline
        on the same outcomes (multi-class Brier and log score: lower is better)."""
        return _frame(_score_rows(self._doc), _SCORE_COLS)

    @property
    def predictions(self) -> pd.DataFrame:
        """``case, event, observed, predictor, outcome, probability``: each
        predictor's distribution over the ladder for each case (``model``,
        ``treaty_literal``, ``leader_only``)."""
        rows = []
        for c in self._doc["cases"]:
            dists = [("model", c["predicted"]), *c["baselines"].items()]
            for name, d in dists:
                if d is None:
                    continue
                for o in OUTCOMES:
                    rows.append(
                        {
                            "case": c["id"],
                            "event": c["event"],
                            "observed": c["observed"],
                            "predictor": name,
                            "outcome": o,
                            "probability": d[o],
                        }
                    )
        return _frame(rows, ["case", "event", "observed", "predictor", "outcome", "probability"])

    @property
    def stances(self) -> pd.DataFrame:
        """``case, member, observed, p``: member-level observations (stances)
        with the model's probability of the observed one."""
        rows = [
            {"case": c["id"], "member": m, "observed": s["observed"], "p": s["p"]}
            for c in self._doc["cases"]
            for m, s in c["stances"].items()
        ]
        return _frame(rows, ["case", "member", "observed", "p"])

    @property
    def by_alliance(self) -> pd.DataFrame:
        """With ``hold_out="alliance"``: ``alliance, cases, predictor, brier,
        log, accuracy, n`` (climatology from the other alliances' base rates)."""
        rows = [
            r
            for g in self._doc.get("by_alliance", [])
            for r in _score_rows(g, alliance=g["group"], cases=len(g["cases"]))
        ]
        return _frame(rows, ["alliance", "cases", *_SCORE_COLS])

    def __repr__(self) -> str:
        s = self._doc["scores"]
        return f"<casus.Backtest {self.cases} cases: Brier {s['brier']:.3f} on {s['n']} outcomes>"


class Calibration:
    """``casus calibrate``: the fitted parameters and how well they do. The
    CLI prints a calibration as text and writes a parameter file, so there is
    no ``--json`` to match; ``to_json()`` is the summary's own structure."""

    def __init__(self, inner: Any, prior: _casus.Params) -> None:
        self._inner = inner
        self._prior = prior

    @property
    def params(self) -> _casus.Params:
        """The fitted parameters (pass them as ``params=`` to any use case)."""
        return self._inner.fitted

    @property
    def objective(self) -> float:
        """The MAP objective at the fit (−log-posterior, up to a constant)."""
        return self._inner.objective

    @property
    def parameters(self) -> pd.DataFrame:
        """``name, prior, fitted``: every global parameter."""
        prior = self._prior.to_dict()
        fitted = self.params.to_dict()
        rows = [{"name": k, "prior": prior[k], "fitted": v} for k, v in fitted.items()]
        return _frame(rows, ["name", "prior", "fitted"])

    @property
    def scores(self) -> pd.DataFrame:
        """``sample, predictor, brier, log, accuracy, n``: in sample with the
        prior's values (``before``), with the fit (``after``), and out of sample
        (``held_out``, if the calibration held cases out)."""
        rows = [
            r
            for sample, doc in self._inner.backtests()
            for r in _score_rows(json.loads(doc), sample=sample)
        ]
        return _frame(rows, ["sample", *_SCORE_COLS])

    def to_json(self) -> str:
        return self._inner.to_json()

    def to_dict(self) -> dict[str, Any]:
        return json.loads(self.to_json())

    def __repr__(self) -> str:
        return f"<casus.Calibration objective {self.objective:.3f}>"

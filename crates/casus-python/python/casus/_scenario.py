"""A scenario in Python: its TOML text, the same data as Python values, and
the validated scenario the use cases run.

The text is what is validated, by the loader the CLI uses, so a scenario
changed here fails with the errors ``casus check`` would print for the same
text (:attr:`Scenario.toml`; :meth:`Scenario.save` writes it). A change that
does not validate raises :class:`~casus.ScenarioError` and leaves the scenario
as it was.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import os
import re
import sys
import tempfile
import types
import tomllib
import warnings
from collections.abc import Mapping
from typing import Any

from . import _casus
from ._errors import ScenarioError, ScenarioWarning


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_date(value: Any) -> Any:
    """A ``"YYYY-MM-DD"`` string as a ``datetime.date`` (written as a TOML
    date, as the bundled files write dates); anything else unchanged, for the
    loader to judge."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside this package, so that a
    warning names the user's line, whichever casus function loaded the scenario."""
    here = os.path.dirname(__file__)
    frame: types.FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == here:
        frame, level = frame.f_back, level + 1
    return level


def _sort_key(value: Any) -> str:
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


class Scenario:
    """A validated scenario: a dated timeline of typed events on one alliance,
    with optional overrides (see ``docs/scenario-format.md``).

    Make one with :func:`casus.load` (a bundled name or a file),
    :meth:`from_toml` or :meth:`from_dict`. Inspect it through :attr:`id`,
    :attr:`title`, :attr:`events`, :attr:`overrides`, :meth:`to_dict`; change it
    with :meth:`add_event`, :meth:`add_override`, :meth:`remove_event` and
    :meth:`set`; every change is validated at once.
    """

    def __init__(self, text: str, file: str = "<string>") -> None:
        core, found = _casus.parse_scenario(file, text)
        self._text = text
        self._file = file
        self._core = core
        self._data = tomllib.loads(text)
        self.warnings: list[str] = found
        """The loader's warnings, as the CLI prints them."""
        for w in found:
            warnings.warn(w, ScenarioWarning, stacklevel=_caller_level())

    # -- making one -------------------------------------------------------

    @classmethod
    def from_toml(cls, text: str, file: str = "<string>") -> Scenario:
        """A scenario from TOML text; errors name ``file``."""
        return cls(text, file)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], file: str = "<dict>") -> Scenario:
        """A scenario from Python data shaped like the TOML file (dates as
        ``datetime.date`` or ``"YYYY-MM-DD"``). Errors point at lines of the
        TOML text it is written as (``e.text``, and :attr:`toml` once valid)."""
        text = _casus.to_toml(data)
        try:
            return cls(text, file)
        except ScenarioError as e:
            e.text = text
            raise

    # -- inspecting -------------------------------------------------------

    @property
    def file(self) -> str:
        """The name errors give this scenario's text: the path or bundled file
        it was loaded from, ``<edited …>`` once changed."""
        return self._file

    @property
    def toml(self) -> str:
        """The scenario's TOML text (the lines errors refer to)."""
        return self._text

    @property
    def id(self) -> str:
        return self._data["id"]

    @property
    def title(self) -> str:
        return self._data["title"]

    @property
    def description(self) -> str:
        return self._data.get("description", "")

    @property
    def alliance(self) -> str:
        return self._data["alliance"]

    @property
    def seed(self) -> int:
        """The scenario's own seed: the default of run and forecast."""
        return self._data.get("seed", 0)

    @property
    def events(self):
        """The timeline as a DataFrame: one row per event, the file's keys as
        columns (``id``, ``date``, ``kind``, ``title``, then the rest; missing
        keys are NA)."""
        import pandas as pd

        rows = [dict(e) for e in self._data.get("events", [])]
        first = ["id", "date", "kind", "title"]
        df = pd.DataFrame(rows)
        cols = [c for c in first if c in df.columns] + [c for c in df.columns if c not in first]
        df = df[cols]
        if "date" in df.columns:
            df["date"] = pd.to_datetime(df["date"].map(_sort_key))
        return df

    @property
    def overrides(self):
        """The overrides (counterfactual changes to the world) as a DataFrame."""
        import pandas as pd

        return pd.DataFrame([dict(o) for o in self._data.get("overrides", [])])

    def to_dict(self) -> dict[str, Any]:
        """A copy of the scenario as Python data (the TOML file's shape)."""
        return copy.deepcopy(self._data)

    def check(self) -> dict[str, Any]:
        """What ``casus check`` reports of a valid scenario."""
        return {"scenario": self._core.id, "events": self._core.events, "alliance": self.alliance}

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the TOML text to ``path`` (``casus check PATH`` then reads the
        same scenario). Atomic, as the CLI's outputs: a temporary file beside
        the target (through a symbolic link) replaces it whole, or nothing
        changes."""
        target = os.path.realpath(path)
        if os.path.isdir(target):
            raise IsADirectoryError(f"`{os.fspath(path)}` is a directory; give a file name")
        fd, tmp = tempfile.mkstemp(prefix=".casus-", suffix=".toml", dir=os.path.dirname(target))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self._text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def copy(self) -> Scenario:
        """An independent copy (change it without changing this one)."""
        other = object.__new__(Scenario)
        other.__dict__.update(self.__dict__)
        other._data = copy.deepcopy(self._data)
        other.warnings = list(self.warnings)
        return other

    def __repr__(self) -> str:
        n = len(self._data.get("events", []))
        return f"<casus.Scenario {self.id!r}: {n} events, {self.alliance}, from {self._file}>"

    # -- changing ---------------------------------------------------------

    def _replace(self, data: dict[str, Any]) -> None:
        """Validate `data`; on success it becomes this scenario."""
        base = self._file
        if base.startswith("<edited ") and base.endswith(">"):
            base = base[len("<edited ") : -1]
        new = Scenario.from_dict(data, f"<edited {base}>")
        self.__dict__.update(new.__dict__)

    def add_event(self, event: Mapping[str, Any] | None = None, /, **fields: Any) -> None:
        """Add an event to the timeline, at its date (after the events of the
        same date). Give the keys of an ``[[events]]`` table as a mapping or
        as keywords: ``s.add_event(id="ask", date="2022-09-13", kind="request",
        requester="ARM", to="CSTO", crisis="attack", asks="forces", title="…")``."""
        new = {**(event or {}), **fields}
        if "date" in new:
            new["date"] = _as_date(new["date"])
        data = self.to_dict()
        events = data.setdefault("events", [])
        at = len(events)
        if "date" in new:
            key = _sort_key(new["date"])
            at = next(
                (i for i, e in enumerate(events) if _sort_key(e.get("date")) > key),
                len(events),
            )
        events.insert(at, new)
        self._replace(data)

    def remove_event(self, event_id: str) -> None:
        """Remove the event with this id (an error if there is none, or if a
        later request refers to it)."""
        data = self.to_dict()
        events = data.get("events", [])
        kept = [e for e in events if e.get("id") != event_id]
        if len(kept) == len(events):
            ids = ", ".join(str(e.get("id")) for e in events)
            raise KeyError(f"scenario `{self.id}` has no event `{event_id}`; its events: {ids}")
        data["events"] = kept
        self._replace(data)

    def add_override(self, override: Mapping[str, Any] | None = None, /, **fields: Any) -> None:
        """Add an ``[[overrides]]`` entry: a figure
        (``state=, attribute=, year=, value=, source=``), a removed provision,
        another leading power, another decision rule or an added relation
        (``docs/scenario-format.md``)."""
        data = self.to_dict()
        data.setdefault("overrides", []).append({**(override or {}), **fields})
        self._replace(data)

    def set(self, **fields: Any) -> None:
        """Set top-level keys (``id``, ``title``, ``description``, ``seed``,
        ``alliance``, ``sources``)."""
        data = self.to_dict()
        data.update(fields)
        self._replace(data)

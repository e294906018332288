"""The exceptions and warnings casus raises.

Input problems are located, as the command line locates them: an
:class:`InputError` carries every problem found (``.problems``), each with the
file, line, column, message and what to do; ``str(error)`` is the text
``casus`` prints on standard error, byte for byte. The first problem is also
at ``.file``, ``.line``, ``.column``, ``.message`` and ``.help``.
"""

from __future__ import annotations

from dataclasses import dataclass


class CasusError(Exception):
    """Any error of a casus use case."""


class RequestError(CasusError, ValueError):
    """A request casus cannot do as asked (0 runs, an unknown event, a date
    outside the horizon, …); the message says what to do instead."""


@dataclass(frozen=True)
class Problem:
    """One problem at one place in one file (lines and columns are 1-based)."""

    file: str
    line: int
    column: int
    message: str
    help: str | None = None

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: error: {self.message}"
        return text + (f"\n  help: {self.help}" if self.help else "")


class InputError(CasusError, ValueError):
    """Input text that failed to load or validate: a scenario, a parameter
    file, a case directory. ``str(e)`` is the CLI's message."""

    problems: list[Problem]

    def __init__(self, text: str, problems: list[dict] | None = None) -> None:
        super().__init__(text)
        self.problems = [Problem(**p) for p in (problems or [])]
        # The text the problems' lines refer to, where it is not a file on
        # disk (an edited scenario): set by casus.Scenario.
        self.text: str | None = None

    def _first(self, name: str):
        return getattr(self.problems[0], name) if self.problems else None

    @property
    def file(self) -> str | None:
        """The file of the first problem."""
        return self._first("file")

    @property
    def line(self) -> int | None:
        """The line of the first problem (1-based)."""
        return self._first("line")

    @property
    def column(self) -> int | None:
        """The column of the first problem (1-based, in characters)."""
        return self._first("column")

    @property
    def message(self) -> str | None:
        """What is wrong, at the first problem."""
        return self._first("message")

    @property
    def help(self) -> str | None:
        """What to do about the first problem."""
        return self._first("help")


class ScenarioError(InputError):
    """A scenario that does not load or validate (``casus check`` fails)."""


class ScenarioWarning(UserWarning):
    """A scenario loads, but its result rests on an assumption the file did
    not state (e.g. a figure carried forward past the last year the data know);
    the CLI prints the same text on standard error."""

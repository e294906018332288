"""Type stubs of the extension module `casus._casus` (crates/casus-python/src/lib.rs).

Users call the `casus` package, which wraps these; the stubs keep the
wrapper's calls checked."""

from collections.abc import Callable

__version__: str
MAX_RUNS: int
MAX_THREADS: int
DEFAULT_PRIOR_SD: float

_Progress = Callable[[int, int], object] | None

class ValidScenario:
    @property
    def id(self) -> str: ...
    @property
    def events(self) -> int: ...

class Params:
    """The decision model's global parameters (``data/parameters.toml``)."""

    @staticmethod
    def bundled() -> Params:
        """The shipped parameters, the default of every use case."""
    @staticmethod
    def priors() -> Params:
        """The priors calibration starts from (``data/priors.toml``)."""
    @staticmethod
    def load(path: str) -> Params:
        """A parameter file, validated as ``--params FILE`` is."""
    @staticmethod
    def from_toml(text: str, file: str = "<string>") -> Params: ...
    @staticmethod
    def names() -> list[str]:
        """Every parameter's name, in declaration order."""
    def to_dict(self) -> dict[str, float]:
        """``{name: value}`` in declaration order."""
    def replace(self, **values: float) -> Params:
        """A copy with these parameters set (without the file's posterior)."""
    def has_posterior(self) -> bool:
        """Whether the parameters carry the file's ``[posterior]``."""
    def __eq__(self, other: object) -> bool: ...

class RunResult:
    def to_json(self) -> str: ...

class ExplainResult:
    def to_json(self) -> str: ...

class ForecastResult:
    def to_json(self) -> str: ...
    def titles(self) -> list[tuple[str, str]]: ...

class HorizonResult:
    def to_json(self) -> str: ...

class PosteriorHorizonResult:
    def to_json(self) -> str: ...
    def summary_json(self) -> str: ...

class PosteriorForecastResult:
    def to_json(self) -> str: ...
    def summary(self) -> ForecastResult: ...

class BacktestResult:
    def to_json(self) -> str: ...

class CalibrationResult:
    @property
    def fitted(self) -> Params: ...
    @property
    def objective(self) -> float: ...
    def to_json(self) -> str: ...
    def backtests(self) -> list[tuple[str, str]]: ...

def parse_scenario(file: str, text: str) -> tuple[ValidScenario, list[str]]: ...
def scenario_source(name_or_path: str) -> tuple[str, str]: ...
def catalogue(on: str) -> str: ...
def state_table(year: int) -> dict[str, list[object]]: ...
def run(scenario: ValidScenario, seed: int | None = None) -> RunResult: ...
def explain(scenario: ValidScenario, params: Params, event: str | None = None) -> ExplainResult: ...
def forecast(
    scenario: ValidScenario,
    params: Params,
    runs: int,
    seed: int | None = None,
    threads: int | None = None,
    progress: _Progress = None,
) -> ForecastResult: ...
def horizon(
    scenario: ValidScenario,
    params: Params,
    until: str,
    runs: int,
    seed: int | None = None,
    threads: int | None = None,
    progress: _Progress = None,
) -> HorizonResult: ...
def horizon_posterior(
    scenario: ValidScenario,
    params: Params,
    until: str,
    runs: int,
    draws: int,
    seed: int | None = None,
    threads: int | None = None,
    progress: _Progress = None,
) -> PosteriorHorizonResult: ...
def forecast_posterior(
    scenario: ValidScenario,
    params: Params,
    runs: int,
    draws: int,
    seed: int | None = None,
    threads: int | None = None,
    progress: _Progress = None,
) -> PosteriorForecastResult: ...
def backtest(params: Params, cases: str | None = None, hold_out: str | None = None) -> BacktestResult: ...
def calibrate(
    prior: Params,
    cases: str | None = None,
    evals: int = 6000,
    prior_sd: float | None = None,
    hold_out: str | None = "case",
    threads: int | None = None,
    progress: _Progress = None,
) -> CalibrationResult: ...
def to_toml(value: object) -> str: ...

class Design:
    @property
    def scenarios(self) -> list[str]: ...
    @property
    def params(self) -> str | None: ...
    @property
    def points_file(self) -> str | None: ...
    @property
    def factors(self) -> list[tuple[str, float, float]]: ...
    @property
    def seed(self) -> int: ...
    @property
    def runs(self) -> int: ...
    @property
    def outputs(self) -> list[str]: ...

class SweepResult:
    def to_json(self) -> str: ...
    def to_part(self) -> str: ...

def parse_design(file: str, text: str) -> Design: ...
def parse_points(file: str, text: str) -> tuple[list[str], list[list[float]]]: ...
def sweep(
    design: Design,
    scenarios: list[ValidScenario],
    params: Params,
    points: tuple[list[str], list[list[float]]] | None = None,
    shard: tuple[int, int] | None = None,
    threads: int | None = None,
    progress: _Progress = None,
) -> SweepResult: ...
def merge_sweeps(parts: list[str]) -> SweepResult: ...
def forecast_shard(
    scenario: ValidScenario,
    params: Params,
    runs: int,
    shard: tuple[int, int],
    seed: int | None = None,
    until: str | None = None,
    threads: int | None = None,
) -> str: ...
def merge(parts: list[str]) -> ForecastResult | HorizonResult: ...

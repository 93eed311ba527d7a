"""What one run of a sweep is, and how it becomes one row of the frame.

A :class:`Plan` holds what every run of a sweep shares: the run (a Python
function ``run(seed=..., **params)`` or a scenario file's text), the metrics
and the service under study.  :meth:`Plan.row` makes one run and returns its
row: the metrics, or the error that stopped it (``error`` column, never an
exception: a sweep does not crash because one run did).

Plans travel to worker processes as bytes made by cloudpickle, so a function
defined in a notebook or a script (``__main__``) goes by value and one
defined in a module by reference (:func:`pack`, :func:`unpack`).

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import cloudpickle

from swarmsim.errors import InvalidArgument
from swarmsim.experiments.grid import RESERVED, Value
from swarmsim.experiments.measures import Metric, Outcome, service_of

__all__ = ["Plan", "ScenarioRun", "make_plan", "pack", "unpack"]

#: Virtual seconds a scenario run may take to settle after its timeline.
SCENARIO_SETTLE = 3600.0


@dataclass(frozen=True)
class ScenarioRun:
    """A scenario file as a run: its text, parsed with each run's parameters."""

    file: str
    text: str

    @property
    def identity(self) -> str:
        digest = hashlib.sha256(self.text.encode()).hexdigest()[:16]
        return f"scenario:{os.path.basename(self.file)}:{digest}"

    def __call__(self, seed: int, **params: Value) -> tuple[Any, int]:
        from swarmsim.scenario.loader import parse_scenario
        from swarmsim.scenario.runner import Runner

        scenario = parse_scenario(self.text, self.file, parameters=params)
        runner = Runner(scenario, out=io.StringIO(), quiet=True, seed=seed)
        result = runner.run()
        runner.swarm.settle(SCENARIO_SETTLE)
        return runner.swarm, sum(1 for v in result.verdicts if not v.passed)


@dataclass(frozen=True)
class Plan:
    """What the runs of one sweep share.

    Attributes
    ----------
    run
        ``run(seed=..., **params)`` returning a Swarm or a dict of metrics,
        or a :class:`ScenarioRun`.
    metrics
        Column name → metric, applied when a run returns a swarm.
    service
        The service to measure (``None``: see :func:`~.measures.service_of`).
    identity
        What names the run in the cache: module and qualified name plus a
        hash of the source when it can be read, or the scenario's text hash.
    """

    run: Callable[..., Any]
    metrics: Mapping[str, Metric]
    service: str | None = None
    identity: str = field(default="")

    def row(self, params: Mapping[str, Value], seed: int) -> dict[str, Value]:
        """Make one run; its metrics, or its ``error``."""
        try:
            return self._measure(params, seed)
        except Exception as error:
            message = str(error).strip().splitlines()
            return {"error": f"{type(error).__name__}: {message[0] if message else ''}".strip()}

    def _measure(self, params: Mapping[str, Value], seed: int) -> dict[str, Value]:
        from swarmsim.swarm import Swarm

        extra: dict[str, Value] = {}
        result = self.run(seed=seed, **params)
        if isinstance(self.run, ScenarioRun):
            result, failed = result
            extra["expectations_failed"] = failed
        if isinstance(result, Mapping):
            return {_column(k): _scalar(k, v) for k, v in result.items()}
        if not isinstance(result, Swarm):
            raise InvalidArgument(
                f"the run returned {type(result).__name__}; expected a Swarm or a dict of metrics"
            )
        outcome = Outcome(result.trace, service_of(result.trace, self.service), result)
        row = {name: _scalar(name, metric(outcome)) for name, metric in self.metrics.items()}
        return {**row, **extra}


def _column(name: object) -> str:
    if not isinstance(name, str) or name in RESERVED:
        raise InvalidArgument(
            f"a metric is named by a string other than seed/error/sim_version, not {name!r}"
        )
    return name


def _scalar(name: str, value: object) -> Value:
    """A metric's value as a plain number, string, boolean or None (JSON for the cache)."""
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and not isinstance(value, bool | int | float | str):
        value = item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if not math.isnan(value) else math.nan
    raise InvalidArgument(
        f"metric {name!r} returned {type(value).__name__}; a metric returns a number, "
        "a string, a boolean or None"
    )


def _identity(run: Callable[..., Any]) -> str:
    if isinstance(run, ScenarioRun):
        return run.identity
    name = f"{getattr(run, '__module__', '?')}.{getattr(run, '__qualname__', type(run).__name__)}"
    try:
        source = inspect.getsource(run)
    except (OSError, TypeError):
        return name
    return f"{name}:{hashlib.sha256(source.encode()).hexdigest()[:16]}"


def _metrics_identity(metrics: Mapping[str, Metric]) -> str:
    return json.dumps([[name, _identity(fn)] for name, fn in metrics.items()])


def make_plan(run: object, metrics: Mapping[str, Metric], service: str | None) -> Plan:
    """A :class:`Plan` from what ``sweep`` was given (a function, a path or a scenario).

    Raises
    ------
    InvalidArgument
        For a run that is neither, a scenario file that cannot be read, or
        metrics that are not a mapping of names to functions.
    """
    from swarmsim.scenario.model import Scenario

    if isinstance(run, Scenario):
        run = run.file
    if isinstance(run, str | os.PathLike):
        path = Path(run)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise InvalidArgument(
                f"{os.fspath(run)}: cannot read the scenario: {error.strerror}"
            ) from None
        run = ScenarioRun(os.fspath(run), text)
    if not callable(run):
        raise InvalidArgument(
            f"a run is a function run(seed=..., **params) or a scenario file, not {run!r:.60}"
        )
    if not isinstance(metrics, Mapping) or not all(
        isinstance(k, str) and callable(f) for k, f in metrics.items()
    ):
        raise InvalidArgument("metrics must map column names to functions of an Outcome")
    for name in metrics:
        _column(name)
    if service is not None and not isinstance(service, str):
        raise InvalidArgument(f"service must be a service name, not {service!r:.60}")
    identity = json.dumps([_identity(run), _metrics_identity(metrics), service])
    return Plan(run, dict(metrics), service, identity)


def pack(plan: Plan) -> bytes:
    """The plan as bytes for another process (cloudpickle).

    Raises
    ------
    InvalidArgument
        When the run or a metric cannot be pickled (it holds a lock, a file...).
    """
    try:
        data: bytes = cloudpickle.dumps(plan)
    except Exception as error:
        raise InvalidArgument(
            f"the run cannot be sent to other processes ({type(error).__name__}: {error}); "
            "use jobs=1 or define it with what it needs in a module"
        ) from None
    return data


@lru_cache(maxsize=4)
def unpack(data: bytes) -> Plan:
    """The plan again, once per worker process."""
    plan = cloudpickle.loads(data)
    assert isinstance(plan, Plan)
    return plan


def run_chunk(
    data: bytes, items: list[tuple[int, dict[str, Value], int]]
) -> list[tuple[int, dict[str, Value]]]:
    """Make the runs of one chunk in a worker: (index, row) for each (index, params, seed)."""
    plan = unpack(data)
    return [(index, plan.row(params, seed)) for index, params, seed in items]

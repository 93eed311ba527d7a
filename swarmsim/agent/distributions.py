"""Random image behaviour: distributions of times, rates, probabilities and exit-code choices.

An :class:`~swarmsim.agent.images.ImageProfile` time (``pull``, ``start``, ...)
is either a number of seconds or a :class:`Distribution` drawn once per
container.  The text form is the same in the shell's ``image`` line, in
scenario files and in Python (``ImageModel.set("app:2", start="lognormal(2s,0.5)")``):

=========================  ==================================================
``2s``, ``2.5``            fixed (a Go duration or a plain number of seconds)
``fixed(2s)``              fixed, spelled as a distribution
``uniform(1s,3s)``         uniform between the two bounds
``normal(2s,500ms)``       normal with that mean and standard deviation,
                           negative draws taken as ``0s``
``lognormal(2s,0.5)``      log-normal with that **median** and shape σ
                           (``median * exp(σ * N(0, 1))``)
``exponential(3s)``        exponential with that **mean**
=========================  ==================================================

A rate (``crash_rate``) is ``N/DURATION``: ``1/h``, ``0.5/m``, ``3/10m`` (a
bare unit means one of it), or a plain number per second.  A probability
(``fail_at_start``) is a number from 0 to 1.  An exit code is an integer or
``choice(1,137)`` (equally likely; repeat a value to weight it).

Draws come from named random streams (``ctx.sim.rng(name)``), one per profile
field, so adding a random field never shifts the draws of another, and a
fixed value draws nothing.

This module has no swarmkit counterpart: it stands in for the variability of
real registries, engines and processes.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

from swarmsim.golang import go_quote
from swarmsim.units import format_duration, parse_duration

__all__ = [
    "Choice",
    "Distribution",
    "DistributionError",
    "Exponential",
    "LogNormal",
    "Normal",
    "Uniform",
    "parse_choice",
    "parse_probability",
    "parse_rate",
    "parse_seconds",
    "parse_time",
]


class DistributionError(ValueError):
    """A value that does not parse; ``offset`` is where, in the text, the problem starts."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Distribution:
    """A distribution of non-negative seconds (subclasses say which)."""

    def sample(self, rng: random.Random) -> float:
        """One draw, in seconds (never negative)."""
        raise NotImplementedError

    def __str__(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Uniform(Distribution):
    """Uniform between ``low`` and ``high`` seconds."""

    low: float
    high: float

    def sample(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)

    def __str__(self) -> str:
        return f"uniform({format_duration(self.low)},{format_duration(self.high)})"


@dataclass(frozen=True, slots=True)
class Normal(Distribution):
    """Normal with ``mean`` and standard deviation ``sd`` seconds, negative draws as 0."""

    mean: float
    sd: float

    def sample(self, rng: random.Random) -> float:
        return max(0.0, rng.gauss(self.mean, self.sd))

    def __str__(self) -> str:
        return f"normal({format_duration(self.mean)},{format_duration(self.sd)})"


@dataclass(frozen=True, slots=True)
class LogNormal(Distribution):
    """Log-normal with ``median`` seconds and shape ``sigma`` (of the underlying normal)."""

    median: float
    sigma: float

    def sample(self, rng: random.Random) -> float:
        return self.median * math.exp(self.sigma * rng.gauss(0.0, 1.0))

    def __str__(self) -> str:
        return f"lognormal({format_duration(self.median)},{self.sigma:g})"


@dataclass(frozen=True, slots=True)
class Exponential(Distribution):
    """Exponential with ``mean`` seconds."""

    mean: float

    def sample(self, rng: random.Random) -> float:
        return rng.expovariate(1.0 / self.mean) if self.mean > 0 else 0.0

    def __str__(self) -> str:
        return f"exponential({format_duration(self.mean)})"


@dataclass(frozen=True, slots=True)
class Choice:
    """One of ``values``, equally likely (an exit code)."""

    values: tuple[int, ...]

    def sample(self, rng: random.Random) -> int:
        """One draw."""
        return self.values[rng.randrange(len(self.values))]

    def __str__(self) -> str:
        return f"choice({','.join(map(str, self.values))})"


_CALL = re.compile(r"([a-z]+)\((.*)\)\Z", re.DOTALL)
_PLAIN = re.compile(r"[0-9]+(\.[0-9]*)?\Z")
_ARITY = {"fixed": 1, "uniform": 2, "normal": 2, "lognormal": 2, "exponential": 1}
MAX_SECONDS = 1e9
"""Largest accepted time (about 31 years): beyond it virtual time would never reach."""


def parse_seconds(text: str) -> float:
    """A Go duration (``1m30s``) or a plain number of seconds (``2.5``).

    >>> parse_seconds("1m30s"), parse_seconds("2.5")
    (90.0, 2.5)
    """
    if _PLAIN.match(text):
        try:
            return parse_duration(text + "s")
        except ValueError:
            raise ValueError(f"time: invalid duration {go_quote(text)}") from None
    return parse_duration(text)


def _time_argument(text: str, offset: int) -> float:
    try:
        seconds = parse_seconds(text.strip())
    except ValueError as error:
        raise DistributionError(str(error), offset) from None
    if not 0 <= seconds <= MAX_SECONDS:
        raise DistributionError(f"{text.strip()} is not a time from 0s to 1e9s", offset)
    return seconds


def _arguments(text: str, start: int) -> list[tuple[str, int]]:
    """Comma-separated arguments with their offsets in the whole text."""
    out: list[tuple[str, int]] = []
    for part in text.split(","):
        out.append((part, start))
        start += len(part) + 1
    return out


def parse_time(text: str) -> float | Distribution:
    """A time: fixed seconds, or a distribution (see the module's table).

    Examples
    --------
    >>> parse_time("lognormal(2s,0.5)")
    LogNormal(median=2.0, sigma=0.5)
    >>> parse_time("fixed(1m)"), parse_time("300ms")
    (60.0, 0.3)
    >>> parse_time("uniform(3s,1s)")
    Traceback (most recent call last):
    ...
    swarmsim.agent.distributions.DistributionError: uniform: low 3s is above high 1s
    """
    call = _CALL.match(text)
    if call is None:
        return _time_argument(text, 0)
    name = call.group(1)
    arity = _ARITY.get(name)
    if arity is None:
        known = ", ".join(_ARITY)
        raise DistributionError(f"unknown distribution {name!r} (known: {known})", 0)
    args = _arguments(call.group(2), len(name) + 1)
    if len(args) != arity:
        raise DistributionError(f"{name} takes {arity} argument{'s' * (arity > 1)}", len(name))
    first = _time_argument(*args[0])
    if name == "fixed":
        return first
    if name == "exponential":
        return Exponential(first)
    if name == "lognormal":
        shape_text, offset = args[1]
        shape = _number(shape_text, offset, "shape")
        return LogNormal(first, shape)
    second = _time_argument(*args[1])
    if name == "uniform":
        if first > second:
            low, high = format_duration(first), format_duration(second)
            raise DistributionError(f"uniform: low {low} is above high {high}", args[0][1])
        return Uniform(first, second)
    return Normal(first, second)


def _number(text: str, offset: int, what: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise DistributionError(f"{what} {text.strip()!r} is not a number", offset) from None
    if not math.isfinite(value) or value < 0:
        raise DistributionError(f"{what} must be a finite number >= 0, not {text.strip()}", offset)
    return value


def parse_rate(text: str) -> float:
    """Events per second from ``N/DURATION`` (``1/h``, ``3/10m``) or a plain number.

    >>> parse_rate("1/h") * 3600, parse_rate("3/10m") * 600, parse_rate("0.5")
    (1.0, 3.0, 0.5)
    """
    count, slash, per = text.partition("/")
    value = _number(count, 0, "rate")
    if not slash:
        return value
    offset = len(count) + 1
    unit = per.strip()
    window = _time_argument("1" + unit if unit[:1].isalpha() else unit, offset)
    if window <= 0:
        raise DistributionError(f"rate per {unit!r}: the duration must be above 0", offset)
    return value / window


def parse_probability(text: str) -> float:
    """A probability from 0 to 1.

    >>> parse_probability("0.1")
    0.1
    """
    value = _number(text, 0, "probability")
    if value > 1:
        raise DistributionError(f"probability must be from 0 to 1, not {text}", 0)
    return value


def parse_choice(text: str) -> int | Choice:
    """An exit code (0-255) or ``choice(C1,C2,...)``.

    >>> parse_choice("choice(1, 137)"), parse_choice("3")
    (Choice(values=(1, 137)), 3)
    """
    call = _CALL.match(text)
    if call is None:
        return _exit_code(text, 0)
    if call.group(1) != "choice":
        raise DistributionError(f"an exit code is a number or choice(...), not {text}", 0)
    args = _arguments(call.group(2), len("choice("))
    return Choice(tuple(_exit_code(arg, offset) for arg, offset in args))


def _exit_code(text: str, offset: int) -> int:
    word = text.strip()
    if not word.isdigit() or int(word) > 255:
        raise DistributionError(f"exit code {word!r} is not an integer from 0 to 255", offset)
    return int(word)

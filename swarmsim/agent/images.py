"""How long images take to pull and start, and how their containers behave.

The agent asks an :class:`ImageModel` for the :class:`ImageProfile` of a
task's image.  A profile says how long a pull takes on a node that does not
have the image yet, how long a container takes to be created, started and
stopped, and how it misbehaves: exits after a while with an exit code, never
becomes healthy, cannot be pulled, fails at start with some probability,
crashes at some rate while running.  A class stages a bad release by giving
its image such a profile.

Times may be distributions and exit codes a choice
(:mod:`swarmsim.agent.distributions`): each container gets its own
:class:`ContainerDraw`, drawn when it is prepared from one named random
stream per field (``image.start``, ``image.crash``, ...).  A profile of
constants draws nothing.

This has no swarmkit counterpart: it stands in for the Docker Engine and the
registry behind ``swarmkit: agent/exec/dockerapi``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from random import Random
from typing import Any

from swarmsim.agent.distributions import (
    Choice,
    Distribution,
    DistributionError,
    parse_choice,
    parse_probability,
    parse_rate,
    parse_time,
)
from swarmsim.errors import InvalidArgument

__all__ = ["ContainerDraw", "ImageModel", "ImageProfile", "Time"]

Time = float | Distribution
"""A profile time: fixed seconds or a distribution drawn per container."""


@dataclass(frozen=True, slots=True)
class ImageProfile:
    """Timing and behaviour of one image's containers (virtual seconds).

    Parameters
    ----------
    pull
        Time to pull the image on a node that does not have it cached.
    create
        Time to create the container once the image is present.
    start
        Time from ``docker start`` until the process runs.
    stop
        Time the process takes to exit after SIGTERM (capped by the task's
        stop grace period).
    exits_after
        If set, the container exits by itself this long after it started.
    exit_code
        The exit code used when the container exits by itself (an integer or
        a :class:`~swarmsim.agent.distributions.Choice`).
    fail_at_start
        Probability (0 to 1) that a container exits at once when it starts,
        with ``exit_code`` (1 if that is 0).
    crash_rate
        Crashes per second while running: the time to a crash is exponential
        with this rate, counted from the start; the exit code is as for
        ``fail_at_start``.  0 never crashes.
    healthy_after
        With a health check: time after start from which probes succeed.
    never_healthy
        With a health check: probes never succeed, so the task fails.
    unhealthy_after
        With a health check: a healthy container starts failing probes this
        long after it started (the task then fails while running).
    pull_error
        The image cannot be pulled: the task is rejected with
        ``No such image: <image>``.
    logs
        The lines a container prints when it starts (``docker service logs``
        shows them, stamped with the start time).  Nothing else is ever
        printed: the simulator does not invent output.
    requests_per_second
        Requests one container serves per second (the traffic model,
        :mod:`swarmsim.traffic.model`); more fail as overloaded.  ``None``:
        no limit.
    """

    pull: Time = 2.0
    create: Time = 0.1
    start: Time = 0.5
    stop: Time = 0.3
    exits_after: Time | None = None
    exit_code: int | Choice = 0
    fail_at_start: float = 0.0
    crash_rate: float = 0.0
    healthy_after: Time = 0.0
    never_healthy: bool = False
    unhealthy_after: Time | None = None
    pull_error: bool = False
    logs: tuple[str, ...] = ()
    requests_per_second: float | None = None

    def __post_init__(self) -> None:
        """Refuse values of the wrong type, negative or infinite times, bad exit codes."""
        logs: object = self.logs
        if isinstance(logs, list):  # a list is accepted as given (YAML, keyword arguments)
            object.__setattr__(self, "logs", tuple(logs))
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, str) and field.name in _TEXT:
                try:
                    value = parse_value(field.name, value)
                except DistributionError as error:
                    raise InvalidArgument(f"image profile {field.name}: {error}") from None
                object.__setattr__(self, field.name, value)
            _check_field(field.name, value)

    @property
    def random(self) -> bool:
        """Whether containers of this image draw anything (else every draw is the same)."""
        return (
            any(isinstance(getattr(self, name), Distribution) for name in _TIMES)
            or isinstance(self.exit_code, Choice)
            or self.fail_at_start > 0
            or self.crash_rate > 0
        )

    def draw(self, rng: Callable[[str], Random]) -> ContainerDraw:
        """The times and exit code of one container; ``rng(name)`` gives a named stream.

        Only random fields draw, each from its own stream ``image.<field>``
        (``image.crash`` for the crash time), so a profile of constants
        touches no stream and a new random field shifts no other draw.

        Examples
        --------
        >>> from swarmsim.sim import Simulation
        >>> profile = ImageProfile(start="uniform(1s,3s)", exits_after=3.0, exit_code=1)
        >>> draw = profile.draw(Simulation(seed=1).rng)
        >>> round(draw.start, 3), draw.exits_after, draw.exit_code
        (1.346, 3.0, 1)
        """

        def time(name: str) -> float:
            value: Time = getattr(self, name)
            return value.sample(rng(f"image.{name}")) if isinstance(value, Distribution) else value

        def optional(name: str) -> float | None:
            return None if getattr(self, name) is None else time(name)

        code = self.exit_code
        exit_code = code.sample(rng("image.exit_code")) if isinstance(code, Choice) else code
        exits_after = optional("exits_after")
        p = self.fail_at_start
        if p > 0 and (p >= 1 or rng("image.fail_at_start").random() < p):
            exits_after, exit_code = 0.0, exit_code or 1
        elif self.crash_rate > 0:
            crash = rng("image.crash").expovariate(self.crash_rate)
            if exits_after is None or crash < exits_after:
                exits_after, exit_code = crash, exit_code or 1
        return ContainerDraw(
            pull=time("pull"),
            create=time("create"),
            start=time("start"),
            stop=time("stop"),
            exits_after=exits_after,
            exit_code=exit_code,
            healthy_after=time("healthy_after"),
            unhealthy_after=optional("unhealthy_after"),
            profile=self,
        )


@dataclass(frozen=True, slots=True)
class ContainerDraw:
    """What one container got from its image's profile: fixed times and exit code.

    ``exits_after`` already includes a failure at start (``0``) or a crash;
    ``profile`` is the profile drawn from (a container keeps only its draw).
    """

    pull: float
    create: float
    start: float
    stop: float
    exits_after: float | None
    exit_code: int
    healthy_after: float
    unhealthy_after: float | None
    profile: ImageProfile


_TIMES = ("pull", "create", "start", "stop", "exits_after", "healthy_after", "unhealthy_after")
_TEXT = frozenset({*_TIMES, "exit_code", "fail_at_start", "crash_rate", "requests_per_second"})


def parse_value(name: str, text: str) -> Any:
    """The value of profile field ``name`` written as text (as in an ``image`` line).

    Raises
    ------
    DistributionError
        With the offset in ``text`` where the problem starts.

    Examples
    --------
    >>> parse_value("crash_rate", "2/h") * 3600
    2.0
    """
    if name in _TIMES:
        return parse_time(text)
    if name == "exit_code":
        return parse_choice(text)
    if name == "fail_at_start":
        return parse_probability(text)
    if name == "crash_rate":
        return parse_rate(text)
    if name == "requests_per_second":  # a number, or a rate such as 300/m
        rate = parse_rate(text)
        if rate <= 0:
            raise DistributionError(f"requests per second must be above 0, not {text}", 0)
        return rate
    raise DistributionError(f"{name} is not written as text", 0)


_FLAGS = frozenset({"never_healthy", "pull_error"})
_OPTIONAL = frozenset({"exits_after", "unhealthy_after", "requests_per_second"})


def _check_field(name: str, value: object) -> None:
    """Reject a profile value of the wrong type (times: finite, non-negative)."""
    if name == "logs":
        if not isinstance(value, tuple) or not all(
            isinstance(line, str) and "\n" not in line for line in value
        ):
            raise InvalidArgument(
                f"image profile logs must be a list of one-line strings, not {value!r}"
            )
    elif name in _FLAGS:
        if not isinstance(value, bool):
            raise InvalidArgument(f"image profile {name} must be True or False, not {value!r}")
    elif name == "exit_code":
        codes = value.values if isinstance(value, Choice) else (value,)
        if not codes or any(
            isinstance(code, bool) or not isinstance(code, int) or not 0 <= code <= 255
            for code in codes
        ):
            raise InvalidArgument(
                f"image profile exit_code must be an integer from 0 to 255, not {value!r}"
            )
    elif (value is None and name in _OPTIONAL) or (
        isinstance(value, Distribution) and name in _TIMES
    ):
        return
    elif name == "fail_at_start" and (
        isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1
    ):
        raise InvalidArgument(f"image profile fail_at_start must be from 0 to 1, not {value!r}")
    elif name == "crash_rate" and (
        isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0
    ):
        raise InvalidArgument(f"image profile crash_rate must be a rate >= 0, not {value!r}")
    elif name == "requests_per_second" and (
        isinstance(value, bool) or not isinstance(value, int | float) or not value > 0
    ):
        raise InvalidArgument(f"image profile requests_per_second must be above 0, not {value!r}")
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidArgument(f"image profile {name} must be a number of seconds, not {value!r}")
    elif not math.isfinite(value) or value < 0:
        raise InvalidArgument(f"image profile {name} cannot be negative or infinite")


class ImageModel:
    """Profiles per image reference, with a default for every other image.

    Examples
    --------
    >>> model = ImageModel()
    >>> model.set("redis:3.0.7", exits_after=3.0, exit_code=1)
    >>> model.profile("redis:3.0.7").exits_after
    3.0
    >>> model.profile("redis:3.0.6").exits_after is None
    True
    """

    def __init__(self, default: ImageProfile | None = None) -> None:
        if default is not None and not isinstance(default, ImageProfile):
            raise InvalidArgument(f"default must be an ImageProfile, not {default!r}")
        self.default = default or ImageProfile()
        self._profiles: dict[str, ImageProfile] = {}
        # id of a profile that draws nothing -> (that profile, its one draw); the
        # entry keeps the profile alive, and draw() checks it is the very profile
        # (a copied or unpickled model carries ids of another process's objects)
        self._fixed: dict[int, tuple[ImageProfile, ContainerDraw]] = {}

    def set(self, image: str, profile: ImageProfile | None = None, **changes: Any) -> None:
        """Give ``image`` a profile, or change fields of its current one.

        Raises
        ------
        InvalidArgument
            For an unknown field, a value of the wrong type, or a negative or
            infinite time.
        """
        if not isinstance(image, str) or not image:
            raise InvalidArgument(f"an image profile needs an image name, not {image!r}")
        if profile is not None and not isinstance(profile, ImageProfile):
            raise InvalidArgument(f"profile must be an ImageProfile, not {profile!r}")
        base = profile or self._profiles.get(image, self.default)
        unknown = sorted(set(changes) - {field.name for field in fields(ImageProfile)})
        if unknown:
            raise InvalidArgument(f"unknown image profile field: {unknown[0]}")
        self._profiles[image] = replace(base, **changes)  # checked by __post_init__
        self._fixed.clear()  # only the profiles in use stay remembered

    def profile(self, image: str) -> ImageProfile:
        """The profile of ``image`` (exact reference first, then without ``:latest``)."""
        if not isinstance(image, str):
            raise InvalidArgument(f"an image is named by a string, not {image!r}")
        found = self._profiles.get(image)
        # untagged when the last ":" is not in the last path component (or there is
        # none): two searches instead of splitting the reference (every container asks)
        if found is None and image.rfind(":") <= image.rfind("/"):
            found = self._profiles.get(image + ":latest")
        return found or self.default

    def draw(self, profile: ImageProfile, rng: Callable[[str], Random]) -> ContainerDraw:
        """The times and exit code of one container of ``profile`` (see :meth:`ImageProfile.draw`).

        A profile without anything random draws from no stream and gives every
        container the same :class:`ContainerDraw`: it is made once and shared,
        which spares each container the draw and the memory of its own copy.

        Examples
        --------
        >>> from swarmsim.sim import Simulation
        >>> model, sim = ImageModel(), Simulation(seed=1)
        >>> model.draw(model.default, sim.rng) is model.draw(model.default, sim.rng)
        True
        """
        fixed = self._fixed.get(id(profile))
        if fixed is not None and fixed[0] is profile:
            return fixed[1]
        draw = profile.draw(rng)
        if not profile.random:
            self._fixed[id(profile)] = (profile, draw)
        return draw

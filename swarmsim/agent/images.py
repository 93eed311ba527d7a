"""How long images take to pull and start, and how their containers behave.

The agent asks an :class:`ImageModel` for the :class:`ImageProfile` of a
task's image.  A profile says how long a pull takes on a node that does not
have the image yet, how long a container takes to be created, started and
stopped, and how it misbehaves: exits after a while with an exit code, never
becomes healthy, cannot be pulled.  A class stages a bad release by giving its
image such a profile.

This has no swarmkit counterpart: it stands in for the Docker Engine and the
registry behind ``swarmkit: agent/exec/dockerapi``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

from swarmsim.errors import InvalidArgument


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
        The exit code used when the container exits by itself.
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
        :mod:`swarmsim.net.traffic`); more fail as overloaded.  ``None``:
        no limit.
    """

    pull: float = 2.0
    create: float = 0.1
    start: float = 0.5
    stop: float = 0.3
    exits_after: float | None = None
    exit_code: int = 0
    healthy_after: float = 0.0
    never_healthy: bool = False
    unhealthy_after: float | None = None
    pull_error: bool = False
    logs: tuple[str, ...] = ()
    requests_per_second: float | None = None

    def __post_init__(self) -> None:
        """Refuse values of the wrong type, negative or infinite times, bad exit codes."""
        logs: object = self.logs
        if isinstance(logs, list):  # a list is accepted as given (YAML, keyword arguments)
            object.__setattr__(self, "logs", tuple(logs))
        for field in fields(self):
            _check_field(field.name, getattr(self, field.name))


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
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
            raise InvalidArgument(
                f"image profile exit_code must be an integer from 0 to 255, not {value!r}"
            )
    elif value is None and name in _OPTIONAL:
        return
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

    def profile(self, image: str) -> ImageProfile:
        """The profile of ``image`` (exact reference first, then without ``:latest``)."""
        if not isinstance(image, str):
            raise InvalidArgument(f"an image is named by a string, not {image!r}")
        found = self._profiles.get(image)
        if found is None and ":" not in image.rsplit("/", 1)[-1]:
            found = self._profiles.get(image + ":latest")
        return found or self.default

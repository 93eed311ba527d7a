"""Hypothesis strategies for clusters, services, images and operations, as shell lines.

Everything drawn is plain data that prints as what a person would type:
a :class:`ClusterShape` is ``node add`` lines, a :class:`ServiceShape` (or a
:class:`JobShape`) is one ``docker service create`` line, an :class:`ImageShape`
one ``image`` line, and
an operation is one ``swarmsim shell`` line (``docker service scale s0=3``,
``docker node update --availability drain worker2``, ``fail worker1``,
``sleep 5s``).  Operations are carried out by :func:`apply` through the
shell's :class:`~swarmsim.shell.interpreter.Interpreter` -- the docker CLI and
the control API, exactly as a user's command -- so a shrunk counter-example
*is* a script (:func:`script`) that replays in ``swarmsim shell``.

Every strategy takes keyword overrides: a plain value fixes that part, a
strategy draws it::

    clusters(managers=3, workers=st.integers(4, 8), labels={"zone": ["a", "b"]})
    services(replicas=st.integers(1, 20), preferences=["node.labels.zone"], max_per_node=0)

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hypothesis import strategies as st

from swarmsim.shell.interpreter import Interpreter, LineResult
from swarmsim.swarm import Swarm

__all__ = [
    "FAILING_IMAGES",
    "JOB_IMAGE",
    "ZONES",
    "ClusterShape",
    "ImageShape",
    "JobShape",
    "NodeShape",
    "Operation",
    "ServiceShape",
    "apply",
    "build_swarm",
    "clusters",
    "create_service",
    "images",
    "jobs",
    "nodes",
    "operations",
    "restart_policies",
    "script",
    "services",
    "update_configs",
]

T = TypeVar("T")

ZONES = ("east", "west", "south")
GOOD_IMAGES = ("app:1", "app:2", "app:3")
FAILING_IMAGES: dict[str, str] = {
    "bad:exit": "exits_after=1s exit_code=1",
    "bad:pull": "pull_error=true",
    "bad:health": "never_healthy=true",
    "bad:flaky": "fail_at_start=0.5 start=uniform(100ms,1s)",
    "bad:crash": "crash_rate=1/m",
}
"""Failing image profiles by name (the ``image`` line's settings)."""

HEALTH = "--health-cmd true --health-interval 1s --health-retries 1"
"""Health-check flags given to services of a ``bad:health`` image (else it would run)."""

Operation = str
"""One ``swarmsim shell`` line."""


def _strategy(value: T | st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """A strategy as given, or a fixed value as ``st.just``."""
    return value if isinstance(value, st.SearchStrategy) else st.just(value)


def _labels(
    labels: Mapping[str, Sequence[str]] | st.SearchStrategy[dict[str, str]],
) -> st.SearchStrategy[dict[str, str]]:
    """Labels: a strategy, or per key the values to pick from ("" = no label)."""
    if isinstance(labels, st.SearchStrategy):
        return labels
    keys = sorted(labels)
    return st.tuples(*(st.sampled_from(tuple(labels[k])) for k in keys)).map(
        lambda values: {k: v for k, v in zip(keys, values, strict=True) if v}
    )


# ------------------------------------------------------------------ clusters
@dataclass(frozen=True)
class NodeShape:
    """A worker to add: its labels and, if not 0, its CPUs and memory (bytes)."""

    labels: dict[str, str] = field(default_factory=dict)
    cpus: float = 0.0
    memory: int = 0

    def line(self, name: str) -> str:
        """The ``node add`` line that joins this worker as ``name``."""
        words = ["node", "add", name]
        words += [f"label.{k}={v}" for k, v in sorted(self.labels.items())]
        if self.cpus:
            words.append(f"cpus={self.cpus:g}")
        if self.memory:
            words.append(f"memory={self.memory}")
        return shlex.join(words)


@dataclass(frozen=True)
class ClusterShape:
    """How many managers, and the workers to add (``worker1``, ``worker2``, ...)."""

    managers: int
    workers: tuple[NodeShape, ...] = ()

    @property
    def hostnames(self) -> tuple[str, ...]:
        """Every node's hostname."""
        names = [f"manager{i}" for i in range(1, self.managers + 1)]
        return (*names, *(f"worker{i}" for i in range(1, len(self.workers) + 1)))

    def lines(self) -> list[str]:
        """The shell lines that add the workers to a swarm of just the managers."""
        return [node.line(f"worker{i}") for i, node in enumerate(self.workers, start=1)]


def nodes(
    *,
    labels: Mapping[str, Sequence[str]] | st.SearchStrategy[dict[str, str]] | None = None,
    cpus: float | st.SearchStrategy[float] = 0.0,
    memory: int | st.SearchStrategy[int] = 0,
) -> st.SearchStrategy[NodeShape]:
    """Workers: a ``zone`` label from :data:`ZONES` or none by default, default resources."""
    return st.builds(
        NodeShape,
        labels=_labels({"zone": ("", *ZONES)} if labels is None else labels),
        cpus=_strategy(cpus),
        memory=_strategy(memory),
    )


def clusters(
    *,
    managers: int | st.SearchStrategy[int] | None = None,
    workers: int | st.SearchStrategy[int] | None = None,
    labels: Mapping[str, Sequence[str]] | st.SearchStrategy[dict[str, str]] | None = None,
    cpus: float | st.SearchStrategy[float] = 0.0,
    memory: int | st.SearchStrategy[int] = 0,
    max_workers: int = 6,
) -> st.SearchStrategy[ClusterShape]:
    """Clusters: 1 or 3 managers and 1..``max_workers`` workers (see :func:`nodes`)."""
    count = st.integers(1, max_workers) if workers is None else _strategy(workers)
    worker = nodes(labels=labels, cpus=cpus, memory=memory)
    return st.builds(
        ClusterShape,
        managers=st.sampled_from((1, 3)) if managers is None else _strategy(managers),
        workers=count.flatmap(lambda n: st.lists(worker, min_size=n, max_size=n).map(tuple)),
    )


# -------------------------------------------------------------------- images
@dataclass(frozen=True)
class ImageShape:
    """An image and its profile settings (an ``image`` line)."""

    name: str
    settings: str

    def line(self) -> str:
        """The ``image`` line."""
        return f"image {self.name} {self.settings}"


def images(names: Sequence[str] | None = None) -> st.SearchStrategy[ImageShape]:
    """Failing images (:data:`FAILING_IMAGES`, or only those ``names``)."""
    chosen = sorted(FAILING_IMAGES if names is None else names)
    return st.sampled_from(chosen).map(lambda name: ImageShape(name, FAILING_IMAGES[name]))


# ------------------------------------------------------------------ services
def update_configs(
    *,
    parallelism: int | st.SearchStrategy[int] | None = None,
    delay: str | st.SearchStrategy[str] | None = None,
    order: str | st.SearchStrategy[str] | None = None,
    failure_action: str | st.SearchStrategy[str] | None = None,
    monitor: str | st.SearchStrategy[str] | None = None,
    max_failure_ratio: float | st.SearchStrategy[float] | None = None,
) -> st.SearchStrategy[tuple[str, ...]]:
    """``--update-*`` flags of ``docker service create`` (parallelism, delay, order, ...)."""
    parts = {
        "--update-parallelism": st.integers(0, 3) if parallelism is None else parallelism,
        "--update-delay": st.sampled_from(("0s", "1s", "5s")) if delay is None else delay,
        "--update-order": st.sampled_from(("stop-first", "start-first"))
        if order is None
        else order,
        "--update-failure-action": st.sampled_from(("pause", "continue", "rollback"))
        if failure_action is None
        else failure_action,
        "--update-monitor": st.sampled_from(("1s", "5s")) if monitor is None else monitor,
        "--update-max-failure-ratio": st.sampled_from((0.0, 0.5))
        if max_failure_ratio is None
        else max_failure_ratio,
    }
    return _flags(parts)


def restart_policies(
    *,
    condition: str | st.SearchStrategy[str] | None = None,
    delay: str | st.SearchStrategy[str] | None = None,
    max_attempts: int | st.SearchStrategy[int] | None = None,
) -> st.SearchStrategy[tuple[str, ...]]:
    """``--restart-*`` flags (condition ``any`` by default, short delays)."""
    parts = {
        "--restart-condition": "any" if condition is None else condition,
        "--restart-delay": st.sampled_from(("1s", "5s")) if delay is None else delay,
        "--restart-max-attempts": 0 if max_attempts is None else max_attempts,
    }
    return _flags(parts)


def _flags(parts: Mapping[str, Any]) -> st.SearchStrategy[tuple[str, ...]]:
    keys = sorted(parts)
    return st.tuples(*(_strategy(parts[k]) for k in keys)).map(
        lambda values: tuple(f"{k}={v}" for k, v in zip(keys, values, strict=True))
    )


@dataclass(frozen=True)
class ServiceShape:
    """A service to create: one ``docker service create -d`` line.

    ``mode`` is ``replicated`` or ``global``; ``reserve_cpus`` / ``reserve_memory``
    are docker's texts (``0.5``, ``512M``) or empty; ``flags`` are more flags
    (update and restart configs).
    """

    name: str
    replicas: int = 1
    mode: str = "replicated"
    image: str = "app:1"
    constraints: tuple[str, ...] = ()
    preferences: tuple[str, ...] = ()
    max_per_node: int = 0
    reserve_cpus: str = ""
    reserve_memory: str = ""
    flags: tuple[str, ...] = ()

    def line(self) -> str:
        """The ``docker service create`` line."""
        words = ["docker", "service", "create", "-d", "--name", self.name]
        if self.mode == "global":
            words += ["--mode", "global"]
        else:
            words += ["--replicas", str(self.replicas)]
        for constraint in self.constraints:
            words += ["--constraint", constraint]
        for preference in self.preferences:
            words += ["--placement-pref", f"spread={preference}"]
        if self.max_per_node and self.mode != "global":  # docker refuses it for global
            words += ["--replicas-max-per-node", str(self.max_per_node)]
        if self.reserve_cpus:
            words += ["--reserve-cpu", self.reserve_cpus]
        if self.reserve_memory:
            words += ["--reserve-memory", self.reserve_memory]
        words += self.flags
        if self.image == "bad:health":
            words += shlex.split(HEALTH)
        return shlex.join([*words, self.image])

    @property
    def plain(self) -> bool:
        """Replicated, no preference or reservation: spread over its eligible nodes applies.

        Constraints only narrow the eligible nodes and a per-node cap stops every
        node at the same count, so neither unbalances a fresh placement.
        """
        return self.mode == "replicated" and not (
            self.preferences or self.reserve_cpus or self.reserve_memory
        )


def services(
    name: str | st.SearchStrategy[str] = "svc0",
    *,
    replicas: int | st.SearchStrategy[int] | None = None,
    mode: str | st.SearchStrategy[str] | None = None,
    image: str | st.SearchStrategy[str] | None = None,
    constraints: Sequence[str] | st.SearchStrategy[tuple[str, ...]] | None = None,
    preferences: Sequence[str] | st.SearchStrategy[tuple[str, ...]] | None = None,
    max_per_node: int | st.SearchStrategy[int] | None = None,
    reserve_cpus: str | st.SearchStrategy[str] = "",
    reserve_memory: str | st.SearchStrategy[str] = "",
    update: st.SearchStrategy[tuple[str, ...]] | None = None,
    restart: st.SearchStrategy[tuple[str, ...]] | None = None,
) -> st.SearchStrategy[ServiceShape]:
    """Services: replicated (0-12) or global, optional constraint, spread and per-node cap.

    Defaults draw a good image, update and restart flags from
    :func:`update_configs` and :func:`restart_policies`; pass
    ``image=st.sampled_from(["app:1", "bad:exit"])`` for failing releases.
    """

    def fixed(value: Sequence[str] | st.SearchStrategy[tuple[str, ...]]) -> Any:
        return value if isinstance(value, st.SearchStrategy) else st.just(tuple(value))

    return st.builds(
        ServiceShape,
        name=_strategy(name),
        replicas=st.integers(0, 12) if replicas is None else _strategy(replicas),
        mode=st.sampled_from(("replicated", "replicated", "global"))
        if mode is None
        else _strategy(mode),
        image=st.just(GOOD_IMAGES[0]) if image is None else _strategy(image),
        constraints=st.sampled_from(
            ((), ("node.role==worker",), ("node.labels.zone!=east",), ("node.labels.zone==west",))
        )
        if constraints is None
        else fixed(constraints),
        preferences=st.sampled_from(((), ("node.labels.zone",)))
        if preferences is None
        else fixed(preferences),
        max_per_node=st.sampled_from((0, 0, 1, 2))
        if max_per_node is None
        else _strategy(max_per_node),
        reserve_cpus=_strategy(reserve_cpus),
        reserve_memory=_strategy(reserve_memory),
        flags=st.tuples(
            update_configs() if update is None else update,
            restart_policies() if restart is None else restart,
        ).map(lambda pair: pair[0] + pair[1]),
    )


# ---------------------------------------------------------------------- jobs
JOB_IMAGE = "task:1"
"""The image of :func:`jobs`: :data:`FAST`, and its container exits with code 0 after
2 s of work (its task completes)."""


@dataclass(frozen=True)
class JobShape:
    """A job to create: one ``docker service create -d --mode replicated-job|global-job``
    line.

    ``completions`` is a replicated job's ``--replicas`` (its total of completions),
    ``max_concurrent`` its ``--max-concurrent`` (``None``: left to docker, the total);
    a global job takes neither.  ``flags`` are more flags (restart policy).
    """

    name: str
    mode: str = "replicated-job"
    completions: int = 1
    max_concurrent: int | None = None
    image: str = JOB_IMAGE
    constraints: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    def line(self) -> str:
        """The ``docker service create`` line."""
        words = ["docker", "service", "create", "-d", "--name", self.name, "--mode", self.mode]
        if self.mode == "replicated-job":
            words += ["--replicas", str(self.completions)]
            if self.max_concurrent is not None:
                words += ["--max-concurrent", str(self.max_concurrent)]
        for constraint in self.constraints:
            words += ["--constraint", constraint]
        return shlex.join([*words, *self.flags, self.image])


_MAX_CONCURRENT: st.SearchStrategy[int | None] = st.none() | st.integers(1, 4)


def jobs(
    name: str | st.SearchStrategy[str] = "job0",
    *,
    mode: str | st.SearchStrategy[str] | None = None,
    completions: int | st.SearchStrategy[int] | None = None,
    max_concurrent: int | st.SearchStrategy[int | None] | None = _MAX_CONCURRENT,
    image: str | st.SearchStrategy[str] = JOB_IMAGE,
    constraints: Sequence[str] | st.SearchStrategy[tuple[str, ...]] = (),
    restart: st.SearchStrategy[tuple[str, ...]] | None = None,
) -> st.SearchStrategy[JobShape]:
    """Jobs: replicated (0-8 completions, 1-4 at once or docker's default) or global.

    Defaults draw :data:`JOB_IMAGE` and a restart policy from
    :func:`restart_policies`; pass ``image=st.sampled_from([JOB_IMAGE, "bad:exit"])``
    for jobs that fail.
    """
    return st.builds(
        JobShape,
        name=_strategy(name),
        mode=st.sampled_from(("replicated-job", "replicated-job", "global-job"))
        if mode is None
        else _strategy(mode),
        completions=st.integers(0, 8) if completions is None else _strategy(completions),
        max_concurrent=_strategy(max_concurrent),
        image=_strategy(image),
        constraints=constraints
        if isinstance(constraints, st.SearchStrategy)
        else st.just(tuple(constraints)),
        flags=restart_policies() if restart is None else restart,
    )


# ---------------------------------------------------------------- operations
OPERATIONS = (
    "scale",
    "update",
    "rollback",
    "rm",
    "availability",
    "fault",
    "kill",
    "node-add",
    "node-rm",
    "promote",
    "label",
    "sleep",
)
"""Every kind of operation :func:`operations` draws."""


def operations(
    hostnames: Sequence[str],
    service_names: Sequence[str],
    *,
    kinds: Sequence[str] = OPERATIONS,
    images: Sequence[str] = (*GOOD_IMAGES, *FAILING_IMAGES),
    max_replicas: int = 12,
) -> st.SearchStrategy[Operation]:
    """One shell line: a docker command or a fault on these nodes and services.

    ``kinds`` restricts the operations (:data:`OPERATIONS`): scale, update
    (image, order, failure action), rollback, rm, availability
    (drain/pause/active), fault (fail/recover/disconnect/reconnect), kill,
    node-add, node-rm, promote (or demote), label (add/remove ``zone``) and
    sleep.
    """
    node = st.sampled_from(tuple(hostnames))
    service = st.sampled_from(tuple(service_names))
    choices: dict[str, st.SearchStrategy[str]] = {
        "scale": st.builds(
            lambda s, n: f"docker service scale -d {s}={n}", service, st.integers(0, max_replicas)
        ),
        "update": st.builds(
            lambda s, image, order, action: (
                f"docker service update -d --update-order {order}"
                f" --update-failure-action {action} --image {image} {s}"
            ),
            service,
            st.sampled_from(tuple(images)),
            st.sampled_from(("stop-first", "start-first")),
            st.sampled_from(("pause", "continue", "rollback")),
        ),
        "rollback": service.map(lambda s: f"docker service rollback -d {s}"),
        "rm": service.map(lambda s: f"docker service rm {s}"),
        "availability": st.builds(
            lambda a, n: f"docker node update --availability {a} {n}",
            st.sampled_from(("drain", "pause", "active")),
            node,
        ),
        "fault": st.builds(
            lambda word, n: f"{word} {n}",
            st.sampled_from(("fail", "recover", "disconnect", "reconnect")),
            node,
        ),
        "kill": st.builds(lambda s, i: f"kill {s}.{i}", service, st.integers(1, 3)),
        "node-add": st.builds(
            lambda i, z: f"node add extra{i}" + (f" label.zone={z}" if z else ""),
            st.integers(1, 3),
            st.sampled_from(("", *ZONES)),
        ),
        "node-rm": node.map(lambda n: f"docker node rm --force {n}"),
        "promote": st.builds(
            lambda verb, n: f"docker node {verb} {n}", st.sampled_from(("promote", "demote")), node
        ),
        "label": st.builds(
            lambda add, z, n: (
                f"docker node update --label-add zone={z} {n}"
                if add
                else f"docker node update --label-rm zone {n}"
            ),
            st.booleans(),
            st.sampled_from(ZONES),
            node,
        ),
        "sleep": st.sampled_from(("sleep 500ms", "sleep 2s", "sleep 10s", "sleep 1m")),
    }
    unknown = sorted(set(kinds) - set(choices))
    if unknown:
        raise ValueError(f"unknown operation kind {unknown[0]!r} (kinds: {', '.join(choices)})")
    return st.one_of(*(choices[kind] for kind in kinds))


# ------------------------------------------------------------------- running
def script(seed: int, managers: int, lines: Sequence[str]) -> str:
    """The lines as a ``swarmsim shell`` here-document that replays them.

    >>> print(script(3, 1, ["node add worker1", "sleep 1s"]), end="")
    swarmsim shell --seed 3 --managers 1 --workers 0 <<'EOF'
    node add worker1
    sleep 1s
    EOF
    """
    head = f"swarmsim shell --seed {seed} --managers {managers} --workers 0 <<'EOF'\n"
    return head + "".join(f"{line}\n" for line in lines) + "EOF\n"


_SHELL: list[Interpreter] = []  # the interpreter of the swarm driven last


def apply(swarm: Swarm, operation: Operation) -> LineResult:
    """Run one shell line on ``swarm`` as ``swarmsim shell`` would (never raises for bad input).

    The interpreter is kept while the same swarm is driven, so its variables
    carry over from line to line (only the last swarm's is kept alive).
    """
    if not _SHELL or _SHELL[0].swarm is not swarm:
        _SHELL[:] = [Interpreter(swarm)]
    return _SHELL[0].execute(operation)


def build_swarm(shape: ClusterShape, seed: int = 0) -> Swarm:
    """A running swarm of this shape, its images' profiles set (:func:`image_lines`)."""
    swarm = Swarm(seed=seed, managers=shape.managers, workers=0)
    for line in (*image_lines(), *shape.lines()):
        result = apply(swarm, line)
        if not result.ok:
            raise ValueError(f"{line}: {result.stderr.strip()}")
    return swarm


FAST = "pull=500ms create=100ms start=200ms stop=100ms"
"""The profile of the good images: fast, so that tests need little virtual time."""


def image_line(name: str) -> str:
    """The ``image`` line of a good (:data:`FAST`), failing (:data:`FAILING_IMAGES`) or
    job (:data:`JOB_IMAGE`) image."""
    if name == JOB_IMAGE:
        return ImageShape(name, f"{FAST} exits_after=2s exit_code=0").line()
    return ImageShape(name, FAILING_IMAGES.get(name, FAST)).line()


def image_lines() -> list[str]:
    """The ``image`` lines of every good, failing and job image."""
    return [image_line(name) for name in (*GOOD_IMAGES, *sorted(FAILING_IMAGES), JOB_IMAGE)]


def create_service(swarm: Swarm, shape: ServiceShape | JobShape) -> LineResult:
    """Create the service (or job) with its ``docker service create`` line."""
    return apply(swarm, shape.line())

"""A scenario once loaded and checked: frozen dataclasses, times in seconds.

A :class:`Scenario` is what :func:`swarmsim.scenario.load_scenario` returns
from a YAML file (``docs/scenarios.md``): the machines of the cluster, image
profiles, a timeline of :class:`Step` and the :class:`Expectation` that must
hold.  Every step already holds the interpreter line it runs (``docker ...``,
``sleep 30s``, ``fail worker2``), so the runner parses nothing.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CHECK_KINDS",
    "Check",
    "Cluster",
    "Expectation",
    "Machine",
    "Scenario",
    "Step",
    "Text",
]

CHECK_KINDS = ("running", "placement", "tasks", "update", "node", "output", "requests", "settled")


@dataclass(frozen=True, slots=True)
class Text:
    """A text in English and Spanish (Spanish falls back to English)."""

    en: str
    es: str = ""

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``"en"`` or ``"es"``).

        >>> Text("Drain a node", "Drenar un nodo").get("es"), Text("only English").get("es")
        ('Drenar un nodo', 'only English')
        """
        return self.es if lang == "es" and self.es else self.en


@dataclass(frozen=True, slots=True)
class Machine:
    """One machine at time 0: a node (``Swarm.add_node`` keywords) or, blank, no node yet.

    A blank machine's ``labels`` are its engine's labels; ``udp_ports_taken``
    are UDP ports another program holds on it; ``generic_resources`` its
    engine's generic resources (``gpu=2``).  ``rack`` and ``zone`` place any
    machine on the underlay (``""``: off the core switch).
    """

    name: str
    role: str = "worker"
    labels: tuple[tuple[str, str], ...] = ()
    cpus: float = 4.0
    memory: int = 8 * 1024**3
    address: str | None = None
    availability: str = "active"
    udp_ports_taken: tuple[int, ...] = ()
    generic_resources: tuple[str, ...] = ()  # ``--node-generic-resource`` terms
    rack: str = ""
    zone: str = ""


@dataclass(frozen=True, slots=True)
class Cluster:
    """The machines, managers first as given (the first manager hosts the CLI).

    ``blank``: the machines are in no swarm yet (the CLI talks to the first one).
    """

    machines: tuple[Machine, ...]
    blank: bool = False

    @property
    def names(self) -> frozenset[str]:
        """Every hostname of the cluster at time 0."""
        return frozenset(m.name for m in self.machines)


@dataclass(frozen=True, slots=True)
class Check:
    """What an expectation looks at: one of :data:`CHECK_KINDS` and its fields.

    ``fields`` keeps the values from the file (``service``, ``count``,
    ``counts``, ``state``, ``run``, ``contains``...), sorted by key.
    """

    kind: str
    fields: tuple[tuple[str, object], ...]

    def get(self, key: str, default: object = None) -> object:
        """The value of one field (``default`` if the file left it out)."""
        return dict(self.fields).get(key, default)


@dataclass(frozen=True, slots=True)
class Expectation:
    """A check made at ``anchor + at``, or polled until ``anchor + after + within``.

    The anchor is time 0 for the scenario's ``expect:`` list and the end of
    the step for a step's own ``expect:``.
    """

    check: Check
    label: str  # the dotted path in the file, e.g. "expect[2]" or "steps[4].expect[0]"
    where: str  # "FILE:LINE:COL"
    at: float | None = None
    within: float | None = None
    after: float = 0.0


@dataclass(frozen=True, slots=True)
class Step:
    """One entry of the timeline.

    ``kind`` is ``run``, ``sleep``, ``fault`` or ``comment``; ``line`` is the
    interpreter line it runs (empty for a comment).  A text lesson also has
    ``text`` steps: a comment or blank line printed as it is.  ``files`` are
    written (in memory, beside the scenario) before the line runs.  It starts at ``at``
    seconds or, without ``at``, ``after`` seconds after the previous step
    ended; a step whose time has already passed starts at once.
    """

    kind: str
    line: str
    label: str
    at: float | None = None
    after: float = 0.0
    comment: Text | None = None
    expect: tuple[Expectation, ...] = ()
    files: tuple[tuple[str, str], ...] = ()  # inline files (re)written before the step runs


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole scenario file, checked.

    ``kind`` is ``scenario`` (a YAML file) or ``lesson`` (a text lesson: a
    failed line fails the run, as in the shell).  ``environment`` is the
    whole environment of the docker CLI at the start (nothing is taken from
    the process); ``files`` are files the docker CLI finds beside the file.
    """

    name: str
    file: str
    description: Text = field(default_factory=lambda: Text(""))
    seed: int = 0
    cluster: Cluster = field(default_factory=lambda: Cluster(()))
    images: tuple[str, ...] = ()  # ``image IMAGE key=value...`` lines, run first
    steps: tuple[Step, ...] = ()
    expect: tuple[Expectation, ...] = ()
    kind: str = "scenario"
    environment: tuple[tuple[str, str], ...] = ()
    files: tuple[tuple[str, str], ...] = ()

    @property
    def expectations(self) -> tuple[Expectation, ...]:
        """Every expectation: the scenario's, then each step's in order."""
        return self.expect + tuple(e for step in self.steps for e in step.expect)

"""A hypothesis state machine over a swarm, whose failures print as replayable scripts.

:class:`SwarmStateMachine` builds a small cluster and a first service, then lets hypothesis pick
rules -- create, scale, update, roll back and remove services (a rollback may
ask for an ingress port another service took, or a secret removed since); create a job,
run it again, roll it back or remove it; drain, pause and activate nodes; fail
and recover them, cut them off and reconnect them; make workers leave the
swarm and join it again; let time pass; settle -- each one a ``swarmsim
shell`` line run through the shell's interpreter (the docker CLI and the control API, as a
user's command).  After every step it checks
:func:`~swarmsim.testing.invariants.check_step`; after a ``create`` on a calm
cluster it checks swarmkit's spread (``fresh-spread``); at quiescence (the
``settle`` rule and the end of every run) it checks
:func:`~swarmsim.testing.invariants.check_quiescent`.

When a check fails, the error carries the lines run so far as a script::

    swarmsim shell --seed 0 --managers 1 --workers 2 --ranking binpack <<'EOF'
    image app:1 pull=500ms create=100ms start=200ms stop=100ms
    docker service create -d --name s0 --replicas 2 app:1
    sleep 1s
    docker service ps --format '{{.Name}} {{.Node}}' s0
    EOF

and hypothesis shrinks the run first, so the script printed is the shortest
one found.  The swarm is the shell's own (``manager1``, ``worker1``,
``worker2``; more workers join with ``node add``), so the same lines saved as
``lesson.txt`` replay with ``swarmsim run --seed 0 --ranking binpack
lesson.txt``; :func:`replay` runs a script in Python.

Users subclass it: add ``@rule`` methods (run lines with :meth:`~SwarmStateMachine.run`)
and ``@invariant`` methods (raise with :meth:`~SwarmStateMachine.fail`); a rule
redefined without its decorator stops being a rule (hypothesis reads the
class's attributes), so override the plain helpers (:meth:`~SwarmStateMachine.add_service`,
:meth:`~SwarmStateMachine.check_fresh_spread`) rather than the rules; set
``ranking`` to try another placement rule, ``settle_time`` to wait more or
less.  Run it with ``TestCase = MyMachine.TestCase`` or
:func:`hypothesis.stateful.run_state_machine_as_test`.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterable, Sequence

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from swarmsim.api.enums import Availability, NodeStatus
from swarmsim.manager.scheduler.ranking import RANKINGS, Ranking
from swarmsim.shell.interpreter import LineResult
from swarmsim.swarm import Swarm
from swarmsim.testing import strategies as sst
from swarmsim.testing.facts import Violation
from swarmsim.testing.invariants import check_quiescent, check_spread, check_step
from swarmsim.testing.schedules import SETTLE

__all__ = ["InvariantFailure", "SwarmStateMachine", "replay", "script_header"]


class InvariantFailure(AssertionError):
    """An invariant broke; the message lists the violations and the script that shows it.

    ``run`` is the ``swarmsim run`` command that replays the script's lines
    saved as ``lesson.txt``.
    """

    def __init__(self, violations: Sequence[Violation], script: str, run: str = "") -> None:
        self.violations = tuple(violations)
        self.script = script
        self.run = run
        listed = "\n".join(f"  {v}" for v in self.violations)
        lesson = f"or save the lines between the EOF markers as lesson.txt: {run}\n" if run else ""
        super().__init__(f"invariants broken:\n{listed}\nreplay with:\n{script}{lesson}")


def ranking_option(ranking: Ranking | None) -> str:
    """The ``--ranking`` value that names ``ranking`` on the command line (``""``: default)."""
    if ranking is None or ranking is RANKINGS["spread"]:
        return ""
    for name, known in RANKINGS.items():
        if known is ranking:
            return name
    return f"{ranking.__module__}:{ranking.__qualname__}"


SHELL_WORKERS = 2
"""Workers the machine's swarm starts with: those of ``swarmsim shell`` and of a lesson."""


def script_header(seed: int, managers: int, ranking: Ranking | None = None) -> str:
    """The ``swarmsim shell`` command line a script starts with.

    >>> from swarmsim.manager.scheduler.ranking import Binpack
    >>> script_header(3, 1, Binpack)
    'swarmsim shell --seed 3 --managers 1 --workers 2 --ranking binpack'
    """
    option = ranking_option(ranking)
    head = f"swarmsim shell --seed {seed} --managers {managers} --workers {SHELL_WORKERS}"
    return f"{head} --ranking {shlex.quote(option)}" if option else head


def run_command(seed: int, ranking: Ranking | None = None) -> str:
    """The ``swarmsim run`` command line that replays a script's lines saved as a lesson.

    >>> run_command(3)
    'swarmsim run --seed 3 lesson.txt'
    """
    option = ranking_option(ranking)
    flag = f" --ranking {shlex.quote(option)}" if option else ""
    return f"swarmsim run --seed {seed}{flag} lesson.txt"


SERVICE_NAMES = ("s0", "s1")
"""The names services are created with (a rule on a missing one does nothing)."""

NEW_SERVICE = sst.services(
    st.sampled_from(SERVICE_NAMES),
    replicas=st.integers(1, 8),
    # mostly plain services: spread is then checked right after placement
    constraints=st.sampled_from(((), (), ("node.role==worker",))),
    preferences=st.sampled_from(((), (), ("node.labels.zone",))),
    max_per_node=st.sampled_from((0, 0, 2)),
    update=st.just(()),
    restart=st.just(()),
)
"""The services the machine creates: few flags, so that printed scripts stay short."""


class SwarmStateMachine(RuleBasedStateMachine):
    """Random operations on a swarm, with the invariants checked after every step.

    Class attributes a subclass may change:

    ``seed``
        The swarm's seed.
    ``ranking``
        The scheduler's node ranking (``None``: swarmkit's spread).
    ``max_services``
        How many services may exist at once (named ``s0``, ``s1``, ...).
    ``settle_time``
        Virtual seconds the ``settle`` rule and the end of a run wait.
    """

    seed = 0
    ranking: Ranking | None = None
    max_services = len(SERVICE_NAMES)
    settle_time = SETTLE

    def __init__(self) -> None:
        super().__init__()
        self.swarm: Swarm | None = None
        self.managers = 1
        self.lines: list[str] = []
        self.services: dict[str, sst.ServiceShape] = {}
        self.jobs: set[str] = set()  # at most one job, "job0"
        self.hostnames: list[str] = []
        self.workers: list[str] = []
        self.profiled: set[str] = set()  # images whose profile line has run
        self.left: set[str] = set()  # workers whose machine left the swarm
        self.token_kept = False  # the WTOKEN line has run

    # ------------------------------------------------------------- set-up
    @initialize(
        cluster=sst.clusters(managers=1, workers=st.integers(2, 4), labels={}), first=NEW_SERVICE
    )
    def build(self, cluster: sst.ClusterShape, first: sst.ServiceShape) -> None:
        """Start the cluster and a first service.

        The swarm is the shell's (and a lesson's): ``manager1``, ``worker1``,
        ``worker2``; more workers join with ``node add``, so the script runs
        the same in ``swarmsim shell`` and ``swarmsim run``.
        """
        self.managers = cluster.managers
        self.swarm = Swarm(seed=self.seed, managers=cluster.managers, workers=SHELL_WORKERS)
        if self.ranking is not None:
            self.swarm.scheduler.ranking = self.ranking
        self.hostnames = list(cluster.hostnames)
        self.workers = [name for name in self.hostnames if name.startswith("worker")]
        for index, node in enumerate(cluster.workers[SHELL_WORKERS:], start=SHELL_WORKERS + 1):
            self.run(node.line(f"worker{index}"))
        self.add_service(first)

    # -------------------------------------------------------------- tools
    @property
    def live(self) -> Swarm:
        """The swarm (built by the first step)."""
        assert self.swarm is not None, "the build step runs first"
        return self.swarm

    def run(self, line: str) -> LineResult:
        """Run one shell line and add it to the script."""
        self.lines.append(line)
        return sst.apply(self.live, line)

    def script(self, *extra: str) -> str:
        """The lines so far (and ``extra``) as a ``swarmsim shell`` here-document."""
        head = script_header(self.seed, self.managers, self.ranking)
        return "".join([f"{head} <<'EOF'\n", *(f"{x}\n" for x in (*self.lines, *extra)), "EOF\n"])

    def fail(self, violations: Iterable[Violation], *show: str) -> None:
        """Raise :class:`InvariantFailure` if there are violations (``show``: lines to look)."""
        found = list(violations)
        if found:
            raise InvariantFailure(found, self.script(*show), run_command(self.seed, self.ranking))

    def calm(self) -> bool:
        """Every node READY and ACTIVE: a fresh placement must then spread evenly."""
        return all(
            node.status == NodeStatus.READY and node.availability == Availability.ACTIVE
            for node in self.live.ctx.store.nodes.values()
        )

    # -------------------------------------------------------------- rules
    def _image(self, image: str) -> str:
        """``image``, after its profile's ``image`` line the first time it is used."""
        if image not in self.profiled:
            self.profiled.add(image)
            self.run(sst.image_line(image))
        return image

    def _worker(self, index: int) -> str:
        return self.workers[index % len(self.workers)]

    @precondition(lambda self: len(self.services) < self.max_services)
    @rule(shape=NEW_SERVICE)
    def create(self, shape: sst.ServiceShape) -> None:
        """``docker service create`` of a drawn service (:meth:`add_service`)."""
        self.add_service(shape)

    def add_service(self, shape: sst.ServiceShape) -> None:
        """Create the service, give the scheduler 1 s, check spread if the cluster was calm."""
        if shape.name in self.services:
            return
        calm = self.calm()
        self._image(shape.image)
        if self.run(shape.line()).ok:
            self.services[shape.name] = shape
        self.run("sleep 1s")
        if calm and shape.plain:
            self.check_fresh_spread(shape.name)

    def check_fresh_spread(self, name: str) -> None:
        """A service just placed on a calm cluster is spread: node counts differ by at most 1."""
        service = self.live.ctx.store.service_by_name(name)
        if service is None:
            return
        found = [Violation("fresh-spread", text) for text in check_spread(self.live, service)]
        self.fail(found, f"docker service ps --format '{{{{.Name}}}} {{{{.Node}}}}' {name}")

    def _service(self, index: int) -> str:
        names = sorted(self.services)
        return names[index % len(names)]

    @precondition(lambda self: bool(self.services))
    @rule(service=st.integers(0, 1), replicas=st.integers(0, 8))
    def scale(self, service: int, replicas: int) -> None:
        """``docker service scale``."""
        self.run(f"docker service scale -d {self._service(service)}={replicas}")

    @precondition(lambda self: bool(self.services))
    @rule(
        service=st.integers(0, 1),
        image=st.sampled_from((*sst.GOOD_IMAGES, *sst.FAILING_IMAGES)),
        order=st.sampled_from(("stop-first", "start-first")),
        action=st.sampled_from(("pause", "continue", "rollback")),
    )
    def update(self, service: int, image: str, order: str, action: str) -> None:
        """``docker service update --image`` to a good or a failing image."""
        name = self._service(service)
        self.run(
            f"docker service update -d --update-order {order}"
            f" --update-failure-action {action} --image {self._image(image)} {name}"
        )

    @precondition(lambda self: bool(self.services))
    @rule(service=st.integers(0, 1))
    def rollback(self, service: int) -> None:
        """``docker service rollback``."""
        self.run(f"docker service rollback -d {self._service(service)}")

    @precondition(lambda self: bool(self.services))
    @rule(service=st.integers(0, 1))
    def remove(self, service: int) -> None:
        """``docker service rm``."""
        name = self._service(service)
        if self.run(f"docker service rm {name}").ok:
            del self.services[name]

    @precondition(lambda self: len(self.services) >= 2)
    @rule(first=st.integers(0, 1))
    def take_port(self, first: int) -> None:
        """A rollback brings back an ingress port another service took meanwhile.

        One service publishes 8080 and gives it up, the other takes it, and the
        first is rolled back to the spec that published it: the control API
        checks only the spec it is sent, so the allocator finds the port taken
        and the first service waits (docs/network.md).  Any line may be refused.
        """
        owner, taker = self._service(first), self._service(first + 1)
        for line in (
            f"docker service update -d --publish-add 8080:80 {owner}",
            "sleep 1s",
            f"docker service update -d --publish-rm 80 {owner}",
            "sleep 1s",
            f"docker service update -d --publish-add 8080:80 {taker}",
            f"docker service rollback -d {owner}",
        ):
            self.run(line)

    @precondition(lambda self: bool(self.services))
    @rule(service=st.integers(0, 1))
    def lose_secret(self, service: int) -> None:
        """A rollback brings back tasks whose secret was removed since.

        The secret ``k0`` is added to a service, taken off again and removed
        (its current spec no longer uses it), then the service is rolled back:
        its tasks start only where a node still holds the secret
        (docs/secrets-configs.md).  Any line may be refused.
        """
        name = self._service(service)
        for line in (
            "printf 'x' | docker secret create k0 -",
            f"docker service update -d --secret-add k0 {name}",
            "sleep 1s",
            f"docker service update -d --secret-rm k0 {name}",
            "sleep 1s",
            "docker secret rm k0",
            f"docker service rollback -d {name}",
        ):
            self.run(line)

    @precondition(lambda self: not self.jobs)
    @rule(shape=sst.jobs("job0"))
    def create_job(self, shape: sst.JobShape) -> None:
        """``docker service create --mode replicated-job|global-job`` of a drawn job."""
        self._image(shape.image)
        if self.run(shape.line()).ok:
            self.jobs.add(shape.name)

    @precondition(lambda self: bool(self.jobs))
    @rule(word=st.sampled_from(("update -d --force", "rollback -d", "rm")))
    def change_job(self, word: str) -> None:
        """Run the job again (every update is a new execution), roll it back or remove it."""
        if self.run(f"docker service {word} job0").ok and word == "rm":
            self.jobs.clear()

    @rule(worker=st.integers(0, 3), availability=st.sampled_from(("drain", "pause", "active")))
    def availability(self, worker: int, availability: str) -> None:
        """``docker node update --availability`` of a worker."""
        self.run(f"docker node update --availability {availability} {self._worker(worker)}")

    @rule(
        worker=st.integers(0, 3),
        word=st.sampled_from(("fail", "recover", "disconnect", "reconnect")),
    )
    def fault(self, worker: int, word: str) -> None:
        """A worker's machine fails or comes back, or loses its network or gets it back."""
        self.run(f"{word} {self._worker(worker)}")

    @rule(worker=st.integers(0, 3))
    def membership(self, worker: int) -> None:
        """A worker's machine leaves the swarm, or joins it again after it left.

        The join goes through ``manager1``, with the worker token kept in
        ``$WTOKEN`` by a line run before the first join; the machine comes
        back as a new node, and the old one stays listed, DOWN.
        """
        name = self._worker(worker)
        if name not in self.left:
            if self.run(f"@{name} docker swarm leave").ok:
                self.left.add(name)
            return
        if not self.token_kept:
            self.token_kept = True
            self.run("WTOKEN=$(docker swarm join-token -q worker)")
        address = self.live.machines["manager1"].address
        if self.run(f"@{name} docker swarm join --token $WTOKEN {address}:2377").ok:
            self.left.discard(name)

    @rule(duration=st.sampled_from(("500ms", "2s", "10s", "1m")))
    def advance(self, duration: str) -> None:
        """Let virtual time pass."""
        self.run(f"sleep {duration}")

    @rule()
    def settle(self) -> None:
        """Wait until every manager timer has fired, then check every invariant."""
        self.check_quiescence()

    def check_quiescence(self) -> None:
        """Settle for ``settle_time`` and check :func:`check_quiescent`."""
        self.run(f"sleep {int(self.settle_time)}s")
        self.fail(check_quiescent(self.live), "docker service ls")

    # --------------------------------------------------------- invariants
    @invariant()
    def always(self) -> None:
        """:func:`check_step` after every step."""
        if self.swarm is not None:
            self.fail(check_step(self.swarm))

    def teardown(self) -> None:
        """At the end of a run that has not failed yet: settle and check quiescence."""
        if self.swarm is not None and sys.exc_info()[0] is None:
            self.check_quiescence()


_HEADER = re.compile(r"swarmsim shell (?P<args>[^<]*)<<'EOF'\n")


def replay(script: str, ranking: Ranking | None = None) -> Swarm:
    """Run a script printed by :class:`SwarmStateMachine` in Python; return the swarm.

    The ``--ranking`` of the header is resolved as ``swarmsim shell`` does,
    unless ``ranking`` is given (a class that cannot be imported by name,
    e.g. one defined in a notebook).

    >>> swarm = replay("swarmsim shell --seed 1 --managers 1 --workers 0 <<'EOF'\\n"
    ...                "node add worker1\\nEOF\\n")
    >>> sorted(node.hostname for node in swarm.ctx.store.nodes.values())
    ['manager1', 'worker1']
    """
    from swarmsim.manager.scheduler.ranking import resolve_ranking

    header = _HEADER.search(script)
    if header is None:
        raise ValueError("not a swarmsim shell here-document")
    words = shlex.split(header.group("args"))
    options = dict(zip(words[::2], words[1::2], strict=False))
    swarm = Swarm(
        seed=int(options.get("--seed", "0")),
        managers=int(options.get("--managers", "1")),
        workers=int(options.get("--workers", "2")),
    )
    if ranking is not None:
        swarm.scheduler.ranking = ranking
    elif "--ranking" in options:
        swarm.scheduler.ranking = resolve_ranking(options["--ranking"])
    body = script[header.end() :]
    for line in body.split("\nEOF", 1)[0].splitlines():
        sst.apply(swarm, line)
    return swarm

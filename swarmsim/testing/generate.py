"""Random fault schedules, from a seeded :class:`random.Random` or from hypothesis.

One generator, two sources of choices: :func:`random_schedule` draws from a
seeded :class:`random.Random` (the long ``make fuzz`` mode: fast, no
hypothesis machinery), :func:`schedules` is the hypothesis strategy (the test
suite: shrinking, the ``ci`` profile's derandomized examples).  Both go
through :class:`_Builder`, which keeps track of the nodes and services a
schedule has made so that most lines do something.

The operations are those of the testing kit and of issue 14: node fail /
recover / disconnect / reconnect, drain / pause / activate, container kills,
scale, service updates to good and failing images (``exits_after``,
``pull_error``, ``never_healthy``) in both update orders with the failure
actions pause / continue / rollback, rollbacks, service removal, node add,
replicated and global services, 1 or 3 managers, 0–4 workers, and waits.
With ``extended=True`` a quarter of the lines are drawn from
:data:`EXTENDED`: network partitions and heals, node labels added and
removed under services constrained or spread by them, promotions and
demotions, forced node removals, published ports (:data:`PORTS`), a secret
(:data:`SECRET`) created, added, removed and deleted, restart,
update, rollback and resource policies changed (:data:`POLICIES`), a
small overlay network (:data:`NETWORK`) created and attached to services
until its addresses run out, and jobs (replicated and global, of an image
that completes, fails or never exits) run again, rescaled, given another
image or removed.  With ``membership=True`` (alone or with ``extended``)
about one line in seven comes from :data:`MEMBERSHIP`: machines leave the
swarm (``docker swarm leave``, ``--force`` on a manager), join it again as
workers or managers through one of the first managers' addresses (with the
tokens :data:`TOKENS` kept at the start), and left nodes are removed.  Each
option adds its own draws only when it is on, so the classic and the
extended schedules stay as they were: a seed draws the same lines as before.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Protocol, TypeVar

from hypothesis import strategies as st

from swarmsim.machine import default_address
from swarmsim.testing.schedules import Schedule

__all__ = [
    "CREATE_SECRET",
    "EXTENDED",
    "IMAGES",
    "JOB_IMAGE",
    "MEMBERSHIP",
    "NETWORK",
    "POLICIES",
    "PORTS",
    "SECRET",
    "TOKENS",
    "random_schedule",
    "schedules",
]

T = TypeVar("T")

IMAGES = (
    "image bad:exit exits_after=1s exit_code=1",
    "image bad:pull pull_error=true",
    "image bad:health never_healthy=true",
    "image slow:1 pull=10s",
)
"""Profiles every schedule starts with: three failing images and a slow one."""

GOOD = ("nginx:1", "nginx:2", "nginx:3", "slow:1")
BAD = ("bad:exit", "bad:pull", "bad:health")
HEALTH = "--health-cmd true --health-interval 1s --health-retries 1"
SLEEPS = ("100ms", "500ms", "1s", "1s", "2s", "3s", "5s", "10s", "20s", "1m")
MAX_SERVICES = 2
ZONES = ("east", "west")
EXTENDED = (
    "partition", "partition", "heal", "label", "label", "constraint",
    "role", "remove", "publish", "preference", "policy", "policy", "network", "network",
    "job", "job", "job", "secret", "secret",
)  # fmt: skip
"""The kinds of the extended lines, drawn with these weights."""
POLICIES = (
    "--restart-delay 0s", "--restart-delay 2s", "--restart-window 10s",
    "--restart-max-attempts 3", "--update-max-failure-ratio 0.5", "--update-monitor 0s",
    "--rollback-parallelism 2", "--rollback-delay 1s", "--rollback-failure-action continue",
    "--reserve-cpu 3", "--replicas-max-per-node 1",
)  # fmt: skip
"""A ``policy`` line sets one of these: restart, update and rollback policies, resources."""
PORTS = (
    "mode=host,target=80,published=8080", "mode=host,target=80,published=8081",
    "8080:81", "82",
)  # fmt: skip
"""What a ``publish`` line adds or removes: host-mode ports, an ingress port numbered
8080 (the host-mode one's number: whichever comes second is refused) and one
the swarm numbers.  Removed again and restored by a rollback, a numbered
port may meanwhile have gone to another service."""
SECRET = "k0"
"""The secret extended schedules create at the start and ``secret`` lines add to and
remove from services, remove and create again: a rollback may bring back tasks
that reference it once it is gone."""
CREATE_SECRET = f"printf 'x' | docker secret create {SECRET} -"
"""The line that creates :data:`SECRET`."""
NETWORK = "net0"
"""The overlay network ``network`` lines create (a /30, /29 or /28, soon full) and attach."""
JOB_IMAGE = "image job:1 exits_after=2s exit_code=0"
"""The profile extended schedules add to :data:`IMAGES`: a job's task completes 2 s after
it starts."""
MAX_JOBS = 2
MEMBERSHIP = ("leave", "leave", "join", "join", "join", "rm")
"""The kinds of the membership lines, drawn with these weights."""
TOKENS = (
    "WTOKEN=$(docker swarm join-token -q worker)",
    "MTOKEN=$(docker swarm join-token -q manager)",
)
"""Lines membership schedules start with: the join tokens, kept in shell variables."""


class Chooser(Protocol):
    """Where choices come from (:class:`random.Random` or a hypothesis draw)."""

    def choice(self, options: Sequence[T]) -> T: ...

    def randint(self, low: int, high: int) -> int: ...


class _Draw:
    """A :class:`Chooser` over a hypothesis ``draw`` function."""

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw

    def choice(self, options: Sequence[T]) -> T:
        return self._draw(st.sampled_from(options))

    def randint(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))


class _Builder:
    """Draws one schedule: the cluster, then lines that mostly make sense."""

    def __init__(self, pick: Chooser, extended: bool = False, membership: bool = False) -> None:
        self.pick = pick
        self.extended = extended
        self.membership = membership
        self.left: list[str] = []  # machines out of the swarm after docker swarm leave
        self.network_made = False  # a line has created NETWORK
        self.managers = pick.choice((1, 1, 3))
        self.workers = pick.randint(0, 4)
        self.nodes = [f"manager{i}" for i in range(1, self.managers + 1)]
        self.nodes += [f"worker{i}" for i in range(1, self.workers + 1)]
        self.services: dict[str, str] = {}  # name -> "replicated" | "global"
        self.replicas: dict[str, int] = {}  # name -> replicas asked for last
        self.image: dict[str, str] = {}  # name -> image asked for last
        self.next_service = 0
        self.next_worker = self.workers + 1
        self.jobs: dict[str, str] = {}  # name -> "replicated-job" | "global-job"
        self.next_job = 0

    def _chance(self, percent: int) -> bool:
        return self.pick.randint(1, 100) <= percent

    def build(self, seed: int, length: int) -> Schedule:
        lines = list(IMAGES)
        if self.extended:
            lines.extend((JOB_IMAGE, CREATE_SECRET))
        if self.membership:
            lines.extend(TOKENS)
        lines.append(self.create())
        for _ in range(length):
            lines.append(self.step())
        return Schedule(seed, self.managers, self.workers, tuple(lines))

    # ------------------------------------------------------------ operations
    def step(self) -> str:
        if self.membership and self._chance(15):
            return self.membership_step()
        if self.extended and self._chance(25):
            return self.extended_step()
        kind = self.pick.choice(
            (
                "sleep", "sleep", "sleep", "sleep", "update", "update", "update", "update",
                "scale", "node", "fault", "fault", "kill", "create", "rollback", "rm", "add",
            )
        )  # fmt: skip
        if kind == "create" and len(self.services) < MAX_SERVICES:
            return self.create()
        if kind in ("update", "scale", "kill", "rollback", "rm") and self.services:
            names = sorted(self.services)
            # most lines hit the oldest service, so that operations pile up on one
            name = names[0] if self._chance(60) else self.pick.choice(names)
            line: str = getattr(self, kind)(name)
            return line
        if kind == "node":
            availability = self.pick.choice(("drain", "pause", "active", "active"))
            node = self.node()
            return f"docker node update --availability {availability} {node}"
        if kind == "fault":
            word = self.pick.choice(("fail", "recover", "disconnect", "reconnect"))
            return f"{word} {self.node()}"
        if kind == "add":
            name = f"worker{self.next_worker}"
            self.next_worker += 1
            self.nodes.append(name)
            extra = self.pick.choice(("", "", " cpus=1 memory=4G", " label.zone=east"))
            return f"node add {name}{extra}"
        return f"sleep {self.pick.choice(SLEEPS)}"

    def extended_step(self) -> str:
        """A line of :data:`EXTENDED`; a sleep when there is nothing to act on."""
        kind = self.pick.choice(EXTENDED)
        line: str | None
        if kind in ("constraint", "publish", "preference", "policy") or (
            kind == "network" and self.network_made
        ):
            line = self.service_change(kind)
        else:
            line = getattr(self, f"_{kind}")()
        return line or f"sleep {self.pick.choice(SLEEPS)}"

    def membership_step(self) -> str:
        """A line of :data:`MEMBERSHIP`: a machine leaves, one that left joins again,
        or a left node is removed."""
        kind = self.pick.choice(MEMBERSHIP)
        if kind == "rm" and self.left:
            return f"docker node rm {self.pick.choice(self.left)}"
        if kind == "join" and self.left:
            machine = self.pick.choice(self.left)
            self.left.remove(machine)
            token = "$MTOKEN" if self._chance(20) else "$WTOKEN"
            # through one of the first managers, wherever the leader is now
            address = f"{default_address(self.pick.randint(0, self.managers - 1))}:2377"
            return f"@{machine} docker swarm join --token {token} {address}"
        # the CLI's own machine stays, so that the other lines still reach a manager
        staying = [n for n in self.nodes if n != "manager1" and n not in self.left]
        if not staying:
            return f"sleep {self.pick.choice(SLEEPS)}"
        workers = [n for n in staying if n.startswith("worker")]
        machine = self.pick.choice(workers if workers and self._chance(80) else staying)
        self.left.append(machine)
        force = "" if machine.startswith("worker") else " --force"
        return f"@{machine} docker swarm leave{force}"

    def _partition(self) -> str:
        """Two random groups of nodes (a heal when one would be empty)."""
        if len(self.nodes) > 1:
            sides: tuple[list[str], list[str]] = ([], [])
            for node in self.nodes:
                sides[self.pick.randint(0, 1)].append(node)
            if sides[0] and sides[1]:
                return f"partition {','.join(sides[0])} / {','.join(sides[1])}"
        return "heal"

    def _heal(self) -> str:
        return "heal"

    def _label(self) -> str:
        node = self.node()
        if self._chance(30):
            return f"docker node update --label-rm zone {node}"
        return f"docker node update --label-add zone={self.pick.choice(ZONES)} {node}"

    def _role(self) -> str:
        verb = self.pick.choice(("promote", "demote"))
        return f"docker node {verb} {self.pick.choice(self.nodes)}"

    def _remove(self) -> str | None:
        if len(self.nodes) < 2:
            return None
        node = self.node()
        if node.startswith("worker"):  # a manager is refused: it stays in the list
            self.nodes.remove(node)
        return f"docker node rm --force {node}"

    def _job(self) -> str:
        """Create a job, or run one again, rescale it, change it, roll it back or remove it."""
        if not self.jobs or (len(self.jobs) < MAX_JOBS and self._chance(25)):
            return self._create_job()
        name = self.pick.choice(sorted(self.jobs))
        kind = self.pick.choice(
            ("force", "force", "scale", "concurrency", "image", "rollback", "rm")
        )
        if kind == "rm":
            del self.jobs[name]
            return f"docker service rm {name}"
        if kind == "rollback":
            return f"docker service rollback -d {name}"
        if kind == "scale" and self.jobs[name] == "replicated-job":
            return f"docker service scale -d {name}={self.pick.randint(0, 6)}"
        if kind == "concurrency" and self.jobs[name] == "replicated-job":
            return f"docker service update -d --max-concurrent {self.pick.randint(1, 3)} {name}"
        if kind == "image":
            image = self.pick.choice(("job:1", "job:1", "bad:exit", "bad:pull"))
            return f"docker service update -d --image {image} {name}"
        return f"docker service update -d --force {name}"

    def _create_job(self) -> str:
        name = f"j{self.next_job}"
        self.next_job += 1
        mode = "global-job" if self._chance(30) else "replicated-job"
        self.jobs[name] = mode
        words = ["docker service create -d --name", name, "--mode", mode]
        if mode == "replicated-job":
            words.append(f"--replicas {self.pick.randint(0 if self._chance(10) else 1, 6)}")
            if self._chance(70):
                words.append(f"--max-concurrent {self.pick.randint(1, 3)}")
            if self._chance(15):
                words.append(f"--replicas-max-per-node {self.pick.randint(1, 2)}")
        self._placement(words)
        if self._chance(25):
            words.append(
                self.pick.choice(
                    ("--restart-condition none", "--restart-max-attempts 2",
                     "--restart-delay 1s", "--restart-condition any")
                )
            )  # fmt: skip
        words.append(self.pick.choice(("job:1", "job:1", "job:1", "bad:exit", "slow:1")))
        return " ".join(words)

    def _secret(self) -> str | None:
        """Create :data:`SECRET`, add it to or remove it from a service, or remove it."""
        kind = self.pick.choice(("create", "service", "service", "service", "rm"))
        if kind == "create":
            return CREATE_SECRET
        if kind == "rm":
            return f"docker secret rm {SECRET}"
        if not self.services:
            return None
        name = self.pick.choice(sorted(self.services))
        flag = "--secret-rm" if self._chance(35) else "--secret-add"
        return f"docker service update -d {flag} {SECRET} {name}"

    def _network(self) -> str:
        """Create :data:`NETWORK`: one, five or thirteen addresses after the gateway."""
        self.network_made = True
        mask = self.pick.choice((30, 29, 29, 28))
        return f"docker network create -d overlay --subnet 10.9.0.0/{mask} {NETWORK}"

    def service_change(self, kind: str) -> str | None:
        """A ``docker service update`` of an extended ``kind`` (``None``: no service)."""
        if not self.services:
            return None
        name = self.pick.choice(sorted(self.services))
        if kind == "policy":
            return f"docker service update -d {self.pick.choice(POLICIES)} {name}"
        removal = self._chance(35)
        if kind == "network":
            flag = "--network-rm" if removal else "--network-add"
            return f"docker service update -d {flag} {NETWORK} {name}"
        if kind == "constraint":
            flag = "--constraint-rm" if removal else "--constraint-add"
            zone = self.pick.choice(ZONES)
            return f"docker service update -d {flag} node.labels.zone=={zone} {name}"
        if kind == "publish":
            port = self.pick.choice(PORTS)
            flag = "--publish-rm" if removal else "--publish-add"
            return f"docker service update -d {flag} {port} {name}"
        flag = "--placement-pref-rm" if removal else "--placement-pref-add"
        return f"docker service update -d {flag} spread=node.labels.zone {name}"

    def node(self) -> str:
        workers = [n for n in self.nodes if n.startswith("worker")]
        if workers and self._chance(85):
            return self.pick.choice(workers)
        return self.pick.choice(self.nodes)

    def create(self) -> str:
        name = f"s{self.next_service}"
        self.next_service += 1
        mode = "global" if self._chance(25) else "replicated"
        self.services[name] = mode
        words = ["docker service create -d --name", name]
        if mode == "global":
            words.append("--mode global")
        else:
            self.replicas[name] = self.pick.randint(0 if self._chance(10) else 1, 5)
            words.append(f"--replicas {self.replicas[name]}")
            if self._chance(15):
                words.append(f"--replicas-max-per-node {self.pick.randint(1, 2)}")
        self._placement(words)
        if self._chance(15):
            words.append(
                self.pick.choice(
                    ("--restart-condition on-failure", "--restart-condition none",
                     "--restart-max-attempts 2")
                )
            )  # fmt: skip
        if self._chance(20):
            words.append(HEALTH)
        words.extend(self.update_flags())
        if self._chance(20):
            words.append(f"--rollback-order {self.pick.choice(('start-first', 'stop-first'))}")
        if self._chance(20):
            words.append("--rollback-monitor 1s")
        self.image[name] = self.pick.choice(GOOD if self._chance(85) else BAD)
        words.append(self.image[name])
        return " ".join(words)

    def _placement(self, words: list[str]) -> None:
        """Now and then, a constraint to workers and a memory reservation."""
        if self._chance(20):
            words.append("--constraint node.role==worker")
        if self._chance(15):
            words.append(f"--reserve-memory {self.pick.choice(('3G', '5G'))}")

    def update_flags(self) -> list[str]:
        words = []
        if self._chance(40):
            words.append(f"--update-order {self.pick.choice(('start-first', 'stop-first'))}")
        if self._chance(40):
            action = self.pick.choice(("pause", "continue", "rollback"))
            words.append(f"--update-failure-action {action}")
        if self._chance(20):
            words.append(f"--update-parallelism {self.pick.choice((0, 2))}")
        if self._chance(15):
            words.append("--update-delay 1s")
        if self._chance(20):
            words.append(f"--update-monitor {self.pick.choice(('1s', '2s'))}")
        return words

    def update(self, name: str) -> str:
        words = ["docker service update -d"]
        words.extend(self.update_flags())
        if self._chance(15):
            words.append(HEALTH)
        if self._chance(10):
            words.append("--force")
        if self.services[name] == "replicated" and self._chance(15):
            words.append(f"--replicas {self.count(name)}")
        if self._chance(80):
            # a different image most of the time; a failing one often
            images = [i for i in (BAD if self._chance(40) else GOOD) if i != self.image[name]]
            self.image[name] = self.pick.choice(images or GOOD)
            words.append(f"--image {self.image[name]}")
        words.append(name)
        return " ".join(words)

    def count(self, name: str) -> int:
        """A new replica count; the same one a third of the time (a no-op scale still
        rewrites the service, docs/behaviour.md#every-update-rewrites-history)."""
        if not self._chance(33):
            self.replicas[name] = self.pick.randint(0 if self._chance(10) else 1, 6)
        return self.replicas.get(name, 1)

    def scale(self, name: str) -> str:
        return f"docker service scale -d {name}={self.count(name)}"

    def kill(self, name: str) -> str:
        if self.services[name] == "global":
            return f"kill {name}.{self.node()}"
        return f"kill {name}.{self.pick.randint(1, max(1, self.replicas.get(name, 1)))}"

    def rollback(self, name: str) -> str:
        return f"docker service rollback -d {name}"

    def rm(self, name: str) -> str:
        del self.services[name]
        return f"docker service rm {name}"


def random_schedule(
    rng: random.Random, max_steps: int = 30, *, extended: bool = False, membership: bool = False
) -> Schedule:
    """A schedule drawn from ``rng`` (a seeded :class:`random.Random`), with the
    :data:`EXTENDED` lines too when ``extended`` and the :data:`MEMBERSHIP` lines
    when ``membership``.

    Examples
    --------
    >>> a = random_schedule(random.Random(7))
    >>> a == random_schedule(random.Random(7)) and a.steps[0].startswith("image ")
    True
    """
    builder = _Builder(rng, extended, membership)
    seed = rng.randint(0, 999)
    return builder.build(seed, rng.randint(1, max_steps))


@st.composite
def schedules(
    draw: st.DrawFn, max_steps: int = 30, extended: bool = False, membership: bool = False
) -> Schedule:
    """Hypothesis strategy for fault schedules (same operations as :func:`random_schedule`)."""
    pick = _Draw(draw)
    builder = _Builder(pick, extended, membership)
    seed = pick.randint(0, 999)
    return builder.build(seed, pick.randint(1, max_steps))

"""Every public Python entry point, called with arguments of the wrong type or range.

Each call either works or raises :class:`InvalidArgument` with a one-line
message, and a refused call changes nothing (store, trace, clock, image
profiles).  No other exception may escape: a ``TypeError`` or ``KeyError``
deep inside the simulator is a missing check at the door.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest

from swarmsim import metrics, viz
from swarmsim.agent.images import ImageModel, ImageProfile
from swarmsim.api import Availability, NodeRole
from swarmsim.context import ClusterSettings
from swarmsim.errors import InvalidArgument
from swarmsim.swarm import GIB, Swarm

BAD = [
    None, "", "x", "zone=east", "a b", "\n", "\udcff", -1, 0, 1.5, -0.5, math.nan, math.inf,
    -math.inf, 10**30, 2**63, True, False, [], [1], ["a"], {}, {"a": 1}, {1: "a"}, {"a": None},
    "/dev/null/x.png",
    {"": "x"}, ("a", "b"), b"bytes", object(), 1 + 2j, NodeRole.MANAGER, Availability.DRAIN,
    ImageProfile(), ClusterSettings(),
]  # fmt: skip


@dataclass(frozen=True)
class Entry:
    """A public call: its name, how to make it on a swarm, and valid keyword arguments."""

    name: str
    call: Callable[[Swarm, dict[str, Any]], object]
    valid: dict[str, Any]


PICTURE = Path(tempfile.gettempdir()) / "swarmsim-bad-arguments.png"


def _axes() -> object:
    from swarmsim.viz.style import new_axes

    return new_axes(2.0, 2.0)


def _task_id(swarm: Swarm) -> str:
    return next(t.id for t in swarm.ctx.store.tasks.values() if t.service_name == "web")


ENTRIES = [
    Entry(
        "Swarm",
        lambda s, kw: Swarm(**kw),
        {"seed": 1, "managers": 1, "workers": 1, "settings": None, "cpus": 4, "memory": GIB},
    ),
    Entry(
        "Swarm.add_node",
        lambda s, kw: s.add_node(**kw),
        {
            "hostname": "extra",
            "role": NodeRole.WORKER,
            "labels": {"zone": "east"},
            "engine_labels": None,
            "cpus": 2,
            "memory": GIB,
            "availability": Availability.ACTIVE,
        },
    ),
    Entry("Swarm.node", lambda s, kw: s.node(**kw), {"name_or_id": "worker1"}),
    Entry("Swarm.crash_node", lambda s, kw: s.crash_node(**kw), {"name": "worker1"}),
    Entry("Swarm.recover_node", lambda s, kw: s.recover_node(**kw), {"name": "worker1"}),
    Entry("Swarm.disconnect_node", lambda s, kw: s.disconnect_node(**kw), {"name": "worker1"}),
    Entry("Swarm.reconnect_node", lambda s, kw: s.reconnect_node(**kw), {"name": "worker1"}),
    Entry(
        "Swarm.kill_task",
        lambda s, kw: s.kill_task(**{**kw, "task_id": kw["task_id"] or _task_id(s)}),
        {"task_id": "", "exit_code": 1},  # "" stands for the id of one of web's tasks
    ),
    Entry("Swarm.advance", lambda s, kw: s.advance(**kw), {"seconds": 1.0}),
    Entry("Swarm.run", lambda s, kw: s.run(**kw), {"until": 1.0}),
    Entry("Swarm.docker", lambda s, kw: s.docker(**kw), {"command": "docker service ls"}),
    Entry(
        "ImageModel.set",
        lambda s, kw: s.images.set(**kw),
        {"image": "nginx:9", "profile": None, **{f.name: f.default for f in fields(ImageProfile)}},
    ),
    Entry("ImageModel", lambda s, kw: ImageModel(**kw), {"default": None}),
    Entry("ImageModel.profile", lambda s, kw: s.images.profile(**kw), {"image": "nginx"}),
    Entry(
        "ImageProfile",
        lambda s, kw: ImageProfile(**kw),
        {f.name: f.default for f in fields(ImageProfile)},
    ),
    Entry(
        "ClusterSettings",
        lambda s, kw: ClusterSettings(**kw),
        {f.name: f.default for f in fields(ClusterSettings)},
    ),
    Entry(
        "metrics.min_available",
        lambda s, kw: metrics.min_available(**{"run": s, **kw}),
        {"service": "web", "start": 0.0, "end": 30.0},
    ),
    Entry(
        "metrics.time_to_converge",
        lambda s, kw: metrics.time_to_converge(**{"run": s.trace, **kw}),
        {"service": "web", "since": 0.0},
    ),
    Entry(
        "metrics.replica_timeline",
        lambda s, kw: metrics.replica_timeline(**{"run": s, **kw}),
        {"service": "web", "until": None},
    ),
    Entry(
        "metrics.replica_series",
        lambda s, kw: metrics.replica_series(**{"run": s, **kw}),
        {"service": "web"},
    ),
    Entry(
        "metrics.update_reports",
        lambda s, kw: metrics.update_reports(**{"run": s, **kw}),
        {"service": None},
    ),
    Entry(
        "metrics.failed_tasks",
        lambda s, kw: metrics.failed_tasks(**{"run": s, **kw}),
        {"service": "web", "since": 0.0},
    ),
    Entry(
        "metrics.displaced_tasks",
        lambda s, kw: metrics.displaced_tasks(**{"run": s, **kw}),
        {"service": "web"},
    ),
    Entry("metrics run", lambda s, kw: metrics.update_reports(**kw), {"run": []}),
    Entry("Swarm.settle", lambda s, kw: s.settle(**kw), {"timeout": 5.0, "step": 1.0}),
    Entry(
        "viz.plot_tasks",
        lambda s, kw: viz.plot_tasks(s, **kw),
        {"service": "web", "ax": None, "until": None},
    ),
    Entry(
        "viz.plot_replicas",
        lambda s, kw: viz.plot_replicas(s, **kw),
        {"service": "web", "ax": None, "until": None},
    ),
    Entry(
        "viz.task_gantt",
        lambda s, kw: viz.task_gantt(**{"trace": s.trace, **kw}),
        {"node_names": None, "terminal_width": None},
    ),
    Entry("viz trace", lambda s, kw: viz.task_bars(**kw), {"trace": []}),
    Entry("viz.node_rows", lambda s, kw: viz.node_rows(**{"trace": s.trace, **kw}), {"until": 9}),
    Entry(
        "viz.save",
        lambda s, kw: viz.save(**{**kw, "fig_or_ax": kw["fig_or_ax"] or _axes()}),
        {"fig_or_ax": "", "path": PICTURE, "dpi": 150},  # "" stands for new axes
    ),
    Entry(
        "ReplicaTimeline.frame",
        lambda s, kw: metrics.replica_timeline(s.trace, "web").frame(**kw),
        {"columns": ["running"]},
    ),
]


def _calls() -> Iterator[tuple[str, Entry, dict[str, Any]]]:
    """Every entry with one argument replaced by each bad value (about 1,500 calls)."""
    for entry in ENTRIES:
        for name in entry.valid:
            for i, value in enumerate(BAD):
                yield f"{entry.name}({name}=BAD[{i}])", entry, {**entry.valid, name: value}


CALLS = list(_calls())


def _changes(swarm: Swarm, since: int) -> int:
    """Records since index ``since`` other than ``command`` ones (a refused line is still told)."""
    return sum(1 for record in swarm.trace[since:] if record.kind != "command")


def _snapshot(swarm: Swarm) -> object:
    store = swarm.ctx.store
    return (
        swarm.now,
        sorted((s.id, repr(s.spec), s.spec_version) for s in store.services.values()),
        sorted(repr(n) for n in store.nodes.values()),
        sorted((t.id, t.state, t.desired_state) for t in store.tasks.values()),
        repr(swarm.images._profiles),
        repr(swarm.ctx.settings),
    )


def _swarm() -> Swarm:
    swarm = Swarm(seed=5, managers=1, workers=2)
    assert swarm.docker("docker service create -d --name web --replicas 2 nginx").exit_code == 0
    swarm.advance(30)
    return swarm


def test_there_are_more_than_a_thousand_calls() -> None:
    assert len(CALLS) >= 1_000


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_each_entry_works_with_valid_arguments(entry: Entry) -> None:
    entry.call(_swarm(), dict(entry.valid))


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_bad_arguments_raise_invalid_argument_and_change_nothing(entry: Entry) -> None:
    swarm = _swarm()
    for label, _, arguments in (c for c in CALLS if c[1] is entry):
        before, told = _snapshot(swarm), len(swarm.trace)
        try:
            entry.call(swarm, arguments)
        except InvalidArgument as error:
            message = str(error)
            assert message and "\n" not in message.strip("\n"), (label, message)
            assert _snapshot(swarm) == before, label
            assert _changes(swarm, told) == 0, label
        except Exception as error:
            pytest.fail(f"{label}: {type(error).__name__}: {error}")


@pytest.fixture(autouse=True, scope="module")
def _remove_the_picture() -> Iterator[None]:
    yield
    PICTURE.unlink(missing_ok=True)

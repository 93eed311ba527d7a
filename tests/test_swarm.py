"""The Python entry point refuses bad input with a SwarmSimError, never a traceback."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from engine_helpers import create, spec

from swarmsim.api import Availability, NodeRole
from swarmsim.context import ClusterSettings
from swarmsim.errors import InvalidArgument, SwarmSimError
from swarmsim.swarm import Swarm


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"managers": 0}, "managers must be a whole number >= 1"),
        ({"managers": -1}, "managers must be a whole number >= 1"),
        ({"managers": 1.5}, "managers must be a whole number >= 1"),
        ({"workers": -1}, "workers must be a whole number >= 0"),
        ({"workers": "2"}, "workers must be a whole number >= 0"),
        ({"cpus": 0}, "cpus must be a positive number"),
        ({"memory": -1}, "memory must be a positive number of bytes"),
    ],
)
def test_swarm_refuses_bad_shapes(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        Swarm(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize("seconds", [-1, math.nan, math.inf, "1", None])
def test_advance_refuses_times_that_are_not_finite_and_non_negative(seconds: object) -> None:
    swarm = Swarm(seed=1)
    with pytest.raises(InvalidArgument):
        swarm.advance(seconds)  # type: ignore[arg-type]
    assert swarm.now == 0.0
    swarm.advance(1)
    assert swarm.now == 1.0


def test_run_refuses_nan_and_ignores_the_past() -> None:
    swarm = Swarm(seed=1)
    swarm.advance(2)
    with pytest.raises(InvalidArgument):
        swarm.run(math.nan)
    swarm.run(1)
    assert swarm.now == 2.0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"hostname": "worker1"}, "a node named 'worker1' already exists"),
        ({"hostname": ""}, "a node needs a hostname"),
        ({"hostname": "w9", "role": "manager"}, "role must be a NodeRole"),
        ({"hostname": "w9", "availability": "drain"}, "availability must be an Availability"),
        ({"hostname": "w9", "cpus": -1}, "cpus must be a positive number"),
    ],
)
def test_add_node_checks_its_arguments(options: dict[str, object], message: str) -> None:
    swarm = Swarm(seed=1)
    with pytest.raises(InvalidArgument, match=message):
        swarm.add_node(**options)  # type: ignore[arg-type]
    assert [n.hostname for n in swarm.ctx.store.nodes.values()] == [
        "manager1",
        "worker1",
        "worker2",
    ]
    node = swarm.add_node("w9", role=NodeRole.MANAGER, availability=Availability.PAUSE)
    assert swarm.node("w9") is node


def test_invalid_argument_is_both_a_swarmsim_error_and_a_value_error() -> None:
    assert issubclass(InvalidArgument, SwarmSimError)
    assert issubclass(InvalidArgument, ValueError)


@pytest.mark.parametrize(
    "changes",
    [
        {"heartbeat_period": 0},
        {"heartbeat_period": -5.0},
        {"network_latency": math.nan},
        {"reaper_batch": math.inf},
        {"grace_multiplier": 0},
        {"task_history_limit": 2.5},
        {"scheduler_debounce": "50ms"},
    ],
)
def test_cluster_settings_refuse_values_that_break_the_clock(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument, match="cluster setting"):
        ClusterSettings(**changes)  # type: ignore[arg-type]


def test_cluster_settings_accept_a_negative_history_limit() -> None:
    swarm = Swarm(seed=1, settings=ClusterSettings(task_history_limit=-1))
    assert swarm.ctx.settings.task_history_limit == -1


def test_named_initial_nodes() -> None:
    swarm = Swarm(
        seed=1,
        nodes=[
            {"hostname": "edge", "labels": {"zone": "x"}, "address": "10.0.0.7"},
            {"hostname": "boss", "role": NodeRole.MANAGER},
        ],
    )
    assert [n.hostname for n in swarm.ctx.store.nodes.values()] == ["edge", "boss"]
    assert swarm.node(swarm.current_node_id).hostname == "boss"
    assert swarm.node("edge").addr == "10.0.0.7"
    with pytest.raises(InvalidArgument, match="nodes must hold at least one manager"):
        Swarm(nodes=[{"hostname": "lonely"}])


def test_reprs_show_the_cluster_and_the_terminal_text() -> None:
    swarm = Swarm(seed=0, managers=1, workers=2)
    created = swarm.docker("docker service create -d --name web --replicas 2 nginx")
    assert repr(created) == f"<CommandResult exit_code=0>\n{created.stdout.strip()}"
    assert str(swarm.docker("docker node rm nowhere")).startswith("Error response from daemon")
    swarm.advance(30)
    swarm.crash_node("worker2")
    assert repr(swarm) == (
        "<Swarm seed=0 t=30s: 3 nodes, 1 services>\n"
        "  manager1  manager  ready  active  1 running\n"
        "  worker1   worker   ready  active  1 running\n"
        "  worker2   worker   ready  active  0 running\n"
        "  service web: 2 running"
    )
    assert swarm._repr_html_().startswith("<pre>&lt;Swarm seed=0")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Swarm(settings="x"), "settings must be a ClusterSettings, not 'x'"),  # type: ignore[arg-type]
        (lambda: Swarm(cpus=math.inf), "cpus must be a positive number up to 1000000, not inf"),
        (lambda: Swarm(seed="1"), "seed must be an integer, not '1'"),  # type: ignore[arg-type]
        (lambda: Swarm(memory=8.5e9), "memory must be a positive number of bytes"),  # type: ignore[arg-type]
    ],
)
def test_issue_14_swarm_arguments_of_the_wrong_type(call: Any, message: str) -> None:
    with pytest.raises(InvalidArgument, match=re.escape(message)):
        call()


def test_issue_14_calls_on_a_swarm_with_arguments_of_the_wrong_type_change_nothing() -> None:
    swarm = Swarm(seed=1)
    create(swarm, spec(replicas=1))
    swarm.advance(10)
    (task_id,) = swarm.ctx.store.tasks
    before = (len(swarm.trace), sorted(n.hostname for n in swarm.ctx.store.nodes.values()))
    with pytest.raises(InvalidArgument, match="a docker command is a string, not None"):
        swarm.docker(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="labels must be a mapping of label names"):
        swarm.add_node("x", labels="zone=east")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="a node is named by its hostname or id"):
        swarm.crash_node(["worker1"])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="exit_code must be between 0 and 255"):
        swarm.kill_task(task_id, 256)
    assert (len(swarm.trace), sorted(n.hostname for n in swarm.ctx.store.nodes.values())) == before


def test_numpy_style_integers_are_accepted() -> None:
    class Index:  # what numpy's integer types offer: __index__
        def __init__(self, value: int) -> None:
            self.value = value

        def __index__(self) -> int:
            return self.value

    swarm = Swarm(seed=Index(3), managers=Index(1), workers=Index(1))  # type: ignore[arg-type]
    assert len(swarm.ctx.store.nodes) == 2
    assert swarm.ctx.sim.seed == 3


def test_cluster_settings_changed_later_are_checked_too() -> None:
    settings = ClusterSettings()
    for name, value in [("max_tasks", "x"), ("max_time", math.inf), ("heartbeat_period", -1)]:
        before = getattr(settings, name)
        with pytest.raises(InvalidArgument, match=f"cluster setting {name} cannot be"):
            setattr(settings, name, value)
        assert getattr(settings, name) == before
    settings.max_tasks = 5
    assert settings.max_tasks == 5

"""Secrets and configs sent to nodes with their tasks, and a rollback to a removed one."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmsim.agent.executor import missing_dependency
from swarmsim.api import TaskState
from swarmsim.api.enums import UpdateState
from swarmsim.api.objects import Task
from swarmsim.api.specs import ConfigReference, ContainerSpec, FileTarget, SecretReference
from swarmsim.manager.dependencies import Dependencies
from swarmsim.swarm import Swarm

SECRET_ERROR = (
    "starting container failed: unable to get secret from secret store: secret {} not found"
)
CONFIG_ERROR = (
    "starting container failed: unable to get config from config store: config {} not found"
)


def ok(swarm: Swarm, line: str) -> str:
    result = swarm.docker(line)
    assert (result.stderr, result.exit_code) == ("", 0), line
    return result.stdout.strip()


@pytest.fixture
def swarm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Swarm:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "value").write_text("pw")
    swarm = Swarm(seed=3, managers=1, workers=2)
    swarm.advance(1)
    return swarm


def tasks_of(swarm: Swarm, name: str) -> list[Task]:
    service = swarm.ctx.store.service_by_name(name)
    assert service is not None
    return sorted(swarm.ctx.store.tasks_of_service(service.id), key=lambda t: (t.slot, t.id))


def test_a_node_holds_what_its_tasks_under_way_reference(swarm: Swarm) -> None:
    secret = ok(swarm, "docker secret create pw value")
    config = ok(swarm, "docker config create site value")
    ok(swarm, "docker service create -d --name web --replicas 1 --secret pw --config site nginx")
    swarm.advance(30)
    (task,) = tasks_of(swarm, "web")
    holder = swarm.agents[task.node_id]
    assert holder.dependencies == {secret, config}
    assert all(a.dependencies == set() for n, a in swarm.agents.items() if n != task.node_id)
    ok(swarm, "docker service scale -d web=0")
    swarm.advance(30)
    assert holder.dependencies == set()  # the last task that used them ended


def test_a_rollback_to_a_removed_secret_fails_to_start(swarm: Swarm) -> None:
    # the rotation lesson of docs/secrets-configs.md, then a rollback of it
    secret = ok(swarm, "docker secret create pw value")
    ok(swarm, "docker secret create pw2 value")
    ok(swarm, "docker service create -d --name web --replicas 2 --secret pw nginx")
    swarm.advance(30)
    ok(swarm, "docker service update -d --secret-rm pw --secret-add source=pw2,target=pw web")
    swarm.advance(60)
    ok(swarm, "docker secret rm pw")
    ok(swarm, "docker service rollback -d web")
    swarm.advance(30)
    failed = [t for t in tasks_of(swarm, "web") if t.state == TaskState.FAILED]
    assert failed
    assert {(t.status.message, t.status.err, t.status.exit_code) for t in failed} == {
        ("starting", SECRET_ERROR.format(secret), 128)  # the Engine's exitUnknown
    }
    status = swarm.ctx.store.service_by_name("web")
    assert status is not None and status.update_status is not None
    assert status.update_status.state == UpdateState.ROLLBACK_PAUSED
    shown = swarm.docker(
        "docker service ps --no-trunc --filter desired-state=shutdown --format '{{.Error}}' web"
    ).stdout.splitlines()
    assert f'"{SECRET_ERROR.format(secret)}"' in shown


def test_a_task_still_running_keeps_the_secret_on_its_node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # mid-update, an old task still uses the secret: its node keeps it (no Release was
    # sent), so the rolled-back task there starts although the store has lost it
    monkeypatch.chdir(tmp_path)
    (tmp_path / "value").write_text("pw")
    swarm = Swarm(seed=3, managers=1, workers=0)  # every task on one node
    secret = ok(swarm, "docker secret create pw value")
    ok(
        swarm,
        "docker service create -d --name web --replicas 2 --update-delay 1m --secret pw nginx",
    )
    swarm.advance(30)
    ok(swarm, "docker service update -d --secret-rm pw web")
    swarm.advance(20)  # one task replaced, the other waits for the delay
    old = [t for t in tasks_of(swarm, "web") if t.runnable and t.spec.container.secrets]
    assert len(old) == 1 and old[0].state == TaskState.RUNNING
    ok(swarm, "docker secret rm pw")
    ok(swarm, "docker service rollback -d web")
    swarm.advance(30)
    web = tasks_of(swarm, "web")
    assert not [t for t in web if t.state == TaskState.FAILED]
    running = [t for t in web if t.state == TaskState.RUNNING]
    assert len(running) == 2
    assert all(t.spec.container.secrets[0].secret_id == secret for t in running)
    assert swarm.agents[old[0].node_id].dependencies == {secret}


def test_a_removed_config_fails_like_a_secret(swarm: Swarm) -> None:
    config = ok(swarm, "docker config create site value")
    ok(swarm, "docker service create -d --name web --replicas 1 --config site nginx")
    swarm.advance(30)
    ok(swarm, "docker service update -d --config-rm site web")
    swarm.advance(60)
    ok(swarm, "docker config rm site")
    ok(swarm, "docker service rollback -d web")
    swarm.advance(15)
    errors = {t.status.err for t in tasks_of(swarm, "web") if t.state == TaskState.FAILED}
    assert errors == {CONFIG_ERROR.format(config)}


def test_a_new_session_sends_the_whole_set(swarm: Swarm) -> None:
    secret = ok(swarm, "docker secret create pw value")
    ok(swarm, "docker service create -d --name web --replicas 1 --secret pw nginx")
    swarm.advance(30)
    (task,) = tasks_of(swarm, "web")
    agent = swarm.agents[task.node_id]
    agent.dependencies.clear()  # as if lost
    node = swarm.ctx.store.nodes[task.node_id].hostname
    swarm.disconnect_node(node)
    swarm.advance(5)
    swarm.reconnect_node(node)
    swarm.advance(10)
    assert agent.dependencies == {secret}


def test_the_dispatchers_bookkeeping() -> None:
    swarm = Swarm(seed=1, managers=1)
    store = swarm.ctx.store
    deps = Dependencies(store)
    target = FileTarget("x")
    secret = SecretReference("sec1", "s", target)
    config = ConfigReference("cfg1", "c", target)
    store.secrets["sec1"] = object()  # type: ignore[assignment]  # only looked up
    store.configs["cfg1"] = object()  # type: ignore[assignment]

    def task(task_id: str) -> Task:
        container = ContainerSpec("nginx", secrets=(secret,), configs=(config,))
        return _FakeTask(task_id, container)  # type: ignore[return-value]

    a, b = task("a"), task("b")
    # a secret goes with every new task, a config with the first of the node only
    assert deps.assign("n1", a) == ("sec1", "cfg1")
    assert deps.assign("n1", b) == ("sec1",)
    assert deps.assign("n1", a) == ()  # already counted
    assert deps.release("n1", a) == ()
    assert deps.release("n1", b) == ("sec1", "cfg1")
    assert deps.release("n1", b) == ()
    # a reference to what the store no longer has counts as a use, and sends nothing
    del store.secrets["sec1"]
    assert deps.assign("n2", a) == ("cfg1",)
    assert deps.release("n2", a) == ("sec1", "cfg1")
    # a new session starts afresh
    deps.assign("n3", a)
    assert deps.sync("n3", [b]) == ("cfg1",)


class _FakeTask:
    """What the bookkeeping reads of a task: its id and container."""

    def __init__(self, task_id: str, container: ContainerSpec) -> None:
        self.id = task_id
        self.spec = _Spec(container)


class _Spec:
    def __init__(self, container: ContainerSpec) -> None:
        self.container = container


def test_missing_dependency_names_the_first_secret_then_configs() -> None:
    target = FileTarget("x")
    container = ContainerSpec(
        "nginx",
        secrets=(SecretReference("s1", "a", target), SecretReference("s2", "b", target)),
        configs=(ConfigReference("c1", "c", target),),
    )
    assert missing_dependency(container, {"s1", "s2", "c1"}) == ""
    assert missing_dependency(container, {"s1", "c1"}) == SECRET_ERROR.format("s2")
    assert missing_dependency(container, {"s1", "s2"}) == CONFIG_ERROR.format("c1")
    assert missing_dependency(container, set()) == SECRET_ERROR.format("s1")

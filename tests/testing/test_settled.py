"""The invariants of a settled swarm: quiet on healthy swarms, loud on tampered ones."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from swarmsim.api.enums import Availability, NodeStatus, TaskState, UpdateState
from swarmsim.api.objects import UpdateStatus
from swarmsim.swarm import Swarm
from swarmsim.testing.settled import check_settled


def _settled(*commands: str, workers: int = 2) -> Swarm:
    swarm = Swarm(seed=5, managers=1, workers=workers)
    for command in commands:
        assert swarm.docker(command).ok, command
    swarm.advance(60)
    assert check_settled(swarm) == []
    return swarm


def _messages(swarm: Swarm) -> list[str]:
    return [str(v) for v in check_settled(swarm)]


def test_an_update_left_in_flight_without_an_updater() -> None:
    swarm = _settled("docker service create -d --name web --replicas 2 nginx")
    service = swarm.ctx.store.service_by_name("web")
    assert service is not None
    service.update_status = UpdateStatus(UpdateState.UPDATING, 0.0, "update in progress")
    assert _messages(swarm) == ["update-settled: web: update stuck in updating"]


def test_out_of_date_tasks_with_no_update_status() -> None:
    swarm = _settled("docker service create -d --name web --replicas 2 nginx:1")
    service = swarm.ctx.store.service_by_name("web")
    assert service is not None
    container = replace(service.spec.task.container, image="nginx:2")
    service.spec = replace(service.spec, task=replace(service.spec.task, container=container))
    service.spec_version += 1  # changed behind the orchestrator's back
    assert _messages(swarm) == ["update-abandoned: web: web.1, web.2 out of date, no update status"]


def test_fewer_slots_than_replicas() -> None:
    swarm = _settled("docker service create -d --name web --replicas 2 nginx")
    service = swarm.ctx.store.service_by_name("web")
    assert service is not None
    service.spec = replace(service.spec, replicas=3)
    assert _messages(swarm) == ["replicas: web: 2 runnable slots for 3 replicas"]


def test_a_global_node_without_its_task() -> None:
    swarm = _settled("docker service create -d --name agent --mode global nginx", workers=1)
    service = swarm.ctx.store.service_by_name("agent")
    assert service is not None
    worker = swarm.node("worker1")
    for task in swarm.ctx.store.tasks_on_node(worker.id):
        task.desired_state = TaskState.SHUTDOWN  # not published: nobody reacts
    (running,) = (t for t in swarm.ctx.store.tasks_on_node(worker.id))
    assert _messages(swarm) == [
        "global-tasks: agent on worker1: no task",
        f"containers: worker1: container of agent.worker1 ({running.id[:12]}) runs, "
        "desired shutdown",
    ]


def test_a_wanted_task_on_a_node_marked_down() -> None:
    swarm = _settled("docker service create -d --name web --replicas 1 nginx", workers=1)
    task = next(t for t in swarm.ctx.store.tasks.values() if t.runnable)
    node = swarm.ctx.store.nodes[task.node_id]
    node.status = NodeStatus.DOWN  # not published: the orchestrator never hears of it
    messages = _messages(swarm)
    assert f"unavailable-node: web.1: wanted running, running/running on {node.hostname}" in (
        messages
    )


def test_a_pending_task_a_node_could_take() -> None:
    swarm = _settled(
        "docker node update --availability pause worker1",
        "docker node update --availability pause manager1",
        "docker service create -d --name web --replicas 1 nginx",
        workers=1,
    )
    worker = swarm.node("worker1")
    worker.availability = Availability.ACTIVE  # not published: the scheduler never hears
    assert _messages(swarm) == ["pending-placeable: web.1: PENDING although worker1 fits"]


def test_a_task_waiting_for_addresses_is_quiet_until_one_is_free() -> None:
    swarm = _settled(
        "docker network create -d overlay --subnet 10.5.0.0/30 one",  # room for the VIP only
        "docker service create -d --name web --replicas 2 --network one nginx",
    )
    service = swarm.ctx.store.service_by_name("web")
    assert service is not None
    tasks = swarm.ctx.store.tasks_of_service(service.id)
    assert [t.state for t in tasks] == [TaskState.NEW, TaskState.NEW]
    ((network_id, vip),) = service.virtual_ips
    swarm.allocator._pools[network_id].release(vip)  # a release the allocator never acts on
    assert sorted(_messages(swarm)) == [
        "new-allocatable: web.1: NEW although its networks have room",
        "new-allocatable: web.2: NEW although its networks have room",
        *sorted(
            f"replicas: web.{t.slot}: not running ({t.id[:12]} new/running on no node)"
            for t in tasks
        ),
    ]


def test_a_container_the_store_does_not_know() -> None:
    swarm = _settled("docker service create -d --name web --replicas 1 nginx", workers=1)
    task = next(t for t in swarm.ctx.store.tasks.values() if t.runnable)
    agent = swarm.agents[task.node_id]
    agent.controllers["ghost"] = agent.controllers[task.id]
    host = swarm.ctx.store.nodes[task.node_id].hostname
    assert _messages(swarm) == [
        f"containers: {host}: container of task ghost (running) unknown to the store"
    ]


def test_a_node_status_out_of_step_with_its_agent() -> None:
    swarm = _settled("docker service create -d --name web --replicas 2 nginx")
    swarm.crash_node("worker1")
    swarm.advance(60)
    assert check_settled(swarm) == []  # DOWN, its machine off
    swarm.node("worker1").status = NodeStatus.READY  # not published: nobody reacts
    assert _messages(swarm) == ["node-status: worker1: ready although its agent has no session"]
    swarm.recover_node("worker1")
    swarm.advance(60)
    assert check_settled(swarm) == []
    swarm.node("worker1").status = NodeStatus.UNKNOWN
    assert _messages(swarm) == ["node-status: worker1: unknown although its agent holds a session"]


def test_a_left_node_still_ready_or_still_running_its_agent() -> None:
    swarm = _settled("docker service create -d --name web --replicas 2 nginx")
    left = swarm.node("worker1")
    assert swarm.docker("docker swarm leave", on="worker1").ok
    swarm.advance(60)
    assert swarm.ctx.store.nodes[left.id].status == NodeStatus.DOWN
    assert check_settled(swarm) == []  # the node left: DOWN, its agent stopped
    swarm.agents[left.id].up = True
    left.status = NodeStatus.READY  # not published: nobody reacts
    where = f"worker1 ({left.id[:12]})"
    assert _messages(swarm) == [
        f"left-node: {where}: its machine left, its agent runs",
        f"left-node: {where}: its machine left, it is ready",
    ]
    assert swarm.docker("docker node rm --force worker1").ok  # gone from the store: not judged
    assert check_settled(swarm) == []


def test_only_the_leadership_is_judged_without_a_leader() -> None:
    swarm = _settled("docker service create -d --name web --replicas 2 nginx", workers=1)
    swarm.crash_node("manager1")
    swarm.advance(60)
    assert check_settled(swarm) == []
    swarm.agents[swarm.node("worker1").id].connected = False  # behind the sessions' back
    assert _messages(swarm) == ["leader: worker1: session lost although it reaches the network"]


def test_a_quorum_without_a_leader_or_a_leader_without_a_quorum() -> None:
    swarm = Swarm(seed=5, managers=3, workers=1)
    swarm.advance(60)
    assert check_settled(swarm) == []
    raft = swarm.raft
    leader = raft.leader
    raft.leader = None  # behind the components' back
    assert _messages(swarm) == [
        "leader: no leader although manager1, manager2, manager3 are a quorum",
        "leader: the leader-only components disagree with Raft",
    ]
    raft.leader = leader
    raft.reachable.discard(swarm.node("manager2").id)  # docker node ls: Unreachable
    assert _messages(swarm) == ["leader: reachability of manager2 out of step with the links"]
    raft.reachable.add(swarm.node("manager2").id)
    swarm.underlay.partition([["manager1"], ["manager2", "manager3", "worker1"]])
    assert "leader: manager1 leads, cut off from the quorum" in _messages(swarm)
    raft.members.pop(swarm.node("manager3").id)  # one member fewer: nobody has a quorum
    assert _messages(swarm)[0] == "leader: manager1 leads without a quorum"


def test_a_session_out_of_step_with_the_network() -> None:
    swarm = _settled("docker service create -d --name web --replicas 2 nginx")
    swarm.agents[swarm.node("worker2").id].connected = False
    assert _messages(swarm) == [
        "leader: worker2: session lost although it reaches the leader",
        "node-status: worker2: ready although its agent has no session",
    ]
    swarm.underlay.partition([["manager1"], ["worker1", "worker2"]])
    swarm.agents[swarm.node("worker2").id].connected = True
    assert "leader: worker2: session holds although it cannot reach the leader" in _messages(swarm)


def test_a_task_waiting_for_an_ingress_port_is_quiet_until_it_is_released() -> None:
    # a rollback to a spec whose port another service took since: the allocator waits
    swarm = _settled("docker service create -d --name a -p 8080:80 nginx")
    for line in (
        "docker service update -d --publish-rm 80 --publish-add 8081:81 a",
        "docker service create -d --name b -p 8080:80 nginx",
        "docker service rollback -d a",
    ):
        assert swarm.docker(line).ok, line
        swarm.advance(60)
    a = swarm.ctx.store.service_by_name("a")
    assert a is not None
    (waiting,) = [t for t in swarm.ctx.store.tasks_of_service(a.id) if t.state == TaskState.NEW]
    assert _messages(swarm) == []
    b = swarm.ctx.store.service_by_name("b")
    assert b is not None
    b.published_ports = ()  # b lets the port go, but the allocator never hears of it
    del swarm.allocator._ports[("tcp", 8080)]
    assert sorted(_messages(swarm)) == [
        f"new-allocatable: a.{waiting.slot}: NEW although its networks have room",
        f"replicas: a.{waiting.slot}: not running ({waiting.id[:12]} new/running on no node)",
        "update-settled: a: update stuck in rollback_started",
    ]


def test_secrets_a_node_holds_follow_its_tasks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "value").write_text("pw")
    swarm = _settled(
        "docker secret create pw value", "docker service create -d --name web --secret pw nginx"
    )
    (secret,) = swarm.ctx.store.secrets
    service = swarm.ctx.store.service_by_name("web")
    assert service is not None
    (task,) = swarm.ctx.store.tasks_of_service(service.id)
    agent = swarm.agents[task.node_id]
    host = swarm.ctx.store.nodes[task.node_id].hostname
    runs_without = (
        f"dependencies: {host}: container of web.1 ({task.id[:12]}) runs without a secret "
        "or config it references"
    )
    agent.dependencies.discard(secret)  # a lost assignment
    assert _messages(swarm) == [
        runs_without,
        f"dependencies: {host}: lacks {secret}, used by its tasks",
    ]
    agent.dependencies.update((secret, "gone"))  # a lost release
    assert _messages(swarm) == [f"dependencies: {host}: holds gone, used by no task"]
    agent.dependencies = set()
    del swarm.ctx.store.secrets[secret]  # as after a rollback to a removed secret
    assert _messages(swarm) == [runs_without]


def test_a_vip_missing_or_left_behind() -> None:
    swarm = _settled(
        "docker network create -d overlay backend",
        "docker service create -d --name web --network backend -p 8080:80 nginx",
        "docker service create -d --name db --endpoint-mode dnsrr --network backend nginx",
    )
    web = swarm.ctx.store.service_by_name("web")
    db = swarm.ctx.store.service_by_name("db")
    assert web is not None and db is not None
    ingress_vip, backend_vip = web.virtual_ips
    web.virtual_ips = (backend_vip,)  # the ingress VIP lost
    db.virtual_ips = (backend_vip,)  # a dnsrr service given one
    assert _messages(swarm) == [
        "vips: db: VIPs on backend, attached to none",
        "vips: web: VIPs on backend, attached to ingress, backend",
    ]
    web.virtual_ips = (ingress_vip, backend_vip)
    db.virtual_ips = ()
    assert _messages(swarm) == []

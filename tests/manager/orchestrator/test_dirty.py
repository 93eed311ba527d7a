"""What makes a task dirty (3.8) and the host-port edge of start-first (12.2, 12.11)."""

from __future__ import annotations

from dataclasses import replace

from engine_helpers import hostname, running

from swarmsim.api import Service, TaskState
from swarmsim.api.specs import Placement
from swarmsim.manager.orchestrator.task import is_task_dirty
from swarmsim.swarm import Swarm


def _service(swarm: Swarm, name: str) -> Service:
    service = swarm.ctx.store.service_by_name(name)
    assert service is not None
    return service


def test_constraint_change_redeploys_only_tasks_whose_node_no_longer_matches() -> None:
    swarm = Swarm(seed=6, managers=1, workers=2)
    assert swarm.docker("docker service create -d --name web --replicas 3 nginx:1").ok
    swarm.advance(10)
    service = _service(swarm, "web")
    before = {t.id: hostname(swarm, t) for t in running(swarm, service)}
    assert sorted(before.values()) == ["manager1", "worker1", "worker2"]
    assert swarm.docker("docker service update -d --constraint-add node.role==worker web").ok
    swarm.advance(30)
    after = {t.id: hostname(swarm, t) for t in running(swarm, service)}
    # the tasks on workers still match: same task ids, not redeployed
    kept = {tid for tid, host in before.items() if host != "manager1"}
    assert kept <= set(after)
    assert sorted(after.values()) in (
        ["worker1", "worker1", "worker2"],
        ["worker1", "worker2", "worker2"],
    )


def test_label_only_update_restarts_nothing_but_env_change_does() -> None:
    swarm = Swarm(seed=6, managers=1, workers=2)
    assert swarm.docker("docker service create -d --name web --replicas 2 nginx:1").ok
    swarm.advance(10)
    service = _service(swarm, "web")
    ids = {t.id for t in running(swarm, service)}
    assert swarm.docker("docker service update -d --label-add team=a web").ok
    swarm.advance(20)
    assert {t.id for t in running(swarm, service)} == ids
    assert swarm.docker("docker service update -d --env-add MODE=fast web").ok
    swarm.advance(30)
    assert not ids & {t.id for t in running(swarm, service)}


def test_start_first_with_a_host_port_on_one_node_never_schedules_the_new_task() -> None:
    swarm = Swarm(seed=6, managers=1, workers=0)
    line = (
        "docker service create -d --name web --update-order start-first "
        "--publish published=8080,target=80,mode=host nginx:1"
    )
    assert swarm.docker(line).ok
    swarm.advance(10)
    service = _service(swarm, "web")
    (old,) = running(swarm, service)
    assert swarm.docker("docker service update -d --image nginx:2 web").ok
    swarm.advance(60)
    new = [t for t in swarm.ctx.store.tasks_of_service(service.id) if t.id != old.id]
    assert [t.state for t in new] == [TaskState.PENDING]
    assert new[0].status.err == "no suitable node (host-mode port already in use on 1 node)"
    assert old.state == TaskState.RUNNING and old.desired_state == TaskState.RUNNING


def test_a_new_image_is_dirty_whatever_the_placement_and_a_new_placement_alone_is_not() -> None:
    swarm = Swarm(seed=6, managers=1, workers=1)
    assert swarm.docker("docker service create -d --name web --replicas 1 nginx:1").ok
    swarm.advance(10)
    service = _service(swarm, "web")
    task = next(iter(running(swarm, service)))
    node = swarm.ctx.store.nodes[task.node_id]
    old = replace(service, spec_version=service.spec_version + 1)
    image = replace(old.spec.task.container, image="nginx:2")
    placement = Placement(constraints=(f"node.hostname=={node.hostname}",))
    new_image = replace(old, spec=replace(old.spec, task=replace(old.spec.task, container=image)))
    new_place = replace(
        old, spec=replace(old.spec, task=replace(old.spec.task, placement=placement))
    )
    both = replace(
        new_image,
        spec=replace(new_image.spec, task=replace(new_image.spec.task, placement=placement)),
    )
    assert is_task_dirty(new_image, task, node)
    assert not is_task_dirty(new_place, task, node)  # the node matches the new constraint
    assert is_task_dirty(both, task, node)
    assert not is_task_dirty(old, task, node)  # a new version of the same spec
    elsewhere = Placement(constraints=("node.hostname==nowhere",))
    moved = replace(old, spec=replace(old.spec, task=replace(old.spec.task, placement=elsewhere)))
    assert is_task_dirty(moved, task, node)  # the node no longer matches


def test_the_spec_comparison_memo_answers_for_the_pair_it_holds_only() -> None:
    # is_task_dirty remembers the last (task spec, service spec) pair it compared:
    # a different pair, even of equal specs, or the same pair swapped, is compared afresh
    swarm = Swarm(seed=6, managers=1, workers=1)
    assert swarm.docker("docker service create -d --name web --replicas 1 nginx:1").ok
    swarm.advance(10)
    service = _service(swarm, "web")
    (task,) = running(swarm, service)
    newer = replace(service, spec_version=service.spec_version + 1)
    assert not is_task_dirty(newer, task, None)  # same spec object: clean
    image = replace(service.spec.task.container, image="nginx:2")
    changed = replace(newer, spec=replace(service.spec, task=replace(task.spec, container=image)))
    assert is_task_dirty(changed, task, None)
    assert is_task_dirty(changed, task, None)  # the remembered answer
    copy = replace(newer, spec=replace(service.spec, task=replace(task.spec)))
    assert copy.spec.task is not task.spec
    assert not is_task_dirty(copy, task, None)  # an equal copy, compared afresh
    assert is_task_dirty(changed, task, None)
    swapped = replace(task, spec=changed.spec.task)
    assert is_task_dirty(replace(newer, spec=service.spec), swapped, None)

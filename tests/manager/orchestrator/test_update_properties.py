"""Property tests of rolling updates: window size, stop-first, final state, determinism."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st
from update_helpers import (
    NEW,
    fail_updater_tasks,
    make_swarm,
    redis,
    set_image,
)

from swarmsim.api import (
    FailureAction,
    Service,
    TaskState,
    UpdateConfig,
    UpdateOrder,
    UpdateState,
)
from swarmsim.manager.orchestrator.update import Updater, failure_ratio_exceeded
from swarmsim.store import Action, StoreEvent, TaskEvent
from swarmsim.swarm import Swarm


@dataclass(frozen=True)
class Scenario:
    """A rolling update of ``replicas`` slots where the listed new tasks get killed."""

    seed: int
    replicas: int
    config: UpdateConfig
    failing: frozenset[int]
    kill_after: float


@st.composite
def scenarios(draw: st.DrawFn, monitor: float | None = None) -> Scenario:
    replicas = draw(st.integers(1, 4))
    config = UpdateConfig(
        parallelism=draw(st.integers(0, 3)),
        delay=draw(st.sampled_from([0.0, 2.0, 6.0])),
        failure_action=draw(st.sampled_from(list(FailureAction))),
        monitor=monitor if monitor is not None else draw(st.sampled_from([1.0, 5.0])),
        max_failure_ratio=draw(st.sampled_from([0.0, 0.34, 0.5, 1.0])),
        order=draw(st.sampled_from(list(UpdateOrder))),
    )
    failing = draw(st.frozensets(st.integers(0, replicas - 1)))
    kill_after = 0.5 if monitor is not None else draw(st.sampled_from([0.5, 3.0]))
    return Scenario(draw(st.integers(0, 3)), replicas, config, failing, kill_after)


@dataclass
class Watch:
    """What the properties look at, recorded while the simulation runs."""

    peak_in_flight: int = 0
    running_pairs: int = 0  # times a slot had two tasks observed RUNNING


def run(scenario: Scenario) -> tuple[Swarm, Service, Watch]:
    swarm = make_swarm(seed=scenario.seed)
    service = redis(swarm, replicas=scenario.replicas, update_config=scenario.config)
    watch = Watch()
    in_flight: dict[int, set[str]] = {}  # per updater run: tasks created, not yet up
    owner: dict[str, int] = {}
    running: dict[int, set[str]] = {}  # slot -> tasks observed RUNNING

    def on_event(event: StoreEvent) -> None:
        if not isinstance(event, TaskEvent) or event.task.service_id != service.id:
            return
        task = event.task
        if event.action is Action.CREATE:
            updater: Updater | None = swarm.updates.updaters.get(service.id)
            if updater is not None and task.id in updater.updated:
                run_id = id(updater)
                owner[task.id] = run_id
                in_flight.setdefault(run_id, set()).add(task.id)
                watch.peak_in_flight = max(watch.peak_in_flight, len(in_flight[run_id]))
            return
        if task.id in owner and task.state >= TaskState.RUNNING:
            in_flight[owner[task.id]].discard(task.id)
        slot = running.setdefault(task.slot, set())
        if event.action is Action.UPDATE and task.state == TaskState.RUNNING:
            slot.add(task.id)
            if len(slot) > 1:
                watch.running_pairs += 1
        else:
            slot.discard(task.id)

    swarm.ctx.store.watch(on_event)
    fail_updater_tasks(swarm, service, lambda n: n in scenario.failing, scenario.kill_after)
    set_image(swarm, service, NEW)
    swarm.advance(250)
    return swarm, service, watch


@given(scenarios())
def test_window_size_and_stop_first(scenario: Scenario) -> None:
    swarm, service, watch = run(scenario)
    config = scenario.config
    assert watch.peak_in_flight <= (config.parallelism or scenario.replicas)
    if config.order == UpdateOrder.STOP_FIRST:  # the rollback config is stop-first too
        assert watch.running_pairs == 0
    status = service.update_status
    assert status is not None
    allowed = {
        FailureAction.CONTINUE: {UpdateState.COMPLETED},
        FailureAction.PAUSE: {UpdateState.COMPLETED, UpdateState.PAUSED},
        FailureAction.ROLLBACK: {UpdateState.COMPLETED, UpdateState.ROLLBACK_COMPLETED},
    }[config.failure_action]
    assert status.state in allowed
    if not scenario.failing:
        assert status.state == UpdateState.COMPLETED
    assert swarm.updates.updaters == {}


def predicted(scenario: Scenario) -> UpdateState:
    """The final state the rules give when every failure is counted (long monitor)."""
    config = scenario.config
    failures = len(scenario.failing)
    triggered = config.failure_action != FailureAction.CONTINUE and failure_ratio_exceeded(
        failures, scenario.replicas, config.max_failure_ratio
    )
    if not triggered:
        return UpdateState.COMPLETED
    if config.failure_action == FailureAction.PAUSE:
        return UpdateState.PAUSED
    return UpdateState.ROLLBACK_COMPLETED


@given(scenarios(monitor=60.0))
def test_final_state_follows_the_rules_and_runs_repeat(scenario: Scenario) -> None:
    """With a 60 s monitor every failure counts, so the outcome is known in advance."""
    swarm, service, _ = run(scenario)
    status = service.update_status
    assert status is not None
    assert status.state == predicted(scenario)
    again, _, _ = run(scenario)
    assert again.trace.dump() == swarm.trace.dump()

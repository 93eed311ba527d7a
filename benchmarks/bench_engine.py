"""Engine benchmark: task throughput against plain SimPy, and scaling with cluster size.

Run ``python benchmarks/bench_engine.py`` (full) or ``--quick`` (well under a
minute on two cores).  The last line printed is one JSON object:

- ``raw_simpy_events_per_s``: a plain SimPy loop of processes yielding
  timeouts, measured in the same run (median of four measurements taken
  around the cluster runs, since the machine's speed drifts), as the yardstick;
- ``task_transitions_per_s``: task state changes committed to the store (trace
  records of tasks) per wall second while 10,000 nodes converge; changes the
  agents make between two 100 ms dispatcher batches are not counted;
- ``ratio_vs_simpy``: their ratio;
- ``us_per_task``: wall microseconds per task, for clusters of 100, 1,000 and
  10,000 nodes with 10 tasks per node, from ``service create`` until every task
  is RUNNING, after a warm-up run (the first run of a process pays one-time
  costs, about half again the cost per task of 100 nodes); the two smaller
  sizes are run three times and the median kept;
- ``build_s``: wall seconds to build those clusters (every machine joined)
  and run their first simulated second, before any service exists;
- ``small_services_us_per_task``: the same for 100 services of 10 replicas
  (1,000 tasks) on 1,000 and 10,000 nodes, all created in one instant: the
  scheduler places them in one tick of 100 batches, so a cost per batch that
  follows the cluster's size rather than the batch's shows here, and in
  ``small_services_ratio_10000_vs_1000``;
- ``rolling_update``: a rolling update of 100 services × 100 replicas on 1,000
  nodes (parallelism 10, delay 5 s): wall seconds, simulated seconds and
  simulated seconds per wall second;
- ``peak_rss_mb``: peak resident memory of the process.

``--swarm2k`` runs the Swarm2K rolling update instead, through the docker CLI
as a user would: 2,400 nodes, 40 services × 2,375 replicas created with
``--update-parallelism 50 --update-delay 5s``, run until every task runs, then
``docker service update --image`` of every service, run until no update is in
progress; and the same at a tenth of the size (240 nodes, 40 × 237 tasks) for
the growth figure (``--nodes N`` runs one size only, e.g. to profile it).  Its
JSON line gives, per size, the wall and simulated seconds of convergence and of
the update (and the process's CPU seconds, steadier than wall time on a
shared machine), microseconds per created and per replaced task, the update's
simulated seconds per wall second, bytes per task (resident memory added by the
services once converged, trace included, and again after the update, counted
from a ``docker node ls`` run first: the CLI's modules, about 9 MB resident
loaded by a first command, are not memory per task); then the
growth of the cost per replaced task from the small to the large size, the raw
SimPy events per second measured around the runs and the peak resident memory.

Each measurement starts with a full garbage collection, so that the garbage
of the previous run is not charged to the next one.  Only virtual time decides
what happens; wall time is measured here and never
feeds back into a simulation.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import islice

import simpy

from swarmsim.api import ContainerSpec, Service, ServiceSpec, TaskSpec, TaskState, UpdateConfig
from swarmsim.swarm import Swarm

SERVICES = 100
SMALL_REPLICAS = 10  # small services: 1,000 tasks however many nodes


def raw_simpy_events_per_s(events: int) -> float:
    """Events per second of a plain SimPy loop (1,000 processes yielding timeouts)."""
    env = simpy.Environment()
    per_process = events // 1000

    def loop(env: simpy.Environment) -> simpy.events.ProcessGenerator:
        for _ in range(per_process):
            yield env.timeout(1)

    for _ in range(1000):
        env.process(loop(env))
    gc.collect()
    start = time.perf_counter()
    env.run()
    return per_process * 1000 / (time.perf_counter() - start)


def _create(swarm: Swarm, name: str, image: str, replicas: int) -> Service:
    ctx = swarm.ctx
    spec = ServiceSpec(name, TaskSpec(ContainerSpec(image)), replicas=replicas)
    service = Service(ctx.ids.new(), spec, created_at=ctx.now)
    ctx.store.create_service(service)
    return service


def _all_running(swarm: Swarm, expected: int) -> bool:
    running = swarm.ctx.store.tasks_with_desired(TaskState.RUNNING)
    return sum(1 for t in running if t.state == TaskState.RUNNING) >= expected


def converge(nodes: int, tasks_per_node: int = 10) -> dict[str, float]:
    """Create ``nodes × tasks_per_node`` tasks over 100 services and run until all run."""
    return converge_tasks(nodes, nodes * tasks_per_node)


def converge_tasks(nodes: int, total: int) -> dict[str, float]:
    """Create ``total`` tasks over 100 services on ``nodes`` nodes and run until all run."""
    gc.collect()
    built = time.perf_counter()
    swarm = Swarm(seed=1, managers=3, workers=nodes - 3)
    swarm.advance(1)
    build = time.perf_counter() - built
    records_before = len(swarm.trace)
    gc.collect()  # garbage of earlier runs is not this run's cost
    start = time.perf_counter()
    for i in range(SERVICES):
        _create(swarm, f"svc{i}", "app:1", total // SERVICES)
    while not _all_running(swarm, total):
        swarm.advance(1)
    wall = time.perf_counter() - start
    transitions = sum(1 for r in islice(swarm.trace, records_before, None) if r.kind == "task")
    return {
        "wall_s": wall,
        "us_per_task": wall / total * 1e6,
        "build_s": build,
        "transitions_per_s": transitions / wall,
    }


def _median_run(nodes: int) -> dict[str, float]:
    """``converge(nodes)``; a size that runs in well under a second is run three
    times and the run with the median cost per task kept (one short run is noisy)."""
    if nodes > 1_000:
        return converge(nodes)
    runs = sorted((converge(nodes) for _ in range(3)), key=lambda r: r["us_per_task"])
    return runs[1]


def rolling_update(nodes: int, services: int, replicas: int) -> dict[str, float]:
    """Update every service's image at once; run until no update is in progress."""
    swarm = Swarm(seed=2, managers=3, workers=nodes - 3)
    swarm.advance(1)
    created = [_create(swarm, f"svc{i}", "app:1", replicas) for i in range(services)]
    while not _all_running(swarm, services * replicas):
        swarm.advance(1)
    config = UpdateConfig(parallelism=10, delay=5.0)
    store = swarm.ctx.store
    began = swarm.now
    gc.collect()  # garbage of earlier runs is not this run's cost
    start = time.perf_counter()
    for service in created:
        container = replace(service.spec.task.container, image="app:2")
        new_spec = replace(
            service.spec, task=replace(service.spec.task, container=container), update=config
        )
        service.previous_spec = service.spec
        service.spec = new_spec
        service.spec_version += 1
        service.update_status = None
        store.update_service(service)
    swarm.advance(1)
    while any(
        s.update_status is not None and s.update_status.state.name == "UPDATING"
        for s in store.services.values()
    ):
        swarm.advance(5)
    wall = time.perf_counter() - start
    simulated = swarm.now - began
    return {
        "wall_s": round(wall, 3),
        "simulated_s": round(simulated, 3),
        "sim_s_per_wall_s": round(simulated / wall, 3),
    }


SWARM2K_NODES = 2_400
SWARM2K_SERVICES = 40
SWARM2K_REPLICAS = 2_375  # per service at 2,400 nodes: 95,000 tasks


def _rss_bytes() -> int:
    """Resident memory of the process now (Linux ``/proc``; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _updating(swarm: Swarm) -> bool:
    return any(
        s.update_status is not None and s.update_status.state.name == "UPDATING"
        for s in swarm.ctx.store.services.values()
    )


def _docker(swarm: Swarm, command: str) -> None:
    result = swarm.docker(command)
    if result.exit_code:
        raise SystemExit(f"{command}: {result.stderr.strip()}")


def _timed_phase(
    swarm: Swarm, commands: list[str], busy: Callable[[Swarm], bool]
) -> tuple[float, float, float, int]:
    """Run ``commands``, then the clock while ``busy``: wall, CPU and simulated
    seconds, and the resident memory afterwards."""
    began = swarm.now
    start = time.perf_counter()
    cpu = time.process_time()
    for command in commands:
        _docker(swarm, command)
    swarm.advance(1)
    while busy(swarm):
        swarm.advance(1)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    simulated = swarm.now - began
    gc.collect()
    return wall, cpu, simulated, _rss_bytes()


def swarm2k(nodes: int) -> dict[str, float]:
    """The Swarm2K rolling update at ``nodes`` nodes (tasks scale with nodes)."""
    replicas = SWARM2K_REPLICAS * nodes // SWARM2K_NODES
    total = SWARM2K_SERVICES * replicas
    swarm = Swarm(seed=3, managers=3, workers=nodes - 3)
    swarm.advance(1)
    _docker(swarm, "docker node ls")  # loads the CLI (no simulated time, no trace record)
    gc.collect()
    rss_before = _rss_bytes()
    names = [f"svc{i}" for i in range(SWARM2K_SERVICES)]
    create = "docker service create --detach --update-parallelism 50 --update-delay 5s"
    converge_wall, converge_cpu, converge_sim, rss_converged = _timed_phase(
        swarm,
        [f"{create} --name {name} --replicas {replicas} app:1" for name in names],
        lambda s: not _all_running(s, total),
    )
    update_wall, update_cpu, update_sim, rss_updated = _timed_phase(
        swarm, [f"docker service update --detach --image app:2 {name}" for name in names], _updating
    )
    return {
        "nodes": nodes,
        "tasks": total,
        "converge_wall_s": round(converge_wall, 3),
        "converge_cpu_s": round(converge_cpu, 3),
        "converge_sim_s": round(converge_sim, 3),
        "update_wall_s": round(update_wall, 3),
        "update_cpu_s": round(update_cpu, 3),
        "update_sim_s": round(update_sim, 3),
        "update_sim_s_per_wall_s": round(update_sim / update_wall, 1),
        "us_per_created_task": round(converge_wall / total * 1e6, 1),
        "us_per_replaced_task": round(update_wall / total * 1e6, 1),
        "bytes_per_task_converged": round((rss_converged - rss_before) / total),
        "bytes_per_task_updated": round((rss_updated - rss_before) / total),
        "trace_records": len(swarm.trace),
    }


def main_swarm2k(nodes: int | None, events: int) -> dict[str, object]:
    """The ``--swarm2k`` mode: one size, or a tenth of Swarm2K and then Swarm2K."""
    sizes = [nodes] if nodes else [SWARM2K_NODES // 10, SWARM2K_NODES]
    raws = [raw_simpy_events_per_s(events)]
    runs = []
    for n in sizes:
        run = swarm2k(n)
        print(json.dumps(run), flush=True)
        runs.append(run)
        raws.append(raw_simpy_events_per_s(events))
    summary: dict[str, object] = {"swarm2k": runs}
    if len(runs) == 2:
        summary["us_per_replaced_task_growth"] = round(
            runs[1]["us_per_replaced_task"] / runs[0]["us_per_replaced_task"], 2
        )
    summary["raw_simpy_events_per_s"] = round(statistics.median(raws))
    return summary


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller update benchmark")
    parser.add_argument("--swarm2k", action="store_true", help="the Swarm2K rolling update")
    parser.add_argument("--nodes", type=int, help="--swarm2k: run this size only")
    args = parser.parse_args(argv)
    events = 200_000 if args.quick else 1_000_000
    if args.swarm2k:
        summary = main_swarm2k(args.nodes, events)
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        summary["peak_rss_mb"] = round(peak_kb / 1024, 1)
        print(json.dumps(summary, sort_keys=True))
        return 0
    # the machine's speed drifts: measure the yardstick before, between and after
    # the cluster runs and keep the median
    raws = [raw_simpy_events_per_s(events)]
    converge(100)  # warm-up: a first run's one-time costs are not a cost per task
    results = {}
    for n in (100, 1_000, 10_000):
        results[n] = _median_run(n)
        raws.append(raw_simpy_events_per_s(events))
    raw = statistics.median(raws)
    for n, r in results.items():
        print(f"{n:>6} nodes: {r['us_per_task']:.1f} us/task, {r['wall_s']:.2f} s", flush=True)
    small = {n: converge_tasks(n, SERVICES * SMALL_REPLICAS) for n in (1_000, 10_000)}
    for n, r in small.items():
        print(f"{n:>6} nodes, small services: {r['us_per_task']:.1f} us/task", flush=True)
    transitions = results[10_000]["transitions_per_s"]
    update = rolling_update(1_000, 20 if args.quick else 100, 100)
    print(f"rolling update: {update}", flush=True)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = {
        "raw_simpy_events_per_s": round(raw),
        "task_transitions_per_s": round(transitions),
        "ratio_vs_simpy": round(transitions / raw, 4),
        "us_per_task": {str(n): round(r["us_per_task"], 1) for n, r in results.items()},
        "build_s": {str(n): round(r["build_s"], 2) for n, r in results.items()},
        "us_per_task_ratio_10000_vs_100": round(
            results[10_000]["us_per_task"] / results[100]["us_per_task"], 2
        ),
        "small_services_us_per_task": {
            str(n): round(r["us_per_task"], 1) for n, r in small.items()
        },
        "small_services_ratio_10000_vs_1000": round(
            small[10_000]["us_per_task"] / small[1_000]["us_per_task"], 2
        ),
        "rolling_update": update,
        "quick": args.quick,
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

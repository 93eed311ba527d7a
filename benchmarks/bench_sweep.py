"""A 64-run sweep serially, in a process pool and on a local dask cluster; then cached.

    python benchmarks/bench_sweep.py [--workers 20] [--jobs 2]

Prints the wall time of each, the speed-up of the pool and whether every
frame equals the serial one.  The machine is shared: report its load too.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from swarmsim import Swarm
from swarmsim.experiments import sweep


def update(seed: int, parallelism: int, order: str, workers: int = 20) -> Swarm:
    swarm = Swarm(seed=seed, managers=1, workers=workers)
    for image in ("app:1", "app:2"):
        swarm.images.set(image, pull=1.0 + seed % 5, start=1.0)
    swarm.docker(f"docker service create -d --replicas {2 * workers} --name web app:1", check=True)
    swarm.settle(timeout=600)
    swarm.docker(
        f"docker service update -d --image app:2 --update-parallelism {parallelism} "
        f"--update-order {order} --update-delay 5s web",
        check=True,
    )
    swarm.settle(timeout=3600)
    return swarm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    grid = {
        "parallelism": [1, 2, 4, 8],
        "order": ["stop-first", "start-first"],
        "workers": [args.workers],
    }
    sweep(update, {"parallelism": [1], "order": ["stop-first"]}, seeds=1, progress=False)  # warm
    print(f"load average before: {os.getloadavg()}")
    t = time.perf_counter()
    serial = sweep(update, grid, seeds=8, jobs=1, progress=False)
    s = time.perf_counter() - t
    t = time.perf_counter()
    pooled = sweep(update, grid, seeds=8, jobs=args.jobs, progress=False)
    p = time.perf_counter() - t
    print(f"{len(serial)} runs: serial {s:.2f}s, pool of {args.jobs} {p:.2f}s, x{s / p:.2f}, "
          f"identical: {pooled.equals(serial)}")  # fmt: skip
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("dask: not installed")
    else:
        with (
            LocalCluster(n_workers=args.jobs, threads_per_worker=1, dashboard_address=None) as c,
            Client(c) as client,
        ):
            t = time.perf_counter()
            dasked = sweep(update, grid, seeds=8, executor=client, progress=False)
            d = time.perf_counter() - t
        same = dasked.equals(serial)
        print(f"dask local cluster ({args.jobs} workers): {d:.2f}s, identical: {same}")
    with tempfile.TemporaryDirectory() as cache:
        sweep(update, grid, seeds=8, progress=False, cache=cache)
        t = time.perf_counter()
        cached = sweep(update, grid, seeds=8, progress=False, cache=cache)
        c_time = time.perf_counter() - t
    print(f"cached rerun: {c_time:.3f}s, identical: {cached.equals(serial)}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

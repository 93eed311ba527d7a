"""Where the runs of a sweep are made: in this process, a process pool, or any executor.

:func:`execute` hands the runs to

* nobody (``jobs=1``): one after another in this process;
* a :class:`concurrent.futures.ProcessPoolExecutor` of ``jobs`` workers
  (default: as many as cores), made and shut down here;
* ``executor``: any :class:`concurrent.futures.Executor`, or a
  ``dask.distributed.Client`` (through its ``get_executor()``), so the same
  notebook runs on a laptop or a cluster.

Runs go in chunks (about four per worker, interleaved so slow and fast
combinations mix) so that small runs are not dominated by the cost of a
round trip; each chunk carries the plan as cloudpickle bytes.  A chunk whose
worker failed (a process killed, a broken pool) gives every one of its runs
an ``error``; the others are kept.  Rows are placed by run index, so the
order and values never depend on the executor.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from typing import Any

from swarmsim.errors import InvalidArgument
from swarmsim.experiments.grid import Value
from swarmsim.experiments.runs import Plan, pack, run_chunk

__all__ = ["execute"]

Item = tuple[int, dict[str, Value], int]  # run index, parameters, seed
Row = dict[str, Value]
Done = Callable[[list[tuple[int, Row]]], None]

CHUNKS_PER_WORKER = 4


def _workers(jobs: object) -> int:
    if jobs is None:
        return os.cpu_count() or 1
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InvalidArgument(f"jobs must be a number of processes (1 or more), not {jobs!r:.60}")
    return jobs


def _as_executor(executor: object) -> Executor:
    """A concurrent.futures Executor, unwrapping a dask.distributed Client."""
    if type(executor).__module__.startswith("distributed") and hasattr(executor, "get_executor"):
        wrapped: Executor = executor.get_executor()
        return wrapped
    if not isinstance(executor, Executor):
        raise InvalidArgument(
            "executor must be a concurrent.futures.Executor or a dask.distributed.Client, "
            f"not {executor!r:.60}"
        )
    return executor


def _chunks(items: list[Item], count: int) -> list[list[Item]]:
    count = max(1, min(count, len(items)))
    return [items[i::count] for i in range(count)]


def execute(
    plan: Plan, items: list[Item], done: Done, *, jobs: object = None, executor: object = None
) -> None:
    """Make every run of ``items``; call ``done(rows)`` as each chunk finishes."""
    workers = _workers(jobs)
    if executor is None and workers == 1:
        for index, params, seed in items:
            done([(index, plan.row(params, seed))])
        return
    data = pack(plan)
    if executor is not None:
        _submit(_as_executor(executor), data, _chunks(items, workers * CHUNKS_PER_WORKER), done)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        _submit(pool, data, _chunks(items, workers * CHUNKS_PER_WORKER), done)


def _submit(pool: Executor, data: bytes, chunks: list[list[Item]], done: Done) -> None:
    futures: dict[Future[Any], list[Item]] = {
        pool.submit(run_chunk, data, chunk): chunk for chunk in chunks
    }
    for future in _completed(futures):
        chunk = futures[future]
        try:
            rows = future.result()
        except Exception as error:
            rows = [(index, {"error": f"{type(error).__name__}: {error}"}) for index, _, _ in chunk]
        done(rows)


def _completed(futures: dict[Future[Any], list[Item]]) -> Iterator[Future[Any]]:
    try:
        yield from as_completed(futures)
    finally:
        for future in futures:
            future.cancel()

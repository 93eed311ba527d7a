"""What an expectation says, and whether it holds in a swarm now.

:func:`describe` says a check in words (``redis has 3 running tasks``);
:func:`observe` looks at the swarm (its store, or the output of a command
run through the interpreter without recording it) and returns whether the
check holds and what was seen (``2 running``), so a failed expectation
reports both.

The counts follow docker's views: *running* counts tasks whose observed
state is ``running``, as the ``REPLICAS`` column of ``docker service ls``
(``swarmkit: manager/controlapi/service.go``, ``ListServiceStatuses``),
so a task on a node that went down counts until the node comes back;
*placement* counts, per node or per value of a node label, the running tasks
the orchestrator still wants running (desired state ``running``: what
``docker service ps --filter desired-state=running`` lists as Running);
*tasks* counts every task of the service in a state, history included, as
``docker service ps`` lists them; *settled* is what
:meth:`~swarmsim.swarm.Swarm.settle` waits for (:mod:`swarmsim.settle`),
looked at once: no service converging, and exactly the ``held`` services
(none by default) held by a paused update.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from swarmsim.api.enums import TaskState
from swarmsim.manager.controlapi.service import service_status
from swarmsim.metrics.requests import success_rate
from swarmsim.scenario.model import Check
from swarmsim.settle import container_runs, unsettled

if TYPE_CHECKING:
    from swarmsim.shell.interpreter import Interpreter

__all__ = ["describe", "observe", "table_column"]

_RUNNING = TaskState.RUNNING


def _pairs(value: object) -> list[tuple[str, int]]:
    return [(str(k), int(v)) for k, v in value]  # type: ignore[attr-defined]


def _spread(pairs: list[tuple[str, int]]) -> str:
    return ", ".join(f"{k}={v}" for k, v in pairs)


def describe(check: Check) -> str:
    """The check in words.

    >>> describe(Check("running", (("count", 3), ("service", "redis"))))
    'redis has 3 running tasks'
    """
    f = check.get
    service = f("service")
    if check.kind == "running":
        return f"{service} has {f('count')} running tasks"
    if check.kind == "placement":
        per = f"per label {f('label')}" if f("label") else "per node"
        return f"running tasks of {service} {per}: {_spread(_pairs(f('counts')))}"
    if check.kind == "tasks":
        where = f" on {f('node')}" if f("node") else ""
        desired = f" (desired {f('desired')})" if f("desired") else ""
        return f"{service} has {f('count')} {f('state')} tasks{where}{desired}"
    if check.kind == "update":
        state = f"update of {service} is {f('state')}" if f("state") else f"update of {service}"
        return state + (f", message contains {f('message')!r}" if f("message") else "")
    if check.kind == "requests":
        low, high = f("min_success"), f("max_success")
        bounds = [
            f"at least {low:.0%}" if low is not None else "",
            f"at most {high:.0%}" if high is not None else "",
        ]
        return f"load {f('load')} served {' and '.join(b for b in bounds if b) or 'requests'}"
    if check.kind == "node":
        facts = [str(f(k)) for k in ("status", "availability", "role") if f(k)]
        return f"node {f('name')} is {', '.join(facts) or 'there'}"
    if check.kind == "settled":
        held = list(f("held") or ())  # type: ignore[call-overload]
        return "the swarm has settled" + (f", held: {', '.join(held)}" if held else "")
    way = next(k for k in ("contains", "equals", "matches", "column") if f(k) is not None)
    if way == "column":
        values = list(f("values"))  # type: ignore[call-overload]
        return f"`{f('run')}` column {f('column')} is {values}"
    return f"`{f('run')}` output {way} {f(way)!r}"


def table_column(output: str, name: str) -> list[str] | None:
    """The cells of column ``name`` of a docker table (``None`` without that column).

    Columns start where the header's titles start: docker pads them with
    at least two spaces, and a title holds single spaces only.

    >>> table_column("ID   NAME      MODE\\nab   web       global\\n", "NAME")
    ['web']
    """
    lines = output.splitlines()
    if not lines:
        return None
    starts = [m.start() for m in re.finditer(r"(?:(?<=\s\s)|^)\S", lines[0])]
    titles = [lines[0][s:e].strip() for s, e in zip(starts, [*starts[1:], None], strict=True)]
    if name not in titles:
        return None
    index = titles.index(name)
    start, end = starts[index], starts[index + 1] if index + 1 < len(starts) else None
    return [line[start:end].strip() for line in lines[1:] if line.strip()]


def _short(text: str) -> str:
    text = text.rstrip("\n")
    return repr(text if len(text) <= 300 else text[:300] + "...")


def observe(check: Check, interpreter: Interpreter) -> tuple[bool, str]:
    """Whether ``check`` holds now, and what was seen."""
    swarm = interpreter.swarm
    store = swarm.ctx.store
    f = check.get
    if check.kind == "node":
        node = store.node_by_name(str(f("name")))
        if node is None:
            return False, f"no node {f('name')}"
        seen = {
            "status": node.status.api_name,
            "availability": node.availability.api_name,
            "role": node.role.api_name,
        }
        wanted = {k: f(k) for k in seen if f(k)}
        return all(seen[k] == v for k, v in wanted.items()), ", ".join(seen[k] for k in wanted)
    if check.kind == "output":
        result = interpreter.execute(str(f("run")), record=False)
        output = result.stdout + result.stderr
        if f("column") is not None:
            cells = table_column(output, str(f("column")))
            if cells is None:
                return False, f"no column {f('column')} in {_short(output)}"
            return cells == list(f("values")), str(cells)  # type: ignore[call-overload]
        if f("contains") is not None:
            return str(f("contains")) in output, _short(output)
        if f("equals") is not None:
            return output.rstrip("\n") == str(f("equals")).rstrip("\n"), _short(output)
        return re.search(str(f("matches")), output, re.MULTILINE) is not None, _short(output)
    if check.kind == "settled":
        updaters = swarm.updates.updaters
        moving, held = unsettled(store, container_runs(swarm.agents), updaters.__contains__)
        found = f"converging: {', '.join(moving)}" if moving else "settled"
        found += f", held: {', '.join(held)}" if held else ""
        return not moving and held == list(f("held") or ()), found  # type: ignore[call-overload]
    if check.kind == "requests":
        rate = success_rate(swarm, load=str(f("load")))
        if rate != rate:  # NaN: nothing recorded
            return False, "no requests recorded"
        low, high = f("min_success"), f("max_success")
        ok = (low is None or rate >= low) and (high is None or rate <= high)  # type: ignore[operator]
        return ok, f"{rate:.1%} served"
    service = store.service_by_name(str(f("service")))
    if service is None:
        zero = check.kind in ("running", "tasks") and f("count") == 0
        return zero, f"no service {f('service')}"
    tasks = store.tasks_of_service(service.id)
    if check.kind == "running":
        running = service_status(swarm.ctx, service)[0]
        return running == f("count"), f"{running} running"
    if check.kind == "placement":
        label = f("label")
        counts: Counter[str] = Counter()
        for task in tasks:
            kept = task.state == _RUNNING and task.desired_state == _RUNNING
            node = store.nodes.get(task.node_id) if kept else None
            if node is not None:
                counts[node.label(str(label)) if label else node.hostname] += 1
        expected = _pairs(f("counts"))
        placed = [(k, counts[k]) for k, _ in expected]
        others = sorted((k, v) for k, v in counts.items() if k not in dict(expected))
        text = _spread(placed) + (f" (also {_spread(others)})" if others else "")
        return placed == expected, text
    if check.kind == "tasks":
        on = store.node_by_name(str(f("node"))) if f("node") else None
        node_id = on.id if on else ("" if f("node") else None)  # a node not there yet: none
        count = sum(
            1
            for t in tasks
            if t.state.api_name == f("state")
            and (not f("desired") or t.desired_state.api_name == f("desired"))
            and (node_id is None or (t.node_id == node_id and node_id))
        )
        return count == f("count"), f"{count} {f('state')}"
    status = service.update_status
    state = status.state.api_name if status else "none"
    message = status.message if status else ""
    ok = (not f("state") or state == f("state")) and str(f("message") or "") in message
    return ok, f"{state}" + (f", message {message!r}" if message else "")

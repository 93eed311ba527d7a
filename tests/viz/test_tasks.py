"""The Gantt chart's models: task bars and node rows of the crash/drain scenario."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from swarmsim.viz import node_rows, task_bars

if TYPE_CHECKING:
    from tests.viz.conftest import Scenario


def test_task_bars_follow_each_task_through_its_states(scenario: Scenario) -> None:
    trace, end = scenario.swarm.trace, scenario.end
    bars = task_bars(trace, service="web", until=end)
    assert [b.id for b in bars] == list(dict.fromkeys(r.id for r in trace if r.kind == "task"))
    for bar in bars:
        # contiguous segments from creation to the end of the bar
        assert bar.segments[0].start == bar.created
        assert all(a.end == b.start for a, b in zip(bar.segments, bar.segments[1:], strict=False))
        assert bar.segments[-1].end == bar.end == end
        assert bar.node  # every task was scheduled
    by_id = {b.id: b for b in bars}
    killed, drained = by_id[scenario.killed], by_id[scenario.drained]
    assert [s.state for s in killed.segments][-2:] == ["running", "failed"]
    assert killed.segments[-1].start == pytest.approx(scenario.kill_at, abs=0.5)
    assert drained.state == "shutdown" and drained.terminal
    assert drained.segments[-2].stopping  # asked to stop while still running
    assert drained.label.startswith("web.")
    # tasks that were running on worker2 when it crashed: stale running, then shutdown on return
    stale = [b for b in bars if any(s.stopping and s.start == scenario.down for s in b.segments)]
    assert stale
    for bar in stale:
        assert bar.state == "shutdown"
        assert bar.segments[-1].start >= scenario.recover_at


def test_node_rows_record_drain_down_and_return(scenario: Scenario) -> None:
    rows = {row.hostname: row for row in node_rows(scenario.swarm.trace, until=scenario.end)}
    assert list(rows) == ["manager1", "worker1", "worker2"]
    assert rows["worker1"].drained == [(scenario.drain_at, scenario.end)]
    down = scenario.down
    assert scenario.crash_at + 5 < down < scenario.crash_at + 20  # heartbeat failure detection
    assert rows["worker2"].went_down == [down]
    (back,) = rows["worker2"].came_back
    assert back >= scenario.recover_at
    assert rows["worker2"].down == [(down, back)]
    assert rows["manager1"].down == rows["manager1"].drained == []

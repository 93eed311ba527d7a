"""Pictures of a simulation: task timelines per node and replicas over time.

* :func:`task_gantt` (:mod:`~swarmsim.viz.gantt`) draws one row per node and
  one bar per task, coloured by the task's observed state over time, with the
  node's down time and drained spans shaded and a vertical marker where the
  node went down or came back.  Its models, :func:`task_bars` and
  :func:`node_rows` (:mod:`~swarmsim.viz.tasks`), are public for tests and tables.
* :func:`replicas_over_time` (:mod:`~swarmsim.viz.replicas`) draws the task
  counts of one service that :func:`swarmsim.metrics.replica_timeline`
  computes — available tasks in total and per spec version, desired running,
  the spec's replicas — with bands where a rolling update or rollback was in
  progress.  Viz counts nothing itself.
* :func:`save` (:mod:`~swarmsim.viz.output`) writes a figure as PNG, SVG or
  PDF without timestamps or version strings, so the same trace always gives
  byte-identical files.
* Colours and legend texts are in :mod:`~swarmsim.viz.style`.

The plotting functions never touch :mod:`matplotlib.pyplot` nor the global
backend: without ``ax`` they build a :class:`matplotlib.figure.Figure` with an
Agg canvas, which works headless, in scripts and in notebooks (end a notebook
cell with ``ax.figure`` to display it).

Examples
--------
>>> from swarmsim.swarm import Swarm
>>> swarm = Swarm(seed=1, managers=1, workers=2)
>>> swarm.docker("docker service create -d --name web --replicas 3 nginx").ok
True
>>> swarm.advance(30)
>>> ax = plot_tasks(swarm, service="web")
>>> [label.get_text() for label in ax.get_yticklabels()]
['manager1', 'worker1', 'worker2']
>>> plot_replicas(swarm, "web").get_lines()[1].get_label()
'running'
"""

from __future__ import annotations

from swarmsim.viz.gantt import plot_tasks, task_gantt
from swarmsim.viz.output import save
from swarmsim.viz.replicas import plot_replicas, replicas_over_time
from swarmsim.viz.style import (
    GROUP_COLORS,
    GROUP_LABELS,
    STATE_COLORS,
    UPDATE_COLORS,
    state_group,
)
from swarmsim.viz.tasks import NodeRow, Segment, TaskBar, node_rows, task_bars

__all__ = [
    "GROUP_COLORS",
    "GROUP_LABELS",
    "STATE_COLORS",
    "UPDATE_COLORS",
    "NodeRow",
    "Segment",
    "TaskBar",
    "node_rows",
    "plot_replicas",
    "plot_tasks",
    "replicas_over_time",
    "save",
    "state_group",
    "task_bars",
    "task_gantt",
]

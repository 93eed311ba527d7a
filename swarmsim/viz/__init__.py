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
* :func:`success_rate_over_time` (:mod:`~swarmsim.viz.requests`) draws the
  share of requests served per time window, one line per load, from
  :func:`swarmsim.metrics.requests_frame`.
* :func:`save` (:mod:`~swarmsim.viz.output`) writes a figure as PNG, SVG or
  PDF without timestamps or version strings, so the same trace always gives
  byte-identical files.
* :func:`lesson_figure` and :func:`save_lesson_plot` (:mod:`~swarmsim.viz.lesson`)
  draw a whole run for a class: the task timeline (or, past 30 nodes, lanes of
  node groups, :mod:`~swarmsim.viz.lanes`), the replica panel of every
  service and the commands as numbered markers (:mod:`~swarmsim.viz.commands`),
  versions coloured by image (:mod:`~swarmsim.viz.versions`), texts in
  English or Spanish (:mod:`~swarmsim.viz.i18n`).
* :func:`save_animation` (:mod:`~swarmsim.viz.animate`) writes the cluster as
  an animated GIF.
* Colours and legend texts are in :mod:`~swarmsim.viz.style`.

The plotting functions never touch :mod:`matplotlib.pyplot` nor the global
backend: without ``ax`` they build a :class:`matplotlib.figure.Figure` with an
Agg canvas, which works headless and in scripts; the figure shows itself in a
notebook without ``%matplotlib inline`` (end a cell with ``ax.figure`` or the
figure :func:`lesson_figure` returns).

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

from swarmsim.viz.animate import save_animation
from swarmsim.viz.gantt import plot_tasks, task_gantt
from swarmsim.viz.lesson import lesson_figure, save_lesson_plot
from swarmsim.viz.output import save
from swarmsim.viz.replicas import plot_replicas, replicas_over_time
from swarmsim.viz.requests import success_rate_over_time
from swarmsim.viz.style import (
    GROUP_COLORS,
    GROUP_LABELS,
    STATE_COLORS,
    UPDATE_COLORS,
    state_group,
)
from swarmsim.viz.tasks import NodeRow, Segment, TaskBar, node_rows, task_bars
from swarmsim.viz.versions import version_palette

__all__ = [
    "GROUP_COLORS",
    "GROUP_LABELS",
    "STATE_COLORS",
    "UPDATE_COLORS",
    "NodeRow",
    "Segment",
    "TaskBar",
    "lesson_figure",
    "node_rows",
    "plot_replicas",
    "plot_tasks",
    "replicas_over_time",
    "save",
    "save_animation",
    "save_lesson_plot",
    "state_group",
    "success_rate_over_time",
    "task_bars",
    "task_gantt",
    "version_palette",
]

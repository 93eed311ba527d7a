"""Pictures of a simulation: task timelines per node and replicas over time.

See :mod:`swarmsim.viz.timeline`.
"""

from __future__ import annotations

from swarmsim.viz.timeline import (
    GROUP_COLORS,
    GROUP_LABELS,
    STATE_COLORS,
    UPDATE_COLORS,
    NodeRow,
    ReplicaSeries,
    Segment,
    StepSeries,
    TaskBar,
    UpdateSpan,
    node_rows,
    plot_replicas,
    plot_tasks,
    replica_series,
    replicas_over_time,
    save,
    state_group,
    task_bars,
    task_gantt,
)

__all__ = [
    "GROUP_COLORS",
    "GROUP_LABELS",
    "STATE_COLORS",
    "UPDATE_COLORS",
    "NodeRow",
    "ReplicaSeries",
    "Segment",
    "StepSeries",
    "TaskBar",
    "UpdateSpan",
    "node_rows",
    "plot_replicas",
    "plot_tasks",
    "replica_series",
    "replicas_over_time",
    "save",
    "state_group",
    "task_bars",
    "task_gantt",
]

"""The scheduler (``swarmkit: manager/scheduler/``): filters, node ranking, spread, assignment."""

from swarmsim.manager.scheduler.assign import (
    ASSIGNED_MESSAGE,
    NO_SUITABLE_NODE,
    PREASSIGNED_MESSAGE,
)
from swarmsim.manager.scheduler.filters import (
    ConstraintFilter,
    Filter,
    HostPortFilter,
    MaxReplicasFilter,
    ReadyFilter,
    ResourceFilter,
    default_filters,
)
from swarmsim.manager.scheduler.nodeinfo import (
    MAX_FAILURES,
    MONITOR_FAILURES,
    NodeInfo,
    task_host_ports,
)
from swarmsim.manager.scheduler.nodeset import (
    DecisionTree,
    NodeRanking,
    build_tree,
    node_key,
    parse_spread,
)
from swarmsim.manager.scheduler.pipeline import Pipeline
from swarmsim.manager.scheduler.scheduler import Scheduler

__all__ = [
    "ASSIGNED_MESSAGE",
    "MAX_FAILURES",
    "MONITOR_FAILURES",
    "NO_SUITABLE_NODE",
    "PREASSIGNED_MESSAGE",
    "ConstraintFilter",
    "DecisionTree",
    "Filter",
    "HostPortFilter",
    "MaxReplicasFilter",
    "NodeInfo",
    "NodeRanking",
    "Pipeline",
    "ReadyFilter",
    "ResourceFilter",
    "Scheduler",
    "build_tree",
    "default_filters",
    "node_key",
    "parse_spread",
    "task_host_ports",
]

"""swarmsim: a discrete-event simulator of Docker Swarm orchestration.

The curated public API:

- :class:`Swarm` — a simulated swarm; run ``docker ...`` commands, advance
  virtual time, inject faults, read the trace.
- :class:`CommandResult` — what a command printed and its exit code.
- :class:`ImageProfile` / :class:`ImageModel` — how images pull, start and fail.
- :class:`ClusterSettings` — cluster-wide constants and settings.
- :class:`Trace` / :class:`TraceRecord` — every recorded change.
- The data model in :mod:`swarmsim.api` (TaskState, ServiceSpec, ...).
"""

from swarmsim.agent.images import ImageModel, ImageProfile
from swarmsim.context import ClusterSettings
from swarmsim.errors import (
    DaemonError,
    DockerCLIError,
    InvalidArgument,
    ScenarioError,
    SwarmSimError,
)
from swarmsim.swarm import CommandResult, Swarm
from swarmsim.trace import Trace, TraceRecord

__all__ = [
    "ClusterSettings",
    "CommandResult",
    "DaemonError",
    "DockerCLIError",
    "ImageModel",
    "ImageProfile",
    "InvalidArgument",
    "ScenarioError",
    "Swarm",
    "SwarmSimError",
    "Trace",
    "TraceRecord",
]

__version__ = "0.1.0"

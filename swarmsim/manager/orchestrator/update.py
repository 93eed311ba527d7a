"""Placeholder update supervisor (replaced by the rolling-update implementation)."""

from __future__ import annotations

from swarmsim.api.objects import Service, Task
from swarmsim.context import Context
from swarmsim.manager.orchestrator.restart import RestartSupervisor


class UpdateSupervisor:
    """Runs one rolling update per service."""

    def __init__(self, ctx: Context, restarts: RestartSupervisor) -> None:
        self.ctx = ctx
        self.restarts = restarts

    def update(self, service: Service, slots: list[list[Task]]) -> None:
        """Bring ``slots`` to the service's current spec."""

    def cancel(self, service_id: str) -> None:
        """Stop the update of a removed service."""

"""An autoscaler for replicated services, deciding as Kubernetes' HPA does.

Docker Swarm has no autoscaler: this one is not part of swarmkit, it stands
beside the swarm as a program a team would run, so that a lesson or a sweep
can show a load spike with and without one.  It reads the requests per second
reaching each task (the traffic model, :mod:`swarmsim.traffic.model`) and acts
only through the control API, as ``docker service scale --detach
SERVICE=N`` typed on the leader would (the command is recorded in the trace
as such a ``docker`` line, on the leader's hostname).

Every ``period`` seconds (15 s, the HPA's sync period) it decides like
``kubernetes: pkg/controller/podautoscaler/horizontal.go`` and
``replica_calculator.go``:

* ratio = (requests per second per serving task) / ``target``; when
  ``|ratio - 1| <= tolerance`` (0.1) the replicas stay;
* otherwise desired = ⌈serving tasks × ratio⌉, bounded by ``min_replicas``
  and ``max_replicas``;
* scaling up follows the recommendation at once; scaling down takes the
  highest recommendation of the last ``window`` seconds (the scale-down
  stabilisation window, 300 s), so a brief dip does not remove tasks.

Differences
-----------
No CPU or memory metrics: the load is the traffic model's requests per
second.  With no serving task (nothing to measure) it does nothing, as the
HPA skips a target whose metrics are missing; with serving tasks and no
traffic the load is zero.  No scaling policies (rate limits per period)
beyond the stabilisation window.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

from swarmsim.api.enums import ServiceMode
from swarmsim.arguments import real
from swarmsim.errors import InvalidArgument
from swarmsim.traffic.model import traffic_of

if TYPE_CHECKING:
    from swarmsim.swarm import Swarm

__all__ = ["Autoscaler", "autoscale", "autoscalers"]

_ATTRIBUTE = "_autoscalers"  # the attribute of a Swarm holding its autoscalers (owned here)


class Autoscaler:
    """Scales one service to keep the requests per task near ``target``."""

    def __init__(
        self,
        swarm: Swarm,
        service: str,
        target: float,
        *,
        min_replicas: int = 1,
        max_replicas: int = 10,
        tolerance: float = 0.1,
        window: float = 300.0,
        period: float = 15.0,
    ) -> None:
        self.swarm = swarm
        self.service = service
        self.target = _positive("target", target)
        self.tolerance = _positive("tolerance", tolerance, zero=True)
        self.window = _positive("window", window, zero=True)
        self.period = _positive("period", period)
        for name, value in (("min_replicas", min_replicas), ("max_replicas", max_replicas)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidArgument(f"{name} must be a whole number from 1, not {value!r:.80}")
        if min_replicas > max_replicas:
            raise InvalidArgument(
                f"min_replicas {min_replicas} is above max_replicas {max_replicas}"
            )
        self.min_replicas = min_replicas
        self.max_replicas = max_replicas
        self.active = True
        self.decisions: list[tuple[float, int, int]] = []  # (time, from, to) of each scale
        self._recommendations: deque[tuple[float, int]] = deque()
        traffic_of(swarm)  # the load is measured from now on
        swarm.ctx.sim.call_later(self.period, self._tick)

    def stop(self) -> None:
        """Stop deciding (the replicas stay as they are)."""
        self.active = False
        autoscalers(self.swarm).pop(self.service, None)

    def __repr__(self) -> str:
        return (
            f"<Autoscaler {self.service}: {self.target:g} req/s per task, "
            f"{self.min_replicas}..{self.max_replicas} replicas>"
        )

    def recommend(self, now: float) -> int | None:
        """The replicas to have now, or ``None`` when there is nothing to measure."""
        swarm = self.swarm
        service = swarm.ctx.store.service_by_name(self.service)
        if service is None or service.spec.mode != ServiceMode.REPLICATED:
            return None
        model = traffic_of(swarm)
        serving, _ = model.mesh.backends(service)
        if not serving:
            return None
        rate, _ = model.per_task.get(service.id, (0.0, 0))
        current = service.spec.replicas
        ratio = rate / len(serving) / self.target
        if abs(ratio - 1.0) <= self.tolerance:
            wanted = current
        else:
            wanted = math.ceil(len(serving) * ratio - 1e-9)
        wanted = min(self.max_replicas, max(self.min_replicas, wanted))
        history = self._recommendations
        history.append((now, wanted))
        while history and history[0][0] < now - self.window:
            history.popleft()
        if wanted < current:  # scale down no lower than the window's highest recommendation
            wanted = min(current, max(r for _, r in history))
        return wanted

    def _tick(self) -> None:
        if not self.active:
            return
        swarm = self.swarm
        now = swarm.ctx.now
        service = swarm.ctx.store.service_by_name(self.service)
        wanted = self.recommend(now)
        if service is not None and wanted is not None and wanted != service.spec.replicas:
            before = service.spec.replicas
            line = f"docker service scale --detach {self.service}={wanted}"
            leader = swarm.ctx.store.nodes.get(swarm.raft.leader or "")
            host = leader.hostname if leader else ""
            result = swarm.docker(line, on=host or None)
            swarm.ctx.trace.command(now, "docker", host, line, result.exit_code)
            if result.ok:
                self.decisions.append((now, before, wanted))
        swarm.ctx.sim.call_later(self.period, self._tick)


def _positive(name: str, value: object, *, zero: bool = False) -> float:
    number = real(value)
    if number is None or number < 0 or (number == 0 and not zero):
        kind = "non-negative" if zero else "positive"
        raise InvalidArgument(f"{name} must be a {kind} number, not {value!r:.80}")
    return number


def autoscalers(swarm: Swarm) -> dict[str, Autoscaler]:
    """The swarm's running autoscalers by service name."""
    found: dict[str, Autoscaler] | None = getattr(swarm, _ATTRIBUTE, None)
    if found is None:
        found = {}
        setattr(swarm, _ATTRIBUTE, found)
    return found


def autoscale(swarm: Swarm, service: str, target: float, **options: object) -> Autoscaler:
    """Start autoscaling ``service`` (replacing an autoscaler it had).

    ``target`` is the requests per second one task should serve; keywords:
    ``min_replicas`` (1), ``max_replicas`` (10), ``tolerance`` (0.1),
    ``window`` (scale-down stabilisation, 300 s), ``period`` (15 s).

    Examples
    --------
    >>> from swarmsim.swarm import Swarm
    >>> swarm = Swarm(seed=0, workers=2)
    >>> swarm.docker("docker service create -d --name web -p 8080:80 nginx").exit_code
    0
    >>> scaler = autoscale(swarm, "web", target=10, max_replicas=5)
    >>> load = swarm.traffic(":8080", rate=40)
    >>> swarm.advance(60)
    >>> swarm.ctx.store.service_by_name("web").spec.replicas
    4
    """
    if not isinstance(service, str) or not service:
        raise InvalidArgument(f"a service is named by a string, not {service!r:.80}")
    running = autoscalers(swarm)
    scaler = Autoscaler(swarm, service, target, **options)  # type: ignore[arg-type]
    old = running.get(service)
    if old is not None:
        old.stop()
    running[service] = scaler
    return scaler

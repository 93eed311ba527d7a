"""Policies beside the swarm, not part of swarmkit: what Swarm lacks, to compare against.

:mod:`~swarmsim.policies.autoscaler` scales replicated services on their
request load as Kubernetes' HPA decides, through ``docker service scale``.
"""

from swarmsim.policies.autoscaler import Autoscaler, autoscale, autoscalers

__all__ = ["Autoscaler", "autoscale", "autoscalers"]

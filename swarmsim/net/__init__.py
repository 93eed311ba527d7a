"""The network under the swarm: machines and links, and messages over them.

:mod:`~swarmsim.net.underlay` is the graph of machines, switches and links
(latency, loss) with its faults (cut links, partitions);
:mod:`~swarmsim.net.transport` carries the typed
:mod:`~swarmsim.net.messages` between the agents and the dispatcher along it;
:mod:`~swarmsim.manager.sessions` keeps the agents' sessions and Raft's view of
the managers in step with what the graph lets through.
"""

"""Requests to the services of a swarm: where each one goes, and how many are served.

:mod:`~swarmsim.traffic.mesh` routes a request as the routing mesh, the
virtual IPs and DNS round robin would; :mod:`~swarmsim.traffic.model` runs
request loads and counts them per time window without an event per request.
Both see the swarm through :class:`~swarmsim.traffic.mesh.Cluster`.
"""

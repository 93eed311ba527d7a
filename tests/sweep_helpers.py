"""Runs for the sweep tests: module-level functions, so worker processes import them."""

from __future__ import annotations

from swarmsim import Swarm


def rolling_update(seed: int, parallelism: int = 1, order: str = "stop-first") -> Swarm:
    """web (4 replicas of app:1) on 3 workers, updated to app:2, settled."""
    swarm = Swarm(seed=seed, managers=1, workers=3)
    for image in ("app:1", "app:2"):
        swarm.images.set(image, pull=1.0 + seed % 3, start=0.5)
    swarm.docker("docker service create -d --replicas 4 --name web app:1", check=True)
    swarm.settle(timeout=120)
    swarm.docker(
        f"docker service update -d --image app:2 --update-parallelism {parallelism} "
        f"--update-order {order} --update-delay 2s web",
        check=True,
    )
    swarm.settle(timeout=600)
    return swarm


def flaky(seed: int, fail: bool = False) -> dict[str, object]:
    """A run returning a dict of metrics, failing on purpose when asked."""
    if fail and seed % 2:
        Swarm(seed=seed).docker("docker service rm nothing", check=True)
    return {"double": 2 * seed, "half": seed / 2}


def served_update(seed: int, order: str = "stop-first") -> Swarm:
    """One replica of a published web service updated under 10 requests per second."""
    swarm = Swarm(seed=seed, managers=1, workers=2)
    swarm.docker("docker service create -d --name web -p 8080:80 app:1", check=True)
    swarm.settle(timeout=120)
    load = swarm.traffic(":8080", rate=10)
    swarm.docker(f"docker service update -d --image app:2 --update-order {order} web", check=True)
    swarm.settle(timeout=600)
    swarm.advance(5)
    load.stop()
    return swarm

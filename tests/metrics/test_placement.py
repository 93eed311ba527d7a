"""Counts per group of nodes and per image (what the aggregated lanes draw)."""

from __future__ import annotations

from viz.lessons import NODE_LOSS, UPDATE_PAUSED, lesson

from swarmsim.metrics import group_timeline, replica_timeline


def test_group_counts_follow_a_node_loss() -> None:
    swarm = lesson(NODE_LOSS)
    ids = {r.node: r.id for r in swarm.trace if r.kind == "node"}
    down = next(r.time for r in swarm.trace if r.kind == "node" and r.state == "down")
    groups = {ids["manager1"]: "managers", ids["worker1"]: "workers", ids["worker2"]: "workers"}
    lanes = group_timeline(swarm.trace, groups)
    assert list(lanes) == ["managers", "workers"]
    workers = lanes["workers"].by_image[("web", "nginx:1.25")]
    managers = lanes["managers"].by_image[("web", "nginx:1.25")]
    assert workers.at(down - 1) == 4 and managers.at(down - 1) == 2
    assert workers.at(down) == 2  # worker2's tasks are not available once it is down
    assert lanes["workers"].down.at(down) == 1 and lanes["workers"].down.at(down - 1) == 0
    # the replacements land on manager1 and worker1: six available again
    settled = down + 20
    assert workers.at(settled) + managers.at(settled) == 6


def test_replica_timeline_by_image_merges_the_rollback_with_the_first_version() -> None:
    swarm = lesson(UPDATE_PAUSED)
    timeline = replica_timeline(swarm.trace, "redis")
    images = {r.spec_version: r.desired for r in swarm.trace if r.kind == "service"}
    old_versions = [v for v, image in images.items() if image == "redis:3.0.6"]
    assert list(timeline.by_image) == ["redis:3.0.6", "redis:3.0.7"]
    old = timeline.by_image["redis:3.0.6"]
    for t in sorted({*timeline.running.times, swarm.now}):
        by_version = timeline.by_version
        assert old.at(t) == sum(by_version[v].at(t) for v in old_versions if v in by_version)
        total = old.at(t) + timeline.by_image["redis:3.0.7"].at(t)
        assert total == timeline.running.at(t)

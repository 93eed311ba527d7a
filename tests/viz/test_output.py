"""Figure files: byte-identical for the same trace, and only known formats."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from matplotlib.figure import Figure

from swarmsim.viz import plot_replicas, plot_tasks, save, task_gantt

if TYPE_CHECKING:
    from tests.viz.conftest import Scenario


def test_same_trace_gives_byte_identical_files(scenario: Scenario, tmp_path: Path) -> None:
    for suffix in ("png", "svg"):
        first = save(plot_tasks(scenario.swarm), tmp_path / f"a.{suffix}")
        second = save(plot_tasks(scenario.swarm), tmp_path / f"b.{suffix}")
        assert first.is_file() and first.stat().st_size > 1000
        assert first.read_bytes() == second.read_bytes()
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in (tmp_path / "a.png").read_bytes()
    svg = (tmp_path / "a.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<dc:date>" not in svg
    # a figure with both pictures, saved from the figure itself
    fig = Figure(figsize=(10, 7), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    plot_tasks(scenario.swarm, "web", ax=top)
    plot_replicas(scenario.swarm, "web", ax=bottom)
    assert top.get_xlabel() == "" and bottom.get_xlabel() == "virtual time (s)"
    one = save(fig, tmp_path / "both1.png").read_bytes()
    assert one == save(fig, tmp_path / "both2.png").read_bytes()
    other = save(task_gantt(scenario.swarm.trace, until=40), tmp_path / "c.png")
    assert other.read_bytes() != (tmp_path / "a.png").read_bytes()


def test_replicas_files_are_byte_identical(scenario: Scenario, tmp_path: Path) -> None:
    for suffix in ("png", "svg", "pdf"):
        first = save(plot_replicas(scenario.swarm, "web"), tmp_path / f"a.{suffix}")
        second = save(plot_replicas(scenario.swarm, "web"), tmp_path / f"b.{suffix}")
        assert first.read_bytes() == second.read_bytes()


def test_save_refuses_unknown_formats(scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        save(plot_tasks(scenario.swarm), tmp_path / "x.gif")
    assert not (tmp_path / "x.gif").exists()


def test_bad_plot_requests_are_swarmsim_errors(scenario: Scenario, tmp_path: Path) -> None:
    from swarmsim.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match=r"\.png, \.svg or \.pdf"):
        save(plot_tasks(scenario.swarm), tmp_path / "x.gif")
    with pytest.raises(InvalidArgument, match="no record of service 'api'"):
        plot_replicas(scenario.swarm, "api")

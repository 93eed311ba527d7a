"""``key=value`` words of shell lines: the ``logs`` lines of an image profile."""

from __future__ import annotations

from swarmsim.cli.shellargs import image_settings
from swarmsim.shell.transcript import run_script
from swarmsim.swarm import Swarm


def test_each_logs_word_adds_a_line() -> None:
    assert image_settings(["logs=booting", "start=1s", "logs=ready on :80"]) == {
        "logs": ("booting", "ready on :80"),
        "start": 1.0,
    }


def test_a_lesson_sets_log_lines_and_reads_them_back() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    result = run_script(
        swarm,
        "image web:1 'logs=listening on :80'\n"
        "docker service create -d --name web web:1\n"
        "sleep 10s\n"
        "docker service logs --raw web\n",
    )
    assert result.ok
    assert swarm.docker("docker service logs --raw web").stdout == "listening on :80\n"

"""Text lessons: checked before they run, then replayed like a scenario."""

from __future__ import annotations

import pytest

from swarmsim.errors import ScenarioError
from swarmsim.scenario import Runner
from swarmsim.scenario.lesson import parse_lesson


def test_lines_become_steps_with_continuations_joined() -> None:
    lesson = parse_lesson(
        "# title\n\ndocker node update \\\n  --availability drain worker1\n", "l.txt"
    )
    assert [(s.kind, s.line, s.label) for s in lesson.steps] == [
        ("text", "# title", "line 1"),
        ("text", "", "line 2"),
        ("run", "docker node update \\\n  --availability drain worker1", "line 3"),
    ]
    assert [m.name for m in lesson.cluster.machines] == ["manager1", "worker1", "worker2"]
    result = Runner(lesson).run()
    assert result.transcript == (
        "[0:00:00.0] # title\n\n"
        "[0:00:00.0] $ docker node update \\\n  --availability drain worker1\n"
        "worker1\nl: 1 commands, 0 failed\n"
    )


def test_a_bad_image_line_is_refused_at_the_column_of_its_value() -> None:
    text = "docker node ls\nimage app:1 pull=2s start=lognormal(2s,x)\n"
    with pytest.raises(ScenarioError) as caught:
        parse_lesson(text, "l.txt")
    assert str(caught.value) == "l.txt:2:40: image: start: shape 'x' is not a number"
    assert text.splitlines()[1][39] == "x"
    steps = parse_lesson("image app:1 start=lognormal(2s,0.5) crash_rate=1/h\n", "l.txt").steps
    assert [s.kind for s in steps] == ["run"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "docker node ls\n  dockr ps\n",
            "l.txt:2:3: lesson: unknown command 'dockr'; did you mean 'docker'?",
        ),
        ("# ok\necho 'hi\n", "l.txt:2:1: lesson: unterminated quoted string"),
        (
            "frobnicate\n",
            "l.txt:1:1: lesson: unknown command 'frobnicate' (a docker command or a shell word)",
        ),
    ],
)
def test_broken_lessons(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_lesson(text, "l.txt")
    assert str(raised.value) == message


def test_a_machines_comment_starts_the_lesson_from_blank_machines() -> None:
    from swarmsim.scenario.lesson import SHELL_CLUSTER, parse_lesson

    text = (
        "# machines: manager1, worker1\n"
        "docker swarm init\n"
        "TOKEN=$(docker swarm join-token -q worker)\n"
        "@worker1 docker swarm join --token $TOKEN 192.168.65.2\n"
    )
    lesson = parse_lesson(text, "l.txt")
    assert lesson.cluster.blank and lesson.cluster.names == {"manager1", "worker1"}
    late = parse_lesson("docker node ls\n# machines: a, b\n", "l.txt")  # after a command: a comment
    assert late.cluster == SHELL_CLUSTER
    with pytest.raises(ScenarioError, match=r"l.txt:4:1: lesson: no machine 'worker2'"):
        parse_lesson(text.replace("@worker1", "@worker2"), "l.txt")

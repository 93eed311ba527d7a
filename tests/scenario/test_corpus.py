"""A corpus of broken scenario files: each gives one ``FILE:LINE:COL:`` line and exit 2.

The corpus is made from the lessons in ``scenarios/`` and the examples in
``tests/scenario/examples/`` by mutation:
a wrong type, an unknown key, a duplicated key, a bad duration, a YAML 1.1
trap, a dangling node or service name, a time going backwards, broken
indentation, a tab.  Each mutant is checked through ``swarmsim validate`` and
``swarmsim run``: one error line on standard error, nothing on standard
output (nothing ran), exit 2, and the position points into the file.  A
hypothesis test then throws random edits at the same files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swarmsim.console.main import main
from swarmsim.errors import ScenarioError
from swarmsim.scenario import parse_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
EXAMPLES = {
    p.name: p.read_text()
    for folder in (SCENARIOS, Path(__file__).resolve().parent / "examples")
    for p in sorted(folder.glob("*.yaml"))
}
ERROR_LINE = re.compile(
    r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<path>\S+): (?P<msg>.+)\n$"
)

Mutation = Callable[[str], str | None]


def _sub(pattern: str, replacement: str, count: int = 1) -> Mutation:
    """Replace the first match of ``pattern`` (``None`` when the file has none)."""

    def mutate(text: str) -> str | None:
        new, n = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
        return new if n else None

    return mutate


def _append(block: str) -> Mutation:
    """Add top-level keys at the end of the file."""
    return lambda text: text.rstrip("\n") + "\n" + block


def _image(entry: str) -> Mutation:
    """Add an entry to ``images:`` (made at the end when the file has none)."""

    def mutate(text: str) -> str:
        if "\nimages:\n" in text:
            return text.replace("\nimages:\n", "\nimages:\n" + entry, 1)
        return text.rstrip("\n") + "\nimages:\n" + entry

    return mutate


def _check(body: str) -> Mutation:
    """Add a step whose expectation at 1s is ``body`` (lines indented under it)."""
    lines = body.replace("\n", "\n        ")
    return _step(f"  - run: docker node ls\n    expect:\n      - at: 1s\n        {lines}\n")


def _step(block: str) -> Mutation:
    """Add steps at the end of the ``steps:`` list (before a top-level ``expect:``)."""

    def mutate(text: str) -> str:
        head, sep, tail = text.partition("\nexpect:")
        return head.rstrip("\n") + "\n" + block + ("\n" + sep.lstrip("\n") + tail if sep else "")

    return mutate


# name -> (mutation, words the message must hold)
MUTATIONS: dict[str, tuple[Mutation, str]] = {
    "unknown-top-key": (_sub(r"^steps:", "stesp:"), "did you mean 'steps'"),
    "unknown-step-key": (_sub(r"^  - run:", "  - rnu:"), "did you mean 'run'"),
    "unknown-key-in-check": (
        _sub(r"\{service: (\w+), count", r"{servise: \1, count"),
        "unknown key",
    ),
    "missing-name": (_sub(r"^name: .*\n", ""), "missing key 'name'"),
    "name-is-a-number": (_sub(r"^name: .*", "name: 42"), "expected a string"),
    "seed-is-text": (_sub(r"^seed: .*", "seed: seven"), "expected a whole number"),
    "seed-negative": (_sub(r"^seed: .*", "seed: -1"), "at least 0"),
    "seed-octal": (_sub(r"^seed: .*", "seed: 0777"), "ambiguous"),
    "steps-is-a-mapping": (_sub(r"^steps:", "steps: {}\nold_steps:"), "expected a list"),
    "duplicate-top-key": (_sub(r"^(seed: .*)", r"\1\n\1"), "duplicate key 'seed'"),
    "duplicate-step-key": (_sub(r"^  - run: (.*)", r"  - run: \1\n    run: \1"), "duplicate key"),
    "bad-duration": (_sub(r"^  - at: .*", "  - at: 2 minutes"), "unknown unit"),
    "at-too-far": (_sub(r"^  - at: .*", "  - at: 1000h"), "from 0s to 720h"),
    "sexagesimal-at": (_sub(r"^  - at: .*", "  - at: 22:22"), "base-60"),
    "negative-after": (_sub(r"^  - run:", "  - after: -5s\n    run:"), "from 0s to 720h"),
    "after-number-negative": (_sub(r"^  - run:", "  - after: -5\n    run:"), "from 0s to 720h"),
    "after-number-huge": (_sub(r"^  - run:", "  - after: 1e300\n    run:"), "from 0s to 720h"),
    "at-and-after": (_sub(r"^  - at: (.*)", r"  - at: \1\n    after: 1s"), "not both"),
    "time-backwards": (_step("  - at: 1s\n    run: docker node ls\n"), "time goes backwards"),
    "bad-sleep": (_step("  - sleep: forever\n"), "invalid duration"),
    "sleep-too-long": (_step("  - sleep: 1000h\n"), "at most 720h"),
    "sleep-yaml11": (_step("  - sleep: 1:30\n"), "base-60"),
    "two-actions": (_sub(r"^  - run: (.*)", r"  - run: \1\n    sleep: 1s"), "does one thing"),
    "empty-step": (_step("  - at: 59m\n"), "needs one of run"),
    "unknown-command": (_sub(r"^  - run: docker", "  - run: dokcer"), "unknown command"),
    "unclosed-quote": (_sub(r"^  - run: (docker.*)", r"  - run: \1 'oops"), "unterminated"),
    "run-is-a-list": (_sub(r"^  - run: (.*)", r"  - run: [\1]"), "expected a string"),
    "run-empty": (_sub(r"^  - run: .*", "  - run: ''"), "must not be empty"),
    "fault-dangling-node": (_step("  - fault: {kind: fail, node: worker9}\n"), "no node 'worker9'"),
    "fault-unknown-kind": (_step("  - fault: {kind: explode, node: worker1}\n"), "not one of"),
    "fault-missing-node": (_step("  - fault: {kind: disconnect}\n"), "missing key 'node'"),
    "fault-extra-key": (
        _step("  - fault: {kind: fail, node: worker1, when: now}\n"),
        "unknown key",
    ),
    "partition-dangling-node": (
        _step("  - fault: {kind: partition, groups: [[manager1], [worker9]]}\n"),
        "no node 'worker9'",
    ),
    "partition-twice": (
        _step("  - fault: {kind: partition, groups: [[manager1, worker1], [worker1]]}\n"),
        "worker1 is in two partition groups",
    ),
    "partition-empty-group": (
        _step("  - fault: {kind: partition, groups: [[manager1], []]}\n"),
        "must not be empty",
    ),
    "partition-no-groups": (_step("  - fault: {kind: partition}\n"), "missing key 'groups'"),
    "heal-extra-key": (_step("  - fault: {kind: heal, node: worker1}\n"), "unknown key"),
    "run-partition-dangling": (
        _step("  - run: partition manager1 / worker9\n"),
        "no node 'worker9'",
    ),
    "fault-kill-no-service": (_step("  - fault: {kind: kill, task: ghost.1}\n"), "no step creates"),
    "fault-kill-code-text": (
        _step("  - fault: {kind: kill, task: x, exit_code: one}\n"),
        "expected a whole number",
    ),
    "fault-node-add-twice": (
        _step("  - fault: {kind: node-add, node: manager1}\n"),
        "already exists",
    ),
    "fault-node-add-memory": (
        _step("  - fault: {kind: node-add, node: w9, memory: lots}\n"),
        "memory",
    ),
    "fault-node-add-role": (
        _step("  - fault: {kind: node-add, node: w9, role: boss}\n"),
        "not one of",
    ),
    "comment-wrong-lang": (_step("  - comment: {en: hi, fr: salut}\n"), "unknown key 'fr'"),
    "comment-missing-en": (_step("  - comment: {es: hola}\n"), "missing key 'en'"),
    "comment-number": (_step("  - comment: 42\n"), "expected a string or a mapping"),
    "expect-dangling-service": (_append("expect2: []\n"), "unknown key"),
    "expect-ghost-service": (
        _check("running: {service: ghost, count: 1}"),
        "no step creates a service 'ghost'",
    ),
    "expect-ghost-node": (
        _check("node: {name: ghost, status: ready}"),
        "no node 'ghost'",
    ),
    "expect-no-time": (
        _step("  - run: docker node ls\n    expect:\n      - node: {name: manager1}\n"),
        "needs at",
    ),
    "expect-both-times": (
        _check("within: 2s\nnode: {name: manager1}"),
        "not both",
    ),
    "expect-no-check": (
        _step("  - run: docker node ls\n    expect:\n      - at: 1s\n"),
        "needs one check",
    ),
    "expect-two-checks": (
        _check("node: {name: manager1}\noutput: {run: docker node ls, contains: x}"),
        "one check per expectation",
    ),
    "expect-bad-status": (
        _check("node: {name: manager1, status: reddy}"),
        "did you mean 'ready'",
    ),
    "expect-count-negative": (_sub(r"count: \d+", "count: -1"), "at least 0"),
    "expect-count-text": (_sub(r"count: \d+", "count: three"), "expected a whole number"),
    "expect-count-float": (_sub(r"count: \d+", "count: 2.5"), "expected a whole number"),
    "expect-bad-regex": (
        _check("output: {run: docker node ls, matches: '(['}"),
        "not a regular expression",
    ),
    "expect-output-two-ways": (
        _check("output: {run: docker node ls, contains: a, equals: b}"),
        "one comparison only",
    ),
    "expect-column-without-values": (
        _check("output: {run: docker node ls, column: ID}"),
        "column and values go together",
    ),
    "expect-yes-bool": (
        _check("node: {name: manager1, status: yes}"),
        "YAML 1.1",
    ),
    "cluster-both": (
        _sub(r"^cluster:\n", "cluster:\n  nodes: [{name: m, role: manager}]\n"),
        "not both|duplicate key 'nodes'",
    ),
    "cluster-no-manager": (
        _sub(r"^cluster:\n(  .*\n)+", "cluster:\n  nodes: [{name: w}]\n"),
        "at least one node with role: manager",
    ),
    "cluster-managers-zero": (_sub(r"^  managers: \d+", "  managers: 0"), "at least 1"),
    "cluster-workers-huge": (_sub(r"^  workers: \d+", "  workers: 10000000"), "at most 10000"),
    "cluster-workers-text": (_sub(r"^  workers: \d+", "  workers: two"), "expected a whole number"),
    "cluster-on-key": (_sub(r"^cluster:\n", "cluster:\n  on: true\n"), "YAML 1.1"),
    "cluster-memory-bad": (
        _sub(r"^cluster:\n", "cluster:\n  memory: 8 gigs\n"),
        "invalid size|nodes or memory, not both",
    ),
    "cluster-cpus-zero": (
        _sub(r"^cluster:\n", "cluster:\n  cpus: 0\n"),
        "more than 0|nodes or cpus, not both",
    ),
    "node-label-number": (_sub(r"labels: \{zone: a\}", "labels: {zone: 1}"), "expected a string"),
    "node-duplicate-name": (
        _sub(r"(- \{name: worker3)", r"- {name: worker1}\n    \1"),
        "a second node",
    ),
    "image-bad-key": (_image("  nginx:1: {pul: 1s}\n"), "did you mean 'pull'"),
    "image-bad-duration": (_image("  nginx:1: {pull: soon}\n"), "invalid duration"),
    "image-bad-ref": (_image("  Nginx:1: {pull: 1s}\n"), "not a valid image reference"),
    "image-bool-yes": (_image("  nginx:1: {pull_error: yes}\n"), "YAML 1.1"),
    "image-bad-distribution": (
        _image('  nginx:1: {start: "uniform(3s,1s)"}\n'),
        "^uniform: low 3s is above high 1s$",
    ),
    "image-bad-rate": (_image('  nginx:1: {crash_rate: "1/0s"}\n'), "must be above 0"),
    "image-bad-choice": (_image('  nginx:1: {exit_code: "choice(1,300)"}\n'), "0 to 255"),
    "image-bad-probability": (_image("  nginx:1: {fail_at_start: 2}\n"), "from 0 to 1"),
    "description-extra": (
        _sub(r"^description:\n", "description:\n  de: hallo\n"),
        "unknown key 'de'",
    ),
    "tab-indent": (_sub(r"^  - run:", "\t- run:"), "tab"),
    "bad-indentation": (_sub(r"^    comment:", "   comment:"), "invalid YAML"),
    "unclosed-flow": (
        _sub(r"\{service: (\w+), count: (\d+)\}", r"{service: \1, count: \2"),
        "invalid YAML",
    ),
    "unclosed-string": (_append('  - run: "docker node ls\n'), "invalid YAML"),
    "undefined-alias": (_step("  - run: *nothing\n"), "invalid YAML"),
    "environment-bad-name": (
        _append("environment: {9LIVES: x}\n"),
        "not a valid variable name|duplicate key 'environment'",
    ),
    "environment-float": (
        _append("environment: {TAG: 1.25}\n"),
        "expected a string or a whole number|duplicate key 'environment'",
    ),
    "environment-list": (
        _append("environment: [TAG=1]\n"),
        "expected a mapping|duplicate key 'environment'",
    ),
    "files-outside-folder": (
        _append("files: {../app.yml: x}\n"),
        "not a valid file name|duplicate key 'files'",
    ),
    "files-not-text": (
        _append("files: {app.yml: {services: {}}}\n"),
        "expected a string|duplicate key 'files'",
    ),
    "step-files-absolute": (_step("  - files: {/etc/hosts: x}\n"), "not a valid file name"),
    "stack-file-missing": (
        _step("  - run: docker stack deploy -c ghost.yml app\n"),
        "no compose file 'ghost.yml'",
    ),
    "stack-file-written-later": (
        _step("  - run: docker stack config -c late.yml\n  - files: {late.yml: 'services: {}'}\n"),
        "no compose file 'late.yml'",
    ),
    "export-bad-name": (_step("  - run: export 1A=b\n"), "not a valid identifier"),
    "a-list-document": (lambda text: "- " + text.replace("\n", "\n  "), "a scenario is a mapping"),
    "a-scalar-document": (lambda text: "just words\n", "a scenario is a mapping"),
    "empty-document": (lambda text: "", "a scenario is a mapping"),
    "not-utf8": (lambda text: text + "# caf\udce9\n", "UTF-8"),
}


def _mutants() -> Iterator[tuple[str, str, str, str]]:
    for file, text in EXAMPLES.items():
        for name, (mutate, words) in MUTATIONS.items():
            mutated = mutate(text)
            if mutated is not None and mutated != text:
                yield f"{Path(file).stem}-{name}", mutated, words, file


MUTANTS = list(_mutants())


def test_the_corpus_is_large_enough() -> None:
    assert len(MUTANTS) >= 100
    kinds = {case.split("-", 1)[1] for case, *_ in MUTANTS}
    for kind in ("duplicate-top-key", "tab-indent", "bad-indentation", "sexagesimal-at"):
        assert any(k.endswith(kind) for k in kinds)


def _write(tmp_path: Path, case: str, text: str) -> Path:
    path = tmp_path / f"{case}.yaml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return path


@pytest.mark.parametrize(("case", "text", "words", "origin"), MUTANTS, ids=[m[0] for m in MUTANTS])
def test_a_broken_file_gives_one_positioned_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    text: str,
    words: str,
    origin: str,
) -> None:
    path = _write(tmp_path, case, text)
    for command in ("validate", "run"):
        assert main([command, str(path)]) == 2
        out, err = capsys.readouterr()
        assert out == ""  # nothing ran
        match = ERROR_LINE.match(err)
        assert match, err
        assert match["file"] == str(path)
        line, col = int(match["line"]), int(match["col"])
        lines = text.split("\n")
        assert 1 <= line <= max(len(lines), 1) and col >= 1
        assert re.search(words, match["msg"]), err
        assert "Traceback" not in err


def test_errors_point_at_the_culprit() -> None:
    text = EXAMPLES["drain.yaml"].replace(
        "node: {name: worker1, status: ready", "node: {name: worker7, status: ready"
    )
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text, "drain.yaml")
    error = raised.value
    line = text.split("\n")[error.line - 1]
    assert line[error.col - 1 :].startswith("worker7")
    assert error.path.endswith(".node.name")
    assert "nodes: manager1, worker1, worker2" in error.message


_EDITS = st.sampled_from(
    [
        "",
        " ",
        "\t",
        ":",
        "- ",
        "{",
        "}",
        "[",
        "'",
        '"',
        "#",
        "&a",
        "*a",
        "\n",
        "on",
        "22:22",
        "0777",
        "x",
        "-1",
        "1.5",
        "yes",
        "~",
        "!!",
        "%",
    ]
)


@given(
    file=st.sampled_from(sorted(EXAMPLES)),
    where=st.floats(0, 1),
    cut=st.integers(0, 3),
    insert=_EDITS,
)
def test_random_edits_never_give_a_traceback(
    file: str, where: float, cut: int, insert: str
) -> None:
    text = EXAMPLES[file]
    at = int(where * len(text))
    mutated = text[:at] + insert + text[at + cut :]
    try:
        parse_scenario(mutated, "mutant.yaml")
    except ScenarioError as error:
        assert str(error).startswith("mutant.yaml:")
        assert "\n" not in str(error)
        assert error.line >= 1 and error.col >= 1

"""Stacks in scenario files: ``environment:``, inline ``files:``, the scenario's folder.

A scenario's docker CLI starts from an empty environment plus the file's
``environment:`` (``export`` / ``unset`` lines change it), reads ``-c FILE``
and the files a compose file names from the scenario's folder, inline files
first, and a step's ``files:`` are written before its line runs.  A ``-c``
file that is neither inline nor beside the scenario, a bad variable or file
name are one ``FILE:LINE:COL`` error before anything runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmsim.console.main import main
from swarmsim.errors import ScenarioError
from swarmsim.scenario import Runner, load_scenario, parse_scenario

COMPOSE = """\
services:
  web:
    image: nginx:${TAG:-1.24}
    deploy:
      replicas: 2
      update_config: {parallelism: 1, delay: 10s}
    configs: [site]
configs:
  site:
    file: ./site.conf
"""


def _indent(text: str, by: int) -> str:
    return "".join(" " * by + line for line in text.splitlines(True))


def _scenario(*, environment: str = "", files: str = "", steps: str) -> str:
    return f"name: s\n{environment}{files}steps:\n{steps}"


INLINE = "files:\n  app.yml: |\n" + _indent(COMPOSE, 4) + "  site.conf: 'server {}'\n"


def _run(text: str, path: Path | None = None) -> str:
    if path is not None:
        path.write_text(text)
        return Runner(load_scenario(path)).run().transcript
    return Runner(parse_scenario(text)).run().transcript


def test_an_inline_compose_file_deploys_with_the_scenarios_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TAG", "9.9")  # the process environment is not the scenario's
    text = _scenario(
        environment="environment: {TAG: '1.25', PORT: 8080}\n",
        files=INLINE,
        steps="  - run: docker stack deploy -c app.yml web\n"
        "  - run: docker stack services web\n"
        "  - run: docker config inspect --pretty web_site\n",
    )
    out = _run(text)
    assert (
        "Creating network web_default\nCreating config web_site\nCreating service web_web\n" in out
    )
    assert "nginx:1.25" in out and "9.9" not in out
    assert "Data:\nserver {}\n" in out


def test_without_environment_a_scenario_sees_no_process_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TAG", "9.9")
    text = _scenario(files=INLINE, steps="  - run: docker stack config -c app.yml\n")
    out = _run(text)
    assert "image: nginx:1.24\n" in out


def test_export_and_unset_lines_change_the_variables_of_later_deploys() -> None:
    text = _scenario(
        files=INLINE,
        steps="  - run: export TAG='1.25'\n"
        "  - run: docker stack deploy -c app.yml web\n"
        "  - at: 1m\n    run: unset TAG\n"
        "  - run: docker stack deploy -c app.yml web\n"
        "  - run: docker stack services web\n",
    )
    out = _run(text)
    assert "Creating service web_web\n" in out and "Updating service web_web (id: " in out
    assert out.count("nginx:1.24") == 1 and "nginx:1.25" not in out.split("unset TAG")[1]


def test_a_steps_files_are_written_before_its_line_and_roll_the_service() -> None:
    changed = COMPOSE.replace("${TAG:-1.24}", "1.26")
    text = _scenario(
        files=INLINE,
        steps="  - run: docker stack deploy -c app.yml web\n"
        "  - at: 30s\n    files:\n      app.yml: |\n"
        + _indent(changed, 8)
        + "    run: docker stack deploy -c app.yml web\n"
        "    expect:\n      - at: 5s\n        output:\n"
        "          run: docker service ps web_web --filter desired-state=running\n"
        "          column: IMAGE\n          values: [nginx:1.26, nginx:1.24]\n"
        "      - within: 1m\n        update: {service: web_web, state: completed}\n",
    )
    result = Runner(parse_scenario(text)).run()
    assert [str(v) for v in result.verdicts if not v.passed] == []
    assert len(result.verdicts) == 2


def test_files_beside_the_scenario_are_read_from_its_folder_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lesson = tmp_path / "lesson"
    lesson.mkdir()
    (lesson / "app.yml").write_text(COMPOSE)
    (lesson / "site.conf").write_text("on disk\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    text = _scenario(
        steps="  - run: docker stack deploy -c app.yml web\n"
        "  - run: docker config inspect --pretty web_site\n"
    )
    out = _run(text, lesson / "s.yaml")
    assert "Creating service web_web\n" in out and "Data:\non disk\n" in out
    # an inline file hides the one on disk
    inline = _scenario(
        files="files:\n  site.conf: inline\n",
        steps="  - run: docker stack deploy -c app.yml web\n"
        "  - run: docker config inspect --pretty web_site\n",
    )
    assert "Data:\ninline\n" in _run(inline, lesson / "s.yaml")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            _scenario(
                steps="  - run: docker node ls\n  - run: docker stack deploy -c app.yml web\n"
            ),
            "4:10: steps[1].run: no compose file 'app.yml': not in files: (written so far: none) "
            "and not on disk beside the scenario",
        ),
        (
            _scenario(
                steps="  - run: docker stack deploy --compose-file=app.yml web\n"
                "  - files: {app.yml: 'services: {}'}\n"
            ),
            "3:10: steps[0].run: no compose file 'app.yml'",
        ),
        (
            _scenario(
                files="files: {a.yml: 'services: {}'}\n",
                steps="  - run: docker stack config -c a.yml -c b.yml\n",
            ),
            "4:10: steps[0].run: no compose file 'b.yml': not in files: (written so far: a.yml)",
        ),
        (
            _scenario(environment="environment: {9LIVES: x}\n", steps="  - run: docker node ls\n"),
            "2:15: environment.9LIVES: '9LIVES' is not a valid variable name",
        ),
        (
            _scenario(environment="environment: {TAG: 1.25}\n", steps="  - run: docker node ls\n"),
            "2:20: environment.TAG: expected a string or a whole number, not the number 1.25",
        ),
        (
            _scenario(environment="environment: [TAG=1]\n", steps="  - run: docker node ls\n"),
            "2:14: environment: expected a mapping, not a list",
        ),
        (
            _scenario(files="files: {../app.yml: x}\n", steps="  - run: docker node ls\n"),
            "2:9: files[\"../app.yml\"]: '../app.yml' is not a valid file name",
        ),
        (
            _scenario(
                files="files: {app.yml: {services: {}}}\n", steps="  - run: docker node ls\n"
            ),
            '2:18: files["app.yml"]: expected a string, not a mapping',
        ),
        (
            _scenario(steps="  - files: {/etc/passwd: x}\n"),
            "3:13: steps[0].files[\"/etc/passwd\"]: '/etc/passwd' is not a valid file name",
        ),
        (
            _scenario(steps="  - run: export GOOD=1 9BAD=2\n"),
            "3:10: steps[0].run: export: `9BAD=2': not a valid identifier",
        ),
        (
            _scenario(steps="  - run: unset A=1\n"),
            "3:10: steps[0].run: unset: `A=1': not a valid identifier",
        ),
    ],
)
def test_bad_stack_keys_are_one_positioned_error(text: str, error: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text, "s.yaml")
    assert str(raised.value).startswith(f"s.yaml:{error}")


def test_validate_reports_a_missing_compose_file_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(_scenario(steps="  - run: docker stack deploy -c app.yml web\n"))
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"{path}:3:10: steps[0].run: no compose file 'app.yml'")
    (tmp_path / "app.yml").write_text(COMPOSE)
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: ok (1 steps, 0 expectations)\n"


def test_a_text_lesson_reads_files_beside_it_and_starts_from_an_empty_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from swarmsim.scenario import load_lesson

    monkeypatch.setenv("TAG", "9.9")
    monkeypatch.chdir("/")
    (tmp_path / "app.yml").write_text(COMPOSE)
    lesson = tmp_path / "lesson.txt"
    lesson.write_text(
        "docker stack config -c app.yml\nexport TAG=2.0\ndocker stack config -c app.yml\n"
    )
    result = Runner(load_lesson(lesson)).run()
    assert result.exit_code == 0
    first, second = result.transcript.split("export TAG=2.0")
    assert "image: nginx:1.24\n" in first and "image: nginx:2.0\n" in second
    assert "9.9" not in result.transcript


def test_config_and_secret_create_read_inline_files_too() -> None:
    text = _scenario(
        files="files: {site.conf: 'server {}', pw.txt: s3cret}\n",
        steps="  - run: docker config create site site.conf\n"
        "  - run: docker secret create pw pw.txt\n"
        "  - run: docker config inspect --pretty site\n"
        "  - run: docker secret create other missing.txt\n",
    )
    out = _run(text)
    assert "Data:\nserver {}\n" in out and "s3cret" not in out
    assert "error reading from missing.txt: open missing.txt: no such file or directory\n" in out

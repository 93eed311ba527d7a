"""The docker CLI's files: a folder for relative paths and inline files before the disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmsim.compose.load import load_stack
from swarmsim.compose.objects import convert_configs, convert_secrets
from swarmsim.compose.workspace import Workspace
from swarmsim.compose.yamlfile import ComposeError

COMPOSE = b"""\
services:
  web:
    image: nginx
    env_file: [web.env]
    configs: [site]
    secrets: [pw]
configs:
  site: {file: ./conf/site.conf}
secrets:
  pw: {file: pw.txt}
"""


def test_paths_are_taken_from_the_folder_and_inline_files_hide_the_disk(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"disk")
    (tmp_path / "b.txt").write_bytes(b"disk b")
    ws = Workspace(str(tmp_path), {"a.txt": b"inline", "sub/c.txt": b"c"})
    assert ws.path("a.txt") == str(tmp_path / "a.txt")
    assert ws.path("sub/../a.txt") == str(tmp_path / "a.txt")
    assert ws.read("a.txt") == b"inline" and ws.read(str(tmp_path / "a.txt")) == b"inline"
    assert ws.read("b.txt") == b"disk b" and ws.read("./sub/c.txt") == b"c"
    assert ws.exists("a.txt") and ws.exists("sub/c.txt") and ws.exists("b.txt")
    assert not ws.exists("nope.txt") and not ws.exists("sub")
    with pytest.raises(FileNotFoundError):
        ws.read("nope.txt")


def test_the_default_workspace_is_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x").write_bytes(b"here")
    assert Workspace().read("x") == b"here"
    assert Workspace().path("x") == str(tmp_path / "x")


def test_a_stack_reads_every_file_through_its_workspace(tmp_path: Path) -> None:
    files = {
        "app.yml": COMPOSE,
        "web.env": b"# comment\nMODE=inline\n",
        "conf/site.conf": b"server {}",
        "pw.txt": b"s3cret",
    }
    ws = Workspace(str(tmp_path / "lesson"), files)
    stack = load_stack(["app.yml"], {}, workspace=ws)
    assert stack.working_dir == str(tmp_path / "lesson")
    assert stack.config["services"]["web"]["environment"] == {"MODE": "inline"}
    configs = convert_configs("s", stack.config, stack.workspace.read)
    secrets = convert_secrets("s", stack.config, stack.workspace.read)
    assert [(c.name, c.data) for c in configs] == [("s_site", b"server {}")]
    assert [(s.name, s.data) for s in secrets] == [("s_pw", b"s3cret")]


def test_missing_files_keep_dockers_messages(tmp_path: Path) -> None:
    ws = Workspace(str(tmp_path), {"app.yml": COMPOSE})
    with pytest.raises(ComposeError) as raised:
        load_stack(["other.yml"], {}, workspace=ws)
    assert str(raised.value) == "open other.yml: no such file or directory"
    with pytest.raises(ComposeError) as raised:
        load_stack(["app.yml"], {}, workspace=ws)
    assert str(raised.value) == f"open {tmp_path / 'web.env'}: no such file or directory"

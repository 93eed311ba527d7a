"""``swarmsim plot``: a saved trace drawn as a picture and a GIF; bad input is one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from viz.lessons import DRAIN, lesson

from swarmsim.console.main import main


@pytest.fixture(scope="module")
def trace_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plot") / "drain.jsonl"
    lesson(DRAIN).trace.save(path)
    return path


def test_plot_writes_the_picture_and_the_animation(trace_file: Path, tmp_path: Path) -> None:
    out, gif = tmp_path / "drain.png", tmp_path / "drain.gif"
    assert main(["plot", str(trace_file), "--out", str(out), "--animate", str(gif)]) == 0
    with Image.open(out) as png:
        assert png.format == "PNG" and png.width > 1000
    with Image.open(gif) as anim:
        assert anim.format == "GIF" and anim.n_frames > 10
    assert main(["plot", str(trace_file), "--out", str(tmp_path / "es.svg"), "--lang", "es"]) == 0
    assert "Tareas por nodo" in (tmp_path / "es.svg").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.jpg"], "swarmsim: cannot save 'x.jpg': use a .png, .svg or .pdf file name"),
        (["--out", "x.png", "--animate", "x.mp4"], "an animation is a .gif file"),
    ],
)
def test_bad_output_names(
    trace_file: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plot", str(trace_file), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_bad_trace_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("hello\n", encoding="utf-8")
    assert main(["plot", str(bad), "--out", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"swarmsim: {bad}:1: not valid JSON") and err.count("\n") == 1
    assert not (tmp_path / "x.png").exists()

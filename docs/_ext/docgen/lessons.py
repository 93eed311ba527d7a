"""One page per lesson of ``scenarios/``, in English and in Spanish.

Each lesson file already carries both texts (its ``description`` and every
step's ``comment`` have ``en`` and ``es``).  For each language this module
writes a page with the lesson's description, what it teaches (the file's
header comment, English only), the command that replays it, its steps with
their comments, the transcript replayed in that language (the same run as
``swarmsim run FILE --lang LANG``: the English one is the lesson's golden
transcript, which the test suite checks byte for byte) and the file itself.
The two pages of a lesson link to each other (the language switch), and an
index page per language lists the lessons.  A lesson that does not replay
cleanly is a build warning.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from pathlib import Path

Warn = Callable[[str], None]

WORDS = {
    "en": {
        "lesson": "Lesson",
        "index": "Lesson library",
        "switch": "**English** · [Español]({other})",
        "run": "Replay it",
        "steps": "Steps",
        "teaches": "What it teaches",
        "transcript": "Transcript",
        "transcript_note": "What `swarmsim run` prints: virtual time, each command and its "
        "output as docker prints it, and a verdict per expectation.",
        "file": "The lesson file",
        "at": "at",
        "after": "after",
        "sleep": "wait",
        "fault": "fault",
        "intro": "One lesson per section of the class notes, in their order. Each page has "
        "the steps with their comments, the transcript and the file; "
        "[the teacher's guide](../../../guides/teacher.md) says how to use them in class.",
        "column": "lesson",
        "about": "about",
    },
    "es": {
        "lesson": "Lección",
        "index": "Biblioteca de lecciones",
        "switch": "[English]({other}) · **Español**",
        "run": "Cómo reproducirla",
        "steps": "Pasos",
        "teaches": "Qué enseña",
        "transcript": "Transcripción",
        "transcript_note": "Lo que imprime `swarmsim run`: el tiempo virtual, cada orden y su "
        "salida tal como la escribe docker, y un veredicto (PASS/FAIL) por cada expectativa.",
        "file": "El fichero de la lección",
        "at": "a los",
        "after": "tras",
        "sleep": "esperar",
        "fault": "fallo",
        "intro": "Una lección por apartado de los apuntes de clase, en su orden. Cada página "
        "tiene los pasos con sus comentarios, la transcripción y el fichero; "
        "[la guía del profesor](../../../guides/teacher-es.md) explica cómo usarlas en clase.",
        "column": "lección",
        "about": "tema",
    },
}


def _header(path: Path) -> list[str]:
    """The leading ``#`` comment block of a lesson file, as lines of text."""
    lines: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return lines


def _title(header: list[str], name: str) -> str:
    """The topic from ``# Lesson N: topic (class notes, ...)``, else the name."""
    first = " ".join(header).split(" Teaches:")[0]
    if ":" in first:
        topic = first.split(":", 1)[1].split(" (")[0].strip().rstrip(".")
        if topic:
            return topic
    return name


def _notes_section(header: list[str], name: str) -> str:
    """The class notes' own (Spanish) section title the header quotes, else the name."""
    match = re.search(r'class notes, "([^"]+)"', " ".join(header))
    return match.group(1) if match else name


def _escape(text: str) -> str:
    """Markdown-escape a lesson's comment (`` \\_ ``, ``*`` are meant literally)."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(
        part if i % 2 else re.sub(r"([\\*_\[\]<])", r"\\\1", part) for i, part in enumerate(parts)
    )


def replay(path: Path, lang: str) -> tuple[int, str]:
    """Replay one lesson as ``swarmsim run PATH --lang LANG`` does; (exit status, output)."""
    from swarmsim.console.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["run", str(path), "--lang", lang])
    return status, out.getvalue() + err.getvalue()


def _fence(text: str, info: str = "text") -> list[str]:
    ticks = "````" if "```" in text else "```"
    return [f"{ticks}{info}", text.rstrip("\n"), ticks]


def _when(step: object, words: dict[str, str]) -> str:
    at, after = getattr(step, "at", None), getattr(step, "after", 0.0)
    if at is not None:
        return f"{words['at']} {at:g} s"
    if after:
        return f"{words['after']} {after:g} s"
    return ""


def _page(path: Path, lang: str, number: int, title: str, warn: Warn) -> str:
    from swarmsim.scenario.loader import load_file

    words = WORDS[lang]
    scenario = load_file(path)
    other = "es" if lang == "en" else "en"
    header = _header(path)
    if lang == "es":
        title = _notes_section(header, path.stem)
    heading = f"{words['lesson']} {number}: {title}"
    lines = [
        f"# {heading}",
        "",
        words["switch"].format(other=f"../{other}/{path.stem}.md"),
        "",
        _escape(scenario.description.get(lang)),
        "",
    ]
    if lang == "en" and header:
        teaches = _escape(" ".join(header))
        lines += [f"## {words['teaches']}", "", teaches, ""]
    flags = " --lang es" if lang == "es" else ""
    lines += [
        f"## {words['run']}",
        "",
        *_fence(
            f"$ swarmsim run scenarios/{path.name}{flags}\n"
            f"$ swarmsim run scenarios/{path.name}{flags} "
            f"--plot {path.stem}.png --animate {path.stem}.gif\n"
            f"$ swarmsim shell --from scenarios/{path.name}",
            "console",
        ),
        "",
        f"## {words['steps']}",
        "",
    ]
    for step in scenario.steps:
        when = _when(step, words)
        what = {
            "run": f"`{step.line}`",
            "sleep": f"{words['sleep']} (`{step.line}`)",
            "fault": f"{words['fault']}: `{step.line}`",
        }.get(step.kind, "")
        comment = _escape(step.comment.get(lang)) if step.comment else ""
        parts = [
            p
            for p in (
                f"*{when}*" if when else "",
                what,
                f"— {comment}" if comment and what else comment,
            )
            if p
        ]
        if parts:
            lines.append("1. " + " ".join(parts))
    status, transcript = replay(path, lang)
    if status != 0:
        warn(f"lesson {path.name} --lang {lang} exited {status}")
    lines += [
        "",
        f"## {words['transcript']}",
        "",
        words["transcript_note"],
        "",
        *_fence(transcript),
        "",
        f"## {words['file']}",
        "",
        *_fence(path.read_text(encoding="utf-8"), "yaml"),
    ]
    return "\n".join(lines) + "\n"


def render(repo: Path, warn: Warn) -> dict[str, str]:
    """Every lesson page and both index pages, keyed by path under ``_generated``."""
    pages: dict[str, str] = {}
    files = sorted((repo / "scenarios").glob("[0-9]*.yaml"))
    for lang, words in WORDS.items():
        index = [
            f"# {words['index']}",
            "",
            words["switch"].format(other=f"../{'es' if lang == 'en' else 'en'}/index.md"),
            "",
            words["intro"],
            "",
            "```{toctree}",
            ":maxdepth: 1",
            ":hidden:",
            "",
            *[path.stem for path in files],
            "```",
            "",
            f"| {words['column']} | {words['about']} |",
            "| --- | --- |",
        ]
        for path in files:
            from swarmsim.scenario.loader import load_file

            number = int(path.stem.split("-", 1)[0])
            title = _title(_header(path), path.stem)
            pages[f"lessons/{lang}/{path.stem}.md"] = _page(path, lang, number, title, warn)
            description = _escape(load_file(path).description.get(lang)).replace("|", "\\|")
            index.append(f"| [{number}. {path.stem}]({path.stem}.md) | {description} |")
        pages[f"lessons/{lang}/index.md"] = "\n".join(index) + "\n"
    return pages

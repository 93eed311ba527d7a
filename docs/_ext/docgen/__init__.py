"""Pages generated at build time from the project's own files.

A Sphinx extension: when the builder starts, it writes Markdown pages into
``docs/_generated`` (not committed) from

* ``swarmsim/scenario/schema.json``: the scenario format reference
  (:mod:`docgen.schema_ref`);
* the compose tables of ``swarmsim/compose/load.py`` and docker's compose
  schema shipped in ``swarmsim/compose/schema``: the compose support table
  (:mod:`docgen.compose_table`);
* the CLI's registries of commands and refused flags: the command tables of
  ``docs/simulated.md`` (:mod:`docgen.commands_table`);
* ``scenarios/*.yaml``: one page per lesson in English and in Spanish, with
  the transcript replayed in that language (:mod:`docgen.lessons`);
* ``notebooks/*.ipynb``: copied so that myst-nb executes and renders them.

It also runs every code block of the guides (:mod:`docgen.codeblocks`) and
links every cited swarmkit or docker/cli file to GitHub (:mod:`docgen.sourcelinks`).

A file is rewritten only when its text changes, so an unchanged input does not
make Sphinx rebuild the page.  Problems (a schema key the support table does
not classify, a lesson that fails) are Sphinx warnings, hence errors under
``make docs``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx.util import logging

from docgen import codeblocks, commands_table, compose_table, lessons, schema_ref, sourcelinks

LOG = logging.getLogger(__name__)


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` unless the file already holds exactly that."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _copy_notebooks(repo: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    wanted = {p.name for p in (repo / "notebooks").glob("*.ipynb")}
    for stale in out.glob("*.ipynb"):
        if stale.name not in wanted:
            stale.unlink()
    for name in sorted(wanted):
        source, target = repo / "notebooks" / name, out / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)


def generate(app: Any) -> None:
    """Write every generated page (the ``builder-inited`` handler)."""
    docs = Path(app.srcdir)
    repo = docs.parent
    out = docs / "_generated"
    write_if_changed(out / "scenario-schema.md", schema_ref.render(repo, LOG.warning))
    write_if_changed(out / "compose-support.md", compose_table.render(repo, LOG.warning))
    write_if_changed(out / "commands.md", commands_table.render(repo, LOG.warning))
    for relative, text in lessons.render(repo, LOG.warning).items():
        write_if_changed(out / relative, text)
    _copy_notebooks(repo, out / "notebooks")
    guides = [docs / "install.md", *sorted((docs / "guides").glob("*.md"))]
    codeblocks.check(repo, [page for page in guides if page.exists()], LOG.warning)


def setup(app: Any) -> dict[str, Any]:
    """Register the generator with Sphinx."""
    app.connect("builder-inited", generate)
    app.connect("doctree-resolved", sourcelinks.link)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

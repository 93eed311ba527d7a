"""Sphinx configuration of the swarmsim documentation (``make docs``).

Pages are MyST Markdown; the notebooks of ``notebooks/`` are executed by
myst-nb on every build (a failing cell fails it); the API pages come
from the numpydoc docstrings.  Several pages are generated at build time by
``docs/_ext/docgen`` (the lesson pages in English and Spanish, the scenario
format reference from the JSON Schema, the compose support table) into
``docs/_generated``, which is not committed.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))
sys.path.insert(0, str(DOCS / "_ext"))

project = "swarmsim"
author = "the swarmsim authors"
copyright = "2026, the swarmsim authors"
release = "0.1.0"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "numpydoc",
    "docgen",
]

root_doc = "index"
exclude_patterns = [
    "_build",
    "img/make_pictures.py",
    "**.ipynb_checkpoints",
    "_generated/commands.md",  # included in simulated.md
]
templates_path = ["_templates"]

# MyST: GitHub-style anchors so that "behaviour.md#scheduler" works on GitHub and here.
myst_heading_anchors = 4
myst_enable_extensions = ["colon_fence", "deflist"]
myst_url_schemes = ["http", "https", "mailto"]

# Notebooks: executed on every build (`make docs` reads every page afresh, -E), so the
# site shows their current output and a failing cell fails the build.  This build is
# where `make test` runs the notebooks; `make pytest` no longer runs them (nbmake).
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 600
nb_merge_streams = True

# API pages.
autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

html_theme = "furo"
html_title = "swarmsim"
html_static_path: list[str] = []

# doctest: blocks marked {doctest} in the guides run on `make docs`.
doctest_global_setup = """
from swarmsim import Swarm
"""


def _skip_foreign(
    app: object, what: str, name: str, obj: object, skip: bool, options: object
) -> bool | None:
    """Leave out what a class gets from matplotlib (``Artist.set`` is regenerated per subclass)."""
    doc = getattr(obj, "__doc__", None) or ""
    if name == "set" and ":mpltype:" in doc:
        return True
    if isinstance(obj, types.GenericAlias):  # a type alias: no signature to format
        return True
    return None


def setup(app: object) -> None:
    """Local hooks."""
    app.connect("autodoc-skip-member", _skip_foreign)  # type: ignore[attr-defined]

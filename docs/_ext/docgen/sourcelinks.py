"""Links from cited source files to the public repositories.

The pages and docstrings cite files as ``swarmkit: manager/scheduler/filter.go``
or ``docker/cli: cli/command/service/progress/progress.go`` (``cli:`` in
docstrings).  When the HTML is written, every inline literal of that form
becomes a link to the file on GitHub (the default branch), so a reader can
open the source of each fact.  Other literals are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes

REPOSITORIES = {
    "swarmkit": "https://github.com/moby/swarmkit/blob/master/",
    "docker/cli": "https://github.com/docker/cli/blob/master/",
    "cli": "https://github.com/docker/cli/blob/master/",
}

_CITED = re.compile(r"^(swarmkit|docker/cli|cli): ([\w./-]+\.(?:go|proto|md|golden))$")


def link(app: Any, doctree: nodes.document, docname: str) -> None:
    """Wrap each cited-file literal of ``doctree`` in a link to its repository."""
    for literal in list(doctree.findall(nodes.literal)):
        match = _CITED.match(literal.astext())
        if match is None or isinstance(literal.parent, nodes.reference):
            continue
        url = REPOSITORIES[match.group(1)] + match.group(2)
        reference = nodes.reference("", "", refuri=url, internal=False)
        literal.replace_self(reference)
        reference += literal

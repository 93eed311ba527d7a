"""``docker secret create | ls | inspect | rm``.

Mirrors ``cli: cli/command/secret/`` (``create.go``, ``ls.go``, ``inspect.go``,
``remove.go``, ``formatter.go``) on top of
:mod:`swarmsim.manager.controlapi.secret`.  A secret's data is never printed:
neither ``inspect`` (the daemon leaves it out) nor ``--pretty`` show it.

Differences
-----------
See :mod:`swarmsim.cli.docker.payload` (data sources, ``Version``).  ``--driver``
names a secrets plugin, which the simulator has none of.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from swarmsim.api.specs import SecretSpec
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.inspect import INSPECT_FORMAT_FLAG
from swarmsim.cli.docker.payload import (
    Kind,
    create_args,
    inspect_payloads,
    list_payloads,
    read_data,
    remove,
)
from swarmsim.cli.docker.stack import stack_workspace
from swarmsim.cli.docker.system import FILTER_FLAG, QUIET_FLAG, Command
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.errors import DockerCLIError
from swarmsim.manager.controlapi.secret import (
    MAX_SECRET_SIZE,
    create_secret,
    get_secret,
    list_secrets,
    remove_secret,
)

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["SECRET"]

_FORMAT = FlagSpec("format", None, FlagKind.STRING, help="Format output using a custom template")
_CREATE = Command(
    "docker secret create",
    "create [OPTIONS] SECRET [file|-]",
    "Create a secret from a file or STDIN as content",
    (
        FlagSpec("label", "l", FlagKind.ARRAY, help="Secret labels"),
        FlagSpec("driver", "d", FlagKind.STRING, help="Secret driver"),
        FlagSpec("template-driver", None, FlagKind.STRING, help="Template driver"),
    ),
    min_args=1,
    max_args=2,
)
_LS = Command(
    "docker secret ls",
    "ls [OPTIONS]",
    "List secrets",
    (QUIET_FLAG, _FORMAT, FILTER_FLAG),
    max_args=0,
    aliases=("list",),
)
_INSPECT = Command(
    "docker secret inspect",
    "inspect [OPTIONS] SECRET [SECRET...]",
    "Display detailed information on one or more secrets",
    (
        INSPECT_FORMAT_FLAG,
        FlagSpec(
            "pretty", None, FlagKind.BOOL, help="Print the information in a human friendly format"
        ),
    ),
    min_args=1,
)
_RM = Command(
    "docker secret rm",
    "rm SECRET [SECRET...]",
    "Remove one or more secrets",
    min_args=1,
    aliases=("remove",),
)

SECRET = Kind(
    "secret",
    "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}",
    {
        "ID": "ID",
        "Name": "NAME",
        "Driver": "DRIVER",
        "CreatedAt": "CREATED",
        "UpdatedAt": "UPDATED",
        "Labels": "LABELS",
    },
    """ID:              {{.ID}}
Name:              {{.Name}}
{{- if .Labels }}
Labels:
{{- range $k, $v := .Labels }}
 - {{ $k }}{{if $v }}={{ $v }}{{ end }}
{{- end }}{{ end }}
Driver:            {{.Driver}}
Created at:        {{.CreatedAt}}
Updated at:        {{.UpdatedAt}}""",
    "*secret.secretContext",
    get_secret,
    list_secrets,
    remove_secret,
)
"""docker's secret formatter: default table, headers and ``--pretty`` template."""


@command("secret", "create")
def secret_create(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker secret create [-l k=v] [-d DRIVER] [--template-driver D] NAME [FILE|-]``."""
    parsed = _CREATE.parse(argv, out)
    if parsed is None:
        return
    labels = create_args(_CREATE, parsed.get_list("label"))
    driver = parsed.get_str("driver") or ""
    path = parsed.args[1] if len(parsed.args) == 2 else ""
    data = b""
    if driver:
        if path:
            raise DockerCLIError("when using secret driver secret data must be empty")
    else:
        data = read_data("secret", path, out.stdin, MAX_SECRET_SIZE, stack_workspace(swarm))
    spec = SecretSpec(
        parsed.args[0],
        data,
        labels,
        driver=driver,
        template_driver=parsed.get_str("template-driver") or "",
    )
    out.line(create_secret(swarm.ctx, spec).id)


@command("secret", "ls")
@command("secret", "list")
def secret_ls(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker secret ls [-q] [--filter k=v] [--format F]``."""
    list_payloads(swarm, SECRET, _LS, argv, out)


@command("secret", "inspect")
def secret_inspect(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker secret inspect [--pretty] [-f F] SECRET...``."""
    inspect_payloads(swarm, SECRET, _INSPECT, argv, out)


@command("secret", "rm")
@command("secret", "remove")
def secret_rm(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker secret rm SECRET...``."""
    remove(swarm, SECRET, _RM, argv, out)

"""``docker config create | ls | inspect | rm``.

Mirrors ``cli: cli/command/config/`` (``create.go``, ``ls.go``, ``inspect.go``,
``remove.go``, ``formatter.go``) on top of
:mod:`swarmsim.manager.controlapi.config`.  Unlike a secret, a config's data is
shown: base64 in the JSON, as text by ``--pretty``.

Differences
-----------
See :mod:`swarmsim.cli.docker.payload` (data sources, ``Version``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from swarmsim.api.specs import ConfigSpec
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
from swarmsim.golang import go_quote
from swarmsim.manager.controlapi.config import (
    MAX_CONFIG_SIZE,
    create_config,
    get_config,
    list_configs,
    remove_config,
)

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["CONFIG"]

_FORMAT = FlagSpec("format", None, FlagKind.STRING, help="Format output using a custom template")
_CREATE = Command(
    "docker config create",
    "create [OPTIONS] CONFIG file|-",
    "Create a config from a file or STDIN",
    (
        FlagSpec("label", "l", FlagKind.ARRAY, help="Config labels"),
        FlagSpec("template-driver", None, FlagKind.STRING, help="Template driver"),
    ),
    min_args=2,
    max_args=2,
)
_LS = Command(
    "docker config ls",
    "ls [OPTIONS]",
    "List configs",
    (QUIET_FLAG, _FORMAT, FILTER_FLAG),
    max_args=0,
    aliases=("list",),
)
_INSPECT = Command(
    "docker config inspect",
    "inspect [OPTIONS] CONFIG [CONFIG...]",
    "Display detailed information on one or more configs",
    (
        INSPECT_FORMAT_FLAG,
        FlagSpec(
            "pretty", None, FlagKind.BOOL, help="Print the information in a human friendly format"
        ),
    ),
    min_args=1,
)
_RM = Command(
    "docker config rm",
    "rm CONFIG [CONFIG...]",
    "Remove one or more configs",
    min_args=1,
    aliases=("remove",),
)

CONFIG = Kind(
    "config",
    "table {{.ID}}\t{{.Name}}\t{{.CreatedAt}}\t{{.UpdatedAt}}",
    {
        "ID": "ID",
        "Name": "NAME",
        "CreatedAt": "CREATED",
        "UpdatedAt": "UPDATED",
        "Labels": "LABELS",
    },
    """ID:			{{.ID}}
Name:			{{.Name}}
{{- if .Labels }}
Labels:
{{- range $k, $v := .Labels }}
 - {{ $k }}{{if $v }}={{ $v }}{{ end }}
{{- end }}{{ end }}
Created at:            	{{.CreatedAt}}
Updated at:            	{{.UpdatedAt}}
Data:
{{.Data}}""",
    "*config.configContext",
    get_config,
    list_configs,
    remove_config,
)
"""docker's config formatter: default table, headers and ``--pretty`` template."""


@command("config", "create")
def config_create(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker config create [-l k=v] [--template-driver D] NAME FILE|-``."""
    parsed = _CREATE.parse(argv, out)
    if parsed is None:
        return
    labels = create_args(_CREATE, parsed.get_list("label"))
    name, path = parsed.args
    try:
        data = read_data("config", path, out.stdin, MAX_CONFIG_SIZE, stack_workspace(swarm))
    except DockerCLIError as error:
        raise DockerCLIError(f"error reading content from {go_quote(path)}: {error}") from None
    spec = ConfigSpec(name, data, labels, template_driver=parsed.get_str("template-driver") or "")
    out.line(create_config(swarm.ctx, spec).id)


@command("config", "ls")
@command("config", "list")
def config_ls(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker config ls [-q] [--filter k=v] [--format F]``."""
    list_payloads(swarm, CONFIG, _LS, argv, out)


@command("config", "inspect")
def config_inspect(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker config inspect [--pretty] [-f F] CONFIG...``."""
    inspect_payloads(swarm, CONFIG, _INSPECT, argv, out)


@command("config", "rm")
@command("config", "remove")
def config_rm(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker config rm CONFIG...``."""
    remove(swarm, CONFIG, _RM, argv, out)

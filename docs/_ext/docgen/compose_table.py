"""The compose support table, from the code's own tables and docker's schema.

The keys come from docker's compose schema shipped in the package
(``swarmsim/compose/schema/config_schema_v3.13.json``, the newest version),
plus the keys docker refuses before validation.  Their status comes from

* the code: :data:`swarmsim.compose.load.UNSUPPORTED` (ignored with
  ``Ignoring unsupported options``), :data:`~swarmsim.compose.load.DEPRECATED`
  (``Ignoring deprecated options``) and :data:`~swarmsim.compose.load.FORBIDDEN`
  (the file is refused);
* this module's :data:`SIMULATED` and :data:`NOT_SIMULATED`, for the keys the
  converter reads and the keys it accepts and drops
  (``swarmsim/compose/convert.py``, ``objects.py``).

A schema key that none of these classify is a build warning (an error under
``make docs``), and so is a "simulated" key that no module of
``swarmsim/compose`` ever names: the table cannot silently fall behind the
schema or the code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

Warn = Callable[[str], None]

SIMULATED: dict[str, str] = {
    # top level
    "version": "3.0 to 3.13; none means 3.13",
    "services": "",
    "networks": "",
    "secrets": "",
    "configs": "",
    # services.*
    "services.image": "",
    "services.command": "`Args`",
    "services.entrypoint": "`Command`",
    "services.environment": "list or mapping, sorted",
    "services.env_file": "",
    "services.labels": "container labels",
    "services.ports": "short and long syntax; `mode: ingress` or `host`; "
    "a host IP is dropped, as docker does",
    "services.networks": "list or mapping with `aliases`",
    "services.configs": "short and long syntax",
    "services.secrets": "short and long syntax",
    "services.healthcheck": "gates RUNNING like docker's health checks",
    "services.stop_grace_period": "",
    "services.init": "recorded, shown by inspect",
    "services.user": "recorded, shown by inspect",
    "services.working_dir": "recorded, shown by inspect",
    "services.hostname": "recorded, shown by inspect",
    "services.dns": "recorded, shown by inspect",
    "services.dns_search": "recorded, shown by inspect",
    "services.extra_hosts": "recorded, shown by inspect",
    "services.stop_signal": "recorded, shown by inspect",
    "services.read_only": "recorded, shown by inspect",
    "services.deploy": "",
    # services.*.deploy
    "deploy.mode": "`replicated`, `global`, `replicated-job` (`replicas` tasks to completion, "
    "all at once), `global-job`",
    "deploy.replicas": "",
    "deploy.labels": "service labels",
    "deploy.endpoint_mode": "",
    "deploy.update_config": "parallelism 1 when the block exists without it",
    "deploy.rollback_config": "",
    "deploy.restart_policy": "or the legacy `restart:` string when absent",
    "deploy.placement": "constraints, spread preferences, `max_replicas_per_node`",
    "deploy.resources": "`cpus` and `memory` limits and reservations; "
    "`pids` and generic resources are dropped",
    # networks.*
    "network.driver": "",
    "network.attachable": "",
    "network.labels": "",
    "network.external": "",
    "network.name": "",
    "network.ipam": "the first subnet; the IPAM driver is not simulated",
    # secrets.* and configs.*
    "secret.file": "",
    "secret.external": "",
    "secret.name": "",
    "secret.labels": "",
    "secret.template_driver": "recorded",
    "config.file": "",
    "config.external": "",
    "config.name": "",
    "config.labels": "",
    "config.template_driver": "recorded",
}
"""Keys the simulator reads and acts on (``key`` or ``section.key``), with a note."""

NOT_SIMULATED: dict[str, str] = {
    "volumes": "volumes are accepted; there is no volume data model",
    "services.volumes": "turned into `Mounts` (named volumes scoped `STACK_name`, "
    "binds made absolute); nothing is stored",
    "services.depends_on": "dropped silently, as docker does",
    "services.logging": "accepted and dropped",
    "services.ulimits": "accepted and dropped",
    "services.sysctls": "accepted and dropped",
    "services.cap_add": "accepted and dropped",
    "services.cap_drop": "accepted and dropped",
    "services.tty": "accepted and dropped",
    "services.stdin_open": "accepted and dropped",
    "services.isolation": "accepted and dropped",
    "services.credential_spec": "accepted and dropped",
    "services.oom_score_adj": "accepted and dropped",
    "services.tmpfs": "accepted and dropped",
    "network.driver_opts": "kept in the plan, no effect",
    "network.internal": "kept in the plan, no effect",
    "volume.driver": "accepted, no volume data model",
    "volume.driver_opts": "accepted, no volume data model",
    "volume.external": "accepted, no volume data model",
    "volume.labels": "accepted, no volume data model",
    "volume.name": "accepted, no volume data model",
    "volume.x-cluster-spec": "accepted, no volume data model (cluster volumes)",
    "secret.driver": "accepted; the secret gets empty data",
    "secret.driver_opts": "accepted, no effect",
}
"""Keys docker accepts that the simulator validates and records or drops, with a note."""

_SECTIONS = (
    ("Top level", "", None),
    ("Services (`services.NAME.*`)", "services.", "service"),
    ("`deploy` (`services.NAME.deploy.*`)", "deploy.", "deployment"),
    ("Networks (`networks.NAME.*`)", "network.", "network"),
    ("Volumes (`volumes.NAME.*`)", "volume.", "volume"),
    ("Secrets (`secrets.NAME.*`)", "secret.", "secret"),
    ("Configs (`configs.NAME.*`)", "config.", "config"),
)


def _code_names(repo: Path) -> set[str]:
    words: set[str] = set()
    for path in (repo / "swarmsim" / "compose").glob("*.py"):
        words |= set(re.findall(r"[\"']([a-z_-]+)[\"']", path.read_text()))
    return words


def render(repo: Path, warn: Warn) -> str:
    """The support table page."""
    from swarmsim.compose.load import DEPRECATED, FORBIDDEN, UNSUPPORTED

    schema_file = repo / "swarmsim" / "compose" / "schema" / "config_schema_v3.13.json"
    schema = json.loads(schema_file.read_text())
    definitions = schema["definitions"]
    named = _code_names(repo)
    lines = [
        "# Compose support table",
        "",
        "Every key of docker's compose file format 3.13 (the schema docker ships,",
        "also shipped in `swarmsim/compose/schema`), and what `docker stack deploy`",
        "does with it here. Generated at build time from the code's own tables",
        "(`swarmsim/compose/load.py`) and the schema, so it follows both.",
        "",
        "* **simulated**: changes the simulated objects and shows in `inspect`;",
        "* **ignored, with docker's warning**: docker prints",
        "  `Ignoring unsupported options: ...` or `Ignoring deprecated options: ...`",
        "  and so does swarmsim;",
        "* **not simulated**: accepted as docker accepts it, with no effect on the simulation;",
        "* **refused**: docker refuses the file (`compose file contains unsupported options`),",
        "  and so does swarmsim.",
        "",
        "How a file is read and deployed is in [Compose files and stacks](../compose.md).",
    ]
    for title, prefix, definition in _SECTIONS:
        keys = sorted(
            schema["properties"] if definition is None else definitions[definition]["properties"]
        )
        if prefix == "services.":
            keys = sorted(set(keys) | set(FORBIDDEN))
        rows: list[str] = []
        for key in keys:
            full = prefix + key
            if prefix == "services." and key in FORBIDDEN:
                status, note = "refused", FORBIDDEN[key]
            elif prefix == "services." and key in UNSUPPORTED:
                status, note = "ignored, with docker's warning", "`Ignoring unsupported options`"
                if key == "restart":
                    note += (
                        "; still mapped to a restart policy when `deploy.restart_policy` is absent"
                    )
            elif prefix == "services." and key in DEPRECATED:
                status, note = "ignored, with docker's warning", "`Ignoring deprecated options`"
            elif full in SIMULATED:
                status, note = "simulated", SIMULATED[full]
                if key not in named:
                    warn(
                        f"compose support table: {full!r} is 'simulated' "
                        "but swarmsim/compose never names it"
                    )
            elif full in NOT_SIMULATED:
                status, note = "not simulated", NOT_SIMULATED[full]
            else:
                warn(f"compose support table: docker's schema key {full!r} is not classified")
                continue
            rows.append(f"| `{key}` | {status} | {note} |")
        lines += ["", f"## {title}", "", "| key | status | notes |", "| --- | --- | --- |", *rows]
    lines += [
        "",
        "Extension fields (`x-*`), YAML anchors and merge keys are supported everywhere docker",
        "allows them.",
    ]
    return "\n".join(lines) + "\n"

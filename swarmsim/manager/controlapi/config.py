"""Config requests of the control API: create, look up, list and remove configs.

Mirrors ``swarmkit: manager/controlapi/config.go`` (``CreateConfig``,
``ListConfigs``, ``RemoveConfig``, ``validateConfigSpec``, ``MaxConfigSize``) and
the daemon's name resolution in front of it.  Configs are immutable: there is
no update request besides labels, which the CLI never sends.

Differences
-----------
See :mod:`swarmsim.manager.controlapi.payload` for the rules shared with secrets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from swarmsim.api.objects import Config
from swarmsim.api.specs import ConfigSpec
from swarmsim.context import Context
from swarmsim.manager.controlapi import require_leader, rpc_error
from swarmsim.manager.controlapi.payload import (
    check_name,
    check_payload,
    filter_payloads,
    find_payload,
    refuse_if_used,
)

__all__ = ["MAX_CONFIG_SIZE", "create_config", "get_config", "list_configs", "remove_config"]

MAX_CONFIG_SIZE = 1000 * 1024
"""``MaxConfigSize``: data must be shorter than this many bytes."""


def create_config(ctx: Context, spec: ConfigSpec) -> Config:
    """Validate and store a new config (``docker config create``).

    Raises
    ------
    DaemonError
        A bad name, data empty or >= 1000 KiB, or ``config <name> already exists``.
    """
    require_leader(ctx)
    check_name(spec.name)
    check_payload("config", spec.data, MAX_CONFIG_SIZE)
    if ctx.store.config_by_name(spec.name) is not None:
        raise rpc_error("AlreadyExists", f"config {spec.name} already exists")
    config = Config(ctx.ids.new(), spec, created_at=ctx.now, updated_at=ctx.now)
    ctx.store.create_config(config)
    return config


def get_config(ctx: Context, ref: str) -> Config:
    """Find a config by full ID, exact name or unique ID prefix.

    Raises
    ------
    DaemonError
        ``config <ref> not found`` or ``config <ref> is ambiguous (<n> matches found)``.
    """
    require_leader(ctx)
    return find_payload("config", ctx.store.configs, ref)


def list_configs(ctx: Context, filters: Mapping[str, Sequence[str]] | None = None) -> list[Config]:
    """Configs matching ``filters`` (``id``, ``label``, ``name``, ``names``), in store order."""
    require_leader(ctx)
    return filter_payloads(ctx.store.configs, filters)


def remove_config(ctx: Context, ref: str) -> Config:
    """Delete a config no service references (``docker config rm``).

    Raises
    ------
    DaemonError
        Unknown config, or ``config '<name>' is in use by the following service: <names>``.
    """
    config = get_config(ctx, ref)
    refuse_if_used(
        "config",
        config.spec.name,
        ctx.store.services.values(),
        lambda s: any(r.config_id == config.id for r in s.spec.task.container.configs),
    )
    ctx.store.delete_config(config.id)
    return config

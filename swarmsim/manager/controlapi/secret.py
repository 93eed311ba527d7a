"""Secret requests of the control API: create, look up, list and remove secrets.

Mirrors ``swarmkit: manager/controlapi/secret.go`` (``CreateSecret``,
``ListSecrets``, ``RemoveSecret``, ``validateSecretSpec``; the payload rule of
``api/validation/secrets.go``) and the daemon's name resolution in front of it.
Secrets are immutable: there is no update request besides labels, which the CLI
never sends.

Differences
-----------
The secret's data stays in the store only: nothing here writes a trace record.
A ``driver`` names a secrets plugin; the simulator has no plugins, so any driver
is refused as swarmkit refuses an unknown one.  See
:mod:`swarmsim.manager.controlapi.payload` for the shared rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from swarmsim.api.objects import Secret
from swarmsim.api.specs import SecretSpec
from swarmsim.context import Context
from swarmsim.manager.controlapi import require_leader, rpc_error
from swarmsim.manager.controlapi.payload import (
    check_name,
    check_payload,
    filter_payloads,
    find_payload,
    refuse_if_used,
)

__all__ = ["MAX_SECRET_SIZE", "create_secret", "get_secret", "list_secrets", "remove_secret"]

MAX_SECRET_SIZE = 500 * 1024
"""``validation.MaxSecretSize``: data must be shorter than this many bytes."""


def create_secret(ctx: Context, spec: SecretSpec) -> Secret:
    """Validate and store a new secret (``docker secret create``).

    Raises
    ------
    DaemonError
        A bad name, data empty or >= 500 KiB, an unknown driver, or
        ``secret <name> already exists``.
    """
    require_leader(ctx)
    check_name(spec.name)
    if spec.driver:
        raise rpc_error("Unknown", f'plugin "{spec.driver}" not found')
    check_payload("secret", spec.data, MAX_SECRET_SIZE)
    if ctx.store.secret_by_name(spec.name) is not None:
        raise rpc_error("AlreadyExists", f"secret {spec.name} already exists")
    secret = Secret(ctx.ids.new(), spec, created_at=ctx.now, updated_at=ctx.now)
    ctx.store.create_secret(secret)
    return secret


def get_secret(ctx: Context, ref: str) -> Secret:
    """Find a secret by full ID, exact name or unique ID prefix.

    Raises
    ------
    DaemonError
        ``secret <ref> not found`` or ``secret <ref> is ambiguous (<n> matches found)``.
    """
    require_leader(ctx)
    return find_payload("secret", ctx.store.secrets, ref)


def list_secrets(ctx: Context, filters: Mapping[str, Sequence[str]] | None = None) -> list[Secret]:
    """Secrets matching ``filters`` (``id``, ``label``, ``name``, ``names``), in store order."""
    require_leader(ctx)
    return filter_payloads(ctx.store.secrets, filters)


def remove_secret(ctx: Context, ref: str) -> Secret:
    """Delete a secret no service references (``docker secret rm``).

    Raises
    ------
    DaemonError
        Unknown secret, or ``secret '<name>' is in use by the following service: <names>``.
    """
    secret = get_secret(ctx, ref)
    refuse_if_used(
        "secret",
        secret.spec.name,
        ctx.store.services.values(),
        lambda s: any(r.secret_id == secret.id for r in s.spec.task.container.secrets),
    )
    ctx.store.delete_secret(secret.id)
    return secret

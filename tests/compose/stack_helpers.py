"""Helpers for stack tests: a stand-in for the secret/config control API, a swarm runner.

``swarmsim.manager.controlapi.secret`` and ``.config`` are built on another
branch; until both are merged :func:`install_object_apis` puts a small fake with
the same interface (``create_*``, ``get_*``, ``list_*``, ``remove_*`` over
``ctx.store.secrets`` / ``ctx.store.configs``) in ``sys.modules``.  When the real
modules exist they are used and nothing is faked.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from swarmsim.api.objects import Config, Secret
from swarmsim.errors import DaemonError
from swarmsim.swarm import CommandResult, Swarm


def _fake_module(kind: str, cls: type) -> types.ModuleType:
    module = types.ModuleType(f"swarmsim.manager.controlapi.{kind}")
    table = f"{kind}s"

    def objects(ctx: Any) -> dict[str, Any]:
        if not hasattr(ctx.store, table):
            setattr(ctx.store, table, {})
        return getattr(ctx.store, table)

    def create(ctx: Any, spec: Any) -> Any:
        if any(o.spec.name == spec.name for o in objects(ctx).values()):
            raise DaemonError(
                f"rpc error: code = AlreadyExists desc = {kind} {spec.name} already exists"
            )
        obj = cls(ctx.ids.new(), spec, created_at=ctx.now, updated_at=ctx.now)
        objects(ctx)[obj.id] = obj
        return obj

    def get(ctx: Any, ref: str) -> Any:
        table_ = objects(ctx)
        if ref in table_:
            return table_[ref]
        for obj in table_.values():
            if obj.spec.name == ref:
                return obj
        found = [o for o in table_.values() if o.id.startswith(ref)]
        if len(found) == 1:
            return found[0]
        raise DaemonError(f"{kind} {ref} not found")

    def list_(ctx: Any, filters: Mapping[str, Sequence[str]] | None = None) -> list[Any]:
        filters = filters or {}
        result = []
        for obj in objects(ctx).values():
            labels = dict(obj.spec.labels)
            if filters.get("name") and not any(
                obj.spec.name.startswith(n) for n in filters["name"]
            ):
                continue
            wanted = [item.partition("=") for item in filters.get("label", ())]
            if any(k not in labels or (v and labels[k] != v) for k, _, v in wanted):
                continue
            result.append(obj)
        return result

    def remove(ctx: Any, ref: str) -> Any:
        obj = get(ctx, ref)
        users = sorted(
            s.spec.name
            for s in ctx.store.services.values()
            if any(
                getattr(r, f"{kind}_id") == obj.id for r in getattr(s.spec.task.container, table)
            )
        )
        if users:
            noun = "service" if len(users) == 1 else "services"
            raise DaemonError(
                f"rpc error: code = InvalidArgument desc = {kind} '{obj.spec.name}' is in use "
                f"by the following {noun}: {', '.join(users)}"
            )
        del objects(ctx)[obj.id]
        return obj

    for name, func in (("create", create), ("get", get), ("list", list_), ("remove", remove)):
        suffix = f"{kind}s" if name == "list" else kind
        setattr(module, f"{name}_{suffix}", func)
    return module


def install_object_apis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the secret and config control APIs importable (the fake when missing)."""
    for kind, cls in (("secret", Secret), ("config", Config)):
        name = f"swarmsim.manager.controlapi.{kind}"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            monkeypatch.setitem(sys.modules, name, _fake_module(kind, cls))


def add_secret(swarm: Swarm, name: str, data: bytes = b"pw") -> Any:
    """Create an external secret as ``docker secret create`` would."""
    from swarmsim.api.specs import SecretSpec

    api = importlib.import_module("swarmsim.manager.controlapi.secret")
    return api.create_secret(swarm.ctx, SecretSpec(name, data))


def transcript(swarm: Swarm, lines: Sequence[str]) -> str:
    """Run docker commands (and ``sleep N``) and return what a terminal would show."""
    text = []
    for line in lines:
        if line.startswith("sleep "):
            swarm.advance(float(line.split()[1]))
            continue
        result: CommandResult = swarm.docker(line)
        text.append(f"$ {line}\n{result.stdout}{result.stderr}[exit {result.exit_code}]\n")
    return "".join(text)

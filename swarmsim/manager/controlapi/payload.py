"""What secrets and configs share in the control API: names, lookups, filters, use checks.

Mirrors ``swarmkit: manager/controlapi/common.go`` (``validateConfigOrSecretAnnotations``,
``filterMatchLabels``), the ``ListSecrets`` / ``ListConfigs`` filters (names, name
prefixes and ID prefixes OR-ed, labels AND-ed), the in-use refusal of
``RemoveSecret`` / ``RemoveConfig``, the checks of a service's references
(``manager/controlapi/service.go``), and the daemon's lookup of a reference
(``moby: daemon/cluster/helpers.go`` ``getSecret`` / ``getConfig``: full ID, then
exact name, then ID prefix).

Differences
-----------
One generic implementation serves both kinds; ``kind`` (``"secret"`` or
``"config"``) only changes the wording.  Secret drivers are plugins, which the
simulator has none of: any ``--driver`` is refused as an unknown plugin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

from swarmsim.api.objects import Service
from swarmsim.api.specs import Labels, ServiceSpec
from swarmsim.context import Context
from swarmsim.errors import DaemonError
from swarmsim.manager.controlapi import check_filter_names, rpc_error

__all__ = [
    "LIST_FILTERS",
    "check_name",
    "check_payload",
    "check_references",
    "filter_payloads",
    "find_payload",
    "refuse_if_used",
]

LIST_FILTERS = ("id", "label", "name", "names")
"""Filters of ``docker secret ls`` / ``docker config ls`` (``moby: daemon/cluster/filters.go``)."""

_VALID_NAME = re.compile(r"^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$")
INVALID_NAME = (
    "invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, "
    "and the start and end character must be [a-zA-Z0-9]"
)


class _Spec(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def labels(self) -> Labels: ...


class _Payload(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def spec(self) -> _Spec: ...


P = TypeVar("P", bound=_Payload)


def check_name(name: str) -> None:
    """``validateConfigOrSecretAnnotations``: 1 to 64 characters, alphanumeric at both ends.

    Examples
    --------
    >>> check_name("db_password.v2")
    >>> from swarmsim.errors import DaemonError
    >>> try:
    ...     check_name("-bad")
    ... except DaemonError as error:
    ...     print(str(error).split(",")[0])
    rpc error: code = InvalidArgument desc = invalid name
    """
    if not name:
        raise rpc_error("InvalidArgument", "name must be provided")
    if len(name) > 64 or not _VALID_NAME.match(name):
        raise rpc_error("InvalidArgument", INVALID_NAME)


def check_payload(kind: str, data: bytes, limit: int) -> None:
    """Refuse data that is empty or ``limit`` bytes or more (``ValidateSecretPayload``)."""
    if not 0 < len(data) < limit:
        message = f"{kind} data must be larger than 0 and less than {limit} bytes"
        raise rpc_error("InvalidArgument", message)


def find_payload(kind: str, table: Mapping[str, P], ref: str) -> P:
    """The object ``ref`` names: full ID, then exact name, then unique ID prefix.

    Raises
    ------
    DaemonError
        ``<kind> <ref> not found`` or ``<kind> <ref> is ambiguous (<n> matches found)``.
    """
    if ref in table:
        return table[ref]
    matches = [p for p in table.values() if p.spec.name == ref]
    if not matches and ref:
        matches = [p for p in table.values() if p.id.startswith(ref)]
    if not matches:
        raise DaemonError(f"{kind} {ref} not found")
    if len(matches) > 1:
        raise DaemonError(f"{kind} {ref} is ambiguous ({len(matches)} matches found)")
    return matches[0]


def filter_payloads(table: Mapping[str, P], filters: Mapping[str, Sequence[str]] | None) -> list[P]:
    """``ListSecrets``: ``names`` exact, ``name`` and ``id`` prefixes (any), ``label`` (all).

    Raises
    ------
    DaemonError
        ``invalid filter '<name>'``.
    """
    filters = filters or {}
    check_filter_names(filters, LIST_FILTERS)
    names, prefixes = filters.get("names", ()), filters.get("name", ())
    ids, labels = filters.get("id", ()), filters.get("label", ())
    by_name = bool(names or prefixes or ids)
    result = []
    for item in table.values():
        name = item.spec.name
        if by_name and not (
            name in names
            or any(name.startswith(p) for p in prefixes)
            or any(item.id.startswith(p) for p in ids)
        ):
            continue
        have = dict(item.spec.labels)
        if all(_label_matches(have, want) for want in labels):
            result.append(item)
    return result


def _label_matches(have: Mapping[str, str], want: str) -> bool:
    key, _, value = want.partition("=")
    return key in have and (not value or have[key] == value)


def refuse_if_used(
    kind: str, name: str, services: Iterable[Service], uses: Callable[[Service], bool]
) -> None:
    """Refuse removal while services reference the object (``RemoveSecret``'s wording).

    Services are named in ID order, as swarmkit's index returns them.
    """
    users = sorted((s for s in services if uses(s)), key=lambda s: s.id)
    if users:
        noun = "service" if len(users) == 1 else "services"
        names = ", ".join(s.spec.name for s in users)
        message = f"{kind} '{name}' is in use by the following {noun}: {names}"
        raise rpc_error("InvalidArgument", message)


def check_references(ctx: Context, spec: ServiceSpec) -> None:
    """A service's secret and config references: distinct targets, existing objects.

    Mirrors ``validateSecretRefsSpec`` / ``validateConfigRefsSpec`` and
    ``checkSecretExistence`` / ``checkConfigExistence`` of ``controlapi/service.go``.

    Raises
    ------
    DaemonError
        ``secret references 'a' and 'b' have a conflicting target: 'x'`` or
        ``secret not found: a`` (``secrets not found: a, b``); the same for configs.
    """
    container = spec.task.container
    kinds: tuple[tuple[str, Sequence[tuple[str, str, str]], Mapping[str, _Payload]], ...] = (
        ("secret", [(r.secret_id, r.secret_name, r.target.name) for r in container.secrets],
         ctx.store.secrets),
        ("config", [(r.config_id, r.config_name, r.target.name) for r in container.configs],
         ctx.store.configs),
    )  # fmt: skip
    for kind, refs, _ in kinds:
        targets: dict[str, str] = {}
        for _, name, target in refs:
            if target in targets:
                message = (
                    f"{kind} references '{targets[target]}' and '{name}' have a "
                    f"conflicting target: '{target}'"
                )
                raise rpc_error("InvalidArgument", message)
            targets[target] = name
    for kind, refs, table in kinds:
        missing = [
            name
            for ref_id, name, _ in refs
            if ref_id not in table or table[ref_id].spec.name != name
        ]
        if missing:
            noun = kind if len(missing) == 1 else kind + "s"
            raise rpc_error("InvalidArgument", f"{noun} not found: {', '.join(missing)}")

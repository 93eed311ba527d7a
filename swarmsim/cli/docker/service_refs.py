"""``--secret`` / ``--config`` of ``docker service create`` and their ``-add`` / ``-rm`` twins.

Mirrors ``cli: opts/swarmopts/secret.go`` and ``config.go`` (``SecretOpt.Set``:
``--secret NAME`` or ``source=NAME,target=T,uid=U,gid=G,mode=M`` with uid and
gid ``0`` and mode ``0444`` by default, the target defaulting to the name),
``cli/command/service/parse.go`` (``ParseSecrets`` / ``ParseConfigs``: two
references with one target are refused, names are resolved to IDs) and
``cli/command/service/update.go`` (``getUpdatedSecrets`` / ``getUpdatedConfigs``:
``-rm`` drops the references to a name, ``-add`` appends the new ones).

Differences
-----------
docker resolves references through a Go map, so their order in the spec is
random; here they keep the command line's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from swarmsim.api.specs import ConfigReference, ContainerSpec, FileTarget, SecretReference
from swarmsim.cli.flags import ParsedFlags
from swarmsim.context import Context
from swarmsim.csvrecord import read_csv_record
from swarmsim.errors import DockerCLIError
from swarmsim.golang import go_parse_uint

__all__ = [
    "apply_reference_updates",
    "parse_config_flag",
    "parse_reference_flag",
    "parse_secret_flag",
    "references",
]

_Ref = tuple[str, FileTarget]  # the object's name and where it goes


def parse_reference_flag(kind: str, value: str) -> _Ref:
    """``SecretOpt.Set`` / ``ConfigOpt.Set``: the name and file target of one flag value.

    Raises
    ------
    ValueError
        docker's text: ``invalid field 'x' must be a key=value pair``,
        ``invalid field in secret request: x``, ``invalid mode specified: ...``,
        ``source is required``.

    Examples
    --------
    >>> parse_reference_flag("secret", "db_pw")
    ('db_pw', FileTarget(name='db_pw', uid='0', gid='0', mode=292))
    >>> parse_reference_flag("config", "src=app,target=/etc/app.conf,mode=0400")
    ('app', FileTarget(name='/etc/app.conf', uid='0', gid='0', mode=256))
    """
    fields = read_csv_record(value)
    if len(fields) == 1 and "=" not in fields[0]:
        return fields[0], FileTarget(fields[0])
    source = target = ""
    uid = gid = "0"
    mode = 0o444
    for field in fields:
        key, has_value, text = field.partition("=")
        if not has_value or not key:
            raise ValueError(f"invalid field '{field}' must be a key=value pair")
        match key.lower():
            case "source" | "src":
                source = text
            case "target":
                target = text
            case "uid":
                uid = text
            case "gid":
                gid = text
            case "mode":
                try:
                    mode = go_parse_uint(text)
                except ValueError as error:
                    raise ValueError(f"invalid mode specified: {error}") from None
            case _:
                raise ValueError(f"invalid field in {kind} request: {key}")
    if not source:
        raise ValueError("source is required")
    return source, FileTarget(target or source, uid, gid, mode)


def parse_secret_flag(value: str) -> _Ref:
    """``SecretOpt.Set`` (see :func:`parse_reference_flag`)."""
    return parse_reference_flag("secret", value)


def parse_config_flag(value: str) -> _Ref:
    """``ConfigOpt.Set`` (see :func:`parse_reference_flag`)."""
    return parse_reference_flag("config", value)


def _resolve(ctx: Context, kind: str, refs: Sequence[_Ref]) -> list[tuple[str, str, FileTarget]]:
    """``ParseSecrets``: refuse a repeated target, find each name's ID."""
    targets: set[str] = set()
    for name, target in refs:
        if target.name in targets:
            raise DockerCLIError(f"duplicate {kind} target for {name} not allowed")
        targets.add(target.name)
    table = ctx.store.secrets if kind == "secret" else ctx.store.configs
    ids = {item.spec.name: item.id for item in table.values()}
    resolved = []
    for name, target in refs:
        if name not in ids:
            raise DockerCLIError(f"{kind} not found: {name}")
        resolved.append((ids[name], name, target))
    return resolved


def _flag_refs(parsed: ParsedFlags, kind: str, flag: str) -> list[_Ref]:
    return [parse_reference_flag(kind, value) for value in parsed.get_list(flag)]


def references(
    ctx: Context, parsed: ParsedFlags
) -> tuple[tuple[SecretReference, ...], tuple[ConfigReference, ...]]:
    """The references ``docker service create --secret ... --config ...`` sends.

    Raises
    ------
    DockerCLIError
        ``duplicate secret target for x not allowed``, ``secret not found: x`` (and configs).
    """
    secrets = _resolve(ctx, "secret", _flag_refs(parsed, "secret", "secret"))
    configs = _resolve(ctx, "config", _flag_refs(parsed, "config", "config"))
    return (
        tuple(SecretReference(i, n, t) for i, n, t in secrets),
        tuple(ConfigReference(i, n, t) for i, n, t in configs),
    )


def apply_reference_updates(
    ctx: Context, parsed: ParsedFlags, container: ContainerSpec
) -> ContainerSpec:
    """``--secret-rm/--secret-add`` and ``--config-rm/--config-add`` applied to ``container``.

    Raises
    ------
    DockerCLIError
        As :func:`references`, for the added references.
    """
    secrets, configs = container.secrets, container.configs
    if {"secret-rm", "secret-add"} & parsed.changed:
        gone = set(parsed.get_list("secret-rm"))
        added = _resolve(ctx, "secret", _flag_refs(parsed, "secret", "secret-add"))
        secrets = (
            *(r for r in secrets if r.secret_name not in gone),
            *(SecretReference(i, n, t) for i, n, t in added),
        )
    if {"config-rm", "config-add"} & parsed.changed:
        gone = set(parsed.get_list("config-rm"))
        added = _resolve(ctx, "config", _flag_refs(parsed, "config", "config-add"))
        configs = (
            *(r for r in configs if r.config_name not in gone),
            *(ConfigReference(i, n, t) for i, n, t in added),
        )
    return replace(container, secrets=secrets, configs=configs)

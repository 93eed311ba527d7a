"""``${VAR}`` interpolation of a compose file from an environment mapping.

Mirrors ``cli: cli/compose/template/template.go`` (the pattern, ``${VAR:-d}``,
``${VAR-d}``, ``${VAR:?err}``, ``${VAR?err}``, ``$$``), ``cli/compose/interpolation/
interpolation.go`` (walk every string of the file, report errors with the
dotted path, ``[]`` standing for a list item) and ``cli/compose/loader/
interpolate.go`` (the values cast back to integers, numbers or booleans after
substitution, such as ``deploy.replicas``).

The environment is whatever the caller gives: ``docker stack deploy`` reads
the CLI's own environment and never a ``.env`` file.

Differences
-----------
None known.  As in Go, a later successful substitution in the same string
clears the error of an earlier invalid one (``template.substituteWith``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from swarmsim.golang import go_quote

__all__ = ["InterpolationError", "interpolate", "substitute"]

_SUBST = r"[_a-z][_a-z0-9]*(?::?[-?][^}]*)?"
_PATTERN = re.compile(
    rf"\$(?i:(?P<escaped>\$)|(?P<named>{_SUBST})|{{(?P<braced>{_SUBST})}}|(?P<invalid>))"
)


class InterpolationError(ValueError):
    """A substitution failed; ``path`` is where in the file (for the position)."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


class _InvalidTemplate(ValueError):
    def __init__(self, template: str) -> None:
        super().__init__(template)
        self.template = template


def _apply(name_and_rest: str, env: Mapping[str, str]) -> str:
    """The default and required forms, in docker's order (``:-``, ``-``, ``:?``, ``?``)."""
    if ":-" in name_and_rest:
        name, default = name_and_rest.split(":-", 1)
        return env.get(name) or default
    if "-" in name_and_rest:
        name, default = name_and_rest.split("-", 1)
        return env.get(name, default)
    for sep, non_empty in ((":?", True), ("?", False)):
        if sep in name_and_rest:
            name, message = name_and_rest.split(sep, 1)
            value = env.get(name)
            if value is None or (non_empty and value == ""):
                raise _InvalidTemplate(f"required variable {name} is missing a value: {message}")
            return value
    return env.get(name_and_rest, "")


def substitute(template: str, env: Mapping[str, str]) -> str:
    """Replace the variables of one string (``template.Substitute``).

    Raises
    ------
    ValueError
        An invalid template (its text is the offending template).

    Examples
    --------
    >>> substitute("${TAG:-latest} $$HOME ${X-}", {"TAG": ""})
    'latest $HOME '
    """
    error: _InvalidTemplate | None = None
    pieces: list[str] = []
    last = 0
    for match in _PATTERN.finditer(template):
        pieces.append(template[last : match.start()])
        last = match.end()
        if match["escaped"]:
            pieces.append(match["escaped"])
            continue
        substitution = match["named"] or match["braced"]
        if not substitution:
            error = _InvalidTemplate(template)
            continue
        try:
            pieces.append(_apply(substitution, env))
            error = None
        except _InvalidTemplate as failure:
            error = failure
    pieces.append(template[last:])
    if error is not None:
        raise error
    return "".join(pieces)


def _atoi(text: str) -> int:
    if re.fullmatch(r"[+-]?[0-9]+", text):
        return int(text)
    raise ValueError(f"strconv.Atoi: parsing {go_quote(text)}: invalid syntax")


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"strconv.ParseFloat: parsing {go_quote(text)}: invalid syntax") from None


def _bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("y", "yes", "true", "on"):
        return True
    if lowered in ("n", "no", "false", "off"):
        return False
    raise ValueError(f"invalid boolean: {text}")


_SERVICE_CASTS: dict[tuple[str, ...], Callable[[str], Any]] = {
    ("configs", "[]", "mode"): _atoi,
    ("secrets", "[]", "mode"): _atoi,
    ("healthcheck", "retries"): _atoi,
    ("healthcheck", "disable"): _bool,
    ("deploy", "replicas"): _atoi,
    ("deploy", "update_config", "parallelism"): _atoi,
    ("deploy", "update_config", "max_failure_ratio"): _float,
    ("deploy", "rollback_config", "parallelism"): _atoi,
    ("deploy", "rollback_config", "max_failure_ratio"): _float,
    ("deploy", "restart_policy", "max_attempts"): _atoi,
    ("deploy", "placement", "max_replicas_per_node"): _atoi,
    ("ports", "[]", "target"): _atoi,
    ("ports", "[]", "published"): _atoi,
    ("ulimits", "*"): _atoi,
    ("ulimits", "*", "hard"): _atoi,
    ("ulimits", "*", "soft"): _atoi,
    ("privileged",): _bool,
    ("oom_score_adj",): _atoi,
    ("read_only",): _bool,
    ("stdin_open",): _bool,
    ("tty",): _bool,
    ("volumes", "[]", "read_only"): _bool,
    ("volumes", "[]", "volume", "nocopy"): _bool,
}
_CASTS: dict[tuple[str, ...], Callable[[str], Any]] = {
    **{("services", "*", *key): cast for key, cast in _SERVICE_CASTS.items()},
    **{(top, "*", "external"): _bool for top in ("networks", "volumes", "secrets", "configs")},
    ("networks", "*", "internal"): _bool,
    ("networks", "*", "attachable"): _bool,
}


def _caster(parts: tuple[str, ...]) -> Callable[[str], Any] | None:
    for pattern, cast in _CASTS.items():
        if len(pattern) != len(parts):
            continue
        if all(p in ("*", x) for p, x in zip(pattern, parts, strict=True)):
            return cast
    return None


def _walk(
    value: Any, parts: tuple[str, ...], where: tuple[str | int, ...], env: Mapping[str, str]
) -> Any:
    if isinstance(value, str):
        try:
            new = substitute(value, env)
        except _InvalidTemplate as error:
            raise InterpolationError(
                where,
                f"invalid interpolation format for {'.'.join(parts)}: {go_quote(error.template)}; "
                "you may need to escape any $ with another $",
            ) from None
        if new == value:
            return value
        cast = _caster(parts)
        if cast is None:
            return new
        try:
            return cast(new)
        except ValueError as error:
            raise InterpolationError(
                where,
                f"error while interpolating {'.'.join(parts)}: "
                f"failed to cast to expected type: {error}",
            ) from None
    if isinstance(value, dict):
        return {k: _walk(v, (*parts, str(k)), (*where, k), env) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, (*parts, "[]"), (*where, i), env) for i, v in enumerate(value)]
    return value


def interpolate(config: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """Interpolate every string of a decoded file (``interpolation.Interpolate``).

    Raises
    ------
    InterpolationError
        docker's message and the path of the offending value.

    Examples
    --------
    >>> interpolate({"services": {"w": {"deploy": {"replicas": "${N}"}}}}, {"N": "3"})
    {'services': {'w': {'deploy': {'replicas': 3}}}}
    """
    return {k: _walk(v, (str(k),), (k,), env) for k, v in config.items()}

"""Generic resources: user-defined countable resources of a node (GPUs, licences...).

A machine's engine announces them (``dockerd --node-generic-resource
gpu=2`` for two interchangeable units, ``gpu=GPU-1`` repeated for named
ones) and a service reserves units of a kind (``docker service create
--generic-resource gpu=1``); the scheduler places a task only where enough
units are free, and a placed task holds its units until it is removed.

Mirrors ``swarmkit: api/genericresource/parse.go`` (the ``kind=value``
syntax and its errors) and ``validate.go`` (``HasEnough``), and ``cli:
cli/command/service/generic_resource_opts.go`` (services reserve discrete
units only).

Differences
-----------
A node's named resources count as that many units of their kind: which named
unit a task gets (``DOCKER_RESOURCE_GPU=...`` in its environment) is not
simulated.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["GenericResources", "node_resources", "parse_terms", "service_reservations"]

GenericResources = tuple[tuple[str, int], ...]
"""Units per kind, in the order the kinds were first given: ``(("gpu", 2),)``."""

_PREFIX = "could not parse GenericResource: "


def parse_terms(terms: Iterable[str]) -> tuple[dict[str, int], dict[str, list[str]]]:
    """``kind=value`` terms as discrete counts and named values per kind.

    Raises
    ------
    ValueError
        swarmkit's message for a term without one ``=``, a negative count, or
        a kind given both numbers and names.

    Examples
    --------
    >>> parse_terms(["gpu=2", "fpga=a", "fpga=b"])
    ({'gpu': 2}, {'fpga': ['a', 'b']})
    >>> parse_terms(["gpu"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: could not parse GenericResource: incorrect term gpu, missing '=' or malformed ...
    """
    tokens: dict[str, list[str]] = {}
    for term in terms:
        parts = term.split("=")
        if len(parts) != 2:
            raise ValueError(f"{_PREFIX}incorrect term {term}, missing '=' or malformed expression")
        tokens.setdefault(parts[0].strip(), []).append(parts[1].strip())
    discrete: dict[str, int] = {}
    named: dict[str, list[str]] = {}
    for kind, values in tokens.items():
        numbers = [_int(value) for value in values]
        if len(values) == 1 and numbers[0] is not None:
            if numbers[0] < 0:
                raise ValueError(f"{_PREFIX}cannot ask for negative resource {kind}")
            discrete[kind] = numbers[0]
        elif all(number is None for number in numbers):
            named[kind] = values
        else:
            raise ValueError(
                f"{_PREFIX}mixed discrete and named resources in expression "
                f"'{kind}=[{' '.join(values)}]'"
            )
    return discrete, named


def _int(text: str) -> int | None:
    """Go's ``strconv.ParseInt(text, 10, 64)``, or ``None``."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


def node_resources(terms: Iterable[str]) -> GenericResources:
    """A node's generic resources (``--node-generic-resource`` terms) as units per kind.

    >>> node_resources(["gpu=GPU-1", "gpu=GPU-2", "ssd=1"])
    (('ssd', 1), ('gpu', 2))
    """
    discrete, named = parse_terms(terms)
    return (*discrete.items(), *((kind, len(values)) for kind, values in named.items()))


def service_reservations(terms: Iterable[str]) -> GenericResources:
    """``--generic-resource`` terms of a service: discrete units only (docker's errors).

    >>> service_reservations(["gpu=1"])
    (('gpu', 1),)
    >>> service_reservations(["gpu=GPU-1"])
    Traceback (most recent call last):
    ...
    ValueError: invalid generic-resource request `gpu=GPU-1`, Named Generic Resources is not \
supported for service create or update
    """
    try:
        discrete, named = parse_terms(terms)
    except ValueError as error:
        raise ValueError(f"invalid generic resource specification: {error}") from None
    for kind, values in named.items():
        raise ValueError(
            f"invalid generic-resource request `{kind}={values[0]}`, Named Generic Resources "
            "is not supported for service create or update"
        )
    return tuple(discrete.items())


def validate_term(value: str) -> str:
    """docker's ``ValidateSingleGenericResource``: a flag value needs an ``=``.

    >>> validate_term("gpu")
    Traceback (most recent call last):
    ...
    ValueError: invalid generic-resource format `gpu` expected `name=value`
    """
    if "=" not in value:
        raise ValueError(f"invalid generic-resource format `{value}` expected `name=value`")
    return value

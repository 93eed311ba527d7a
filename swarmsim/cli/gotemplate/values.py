"""Go values as templates see them: typed structs, printing and JSON.

Mirrors how ``go: src/text/template/exec.go`` and ``fmt`` treat values: a
struct has a fixed set of fields (an absent one is an error, ``can't evaluate
field X in type T``), a map answers for any key, ``fmt.Sprint`` prints maps as
``map[k:v]`` with sorted keys, slices as ``[a b]`` and structs as ``{a b}``;
and docker's ``json`` template function (``cli: templates/templates.go``
``formatJSON``: ``encoding/json`` without HTML escaping).

Python values stand for Go values: ``str``, ``bool``, ``int``, ``float``,
``list``/``tuple`` (slices), ``dict`` (maps), :class:`Struct` (structs and
docker's formatter contexts), ``None`` (a nil interface, printed
``<no value>``) and :data:`NIL` (a nil pointer, printed ``<nil>``).

Differences
-----------
A struct prints its fields in the order it was built with; pointers inside it
print as their target, not as an address.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from swarmsim.golang import go_format_g

__all__ = [
    "NIL",
    "NilPointer",
    "Stringer",
    "Struct",
    "go_print",
    "go_type",
    "template_json",
    "truth",
]


class NilPointer:
    """A nil pointer (``<nil>`` when printed); ``type_name`` is its Go type, if known.

    A typed one (``NilPointer("*swarm.ClusterInfo")``) names its type in the
    error a field access gives, as Go does; :data:`NIL` is the untyped one.
    """

    __slots__ = ("type_name",)

    def __init__(self, type_name: str = "") -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"NilPointer({self.type_name!r})" if self.type_name else "NIL"


NIL = NilPointer()


@dataclass
class Struct:
    """A Go struct: named fields (callables are methods taking arguments) and its JSON form.

    Parameters
    ----------
    type_name
        Go's name of the type, used in errors (``*formatter.serviceContext``).
    fields
        Field values in declaration order; a callable is a method called with the
        template's arguments (``{{.Label "x"}}``).
    json_value
        What ``{{json .}}`` prints; by default the non-callable fields with keys sorted,
        as docker's ``formatter.MarshalJSON`` gives them.
    """

    type_name: str
    fields: dict[str, Any]
    json_value: Any = field(default=None)

    def to_json(self) -> Any:
        """The value ``json`` marshals."""
        if self.json_value is not None:
            return self.json_value
        return {k: v for k, v in sorted(self.fields.items()) if not callable(v)}


@dataclass(frozen=True)
class Stringer:
    """A value whose Go type has a ``String()`` method (``time.Time``, ``time.Duration``).

    Templates print ``text``; ``json`` marshals ``json_value``.
    """

    type_name: str
    text: str
    json_value: Any

    def __str__(self) -> str:
        return self.text


def go_type(value: Any) -> str:
    """Go's name for the type of ``value`` in error messages."""
    if isinstance(value, Struct | Stringer):
        return value.type_name
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "[]interface {}"
    if isinstance(value, Mapping):
        return "map[string]interface {}"
    return "<nil>"


def truth(value: Any) -> bool:
    """``template.IsTrue``: false, 0, nil and empty strings, slices and maps are false."""
    if value is None or isinstance(value, NilPointer):
        return False
    if isinstance(value, Struct):
        return True
    if isinstance(value, Stringer):
        return bool(value.json_value)
    return bool(value)


def go_print(value: Any, *, top: bool = True) -> str:
    """``fmt.Sprint`` of ``value`` as a template prints it.

    Examples
    --------
    >>> go_print({"b": [1, "x"], "a": True})
    'map[a:true b:[1 x]]'
    >>> go_print(None), go_print(NIL), go_print(0.5)
    ('<no value>', '<nil>', '0.5')
    """
    if value is None:
        return "<no value>" if top else "<nil>"
    if isinstance(value, NilPointer):
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_format_g(value)
    if isinstance(value, Stringer):
        return value.text
    if isinstance(value, Struct):
        shown = [go_print(v, top=False) for v in value.fields.values() if not callable(v)]
        return "{" + " ".join(shown) + "}"
    if isinstance(value, Mapping):
        items = sorted(value.items())
        return "map[" + " ".join(f"{k}:{go_print(v, top=False)}" for k, v in items) + "]"
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_print(v, top=False) for v in value) + "]"
    if callable(value):
        return "<func>"
    return str(value)


def _plain(value: Any, *, in_struct: bool = False) -> Any:
    """JSON-ready data: a Go map's keys sorted, a struct's fields in their order."""
    if isinstance(value, Struct):
        return _plain(value.to_json(), in_struct=value.json_value is not None)
    if isinstance(value, NilPointer):
        return None
    if isinstance(value, Stringer):
        return value.json_value
    if isinstance(value, Mapping):
        items = value.items() if in_struct else sorted(value.items())
        return {k: _plain(v, in_struct=in_struct) for k, v in items}
    if isinstance(value, list | tuple):
        return [_plain(v, in_struct=in_struct) for v in value]
    return value


def template_json(value: Any) -> str:
    """docker's ``json`` function: compact JSON, ``<>&`` kept as is.

    Examples
    --------
    >>> template_json({"n": None, "a": "<b>"})
    '{"a":"<b>","n":null}'
    """
    return json.dumps(_plain(value), separators=(",", ":"), ensure_ascii=False)


Method = Callable[..., Any]

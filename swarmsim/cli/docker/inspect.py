"""What every ``docker ... inspect`` shares: ``--format`` and the element loop.

Mirrors ``cli: cli/command/inspect/inspector.go`` (``Inspect``: every reference
that resolves is printed, then the errors joined one per line; an empty
``--format`` prints an indented JSON array, ``json`` a compact one, anything
else is a Go template executed once per element, first over the typed object
and, when that fails, over the raw JSON with ``missingkey=error``).

The typed object is built from the element's JSON document: its JSON objects
become structs (an unknown field is an error) except those the API types as
maps (labels, options), and the ``omitempty`` fields the JSON leaves out come
back with their zero value from a per-type table (``ZEROS``), so that
``{{.Status.Message}}`` on a ready node prints an empty line, as docker does.

Differences
-----------
The zero tables list the fields the simulator models; a field of the real API
type that is neither in the JSON nor in the table fails over to the raw
document's ``map has no entry for key`` error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from swarmsim.cli.docker import Output
from swarmsim.cli.docker.system import go_json
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.cli.gotemplate import NIL, Stringer, Struct, Template, TemplateError
from swarmsim.errors import DaemonError, DockerCLIError, SwarmSimError
from swarmsim.units import format_duration_ns

__all__ = [
    "INSPECT_FORMAT_FLAG",
    "MAP",
    "ZEROS",
    "Pointer",
    "inspect_refs",
    "parse_template",
    "render_template",
    "typed_view",
]

INSPECT_FORMAT_FLAG = FlagSpec(
    "format",
    "f",
    FlagKind.STRING,
    help="Format output using a custom template: 'json' or a Go template",
)

MAP: dict[str, Any] = {}
"""Marks a field the API types as a Go map (a nil map prints ``map[]``)."""

_MAP_FIELDS = frozenset({"Labels", "Options", "DriverOpts", "Containers"})


@dataclass(frozen=True, slots=True)
class Pointer:
    """Marks a pointer to a struct: ``<nil>`` when the JSON leaves it out, else a
    struct whose own ``omitempty`` fields take the zeros given here."""

    zeros: Mapping[str, Any]


_SPEC_ZEROS: dict[str, Any] = {"Name": "", "Labels": MAP}
_CONTAINER_ZEROS: dict[str, Any] = {
    "Image": "",
    "Labels": MAP,
    "Command": [],
    "Args": [],
    "Hostname": "",
    "Env": [],
    "Dir": "",
    "User": "",
    "Init": NIL,
    "StopGracePeriod": NIL,
    "Healthcheck": NIL,
    "Secrets": [],
    "Configs": [],
}
ZEROS: dict[str, dict[str, Any]] = {
    "node": {
        "Spec": {**_SPEC_ZEROS, "Role": "", "Availability": ""},
        "Description": {
            "Hostname": "",
            "Engine": {"EngineVersion": "", "Labels": MAP, "Plugins": []},
        },
        "Status": {"State": "", "Message": "", "Addr": ""},
        "ManagerStatus": NIL,
    },
    "service": {
        "Spec": {
            **_SPEC_ZEROS,
            "TaskTemplate": {"ContainerSpec": _CONTAINER_ZEROS, "Networks": []},
            "Mode": {"Replicated": NIL, "Global": NIL, "ReplicatedJob": NIL, "GlobalJob": NIL},
        },
        "PreviousSpec": NIL,
        "Endpoint": {"Ports": [], "VirtualIPs": []},
        "UpdateStatus": NIL,
        "JobStatus": Pointer({"JobIteration": {"Index": 0}}),
    },
    "network": {"Labels": MAP, "Options": MAP, "Containers": MAP, "Peers": [], "Services": MAP},
    "secret": {
        "Spec": {**_SPEC_ZEROS, "Data": [], "Driver": NIL, "Templating": NIL},
    },
    "config": {"Spec": {**_SPEC_ZEROS, "Data": [], "Templating": NIL}},
}
"""Per object kind, the zero values of the ``omitempty`` fields a template may name."""


_TIME_FIELDS = frozenset(
    {"CreatedAt", "UpdatedAt", "Created", "StartedAt", "CompletedAt", "LastExecution"}
)
_DURATION_FIELDS = frozenset(
    {"Delay", "Monitor", "Window", "Interval", "Timeout", "StartPeriod", "StopGracePeriod"}
)


def _stringer(key: str, value: Any) -> Any:
    """A ``time.Time`` or ``time.Duration`` field as its ``String()`` prints it."""
    if key in _TIME_FIELDS and isinstance(value, str) and value.endswith("Z"):
        text = value.replace("T", " ", 1).removesuffix("Z") + " +0000 UTC"
        return Stringer("time.Time", text, value)
    if key in _DURATION_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        return Stringer("time.Duration", format_duration_ns(value), value)
    return value


def typed_view(value: Any, zeros: Mapping[str, Any], type_name: str = "swarm.Object") -> Any:
    """The typed object a template sees for a JSON document (see the module docstring).

    Times print as Go's ``time.Time.String()`` and durations as
    ``time.Duration.String()``, while ``json`` keeps the API's form.

    Examples
    --------
    >>> from swarmsim.cli.gotemplate import Template
    >>> doc = {"CreatedAt": "2026-01-01T00:00:05.5Z", "Spec": {"Delay": 5000000000}}
    >>> Template("{{.CreatedAt}} {{.Spec.Delay}} {{json .Spec}}").render(typed_view(doc, {}))
    '2026-01-01 00:00:05.5 +0000 UTC 5s {"Delay":5000000000}'
    """
    if not isinstance(value, dict):
        return value
    fields: dict[str, Any] = {}
    for key, item in value.items():
        sub = zeros.get(key, {})
        if key in _MAP_FIELDS or sub is MAP:
            fields[key] = item if isinstance(item, dict) else {}  # a nil map prints map[]
        elif isinstance(item, list):
            fields[key] = [typed_view(i, {}, "swarm.Item") for i in item]
        elif isinstance(item, dict):
            if isinstance(sub, Pointer):
                sub = sub.zeros
            fields[key] = typed_view(item, sub if isinstance(sub, dict) else {}, key)
        else:
            fields[key] = _stringer(key, item)
    for key, zero in zeros.items():
        if key not in fields:
            if zero is MAP:
                fields[key] = {}
            elif isinstance(zero, Pointer):
                fields[key] = NIL
            elif isinstance(zero, dict):
                fields[key] = typed_view({}, zero, key)
            else:
                fields[key] = zero
    return Struct(type_name, fields, value)


def parse_template(source: str, exit_code: int = 1) -> Template:
    """Parse a ``--format`` template as docker does.

    Raises
    ------
    DockerCLIError
        ``template parsing error: <Go's message>`` (``inspect`` exits with 64).
    """
    try:
        return Template(source)
    except TemplateError as error:
        raise DockerCLIError(f"template parsing error: {error}", exit_code) from None


def render_template(template: Template, typed: Any, raw: Any) -> str:
    """``TemplateInspector.Inspect``: the typed object, else the raw JSON strictly.

    Examples
    --------
    >>> doc = {"Status": {"State": "ready"}}
    >>> render_template(parse_template("[{{.Status.Message}}]"),
    ...                 typed_view(doc, ZEROS["node"]), doc)
    '[]'
    """
    try:
        return template.render(typed)
    except TemplateError:
        pass
    try:
        return template.render(raw, missingkey_error=True)
    except TemplateError as error:
        raise DockerCLIError(f"template parsing error: {error}") from None


def inspect_refs(
    refs: list[str],
    fetch: Callable[[str], dict[str, Any]],
    fmt: str,
    out: Output,
    kind: str = "",
) -> None:
    """docker's ``inspect.Inspect``: every element that resolves, then the joined errors.

    ``kind`` names the entry of :data:`ZEROS` giving the typed object's zero fields.
    """
    template = parse_template(fmt, 64) if fmt not in ("", "json") else None
    elements: list[dict[str, Any]] = []
    errors: list[str] = []
    text: list[str] = []
    for ref in refs:
        try:
            element = fetch(ref)
        except DaemonError as error:
            errors.append(f"Error response from daemon: {error}")
            continue
        except SwarmSimError as error:
            errors.append(str(error))
            continue
        if template is None:
            elements.append(element)
            continue
        try:
            typed = typed_view(element, ZEROS.get(kind, {}))
            text.append(render_template(template, typed, element) + "\n")
        except DockerCLIError as error:
            errors.append(str(error))
    if template is None:
        out.line(go_json(elements, indent=not fmt))
    else:
        out.write("".join(text) or "\n")
    if errors:
        raise DockerCLIError("\n".join(errors), 1)

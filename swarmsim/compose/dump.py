"""The merged compose file written back as YAML, for ``docker stack config``.

Mirrors ``cli: cli/command/stack/config.go`` (``outputConfig``: the loaded
config encoded by ``go.yaml.in/yaml/v3`` with an indent of 2): block style,
lists indented under their key, strings double-quoted only when they would
read back as something else, empty values left out (``omitempty``).

Differences
-----------
docker encodes its Go structs, so keys come in struct field order (nearly
alphabetical) and a few defaults appear; here keys are sorted and only what
the files set is written.
"""

from __future__ import annotations

import json
import re
from typing import Any

from swarmsim.api.specs import PortConfig

__all__ = ["dump_config"]

_PLAIN = re.compile(r"[A-Za-z0-9_./$()\-][A-Za-z0-9_./${}()\-:=@+, ]*")
_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"})
_NUMBER = re.compile(r"[-+]?(\.\d+|\d[\d_]*(\.\d*)?)([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if (
        not text
        or text.lower() in _WORDS
        or _NUMBER.fullmatch(text)
        or not _PLAIN.fullmatch(text)
        or text.endswith((" ", ":"))
        or ": " in text
        or " #" in text
        or text == "-"
        or text.startswith("- ")
    ):
        quoted = json.dumps(text, ensure_ascii=False)
        return "".join(c if c.isprintable() else _escape(c) for c in quoted)
    return text


def _plain(value: Any) -> Any:
    if isinstance(value, PortConfig):
        return {
            "mode": value.publish_mode.api_name,
            "target": value.target_port,
            "published": value.published_port,
            "protocol": value.protocol,
        }
    return value


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    value = _plain(value)
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            item = _plain(item)
            if isinstance(item, (dict, list)) and not item:
                if indent == 2:  # an entry of a top-level section
                    out.append(f"{pad}{_scalar(key)}: {{}}")
                continue  # an empty field: omitempty
            if isinstance(item, (dict, list)):
                out.append(f"{pad}{_scalar(key)}:")
                out += _lines(item, indent + 2)
            else:
                out.append(f"{pad}{_scalar(key)}: {_scalar(item)}")
        return out
    for item in value:
        item = _plain(item)
        if isinstance(item, (dict, list)) and item:
            inner = _lines(item, indent + 2)
            out.append(f"{pad}- {inner[0].lstrip()}")
            out += inner[1:]
        else:
            out.append(f"{pad}- {_scalar(item)}")
    return out


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def dump_config(config: dict[str, Any]) -> str:
    """The YAML text of a merged config (``version``, ``services``, then the other sections).

    Examples
    --------
    >>> print(dump_config({"version": "3.8", "services": {"web": {"image": "nginx",
    ...     "environment": {"A": "1"}, "command": ["a", "b c"]}}}), end="")
    version: "3.8"
    services:
      web:
        command:
          - a
          - b c
        environment:
          A: "1"
        image: nginx
    """
    document: dict[str, Any] = {"version": config["version"]}
    document["services"] = _sorted(config.get("services", {}))
    for key in ("networks", "volumes", "secrets", "configs"):
        if config.get(key):
            document[key] = _sorted(config[key])
    document.update({k: _sorted(v) for k, v in config.items() if k.startswith("x-")})
    lines = []
    for key, value in document.items():
        if isinstance(value, dict):
            lines.append(f"{key}:" if value else f"{key}: {{}}")
            lines += _lines(value, 2)
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"

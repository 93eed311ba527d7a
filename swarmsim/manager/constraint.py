"""Placement constraints: parsing ``key==value`` / ``key!=value`` and matching nodes.

Mirrors ``swarmkit: manager/constraint/constraint.go`` (``Parse``,
``Constraint.Match``, ``NodeMatches``).

Rules (docs/behaviour.md#constraints):

* ``==`` is looked for before ``!=``; the text is split at the first occurrence
  and both sides are trimmed.  The key must match ``^[a-z_][a-z0-9\\-_.]+$`` and the
  value ``^[a-z0-9:\\-_\\s\\.\\*\\(\\)\\?\\+\\[\\]\\\\\\^\\$\\|\\/]+$`` (both
  case-insensitive); otherwise :class:`ValueError` with swarmkit's text
  (``key '%s' is invalid``, ``value '%s' is invalid``,
  ``constraint expected one operator from ==, !=``).
* Values compare by case-insensitive equality (no globbing).
* Keys: ``node.id``, ``node.hostname``, ``node.ip`` (IP or CIDR against the
  node's address), ``node.role`` (``WORKER``/``MANAGER``), ``node.platform.os``,
  ``node.platform.arch``, ``node.labels.<k>``, ``engine.labels.<k>`` (prefixes
  case-insensitive, label keys case-sensitive).  A missing label is ``""``; an
  unknown key never matches.  All constraints must match.

Parsed constraints are cached per tuple of expressions
(:func:`compile_constraints`), because the scheduler and the orchestrators check
the same few expressions against every node.

Differences
-----------
* Go's ``(?i)`` character classes also accept the two non-ASCII letters that
  fold onto ASCII ones (``ſ`` U+017F and the Kelvin sign U+212A); they are
  accepted here too.  Case-insensitive comparison of other non-ASCII letters
  uses Python's ``str.lower`` instead of Go's simple case folding, and the label
  prefixes are compared per character instead of per byte; both differ only
  for non-ASCII keys or values.
* The node's hostname, platform and engine labels are always known in the
  simulator (swarmkit treats a node without a description as having empty ones).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache

from swarmsim.api.objects import Node
from swarmsim.golang import go_parse_ip

__all__ = [
    "ENGINE_LABEL_PREFIX",
    "NODE_LABEL_PREFIX",
    "OPERATORS",
    "Constraint",
    "Operator",
    "compile_constraints",
    "node_matches",
    "parse_constraints",
    "placement_matches",
]

NODE_LABEL_PREFIX = "node.labels."
ENGINE_LABEL_PREFIX = "engine.labels."
OPERATORS = ("==", "!=")

# Go's (?i)[a-z] also matches U+017F (long s) and U+212A (Kelvin sign).
_FOLDING = "\u017f\u212a"
_KEY_RE = re.compile(rf"[A-Za-z_{_FOLDING}][A-Za-z0-9\-_.{_FOLDING}]+")
# Go's \s is [\t\n\f\r ].
_VALUE_RE = re.compile(rf"[A-Za-z0-9:\-_\t\n\f\r .*()?+\[\]\\^$|/{_FOLDING}]+")
# Characters Go's strings.TrimSpace removes (unicode.IsSpace).
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _fold(text: str) -> str:
    """Case-fold ``text`` for comparisons (Go's ``strings.EqualFold``)."""
    return text.lower().replace("\u017f", "s")


class Operator(IntEnum):
    """The comparison of a constraint (index into :data:`OPERATORS`)."""

    EQ = 0
    NOTEQ = 1


class _Kind(IntEnum):
    UNKNOWN = 0
    NODE_ID = 1
    HOSTNAME = 2
    IP = 3
    ROLE = 4
    OS = 5
    ARCH = 6
    NODE_LABEL = 7
    ENGINE_LABEL = 8


_FIXED_KEYS = {
    "node.id": _Kind.NODE_ID,
    "node.hostname": _Kind.HOSTNAME,
    "node.ip": _Kind.IP,
    "node.role": _Kind.ROLE,
    "node.platform.os": _Kind.OS,
    "node.platform.arch": _Kind.ARCH,
}


def _classify(key: str) -> tuple[_Kind, str]:
    """The kind of ``key`` and, for label keys, the (case-sensitive) label name."""
    folded = _fold(key)
    kind = _FIXED_KEYS.get(folded)
    if kind is not None:
        return kind, ""
    for prefix, label_kind in (
        (NODE_LABEL_PREFIX, _Kind.NODE_LABEL),
        (ENGINE_LABEL_PREFIX, _Kind.ENGINE_LABEL),
    ):
        if len(key) > len(prefix) and _fold(key[: len(prefix)]) == prefix:
            return label_kind, key[len(prefix) :]
    return _Kind.UNKNOWN, ""


@dataclass(frozen=True, slots=True)
class Constraint:
    """One parsed ``key op value`` expression.

    Parameters
    ----------
    key
        The key as written (trimmed), e.g. ``node.labels.zone``.
    operator
        :attr:`Operator.EQ` for ``==``, :attr:`Operator.NOTEQ` for ``!=``.
    exp
        The value as written (trimmed).
    """

    key: str
    operator: Operator
    exp: str
    _kind: _Kind = field(init=False, repr=False, compare=False)
    _label: str = field(init=False, repr=False, compare=False)
    _folded: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kind, label = _classify(self.key)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_folded", _fold(self.exp))

    def match(self, *whats: str) -> bool:
        """Whether the constraint holds for a node whose attribute is one of ``whats``.

        Examples
        --------
        >>> Constraint("node.labels.zone", Operator.EQ, "East").match("east")
        True
        >>> Constraint("node.labels.zone", Operator.NOTEQ, "east").match("")
        True
        """
        found = False
        for what in whats:
            if _fold(what) == self._folded:
                found = True
                break
        return found if self.operator is Operator.EQ else not found

    def matches_node(self, node: Node) -> bool:
        """Whether ``node`` satisfies this one constraint (see :func:`node_matches`)."""
        kind = self._kind
        if kind is _Kind.NODE_LABEL:
            return self.match(node.label(self._label))
        if kind is _Kind.ENGINE_LABEL:
            return self.match(node.engine_label(self._label))
        if kind is _Kind.NODE_ID:
            return self.match(node.id)
        if kind is _Kind.HOSTNAME:
            return self.match(node.hostname)
        if kind is _Kind.ROLE:
            return self.match(node.role.name)
        if kind is _Kind.OS:
            return self.match(node.os)
        if kind is _Kind.ARCH:
            return self.match(node.arch)
        if kind is _Kind.IP:
            return self._match_ip(node.addr)
        return False  # key does not match the predefined syntax

    def _match_ip(self, addr: str) -> bool:
        node_ip = go_parse_ip(addr)
        want_equal = self.operator is Operator.EQ
        ip = go_parse_ip(self.exp)
        if ip is not None:
            return (ip == node_ip) == want_equal
        subnet = _parse_cidr(self.exp)
        if subnet is not None:
            within = node_ip is not None and node_ip.version == subnet.version and node_ip in subnet
            return within == want_equal
        return False  # malformed address or network


_Net = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse_cidr(text: str) -> _Net | None:
    """Go's ``net.ParseCIDR``: ``address/prefix``, host bits allowed."""
    if "/" not in text or "%" in text:
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def compile_constraints(exprs: tuple[str, ...]) -> tuple[Constraint, ...]:
    """Parse ``exprs`` once and cache the result (see :func:`parse_constraints`).

    Raises
    ------
    ValueError
        With swarmkit's message when an expression is invalid.
    """
    parsed: list[Constraint] = []
    for expr in exprs:
        for index, op in enumerate(OPERATORS):
            if op not in expr:
                continue
            left, right = expr.split(op, 1)
            key = left.strip(_GO_SPACE)
            if not _KEY_RE.fullmatch(key):
                raise ValueError(f"key '{key}' is invalid")
            value = right.strip(_GO_SPACE)
            if not _VALUE_RE.fullmatch(value):
                raise ValueError(f"value '{value}' is invalid")
            parsed.append(Constraint(key, Operator(index), value))
            break
        else:
            raise ValueError("constraint expected one operator from " + ", ".join(OPERATORS))
    return tuple(parsed)


def parse_constraints(exprs: Iterable[str]) -> list[Constraint]:
    """Parse placement constraint expressions.

    Parameters
    ----------
    exprs
        Expressions such as ``node.role==manager`` or ``node.labels.zone!=east``.

    Returns
    -------
    list[Constraint]
        One constraint per expression, in order.

    Raises
    ------
    ValueError
        ``key '%s' is invalid``, ``value '%s' is invalid`` or
        ``constraint expected one operator from ==, !=``.

    Examples
    --------
    >>> parse_constraints(["node.role == manager"])[0].exp
    'manager'
    >>> parse_constraints(["node.role"])
    Traceback (most recent call last):
    ...
    ValueError: constraint expected one operator from ==, !=
    """
    return list(compile_constraints(tuple(exprs)))


def node_matches(constraints: Iterable[Constraint], node: Node) -> bool:
    """Whether ``node`` satisfies every constraint (an empty list always matches)."""
    return all(c.matches_node(node) for c in constraints)


def placement_matches(exprs: tuple[str, ...], node: Node) -> bool:
    """Whether ``node`` satisfies a service's constraint expressions.

    The orchestrators and the constraint enforcer ignore ``constraint.Parse``'s
    error in swarmkit, so a list that does not parse matches every node (the
    control API rejects such a spec before it reaches the store).

    Examples
    --------
    >>> from swarmsim.api.objects import Node
    >>> node = Node(id="n1", hostname="worker1")
    >>> placement_matches(("node.hostname==worker1",), node)
    True
    >>> placement_matches(("node.hostname",), node)
    True
    """
    if not exprs:
        return True
    try:
        constraints = compile_constraints(exprs)
    except ValueError:
        return True
    return all(c.matches_node(node) for c in constraints)

"""Object identifiers: 25 lower-case base-36 characters drawn from a seeded stream.

Mirrors ``swarmkit: identity/randomid.go``: 17 random bytes with the top bit
set (so the number always has the same length), written in base 36, without
the first digit, 25 characters.  Any character, digits included, can come
first (``1bcef6utixb0l0ca7gxuivsj0`` in the class notes).

Differences
-----------
The bits come from the simulation's ``ids`` random stream instead of
``crypto/rand``, so the same seed gives the same identifiers.
"""

from __future__ import annotations

import random

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
# two digits at a time: a 1,296-entry table stays in the CPU cache, unlike one
# of 46,656 three-digit strings, whose look-ups cost more than they saved
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]
_PAIR_BASE = 36**2
_HIGH_BIT = 1 << 135  # the top bit of 17 bytes


def to_base36(value: int, width: int) -> str:
    """Write ``value`` in lower-case base 36, left-padded with zeros to ``width``.

    Examples
    --------
    >>> to_base36(35, 3)
    '00z'
    """
    # one call per task created: the pairs are appended through a local and the
    # list reversed in place, cheaper than reversed() and an attribute look-up per pair
    chunks: list[str] = []
    append = chunks.append
    while value:
        value, rem = divmod(value, _PAIR_BASE)
        append(_PAIRS[rem])
    chunks.reverse()
    return "".join(chunks).lstrip("0").rjust(width, "0")


class IdGenerator:
    """Hands out 25-character IDs from a seeded random stream.

    Like swarmkit, it does not remember what it issued: 128 random bits make
    a repeat practically impossible (about 10^-28 for a million IDs).
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def new(self) -> str:
        """Return a fresh ID."""
        return to_base36(self._rng.getrandbits(136) | _HIGH_BIT, 0)[1:26]

    def secret(self) -> str:
        """Return a 25-character base-36 secret (join tokens)."""
        return to_base36(self._rng.getrandbits(128), 25)

"""Object identifiers: 25 lower-case base-36 characters drawn from a seeded stream.

Mirrors ``swarmkit: identity/randomid.go`` (a random 128-bit number written in
base 36 and left-padded to 25 characters).

Differences
-----------
The bits come from the simulation's ``ids`` random stream instead of
``crypto/rand``, so the same seed gives the same identifiers.  swarmkit
re-draws IDs whose first character is a digit to keep them valid hostnames;
this is done here too.
"""

from __future__ import annotations

import random

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def to_base36(value: int, width: int) -> str:
    """Write ``value`` in lower-case base 36, left-padded with zeros to ``width``.

    Examples
    --------
    >>> to_base36(35, 3)
    '00z'
    """
    digits = []
    while value:
        value, rem = divmod(value, 36)
        digits.append(_ALPHABET[rem])
    return "".join(reversed(digits)).rjust(width, "0")


class IdGenerator:
    """Hands out unique 25-character IDs from a seeded random stream."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._issued: set[str] = set()

    def new(self) -> str:
        """Return a fresh ID that starts with a letter and was never issued before."""
        while True:
            candidate = to_base36(self._rng.getrandbits(128), 25)
            if candidate[0].isalpha() and candidate not in self._issued:
                self._issued.add(candidate)
                return candidate

    def secret(self) -> str:
        """Return a 25-character base-36 secret (join tokens)."""
        return to_base36(self._rng.getrandbits(128), 25)

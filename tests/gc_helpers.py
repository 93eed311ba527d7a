"""Counting the garbage collector's automatic collections while something runs."""

from __future__ import annotations

import gc
from collections.abc import Callable


def collections_during(action: Callable[[], object]) -> int:
    """How many automatic garbage collections ran while ``action`` ran (with the
    collector enabled at CPython's default thresholds, whatever ran before)."""
    seen: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    was_enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.set_threshold(700, 10, 10)
    gc.collect()
    gc.callbacks.append(count)
    try:
        action()
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*thresholds)
        (gc.enable if was_enabled else gc.disable)()
    return len(seen)

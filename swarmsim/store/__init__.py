"""The store every manager component talks through (``swarmkit: manager/state/store``)."""

from swarmsim.store.events import (
    Action,
    NetworkEvent,
    NodeEvent,
    ServiceEvent,
    StoreEvent,
    TaskEvent,
)
from swarmsim.store.memory import Store, Watcher

__all__ = [
    "Action",
    "NetworkEvent",
    "NodeEvent",
    "ServiceEvent",
    "Store",
    "StoreEvent",
    "TaskEvent",
    "Watcher",
]

"""Leader-only manager components (``swarmkit: manager/``)."""

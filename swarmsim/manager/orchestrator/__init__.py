"""Orchestrators: replicated, global, restart supervisor, updater, reaper, enforcer."""

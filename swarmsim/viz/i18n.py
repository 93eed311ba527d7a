"""Every text of the pictures in English and Spanish, in one table.

:func:`text` looks a key up for a language; :data:`TEXTS` is the table.
Task states keep docker's API names in English (``running``) and get the
words of the class notes in Spanish (``en ejecución``).
"""

from __future__ import annotations

from swarmsim.errors import InvalidArgument

#: Languages of the pictures.
LANGS = ("en", "es")

#: key -> (English, Spanish).  Keys with ``{...}`` are formatted by the caller.
TEXTS: dict[str, tuple[str, str]] = {
    # task state groups (legend of the Gantt chart)
    "state:pending": ("new…assigned", "nueva…asignada"),
    "state:starting": ("preparing…starting", "preparando…arrancando"),
    "state:running": ("running", "en ejecución"),
    "state:complete": ("complete", "completada"),
    "state:shutdown": ("shutdown", "detenida"),
    "state:failed": ("failed", "fallida"),
    "state:rejected": ("rejected", "rechazada"),
    "state:orphaned": ("remove/orphaned", "eliminada/huérfana"),
    "stopping": ("asked to stop", "se le pidió parar"),
    # nodes
    "node:down": ("node down", "nodo caído"),
    "node:drained": ("node drained", "nodo drenado (drain)"),
    "node:paused": ("node paused", "nodo en pausa"),
    "marker:down": ("node went down", "el nodo cayó"),
    "marker:up": ("node came back", "el nodo volvió"),
    "manager": ("manager", "manager"),
    "worker": ("worker", "worker"),
    "down": ("down", "caído"),
    "drain": ("drain", "drain"),
    "pause": ("pause", "pausa"),
    "unassigned": ("(unassigned)", "(sin asignar)"),
    "nodes": ("nodes", "nodos"),
    # update bands
    "update:updating": ("updating", "actualizando"),
    "update:paused": ("update paused", "actualización en pausa"),
    "update:rollback_started": ("rolling back", "volviendo atrás (rollback)"),
    "update:rollback_paused": ("rollback paused", "rollback en pausa"),
    # replica panel
    "replicas": ("replicas (spec)", "réplicas (spec)"),
    "desired": ("desired running", "deseadas en ejecución"),
    "running on": ("running {version}", "en ejecución {version}"),
    "tasks": ("tasks", "tareas"),
    # success-rate panel
    "served": ("requests served (%)", "peticiones servidas (%)"),
    "title:requests": ("Requests served per window", "Peticiones servidas por ventana"),
    # titles and axes
    "time": ("virtual time (s)", "tiempo virtual (s)"),
    "title:tasks": ("Tasks per node", "Tareas por nodo"),
    "title:tasks of": ("Tasks of {service} per node", "Tareas de {service} por nodo"),
    "title:replicas": ("Running tasks of {service}", "Tareas en ejecución de {service}"),
    "title:lanes": (
        "Running tasks per group of nodes",
        "Tareas en ejecución por grupo de nodos",
    ),
    "lane scale": ("a full lane is {count} tasks", "un carril lleno son {count} tareas"),
    "commands": ("Commands", "Comandos"),
    "more commands": ("… and {count} more", "… y {count} más"),
    "fault": ("fault", "fallo"),
    "exit": ("exit {code}", "salida {code}"),
    "version": ("version", "versión"),
    "clock": ("t = {time}", "t = {time}"),
}


def text(key: str, lang: str = "en", **values: object) -> str:
    """The text of ``key`` in ``lang``, formatted with ``values``.

    Examples
    --------
    >>> text("state:running", "es")
    'en ejecución'
    >>> text("title:replicas", "en", service="redis")
    'Running tasks of redis'
    """
    pair = TEXTS[key]
    chosen = pair[LANGS.index(check_lang(lang))]
    return chosen.format(**values) if values else chosen


def check_lang(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGS`, else :class:`InvalidArgument`."""
    if lang not in LANGS:
        raise InvalidArgument(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang

"""The shell's language: ``docker ...`` lines, faults, ``sleep``, variables, machines.

:mod:`~swarmsim.shell.syntax` reads a line's shape (words, continuations,
expansions, ``@NAME``) without running it;
:mod:`~swarmsim.shell.interpreter` runs one line on a :class:`~swarmsim.swarm.Swarm`
(the ``swarmsim shell``, ``swarmsim run`` of a lesson and scenario steps all
use it); :mod:`~swarmsim.shell.transcript` runs a whole script and prints it
as a terminal would; :mod:`~swarmsim.shell.trafficwords` holds the words that
start request loads and the autoscaler.  The docker commands themselves are
emulated in :mod:`swarmsim.cli.docker`, which knows nothing of the swarm
beyond :class:`~swarmsim.cli.docker.engine.Engine`.
"""

from swarmsim.shell.transcript import ScriptResult, run_script

__all__ = ["ScriptResult", "run_script"]

"""The ``swarmsim`` console: the command-line program and the interactive shell.

The top floor of the package: :mod:`~swarmsim.console.main` (``swarmsim run |
validate | shell | plot``), :mod:`~swarmsim.console.shell` (the prompt and
piped transcripts), :mod:`~swarmsim.console.pacing` (``--speed``) and
:mod:`~swarmsim.console.plot_command` build on the scenario runner, the
pictures and the one interpreter of lines (:mod:`swarmsim.shell.interpreter`),
which sit below it.
"""

"""Compose files as ``docker stack deploy`` reads them, and the stacks made from them.

The pipeline, one module per step: :mod:`~swarmsim.compose.yamlfile` decodes a
file and remembers where each value is; :mod:`~swarmsim.compose.load` checks
versions and forbidden keys, :mod:`~swarmsim.compose.interpolate` substitutes
``${VAR}``, :mod:`~swarmsim.compose.schema` validates against docker's schemas,
:mod:`~swarmsim.compose.normalize` reads every key into one shape and
:mod:`~swarmsim.compose.merge` merges several ``-c`` files;
:mod:`~swarmsim.compose.objects` and :mod:`~swarmsim.compose.convert` turn the
result into networks, secrets, configs and service specs.  The command line
(:mod:`swarmsim.cli.docker.stack`) and the requests ``docker stack deploy`` and
``docker stack rm`` make (:mod:`swarmsim.cli.docker.stack_deploy`) sit above
this package; ``docs/compose.md`` lists what is supported.
"""

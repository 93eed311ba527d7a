"""Emulation of the docker command-line interface: flag parsing, tables and human texts."""

"""``python -m mlemap`` is the ``mlemap`` command."""

from .cli import command

raise SystemExit(command())

"""``python -m mlemap`` is the ``mlemap`` command."""

from .cli import program

program()

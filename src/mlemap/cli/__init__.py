"""The command line: one module per subcommand, mounted by ``main``; ``command`` is the
``mlemap`` program.

Takes every stage below; hands on files in ``output/``, reports, and exit statuses.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["command"]


def command(argv: Sequence[str] | None = None) -> int:
    """The ``mlemap`` command: loads the command line, then runs it; an interrupt while it
    loads ends quietly, as one while it runs does."""
    try:
        from .main import main as run
    except KeyboardInterrupt:
        print("mlemap: interrupted", file=sys.stderr)
        return 130
    return run(argv)

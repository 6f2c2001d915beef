"""``python -m mlemap`` is the ``mlemap`` command."""

from .cli import main

raise SystemExit(main())

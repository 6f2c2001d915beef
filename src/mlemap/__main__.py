"""``python -m mlemap`` is the ``mlemap`` command."""

from .cli.main import main

raise SystemExit(main())

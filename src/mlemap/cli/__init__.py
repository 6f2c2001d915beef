"""The command line: one module per subcommand, mounted by ``main``.

Takes every stage below; hands on files in ``output/``, reports, and exit statuses.
"""

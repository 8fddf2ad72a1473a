"""The ``overgrant`` command line: one module per command, all calling :mod:`overgrant.api`."""

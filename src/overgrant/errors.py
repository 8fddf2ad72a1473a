"""One tree of exceptions, each carrying the CLI exit code it maps to.

    OvergrantError                     exit 2 unless a subclass says otherwise
    ├── InputError                     a file or argument the user gave cannot be used
    │   ├── SnapshotError              a snapshot is unreadable, of another format or invalid
    │   └── ExportError                a native cloud export is unreadable or of another shape
    ├── ConfigError                    a config file, rule pack or option is invalid
    ├── CollectionError                a collector could not run at all (no credentials, no region)
    └── IncompleteCollectionError      exit 3: coverage gaps where completeness was required

Library callers catch :class:`OvergrantError`; the CLI turns it into one line and its exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``overgrant`` command (documented in the README)."""

    OK = 0
    GATE_FAILED = 1  # new findings at or above the --fail-on threshold
    USAGE = 2  # bad input, configuration or arguments
    INCOMPLETE = 3  # collection had coverage gaps and --require-complete was given


class OvergrantError(Exception):
    """Base of every error overgrant raises on purpose."""

    exit_code: ExitCode = ExitCode.USAGE


class InputError(OvergrantError):
    """A file or argument given by the user cannot be used."""


class SnapshotError(InputError):
    """A snapshot file is unreadable, of another format or version, or fails its schema."""


class ExportError(InputError):
    """A native cloud export (for example ``aws iam get-account-authorization-details``) is bad."""


class ConfigError(OvergrantError):
    """A configuration file, rule pack or option is invalid."""


class CollectionError(OvergrantError):
    """A collector could not start or could not read anything at all."""


class IncompleteCollectionError(OvergrantError):
    """Coverage gaps were found while a complete collection was required."""

    exit_code = ExitCode.INCOMPLETE

"""The history database's schema and its migrations.

The schema version lives in a one-row table, ``schema_version``. Each entry of
:data:`MIGRATIONS` takes the database from the version before it to its own; opening a store
applies the missing ones inside one ``BEGIN IMMEDIATE`` transaction, so two processes that open a
new file at once cannot both create it. A database written by a newer overgrant (a higher
version) is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

SCHEMA_VERSION = 1
"""The version this overgrant writes and reads."""

_VERSION_1 = (
    """
    CREATE TABLE schema_version (
        version INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE scans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        scanned_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        overgrant_version TEXT NOT NULL,
        critical INTEGER NOT NULL,
        high INTEGER NOT NULL,
        medium INTEGER NOT NULL,
        low INTEGER NOT NULL,
        info INTEGER NOT NULL,
        suppressed INTEGER NOT NULL,
        coverage_gaps INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE findings (
        scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        identity TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'baselined', 'suppressed')),
        finding TEXT NOT NULL,
        PRIMARY KEY (scan_id, fingerprint)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX findings_by_fingerprint ON findings (fingerprint)",
    "CREATE INDEX findings_by_identity ON findings (identity)",
    "INSERT INTO schema_version (version) VALUES (0)",
)

MIGRATIONS: Mapping[int, tuple[str, ...]] = {1: _VERSION_1}
"""Statements that bring the schema from version ``n - 1`` to ``n``."""


class SchemaError(Exception):
    """The file is an SQLite database, but not one this overgrant can use."""


def current_version(connection: sqlite3.Connection) -> int:
    """The schema version of an open database: 0 for an empty one.

    Raises:
        SchemaError: the database holds tables but no readable ``schema_version``.
    """
    tables = {
        row[0]
        for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not str(row[0]).startswith("sqlite_")
    }
    if not tables:
        return 0
    if "schema_version" not in tables:
        raise SchemaError("an SQLite database, but not an overgrant history (no schema_version)")
    rows = connection.execute("SELECT version FROM schema_version").fetchall()
    if len(rows) != 1 or not isinstance(rows[0][0], int):
        raise SchemaError("its schema_version table does not hold exactly one version number")
    version: int = rows[0][0]
    return version


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION`; the caller holds a write transaction.

    Returns:
        The version the database had before.

    Raises:
        SchemaError: the database is newer than this overgrant, or not an overgrant history.
    """
    found = current_version(connection)
    if found > SCHEMA_VERSION:
        raise SchemaError(
            f"history schema version {found} is newer than this overgrant supports "
            f"({SCHEMA_VERSION}); upgrade overgrant"
        )
    for version in range(found + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[version]:
            connection.execute(statement)
        connection.execute("UPDATE schema_version SET version = ?", (version,))
    return found

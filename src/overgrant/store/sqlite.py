"""Scan history in one SQLite file: every scan and its findings, safe for concurrent scans.

Several scans may write the same file at once (parallel CI jobs on one runner, a nightly job
while someone runs ``overgrant diff``). The store relies on SQLite's own locking, see
https://www.sqlite.org/wal.html and https://www.sqlite.org/lang_transaction.html:

* the journal is in WAL mode, so readers never block the writer nor see half a transaction;
* every write is one ``BEGIN IMMEDIATE`` transaction, which takes the write lock up front, so
  two writers queue instead of failing half-way with ``SQLITE_BUSY`` on lock upgrade;
* the busy timeout makes a writer wait for the lock (30 s by default) instead of failing.

A scan is therefore recorded whole or not at all. Every problem with the file becomes an
:class:`~overgrant.errors.InputError` of one line that names it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import orjson

from overgrant import __version__
from overgrant.codec import format_datetime, parse_datetime
from overgrant.errors import InputError
from overgrant.findings import Finding, Severity, finding_from_json, finding_to_json
from overgrant.policies.result import ScanResult, SuppressionKind
from overgrant.store.records import FindingState, ScanRecord
from overgrant.store.schema import SCHEMA_VERSION, SchemaError, current_version, migrate

BUSY_TIMEOUT_SECONDS = 30.0
"""How long a writer waits for another writer's transaction before giving up."""

_SELECT_SCANS = (
    "SELECT id, source, scanned_at, recorded_at, overgrant_version, "
    "critical, high, medium, low, info, suppressed, coverage_gaps FROM scans "
)
_INSERT_SCAN = (
    "INSERT INTO scans (source, scanned_at, recorded_at, overgrant_version, "
    "critical, high, medium, low, info, suppressed, coverage_gaps) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_FINDING = (
    "INSERT INTO findings (scan_id, fingerprint, rule_id, severity, identity, state, finding) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)

_FindingRow = tuple[str, str, str, str, str, str]
"""fingerprint, rule id, severity, identity, state, finding JSON."""


class ScanStore:
    """The scan history kept in one SQLite file.

    Use it as a context manager, or call :meth:`close`::

        with ScanStore(".overgrant/history.sqlite") as store:
            scan_id = store.record(result)
            earlier = store.latest(before=scan_id)
    """

    def __init__(
        self, path: str | Path, *, create: bool = True, timeout: float = BUSY_TIMEOUT_SECONDS
    ) -> None:
        """Open the history file, creating it (and its directory) unless ``create`` is false.

        Raises:
            InputError: the file is missing (with ``create=False``), is not an SQLite database,
                is not an overgrant history, or was written by a newer overgrant.
        """
        self.path = Path(path)
        self._connection = _connect(self.path, create=create, timeout=timeout)
        try:
            self._prepare()
        except BaseException:
            self._connection.close()
            raise

    def __enter__(self) -> ScanStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (further calls fail)."""
        self._connection.close()

    def record(self, result: ScanResult, *, recorded_at: datetime | None = None) -> int:
        """Record a scan and all its findings in one transaction; returns the new scan's id."""
        rows = _finding_rows(result)
        counts = dict.fromkeys(_SEVERITY_ORDER, 0)
        for finding in result.findings:
            counts[finding.severity] += 1
        scan_values = (
            result.source,
            format_datetime(result.scanned_at),
            format_datetime(recorded_at or datetime.now(UTC)),
            __version__,
            *(counts[s] for s in _SEVERITY_ORDER),
            len(result.suppressed),
            len(result.coverage_gaps),
        )
        with self._transaction() as connection:
            cursor = connection.execute(_INSERT_SCAN, scan_values)
            scan_id = cursor.lastrowid
            if scan_id is None:  # pragma: no cover - SQLite always sets it after an INSERT
                raise InputError(f"{self.path}: SQLite did not return the new scan's id")
            connection.executemany(_INSERT_FINDING, [(scan_id, *row) for row in rows])
        return scan_id

    def latest(self, *, before: int | None = None) -> ScanRecord | None:
        """The most recently recorded scan, or the last one recorded before scan ``before``."""
        bound = before if before is not None else -1
        rows = self._query(
            _SELECT_SCANS + "WHERE ? < 0 OR id < ? ORDER BY id DESC LIMIT 1", (bound, bound)
        )
        return _scan_record(rows[0]) if rows else None

    def get(self, scan_id: int) -> ScanRecord:
        """One scan by id; raises :class:`InputError` when the history has no such scan."""
        rows = self._query(_SELECT_SCANS + "WHERE id = ?", (scan_id,))
        if not rows:
            raise InputError(f"{self.path}: no scan with id {scan_id} in the history")
        return _scan_record(rows[0])

    def list_scans(self) -> tuple[ScanRecord, ...]:
        """Every recorded scan, oldest first."""
        rows = self._query(_SELECT_SCANS + "ORDER BY id", ())
        return tuple(_scan_record(row) for row in rows)

    def findings_of(self, scan_id: int, *, include_suppressed: bool = False) -> tuple[Finding, ...]:
        """The findings a scan reported: active and baselined, and with ``include_suppressed``
        also those the config suppressed; ordered by fingerprint.

        Raises:
            InputError: no such scan, or a stored finding cannot be read.
        """
        return tuple(
            f
            for f, state in self.recorded_findings(scan_id)
            if include_suppressed or state is not FindingState.SUPPRESSED
        )

    def recorded_findings(self, scan_id: int) -> tuple[tuple[Finding, FindingState], ...]:
        """Every finding of a scan with how it stood (active, baselined or suppressed)."""
        self.get(scan_id)
        rows = self._query(
            "SELECT fingerprint, state, finding FROM findings WHERE scan_id = ? "
            "ORDER BY fingerprint",
            (scan_id,),
        )
        return tuple(self._finding(scan_id, row) for row in rows)

    def _finding(self, scan_id: int, row: Sequence[object]) -> tuple[Finding, FindingState]:
        fingerprint, state, text = row
        try:
            finding = finding_from_json(orjson.loads(str(text)))
            return finding, FindingState(str(state))
        except (orjson.JSONDecodeError, KeyError, ValueError, TypeError, AttributeError) as exc:
            raise InputError(
                f"{self.path}: finding {fingerprint} of scan {scan_id} cannot be read ({exc})"
            ) from None

    def _prepare(self) -> None:
        """Switch to WAL, check the schema version and migrate if needed."""
        _retry_locked(self.path, lambda: self._connection.execute("PRAGMA journal_mode = WAL"))
        self._connection.execute("PRAGMA foreign_keys = ON")
        try:
            if current_version(self._connection) == SCHEMA_VERSION:
                return
            with self._transaction() as connection:
                migrate(connection)
        except SchemaError as exc:
            raise InputError(f"{self.path}: {exc}") from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that takes SQLite's write lock at its start."""
        connection = self._connection
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _input_error(self.path, exc) from None
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException as exc:
            connection.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _input_error(self.path, exc) from None
            raise

    def _query(self, sql: str, parameters: tuple[object, ...]) -> list[tuple[object, ...]]:
        try:
            return list(self._connection.execute(sql, parameters).fetchall())
        except sqlite3.Error as exc:
            raise _input_error(self.path, exc) from None


def _connect(path: Path, *, create: bool, timeout: float) -> sqlite3.Connection:
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a history database")
    if not path.exists():
        if not create:
            raise InputError(f"{path}: no scan history here (run 'overgrant scan' first)")
        _make_directory(path.parent)
    try:
        # isolation_level=None: no implicit transactions; the store issues BEGIN/COMMIT itself.
        connection = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise _input_error(path, exc) from None
    connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return connection


def _make_directory(directory: Path) -> None:
    """Create the history's directory; a new ``.overgrant`` directory keeps itself out of git."""
    if directory.exists():
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if directory.name == ".overgrant":
            (directory / ".gitignore").write_text("# created by overgrant\n*\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{directory}: cannot create ({exc.strerror or exc})") from None


def _retry_locked(path: Path, action: Callable[[], object]) -> None:
    """Run ``action``, retrying while another process holds a lock it needs.

    Switching a new database to WAL needs an exclusive lock, and SQLite returns ``SQLITE_BUSY``
    for that without waiting on the busy handler when another connection is opening it too.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            action()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise _input_error(path, exc) from None
            time.sleep(0.02)
        except sqlite3.Error as exc:
            raise _input_error(path, exc) from None


def _input_error(path: Path, exc: sqlite3.Error) -> InputError:
    message = str(exc)
    if "not a database" in message:
        return InputError(f"{path}: not an SQLite database (is it an overgrant history?)")
    if "locked" in message or "busy" in message:
        return InputError(f"{path}: the history database stayed locked by another process")
    if "readonly" in message:
        return InputError(f"{path}: the history database is read-only")
    return InputError(f"{path}: history database error ({message})")


def _finding_rows(result: ScanResult) -> list[_FindingRow]:
    """One row per fingerprint: active findings first, then suppressed and baselined ones."""
    marked: list[tuple[Finding, FindingState]] = [(f, FindingState.ACTIVE) for f in result.findings]
    for suppressed in result.suppressed:
        state = (
            FindingState.BASELINED
            if suppressed.kind is SuppressionKind.BASELINE
            else FindingState.SUPPRESSED
        )
        marked.append((suppressed.finding, state))
    rows: dict[str, _FindingRow] = {}
    for finding, state in marked:
        rows.setdefault(
            finding.fingerprint,
            (
                finding.fingerprint,
                finding.rule_id,
                finding.severity.value,
                str(finding.identity),
                state.value,
                orjson.dumps(finding_to_json(finding)).decode("utf-8"),
            ),
        )
    return list(rows.values())


def _scan_record(row: Sequence[object]) -> ScanRecord:
    scan_id, source, scanned_at, recorded_at, version, *numbers = row
    counts = [int(str(n)) for n in numbers]
    return ScanRecord(
        id=int(str(scan_id)),
        source=str(source),
        scanned_at=parse_datetime(str(scanned_at)),
        recorded_at=parse_datetime(str(recorded_at)),
        overgrant_version=str(version),
        counts=dict(zip(_SEVERITY_ORDER, counts[:5], strict=True)),
        suppressed=counts[5],
        coverage_gaps=counts[6],
    )

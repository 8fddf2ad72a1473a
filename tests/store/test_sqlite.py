"""The history store on a real SQLite file: round trips, schema versions and clear errors."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from overgrant import __version__
from overgrant.errors import InputError
from overgrant.findings import Severity
from overgrant.policies.result import SuppressionKind
from overgrant.store import (
    DEFAULT_DB_PATH,
    SCHEMA_VERSION,
    FindingState,
    ScanStore,
    default_db_path,
)
from tests.store.factories import SCANNED_AT, finding, scan_result, suppressed

ADMIN = finding()
STALE_KEY = finding("OG401", "arn:aws:iam::111111111111:user/ci", Severity.MEDIUM, key="AKIA1")
NO_OWNER = finding("OG410", "arn:aws:iam::111111111111:role/app", Severity.LOW)
ACCEPTED = finding("OG301", "arn:aws:iam::111111111111:role/trusting", Severity.CRITICAL)
BASELINED = finding("OG105", "arn:aws:iam::111111111111:role/legacy", Severity.HIGH)


def test_record_and_read_back_every_field(tmp_path: Path) -> None:
    result = scan_result(
        [ADMIN, STALE_KEY, NO_OWNER],
        [suppressed(ACCEPTED), suppressed(BASELINED, SuppressionKind.BASELINE)],
    )
    with ScanStore(tmp_path / "h.sqlite") as store:
        scan_id = store.record(result, recorded_at=SCANNED_AT + timedelta(seconds=5))
        record = store.get(scan_id)
        assert record.source == "snapshot.json"
        assert record.scanned_at == SCANNED_AT
        assert record.recorded_at == SCANNED_AT + timedelta(seconds=5)
        assert record.overgrant_version == __version__
        assert record.counts == {
            Severity.CRITICAL: 0,
            Severity.HIGH: 1,
            Severity.MEDIUM: 1,
            Severity.LOW: 1,
            Severity.INFO: 0,
        }
        assert record.total == 3 and record.suppressed == 2 and record.coverage_gaps == 0

        reported = store.findings_of(scan_id)
        assert {f.fingerprint for f in reported} == {
            f.fingerprint for f in (ADMIN, STALE_KEY, NO_OWNER, BASELINED)
        }
        assert {f.fingerprint: f for f in reported}[STALE_KEY.fingerprint] == STALE_KEY
        everything = store.findings_of(scan_id, include_suppressed=True)
        assert ACCEPTED in everything and len(everything) == 5
        states = {f.rule_id: state for f, state in store.recorded_findings(scan_id)}
        assert states["OG301"] is FindingState.SUPPRESSED
        assert states["OG105"] is FindingState.BASELINED
        assert states["OG101"] is FindingState.ACTIVE


def test_latest_and_list_follow_the_order_of_recording(tmp_path: Path) -> None:
    with ScanStore(tmp_path / "h.sqlite") as store:
        assert store.latest() is None and store.list_scans() == ()
        first = store.record(scan_result([ADMIN], source="a.json"))
        second = store.record(scan_result([ADMIN, STALE_KEY], source="b.json"))
        third = store.record(scan_result([], source="c.json"))
        assert [s.id for s in store.list_scans()] == [first, second, third]
        latest = store.latest()
        assert latest is not None and latest.id == third and latest.total == 0
        before = store.latest(before=third)
        assert before is not None and before.source == "b.json"
        assert store.latest(before=first) is None
        assert store.findings_of(third) == ()


def test_a_duplicate_fingerprint_is_recorded_once(tmp_path: Path) -> None:
    with ScanStore(tmp_path / "h.sqlite") as store:
        scan_id = store.record(scan_result([ADMIN, ADMIN], [suppressed(ADMIN)]))
        assert store.recorded_findings(scan_id) == ((ADMIN, FindingState.ACTIVE),)


def test_the_file_is_in_wal_mode_with_schema_version_one(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    ScanStore(path).close()
    ScanStore(path).close()  # opening again migrates nothing
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("SELECT version FROM schema_version").fetchall() == [
            (SCHEMA_VERSION,)
        ]
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        assert {"scans", "findings", "schema_version"} <= tables
    finally:
        connection.close()


def test_default_path_and_environment_override(tmp_path: Path) -> None:
    assert default_db_path({}) == DEFAULT_DB_PATH == Path(".overgrant/history.sqlite")
    assert default_db_path({"OVERGRANT_DB": " "}) == DEFAULT_DB_PATH
    assert default_db_path({"OVERGRANT_DB": "/x/h.db"}) == Path("/x/h.db")


def test_a_new_overgrant_directory_keeps_itself_out_of_git(tmp_path: Path) -> None:
    ScanStore(tmp_path / "repo" / ".overgrant" / "history.sqlite").close()
    assert (tmp_path / "repo" / ".overgrant" / ".gitignore").read_text().endswith("*\n")
    ScanStore(tmp_path / "elsewhere" / "h.sqlite").close()
    assert not (tmp_path / "elsewhere" / ".gitignore").exists()


def _one_line_error(path: Path, **kwargs: bool) -> str:
    with pytest.raises(InputError) as caught:
        ScanStore(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    path.write_text('{"format": "overgrant-baseline"}\n' * 200)
    assert "not an SQLite database" in _one_line_error(path)
    assert path.read_text().startswith('{"format"')  # left as it was


def test_a_newer_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    ScanStore(path).close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    connection.commit()
    connection.close()
    message = _one_line_error(path)
    assert f"version {SCHEMA_VERSION + 1} is newer" in message and "upgrade overgrant" in message


def test_another_applications_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.commit()
    connection.close()
    assert "not an overgrant history" in _one_line_error(path)


def test_missing_history_directory_and_unknown_scan(tmp_path: Path) -> None:
    assert "no scan history" in _one_line_error(tmp_path / "none.sqlite", create=False)
    assert not (tmp_path / "none.sqlite").exists()
    assert "is a directory" in _one_line_error(tmp_path)
    with ScanStore(tmp_path / "h.sqlite") as store, pytest.raises(InputError, match="no scan"):
        store.findings_of(42)


def test_a_damaged_finding_row_names_the_scan(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with ScanStore(path) as store:
        scan_id = store.record(scan_result([ADMIN]))
    connection = sqlite3.connect(path)
    connection.execute("UPDATE findings SET finding = '{\"rule_id\": 1}'")
    connection.commit()
    connection.close()
    with ScanStore(path) as store, pytest.raises(InputError, match=f"of scan {scan_id}"):
        store.findings_of(scan_id)


def test_a_failed_record_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with ScanStore(path) as store:
        store.record(scan_result([ADMIN]))
        connection = sqlite3.connect(path)
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON findings BEGIN "
            "SELECT RAISE(ABORT, 'disk full'); END"
        )
        connection.commit()
        connection.close()
        with pytest.raises(InputError, match="disk full"):
            store.record(scan_result([ADMIN, STALE_KEY]))
        assert len(store.list_scans()) == 1  # the scan row was rolled back with its findings

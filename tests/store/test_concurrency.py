"""Several processes recording into one new history file at once: nothing lost, nothing torn.

Each writer is a separate process (spawned, so it shares nothing with the test but the file)
that opens the not-yet-existing database at the same moment as the others, then records its
scans; a reader process meanwhile checks that every scan it sees is complete.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path

from overgrant.errors import InputError
from overgrant.findings import Finding, Severity
from overgrant.store import ScanStore
from tests.store.factories import finding, scan_result

WRITERS = 6
SCANS_PER_WRITER = 8
FINDINGS_PER_SCAN = 40
_SEVERITIES = list(Severity)


def expected_findings(writer: int, scan: int) -> list[Finding]:
    return [
        finding(
            rule=f"OG{100 + i % 7}",
            identity=f"arn:aws:iam::111111111111:role/w{writer}-s{scan}-{i}",
            severity=_SEVERITIES[(writer + scan + i) % len(_SEVERITIES)],
            key=f"k{i}",
        )
        for i in range(FINDINGS_PER_SCAN)
    ]


def _write(path: str, writer: int, barrier: Barrier) -> None:
    barrier.wait()
    with ScanStore(path, timeout=60) as store:
        for scan in range(SCANS_PER_WRITER):
            store.record(scan_result(expected_findings(writer, scan), source=f"w{writer}-{scan}"))


def _read(path: str, barrier: Barrier, done: Event, torn: multiprocessing.Queue[str]) -> None:
    barrier.wait()
    seen = 0
    while not done.is_set() or seen < 3:
        try:
            store = ScanStore(path, create=False, timeout=60)
        except InputError as exc:  # until a writer has created the file
            if "no scan history" not in str(exc):
                torn.put(f"open: {exc}")
                return
            continue
        with store:
            latest = store.latest()
            if latest is not None:
                seen += 1
                count = len(store.findings_of(latest.id))
                if count != FINDINGS_PER_SCAN or latest.total != FINDINGS_PER_SCAN:
                    torn.put(f"scan {latest.id}: {count} findings, counts say {latest.total}")
    torn.put("ok")


def test_concurrent_writers_and_a_reader_keep_every_scan_whole(tmp_path: Path) -> None:
    path = str(tmp_path / "history.sqlite")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS + 1)
    done = context.Event()
    torn: multiprocessing.Queue[str] = context.Queue()
    writers = [context.Process(target=_write, args=(path, w, barrier)) for w in range(WRITERS)]
    reader = context.Process(target=_read, args=(path, barrier, done, torn))
    for process in [*writers, reader]:
        process.start()
    for process in writers:
        process.join(timeout=120)
        assert process.exitcode == 0
    done.set()
    reader.join(timeout=120)
    assert reader.exitcode == 0
    assert torn.get(timeout=10) == "ok"

    with ScanStore(path) as store:
        scans = store.list_scans()
        assert len(scans) == WRITERS * SCANS_PER_WRITER
        assert [s.id for s in scans] == sorted(s.id for s in scans)
        assert len({s.id for s in scans}) == len(scans)
        for record in scans:
            writer, scan = (int(n) for n in record.source.removeprefix("w").split("-"))
            expected = expected_findings(writer, scan)
            assert sorted(store.findings_of(record.id), key=lambda f: f.fingerprint) == sorted(
                expected, key=lambda f: f.fingerprint
            )
            assert record.counts == {
                s: sum(1 for f in expected if f.severity is s) for s in Severity
            }
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM findings").fetchone() == (
            WRITERS * SCANS_PER_WRITER * FINDINGS_PER_SCAN,
        )
    finally:
        connection.close()

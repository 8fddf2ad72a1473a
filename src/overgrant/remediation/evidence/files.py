"""Reading CloudTrail log files as CloudTrail delivers them to S3, one file at a time.

A trail writes gzipped JSON files, each ``{"Records": [...]}``, under
``AWSLogs/[<org id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/`` (AWS CloudTrail User Guide:
"Finding your CloudTrail log files"). :func:`read_cloudtrail` takes files and folders of them
(``.json`` or ``.json.gz``), and also the JSON that ``aws cloudtrail lookup-events`` prints
(``{"Events": [{"CloudTrailEvent": "<record as text>"}, ...]}``). Digest files (under
``CloudTrail-Digest/``) and Insights files carry no calls and are skipped.

Only one file is held in memory at a time; what remains is the accumulator's aggregates.

An unreadable file (bad gzip, bad JSON, another shape) stops the reading with an
:class:`~overgrant.errors.InputError` naming the file by default: a silently skipped file would
leave a hole in a window that still claims to cover its period, and a permission used only in
that hole could be removed. ``skip_unreadable=True`` carries on instead and says, in the
evidence's notes, which files were skipped.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from overgrant.catalogs.cloudtrail import CloudTrailMapping
from overgrant.errors import InputError
from overgrant.fileio import parse_json, read_bytes
from overgrant.model import Inventory, JsonValue
from overgrant.remediation.evidence.accumulate import UsageAccumulator
from overgrant.usage import UsageEvidence

FILES_SOURCE = "cloudtrail-files"
LOOKUP_SOURCE = "cloudtrail-lookup"
_SUFFIXES = (".json", ".json.gz")
_NOT_CALLS = frozenset({"CloudTrail-Digest", "CloudTrail-Insight"})


def read_cloudtrail(
    paths: Sequence[Path],
    inventory: Inventory,
    mapping: CloudTrailMapping,
    *,
    skip_unreadable: bool = False,
) -> UsageEvidence:
    """Usage evidence from CloudTrail log files and folders of them.

    Args:
        paths: log files (``.json``, ``.json.gz``, or a ``lookup-events`` export) and folders,
            searched recursively in name order.
        inventory: the estate; callers are resolved to its identities.
        mapping: the event-to-permission rules (:func:`~overgrant.catalogs.cloudtrail.
            load_cloudtrail_mapping`).
        skip_unreadable: record unreadable files in the notes and carry on, instead of
            raising.

    Returns:
        Usage records (source ``cloudtrail-files``, or ``cloudtrail-lookup`` for a
        ``lookup-events`` export), one window per account, region and source, and notes.

    Raises:
        InputError: a path does not exist, a folder holds no log file, or (unless
            ``skip_unreadable``) a file cannot be read as CloudTrail logs.
    """
    accumulator = UsageAccumulator(inventory, mapping)
    skipped: list[str] = []
    files = 0
    for path in _log_files(paths):
        files += 1
        try:
            _read_file(path, accumulator)
        except InputError as error:
            if not skip_unreadable:
                raise
            skipped.append(str(error))
    if files == 0:
        raise InputError(f"no CloudTrail log files (*.json, *.json.gz) under {_names(paths)}")
    if skipped:
        accumulator.notes.append(
            f"{len(skipped)} unreadable files were skipped; windows may overstate coverage "
            f"around them: {'; '.join(skipped[:10])}" + (" ..." if len(skipped) > 10 else "")
        )
    return accumulator.evidence()


def _names(paths: Sequence[Path]) -> str:
    return ", ".join(str(p) for p in paths) or "(no paths given)"


def _log_files(paths: Sequence[Path]) -> Iterator[Path]:
    """Files named directly, and log files found under folders, each folder in name order.

    ``os.walk`` lists one folder at a time, so a tree of millions of files is never held whole.
    """
    for given in paths:
        path = Path(given)
        if path.is_file():
            yield path
        elif path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if d not in _NOT_CALLS)
                for name in sorted(names):
                    if name.endswith(_SUFFIXES):
                        yield Path(folder) / name
        else:
            raise InputError(f"{path}: no such file or folder")


def _read_file(path: Path, accumulator: UsageAccumulator) -> None:
    document = parse_json(_decompressed(path), str(path))
    if not isinstance(document, dict):
        raise InputError(f"{path}: not a CloudTrail log file (expected a JSON object)")
    records = document.get("Records")
    if isinstance(records, list):
        for record in records:
            if isinstance(record, dict):
                accumulator.add(record, FILES_SOURCE)
        return
    events = document.get("Events")
    if isinstance(events, list):
        _read_lookup_export(path, events, accumulator)
        return
    if "digestStartTime" in document:
        return  # a digest file given by name: it proves integrity, it holds no calls
    raise InputError(f"{path}: not a CloudTrail log file (no Records list)")


def _read_lookup_export(path: Path, events: list[JsonValue], accumulator: UsageAccumulator) -> None:
    for position, item in enumerate(events):
        text = item.get("CloudTrailEvent") if isinstance(item, dict) else None
        if not isinstance(text, str):
            raise InputError(f"{path}: Events[{position}] has no CloudTrailEvent text")
        record = parse_json(text.encode(), f"{path}: Events[{position}].CloudTrailEvent")
        if isinstance(record, dict):
            accumulator.add(record, LOOKUP_SOURCE)


def _decompressed(path: Path) -> bytes:
    data = read_bytes(path)
    if not data.startswith(b"\x1f\x8b"):  # gzip's magic number; plain JSON otherwise
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        raise InputError(f"{path}: not a readable gzip file ({error})") from None

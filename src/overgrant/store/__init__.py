"""Scan history: every scan and its findings in an embedded SQLite file.

The default file is ``.overgrant/history.sqlite`` under the current directory; the environment
variable ``OVERGRANT_DB`` (or the CLI's ``--db``) names another. See :mod:`.sqlite` for how
concurrent scans are kept apart and :mod:`.schema` for the tables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from overgrant.store.compare import (
    Comparison,
    compare_scans,
    compare_with_baseline,
    comparison_to_json,
    sort_findings,
)
from overgrant.store.records import FindingState, ScanRecord, scan_record_to_json
from overgrant.store.schema import SCHEMA_VERSION
from overgrant.store.sqlite import ScanStore

DEFAULT_DB_PATH = Path(".overgrant") / "history.sqlite"
DB_ENV_VAR = "OVERGRANT_DB"


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$OVERGRANT_DB`` when set and not empty, else ``.overgrant/history.sqlite``."""
    value = (os.environ if environ is None else environ).get(DB_ENV_VAR, "").strip()
    return Path(value) if value else DEFAULT_DB_PATH


__all__ = [
    "DB_ENV_VAR",
    "DEFAULT_DB_PATH",
    "SCHEMA_VERSION",
    "Comparison",
    "FindingState",
    "ScanRecord",
    "ScanStore",
    "compare_scans",
    "compare_with_baseline",
    "comparison_to_json",
    "default_db_path",
    "scan_record_to_json",
    "sort_findings",
]

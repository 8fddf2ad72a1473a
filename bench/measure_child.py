"""One measurement in a fresh interpreter, so that its peak memory is its own.

    python bench/measure_child.py json-load FILE
    python bench/measure_child.py import-lib FILE
    python bench/measure_child.py dump-snapshot EXPORT SNAPSHOT
    python bench/measure_child.py load-snapshot SNAPSHOT

Imports and set-up run first and are not timed; then the peak-RSS counter is reset (Linux
``/proc/self/clear_refs``) and the one operation runs. Prints one JSON line: ``seconds`` (the
operation), ``peak_kib`` (the highest RSS while it ran, including what was already resident),
``peak_scope`` (``operation``, or ``process`` where the counter could not be reset) and
``before_kib`` (RSS just before it started).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def _measure(operation: Callable[[], Any]) -> dict[str, Any]:
    before = _status_kib("VmRSS")
    scoped = _reset_peak()
    started = time.perf_counter()
    result = operation()
    seconds = time.perf_counter() - started
    peak = _status_kib("VmHWM") if scoped else None
    if peak is None:  # no /proc: the process-wide peak is the honest fallback
        peak, scoped = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, False
    del result
    return {
        "seconds": seconds,
        "peak_kib": peak,
        "before_kib": before,
        "peak_scope": "operation" if scoped else "process",
    }


def _json_load(path: str) -> dict[str, Any]:
    def load() -> Any:  # gc stays on: this is what a user's plain json.load costs
        with open(path, "rb") as handle:
            return json.load(handle)

    return _measure(load)


def _import_lib(path: str) -> dict[str, Any]:
    from overgrant.collectors.aws.export import import_authorization_details

    return _measure(lambda: import_authorization_details([Path(path)]))


def _dump_snapshot(export: str, snapshot: str) -> dict[str, Any]:
    from overgrant.collectors.aws.export import import_authorization_details
    from overgrant.snapshot import dump_snapshot

    inventory = import_authorization_details([Path(export)])
    return _measure(lambda: dump_snapshot(inventory, Path(snapshot)))


def _load_snapshot(snapshot: str) -> dict[str, Any]:
    from overgrant.snapshot import load_snapshot

    return _measure(lambda: load_snapshot(Path(snapshot)))


MODES: dict[str, Callable[..., dict[str, Any]]] = {
    "json-load": _json_load,
    "import-lib": _import_lib,
    "dump-snapshot": _dump_snapshot,
    "load-snapshot": _load_snapshot,
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in MODES:
        print(f"usage: measure_child.py {{{','.join(MODES)}}} FILE...", file=sys.stderr)
        return 2
    print(json.dumps(MODES[argv[0]](*argv[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

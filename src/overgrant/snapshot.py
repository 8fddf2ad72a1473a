"""The snapshot file: an :class:`~overgrant.model.Inventory` as versioned, schema-checked JSON.

Collecting and scanning are separate steps; the snapshot is what passes between them. A load
either returns a complete inventory or raises :class:`~overgrant.errors.SnapshotError` with one
line naming the file and the JSON pointer of the first problem. Writes are atomic.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson

from overgrant import __version__
from overgrant.codec import InventoryCodec, format_datetime
from overgrant.errors import SnapshotError
from overgrant.fileio import gc_paused, parse_json, read_bytes, write_atomic
from overgrant.model import Inventory, JsonValue
from overgrant.schemas import load_schema

FORMAT = "overgrant-snapshot"
FORMAT_VERSION = 1
"""Bumped on any change a reader of the previous version could misread."""


def _pointer(path: list[str | int]) -> str:
    """RFC 6901 JSON pointer for a path of keys and indexes."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in path)
    return "/" + "/".join(parts) if path else "/ (the document root)"


def validate_snapshot_data(data: JsonValue, source: str) -> dict[str, Any]:
    """Check the envelope (format, version) and then the whole schema; return the document.

    The envelope is checked first so that a file of another kind or version gets a message
    about that rather than a list of schema complaints.
    """
    if not isinstance(data, dict):
        raise SnapshotError(f"{source}: not an overgrant snapshot (the top level is not an object)")
    if data.get("format") != FORMAT:
        raise SnapshotError(
            f'{source}: not an overgrant snapshot (expected "format": "{FORMAT}"); '
            "to read a native cloud export use 'overgrant import'"
        )
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise SnapshotError(
            f"{source}: snapshot format version {version!r} is not supported; this overgrant "
            f"({__version__}) reads version {FORMAT_VERSION}"
        )
    validator = jsonschema_rs.Draft202012Validator(load_schema("snapshot"))
    error = next(iter(validator.iter_errors(data)), None)
    if error is not None:
        raise SnapshotError(
            f"{source}: invalid snapshot at {_pointer(list(error.instance_path))}: {error.message}"
        )
    return data


def snapshot_document(
    inventory: Inventory, *, created_at: datetime | None = None
) -> dict[str, JsonValue]:
    """The snapshot as plain JSON-ready values."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": format_datetime(created_at or datetime.now(UTC)),
        "generator": f"overgrant {__version__}",
        "inventory": InventoryCodec().encode(inventory),
    }


def dump_snapshot(inventory: Inventory, path: Path, *, created_at: datetime | None = None) -> None:
    """Write ``inventory`` to ``path`` atomically as a snapshot file."""
    with gc_paused():
        data = orjson.dumps(snapshot_document(inventory, created_at=created_at))
    write_atomic(Path(path), data)


def snapshot_from_bytes(data: bytes, source: str) -> Inventory:
    """Parse, validate and decode snapshot bytes (``source`` names them in errors)."""
    with gc_paused():
        document = validate_snapshot_data(parse_json(data, source, error=SnapshotError), source)
        try:
            return InventoryCodec().decode(document["inventory"])
        except (TypeError, ValueError) as exc:  # the schema should make this unreachable
            raise SnapshotError(f"{source}: invalid snapshot: {exc}") from None


def load_snapshot(path: Path) -> Inventory:
    """Read a snapshot file; raises :class:`~overgrant.errors.SnapshotError` on any problem."""
    return snapshot_from_bytes(read_bytes(Path(path), error=SnapshotError), str(path))

"""Reading and writing files safely: atomic replacement, JSON parsing with located errors."""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from overgrant.errors import InputError
from overgrant.model import JsonValue


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes go to a temporary file in the same directory (same file system), are flushed to
    disk, and then renamed over the target; on any failure the temporary file is removed.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, 0o666 & ~_current_umask())  # mkstemp makes 0600; match a plain open()
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large acyclic structures.

    Parsing and converting hundreds of thousands of small objects otherwise spends most of its
    time in collections that find nothing to free (measured: 8.7 s vs 1.7 s for a 228 MiB file).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_bytes(path: Path, *, error: type[InputError] = InputError) -> bytes:
    """Read a whole file, turning OS errors into one clear :class:`InputError`."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None


def parse_json(data: bytes, source: str, *, error: type[InputError] = InputError) -> JsonValue:
    """Parse JSON bytes, naming the file, line and column of a syntax error."""
    try:
        value: JsonValue = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if not data.strip():
            raise error(f"{source}: the file is empty, not JSON") from None
        raise error(
            f"{source}: not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})"
        ) from None
    return value


def load_json_file(path: Path, *, error: type[InputError] = InputError) -> JsonValue:
    """Read and parse a JSON file with clear errors (see :func:`read_bytes`, :func:`parse_json`)."""
    return parse_json(read_bytes(path, error=error), str(path), error=error)

"""The snapshot file: round trip, schema agreement with the model, and bad files."""

from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from overgrant import model
from overgrant.codec import item_types
from overgrant.errors import SnapshotError
from overgrant.schemas import load_schema
from overgrant.snapshot import (
    FORMAT_VERSION,
    dump_snapshot,
    load_snapshot,
    snapshot_document,
    snapshot_from_bytes,
    validate_snapshot_data,
)

from .strategies import inventories


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inventories())
def test_random_inventory_round_trips_through_a_valid_snapshot(inventory: model.Inventory) -> None:
    document = json.loads(json.dumps(snapshot_document(inventory)))
    validate_snapshot_data(document, "generated")
    loaded = snapshot_from_bytes(json.dumps(document).encode(), "generated")
    assert loaded == inventory


def test_schema_and_model_name_the_same_fields_and_enum_values() -> None:
    schema = load_schema("snapshot")
    definitions = schema["$defs"]
    for cls in item_types().values():
        names = {f.name for f in dataclasses.fields(cls)}
        assert set(definitions[cls.__name__]["properties"]) == names, cls.__name__
        required = {
            f.name
            for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
        assert set(definitions[cls.__name__]["required"]) == required, cls.__name__
    for name in dir(model):
        value = getattr(model, name)
        if (
            isinstance(value, type)
            and issubclass(value, model.StrEnum)
            and value is not model.StrEnum
        ) and name in definitions:
            assert definitions[name]["enum"] == [m.value for m in value], name
    enums_used = {
        typing.get_type_hints(cls, vars(model))[f.name]
        for cls in item_types().values()
        for f in dataclasses.fields(cls)
    }
    for hint in enums_used:
        if isinstance(hint, type) and issubclass(hint, model.StrEnum):
            assert hint.__name__ in definitions, hint.__name__


def test_dump_then_load_the_sample_estate(tmp_path: Path) -> None:
    from overgrant.sample import sample_inventory

    inventory = sample_inventory()
    path = tmp_path / "estate.json"
    dump_snapshot(inventory, path)
    assert load_snapshot(path) == inventory
    assert not [p for p in tmp_path.iterdir() if p.name != "estate.json"], "temp file left behind"


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "snap.json"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _valid_document() -> dict[str, typing.Any]:
    inventory = model.Inventory(
        scopes=(
            model.Scope(
                id=model.ScopeId("123456789012"),
                cloud=model.Cloud.AWS,
                kind=model.ScopeKind.ACCOUNT,
                name="prod",
            ),
        )
    )
    return json.loads(json.dumps(snapshot_document(inventory)))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"format": "overgrant-snapshot", "format_', "not valid JSON at line 1 column"),
        ("", "empty"),
        ("[1, 2]", "top level is not an object"),
        ('{"UserDetailList": []}', "not an overgrant snapshot"),
        (
            json.dumps({**_valid_document(), "format_version": FORMAT_VERSION + 1}),
            f"format version {FORMAT_VERSION + 1} is not supported",
        ),
    ],
    ids=["truncated", "empty", "array", "another-shape", "future-version"],
)
def test_bad_snapshot_files_get_one_clear_message(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_schema_violation_names_the_json_pointer(tmp_path: Path) -> None:
    document = _valid_document()
    document["inventory"]["scopes"][0]["kind"] = "galaxy"
    with pytest.raises(SnapshotError, match=r"at /inventory/scopes/0/kind: "):
        load_snapshot(_write(tmp_path, json.dumps(document)))


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    document = _valid_document()
    document["inventory"]["scopes"][0]["colour"] = "blue"
    with pytest.raises(SnapshotError, match=r"at /inventory/scopes/0: .*colour"):
        load_snapshot(_write(tmp_path, json.dumps(document)))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="no such file"):
        load_snapshot(tmp_path / "absent.json")
    with pytest.raises(SnapshotError, match="is a directory"):
        load_snapshot(tmp_path)


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from overgrant import fileio

    path = tmp_path / "estate.json"
    path.write_text("old content")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(fileio.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        dump_snapshot(model.Inventory(), path)
    assert path.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["estate.json"]


def test_atomic_write_honours_the_umask(tmp_path: Path) -> None:
    import os

    from overgrant.fileio import write_atomic

    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.json", b"{}")
    finally:
        os.umask(old)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o640

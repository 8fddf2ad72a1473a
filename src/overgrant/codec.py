"""Conversion between the inventory dataclasses and plain JSON-ready values.

The snapshot file and the tests share this one codec. Fields equal to their default are left
out of the output, which keeps a 100,000-role snapshot small; reading fills them back in. The
converters for each class are derived from its type hints once per :class:`InventoryCodec`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from overgrant import model
from overgrant.model import Inventory, JsonValue

_Convert = Callable[[Any], Any]


def item_types() -> dict[str, type[Any]]:
    """Map each Inventory field (``identities``...) to the dataclass its tuple holds."""
    hints = typing.get_type_hints(Inventory, vars(model))
    return {f.name: typing.get_args(hints[f.name])[0] for f in dataclasses.fields(Inventory)}


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``; naive datetimes are taken to be UTC already."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat() + "Z"


def parse_datetime(text: str) -> datetime:
    """Parse the ISO 8601 forms clouds use (``Z`` or an offset); the result is aware, in UTC."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _is_optional(hint: Any) -> tuple[bool, Any]:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return True, rest[0] if len(rest) == 1 else hint
    return False, hint


def _converters(hint: Any) -> tuple[_Convert | None, _Convert | None]:
    """(encode, decode) for one field type; ``None`` means the value passes through as is."""
    _, inner = _is_optional(hint)
    if inner is datetime:
        return format_datetime, parse_datetime
    if isinstance(inner, type) and issubclass(inner, Enum):
        return (lambda v: v.value), inner
    if typing.get_origin(inner) is tuple:
        return list, tuple
    if typing.get_origin(inner) in (dict, Mapping) or inner is Mapping:
        return dict, None
    return None, None


class _ClassCodec:
    def __init__(self, cls: type[Any]) -> None:
        self.cls = cls
        hints = typing.get_type_hints(cls, vars(model))
        self.fields: list[tuple[str, Any, _Convert | None, _Convert | None]] = []
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                default: Any = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            else:
                default = dataclasses.MISSING
            encode, decode = _converters(hints[f.name])
            self.fields.append((f.name, default, encode, decode))

    def encode(self, obj: Any) -> dict[str, JsonValue]:
        out: dict[str, JsonValue] = {}
        for name, default, encode, _ in self.fields:
            value = getattr(obj, name)
            if default is not dataclasses.MISSING and value == default:
                continue
            out[name] = encode(value) if encode is not None and value is not None else value
        return out

    def decode(self, data: dict[str, Any]) -> Any:
        kwargs = dict(data)
        for name, _, _, decode in self.fields:
            if decode is not None:
                value = kwargs.get(name)
                if value is not None:
                    kwargs[name] = decode(value)
        return self.cls(**kwargs)


class InventoryCodec:
    """Encodes an :class:`Inventory` to plain values and decodes it back, field by field."""

    def __init__(self) -> None:
        self._codecs = {name: _ClassCodec(cls) for name, cls in item_types().items()}

    def encode(self, inventory: Inventory) -> dict[str, JsonValue]:
        out: dict[str, JsonValue] = {}
        for name, codec in self._codecs.items():
            items = getattr(inventory, name)
            if items:
                out[name] = [codec.encode(item) for item in items]
        return out

    def decode(self, data: Mapping[str, Any]) -> Inventory:
        parts: dict[str, tuple[Any, ...]] = {}
        for name, codec in self._codecs.items():
            decode = codec.decode
            parts[name] = tuple([decode(item) for item in data.get(name, ())])
        return Inventory(**parts)

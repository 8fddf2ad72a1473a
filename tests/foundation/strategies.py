"""Hypothesis strategies that build random but valid inventories."""

from __future__ import annotations

import dataclasses
import typing
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from hypothesis import strategies as st

from overgrant import model
from overgrant.codec import item_types

# orjson refuses lone surrogates and integers beyond 64 bits; JSON has no NaN or infinity.
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
ids = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(text, children, max_size=3),
    max_leaves=8,
)
datetimes = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


def _for_hint(hint: Any, name: str) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, type(int | None)) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return st.none() | _for_hint(rest[0], name)
        return json_values
    if hint is datetime:
        return datetimes
    if isinstance(hint, type) and issubclass(hint, Enum):
        return st.sampled_from(list(hint))
    if hint is bool:
        return st.booleans()
    if origin is tuple:
        return st.lists(ids, max_size=3).map(tuple)
    if origin is not None and "Mapping" in str(origin):
        value = text if args[1] is str else json_values
        return st.dictionaries(text, value, max_size=3)
    if hint is str or getattr(hint, "__supertype__", None) is str:
        return ids if name in ("id",) else text
    return json_values


def _builds(cls: type[Any]) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls, vars(model))
    fields = {f.name: _for_hint(hints[f.name], f.name) for f in dataclasses.fields(cls)}
    return st.fixed_dictionaries(fields).map(lambda kwargs: cls(**kwargs))


def inventories() -> st.SearchStrategy[model.Inventory]:
    parts = {
        name: st.lists(_builds(cls), max_size=3).map(tuple) for name, cls in item_types().items()
    }
    return st.fixed_dictionaries(parts).map(lambda kwargs: model.Inventory(**kwargs))

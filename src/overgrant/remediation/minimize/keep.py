"""What the new policy keeps: observed calls on their resources, and unobservable permissions.

Every kept permission is tied to the statement that grants it today and carries that
statement's Condition, so each new statement lies within one of today's statements. Observed
resources stay literal ARNs; many of them under one path become ``path/*``, but only when that
pattern lies within the granting statement's resources (:mod:`.patterns`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from overgrant.graph.effective.aws_match import ContextLookup
from overgrant.model import JsonValue
from overgrant.remediation.minimize.patterns import glob_contains, is_pattern
from overgrant.remediation.minimize.statements import SourceStatement, condition_key
from overgrant.remediation.plan import Removal

_NO_SOURCE = -1


@dataclass(frozen=True, slots=True)
class KeptStatement:
    """One statement of the new policy, before it gets a Sid and a place in a document."""

    service: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_resource: bool
    condition: JsonValue
    used: bool
    """True for permissions observed in use; False for those kept without evidence."""


@dataclass(frozen=True, slots=True)
class _Key:
    action: str
    condition: str
    not_resource: bool
    source: int
    """The granting statement, for keys that must not mix statements (NotResource); else -1."""


class KeptSet:
    """Accumulates kept permissions, then lays them out as grouped statements."""

    def __init__(self, context: ContextLookup, generalise_at: int) -> None:
        """Start empty; ``context`` resolves today's policy variables for containment tests."""
        self._context = context
        self._generalise_at = generalise_at
        self._used: dict[_Key, dict[str, set[int]]] = {}
        self._retained: dict[int, set[str]] = {}
        self._sources: dict[int, SourceStatement] = {}
        self._conditions: dict[str, JsonValue] = {}

    def _key(self, action: str, source: SourceStatement) -> _Key:
        text = condition_key(source.condition)
        self._conditions[text] = source.condition
        self._sources[source.serial] = source
        negated = source.compiled.not_resource
        return _Key(action, text, negated, source.serial if negated else _NO_SOURCE)

    def use(self, action: str, resource: str, source: SourceStatement) -> None:
        """Keep an observed call on its resource, as granted by ``source``."""
        if source.compiled.not_resource:
            # Keep the call under the statement's own NotResource: a literal ARN would do too,
            # but this keeps resources the statement could not name ("all but X").
            self.use_whole(action, source)
            return
        bucket = self._used.setdefault(self._key(action, source), {})
        bucket.setdefault(resource, set()).add(source.serial)

    def use_whole(self, action: str, source: SourceStatement) -> None:
        """Keep an observed action on every resource ``source`` names (the call's resource is
        not known, or the statement lists resources by exclusion)."""
        bucket = self._used.setdefault(self._key(action, source), {})
        for resource in source.resources:
            bucket.setdefault(resource, set()).add(source.serial)

    def retain(self, actions: Iterable[str], source: SourceStatement) -> None:
        """Keep unobserved actions exactly as ``source`` grants them."""
        self._sources[source.serial] = source
        self._conditions[condition_key(source.condition)] = source.condition
        self._retained.setdefault(source.serial, set()).update(actions)

    @property
    def used_actions(self) -> set[str]:
        """Actions kept because they were used."""
        return {key.action for key in self._used}

    def retained_by_source(self) -> dict[int, set[str]]:
        """Actions kept without evidence, by granting statement."""
        return self._retained

    def source(self, serial: int) -> SourceStatement:
        """A granting statement by serial."""
        return self._sources[serial]

    def used_statements(self) -> list[KeptStatement]:
        """Observed permissions grouped by service, condition and resource set."""
        groups: dict[tuple[str, str, bool, int, tuple[str, ...]], set[str]] = {}
        for key, resources in self._used.items():
            kept = tuple(sorted(self._narrow(key, resources)))
            service = key.action.partition(":")[0].lower()
            group = (service, key.condition, key.not_resource, key.source, kept)
            groups.setdefault(group, set()).add(key.action)
        return [
            KeptStatement(
                service=service,
                actions=tuple(sorted(actions, key=str.lower)),
                resources=resources,
                not_resource=negated,
                condition=self._conditions[condition],
                used=True,
            )
            for (service, condition, negated, _, resources), actions in sorted(groups.items())
        ]

    def narrowings(self, reason: str) -> list[Removal]:
        """Used actions kept on fewer resources than their granting statement names."""
        found: list[Removal] = []
        for key, resources in sorted(self._used.items(), key=lambda item: item[0].action):
            if key.not_resource:
                continue
            kept = sorted(self._narrow(key, resources))
            for serial in sorted(set().union(*resources.values())):
                source = self._sources[serial]
                if set(source.resources) == set(kept):
                    continue
                shown = ", ".join(kept[:3]) + (", ..." if len(kept) > 3 else "")
                found.append(
                    Removal(
                        action=key.action,
                        resource=", ".join(source.resources),
                        granted_by=(source.label,),
                        reason=f"narrowed to {shown}: {reason}",
                    )
                )
        return found

    def _narrow(self, key: _Key, resources: dict[str, set[int]]) -> set[str]:
        if key.not_resource:
            return set(resources)
        if "*" in resources:
            return {"*"}
        patterns = [r for r in resources if is_pattern(r)]
        # Literals that a kept pattern already covers add nothing.
        items = {
            r: set(s)
            for r, s in resources.items()
            if is_pattern(r) or not any(glob_contains(p, r, arn=True) for p in patterns)
        }
        return set(self._generalise(items))

    def _generalise(self, items: dict[str, set[int]]) -> dict[str, set[int]]:
        """Replace many resources under one path by ``path*`` while today's statement allows."""
        changed = True
        while changed:
            changed = False
            by_parent: dict[str, list[str]] = {}
            for item in items:
                parent = _parent(item)
                if parent is not None:
                    by_parent.setdefault(parent, []).append(item)
            for parent, members in sorted(by_parent.items()):
                if len(members) < self._generalise_at:
                    continue
                pattern = parent + "*"
                sources = set().union(*(items[m] for m in members))
                if any(self._within(pattern, serial) for serial in sources):
                    for member in members:
                        del items[member]
                    items[pattern] = sources
                    changed = True
                    break
        return items

    def _within(self, pattern: str, serial: int) -> bool:
        outers = self._sources[serial].resolved_resources(self._context)
        return any(glob_contains(outer, pattern, arn=True) for outer in outers)


def _parent(item: str) -> str | None:
    """The path above a resource (or above a ``path/*`` pattern), ending with its separator.

    Only the resource part of an ARN (after the fifth colon) is cut, so a pattern never spans
    accounts, regions or services.
    """
    parts = item.split(":", 5)
    if len(parts) != 6:
        return None
    head = ":".join(parts[:5]) + ":"
    rest = parts[5]
    if rest.endswith("*"):
        if is_pattern(rest[:-1]):
            return None
        rest = rest[:-1].rstrip("/:")
    elif is_pattern(rest):
        return None
    cut = max(rest.rfind("/"), rest.rfind(":"))
    if cut < 0:
        return None
    return head + rest[: cut + 1]

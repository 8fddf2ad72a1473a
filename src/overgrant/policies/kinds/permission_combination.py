"""``permission-combination``: an identity holds every one of several groups of actions at once.

Some permissions are harmless alone and dangerous together: reading data and making a copy of it
public; reading a secret and decrypting it. Parameters (``$defs/permission-combination``):

* ``groups``: ``[{name, actions: [patterns]}]``, at least two; a group is held when at least one
  of its actions is allowed, and the rule matches when every group is held;
* ``resource_wildcard``, ``include_conditional`` (default true), ``natures``,
  ``identity_kinds``: as for ``grant-pattern``.

One match per identity (key ``""``), with the actions found for each group as facts and the
statements that grant them as evidence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from overgrant.errors import ConfigError
from overgrant.findings import Evidence
from overgrant.model import JsonValue
from overgrant.policies.context import ScanContext
from overgrant.policies.kinds.base import (
    Limitation,
    Match,
    Params,
    RuleKind,
    Selector,
    flag,
    listing,
    strings,
)

_SAMPLE = 10


def _groups(params: Params) -> list[tuple[str, tuple[str, ...]]]:
    raw = params.get("groups")
    if not isinstance(raw, list):
        raise ConfigError("rule parameter 'groups' must be a list")
    groups = []
    for entry in raw:
        if not isinstance(entry, Mapping):
            raise ConfigError("each entry of rule parameter 'groups' must be a mapping")
        groups.append((str(entry.get("name", "")), strings(entry, "actions")))
    return groups


def detect(context: ScanContext, params: Params) -> Iterator[Match | Limitation]:
    """Yield one match per identity that holds every group of the combination."""
    selector = Selector.of(params)
    groups = _groups(params)
    wildcard = flag(params, "resource_wildcard", False)
    conditional = flag(params, "include_conditional", True)
    for identity in selector.pick(context):
        perms = context.permissions(identity)
        if perms is None:
            continue
        held: dict[str, list[str]] = {}
        for name, patterns in groups:
            actions = perms.matching(
                patterns, resource_wildcard=wildcard, include_conditional=conditional
            )
            if not actions:
                break
            held[name] = list(actions)
        else:
            every = [a for actions in held.values() for a in actions]
            parts = [f"{name} ({listing(actions, 2)})" for name, actions in held.items()]
            facts: dict[str, JsonValue] = {
                name: list(actions[:_SAMPLE]) for name, actions in held.items()
            }
            yield Match(
                identity=identity,
                key="",
                message="holds together " + " + ".join(parts),
                evidence=Evidence(
                    statements=perms.statements(every, resource_wildcard=wildcard), facts=facts
                ),
            )


PERMISSION_COMBINATION = RuleKind(
    name="permission-combination",
    summary="An identity holds every group of a set of actions at once.",
    detect=detect,
)

"""``grant-pattern``: an identity is effectively allowed actions that match patterns.

Parameters (``schemas/rule.schema.json``, ``$defs/grant-pattern``):

* ``actions``: action patterns (``iam:*``, ``*``, ``s3:Get*``);
* ``exclude_actions``: patterns left out of the match;
* ``match``: ``any`` (default) — at least ``min_actions`` matching actions are allowed — or
  ``all`` — every action a pattern denotes is allowed (a service-wide wildcard in effect);
* ``levels``: only actions at these access levels (``write``, ``permissions-management``...);
* ``resource_wildcard``: only grants by statements that apply to every resource;
* ``include_conditional``: count grants that depend on conditions not known here (default true:
  a grant limited by, say, a region SCP is still a grant; the message and facts say how many
  matched actions are allowed only under conditions);
* ``natures``, ``identity_kinds``: the population (default: non-human users, roles, principals).

One match per identity (key ``""``): the finding follows the identity whatever actions it gains
or loses, and its evidence lists the statements that grant the matched actions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from overgrant.findings import Evidence
from overgrant.model import JsonValue
from overgrant.policies.clouds import IdentityPermissions
from overgrant.policies.context import ScanContext
from overgrant.policies.kinds.base import (
    Limitation,
    Match,
    Params,
    RuleKind,
    Selector,
    flag,
    integer,
    listing,
    plural,
    strings,
    text,
)

_SAMPLE = 25  # actions named in a finding's facts; the count says how many there are


@dataclass(frozen=True, slots=True)
class _Query:
    patterns: tuple[str, ...]
    exclude: tuple[str, ...]
    levels: tuple[str, ...]
    wildcard: bool
    conditional: bool
    minimum: int

    @classmethod
    def of(cls, params: Params) -> _Query:
        return cls(
            strings(params, "actions"),
            strings(params, "exclude_actions"),
            strings(params, "levels"),
            flag(params, "resource_wildcard", False),
            flag(params, "include_conditional", True),
            integer(params, "min_actions", 1),
        )

    @property
    def where(self) -> str:
        return " on any resource" if self.wildcard else ""


def _all_mode(perms: IdentityPermissions, query: _Query) -> tuple[str, Evidence] | None:
    covered = [
        p
        for p in query.patterns
        if perms.covers(p, resource_wildcard=query.wildcard, include_conditional=query.conditional)
    ]
    if not covered:
        return None
    maybe = [p for p in covered if not perms.covers(p, resource_wildcard=query.wildcard)]
    note = f" ({listing(maybe)} only under conditions)" if maybe else ""
    message = f"allowed every action of {listing(covered, 4)}{query.where}{note}"
    facts: dict[str, JsonValue] = {"patterns": list(covered), "conditional_patterns": list(maybe)}
    return message, Evidence(
        statements=perms.statements(covered, resource_wildcard=query.wildcard), facts=facts
    )


def _any_mode(perms: IdentityPermissions, query: _Query) -> tuple[str, Evidence] | None:
    def allowed(conditional: bool) -> tuple[str, ...]:
        return perms.matching(
            query.patterns,
            exclude=query.exclude,
            levels=query.levels,
            resource_wildcard=query.wildcard,
            include_conditional=conditional,
        )

    actions = allowed(query.conditional)
    if not actions or len(actions) < query.minimum:
        return None
    maybe = len(actions) - len(allowed(False)) if query.conditional else 0
    level_words = f"{' or '.join(query.levels)} " if query.levels else ""
    note = f" ({maybe} only under conditions)" if maybe else ""
    message = (
        f"allowed {plural(len(actions), level_words + 'action')}{query.where}{note}: "
        f"{listing(list(actions))}"
    )
    facts: dict[str, JsonValue] = {
        "action_count": len(actions),
        "conditional_count": maybe,
        "actions": list(actions[:_SAMPLE]),
    }
    if query.levels:
        facts["levels"] = list(query.levels)
    return message, Evidence(
        statements=perms.statements(actions, resource_wildcard=query.wildcard), facts=facts
    )


def detect(context: ScanContext, params: Params) -> Iterator[Match | Limitation]:
    """Yield one match per identity allowed what the rule's patterns describe."""
    selector = Selector.of(params)
    every = text(params, "match", "any") == "all"
    query = _Query.of(params)
    for identity in selector.pick(context):
        perms = context.permissions(identity)
        if perms is None:
            continue
        found = _all_mode(perms, query) if every else _any_mode(perms, query)
        if found is not None:
            message, evidence = found
            yield Match(identity=identity, key="", message=message, evidence=evidence)


GRANT_PATTERN = RuleKind(
    name="grant-pattern",
    summary="An identity is effectively allowed actions matching patterns.",
    detect=detect,
)

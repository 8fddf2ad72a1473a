"""The statements that grant an identity its permissions today, with their verbatim text.

Each compiled statement (from the evaluator, compiled once per distinct document) is paired with
the statement as written, so that a new statement derived from it can carry its ``Condition``
unchanged and a removal can name it (``policy-name#Sid`` or ``policy-name#index``).
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from overgrant.graph.effective.aws_index import Principal
from overgrant.graph.effective.aws_match import ContextLookup, resolve
from overgrant.graph.effective.aws_policy import CompiledStatement, as_document
from overgrant.graph.effective.decision import Effect
from overgrant.model import GrantPurpose, JsonValue, PermissionSetId, PermissionSetKind
from overgrant.remediation.minimize.lookup import InventoryLookup


def strings(value: JsonValue) -> tuple[str, ...]:
    """A policy element that may be a string or a list of strings, as a tuple."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def condition_key(condition: JsonValue) -> str:
    """A canonical text of a Condition block, to group statements that share one."""
    if condition is None:
        return ""
    return orjson.dumps(condition, option=orjson.OPT_SORT_KEYS).decode()


@dataclass(frozen=True, slots=True)
class SourceStatement:
    """One statement of a policy the identity holds today."""

    serial: int
    """Position among the identity's statements (a stable key within one run)."""
    policy: PermissionSetId
    policy_name: str
    managed: bool
    replaceable: bool
    """Held directly by the identity (not through a group): the plan may replace it."""
    compiled: CompiledStatement
    raw: dict[str, JsonValue]

    @property
    def label(self) -> str:
        """``policy-name#Sid``, or ``policy-name#<index>`` for a statement without a Sid."""
        sid = self.compiled.sid
        return f"{self.policy_name}#{sid if sid else self.compiled.index}"

    @property
    def allows(self) -> bool:
        """Whether the statement is an Allow."""
        return self.compiled.effect is Effect.ALLOW

    @property
    def condition(self) -> JsonValue:
        """The Condition block as written (``None`` when absent)."""
        return self.raw.get("Condition")

    @property
    def resources(self) -> tuple[str, ...]:
        """Resource (or NotResource) texts as written; ``("*",)`` when the element is absent."""
        if self.compiled.not_resource:
            return strings(self.raw.get("NotResource"))
        return strings(self.raw.get("Resource", "*"))

    @property
    def action_patterns(self) -> tuple[str, ...]:
        """Action (or NotAction) texts as written."""
        key = "NotAction" if self.compiled.not_action else "Action"
        return strings(self.raw.get(key))

    def resolved_resources(self, context: ContextLookup) -> tuple[str, ...]:
        """Resource patterns with this identity's policy variables filled in; patterns whose
        variables are unknown here are left out (nothing can be shown to lie within them)."""
        found: list[str] = []
        for template in self.compiled.resources:
            resolved = resolve(template, context)
            if resolved.pieces is not None:
                found.append("".join(text for _, text in resolved.pieces))
        return tuple(found)


def source_statements(lookup: InventoryLookup, principal: Principal) -> list[SourceStatement]:
    """Every identity-based statement that applies to the principal, its groups' included."""
    identity = principal.facts.identity.id
    own = {g.permission_set for g in lookup.grants(identity, GrantPurpose.ALLOW)}
    found: list[SourceStatement] = []
    for set_id, policy in principal.policies:
        permission_set = lookup.sets.get(set_id)
        if permission_set is None:
            continue
        document = as_document(permission_set.document) or {}
        raw_statements = document.get("Statement")
        listed = raw_statements if isinstance(raw_statements, list) else [raw_statements]
        for statement in policy.statements:
            raw = listed[statement.index] if statement.index < len(listed) else None
            found.append(
                SourceStatement(
                    serial=len(found),
                    policy=set_id,
                    policy_name=permission_set.name,
                    managed=permission_set.kind is PermissionSetKind.MANAGED_POLICY,
                    replaceable=set_id in own,
                    compiled=statement,
                    raw=raw if isinstance(raw, dict) else {},
                )
            )
    return found

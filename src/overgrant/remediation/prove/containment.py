"""The structural half of "no wider": every new Allow lies within one statement of today.

A new statement (actions A, resources R, condition C) is within today's statement S when every
action pattern of A lies within S's Action (or outside its NotAction), every resource pattern of
R within S's Resource (or outside its NotResource), and C is S's condition or S has none: then
whatever the request, if the new statement matches it, S matches it too. Boundaries, SCPs and
today's Deny statements are the same on both sides, so a request the new policies allow is
allowed today. Containment of patterns is tested by :mod:`overgrant.remediation.minimize.patterns`
(sufficient, never optimistic). This holds for actions AWS adds later as well, which the
evaluator's comparisons over today's catalog cannot show.
"""

from __future__ import annotations

from collections.abc import Iterator

from overgrant.graph.effective.aws_match import ContextLookup
from overgrant.model import JsonValue
from overgrant.remediation.minimize.patterns import action_contained, resource_contained
from overgrant.remediation.minimize.statements import SourceStatement, condition_key, strings
from overgrant.remediation.plan import NewPolicy


def new_allow_statements(
    policies: tuple[NewPolicy, ...],
) -> Iterator[tuple[str, dict[str, JsonValue]]]:
    """Every Allow statement of the new documents, labelled ``policy#Sid``."""
    for policy in policies:
        document = policy.document
        listed = document.get("Statement") if isinstance(document, dict) else None
        for index, statement in enumerate(listed if isinstance(listed, list) else []):
            if isinstance(statement, dict) and statement.get("Effect") == "Allow":
                sid = statement.get("Sid")
                yield f"{policy.name}#{sid if isinstance(sid, str) else index}", statement


def _within(
    action: str,
    resource: str | None,
    negated: tuple[str, ...] | None,
    condition: str,
    source: SourceStatement,
    context: ContextLookup,
) -> bool:
    own = condition_key(source.condition)
    if own and own != condition:
        return False
    compiled = source.compiled
    if not action_contained(action, source.action_patterns, negated=compiled.not_action):
        return False
    texts = negated if negated is not None else (resource or "",)
    if not compiled.has_variables and any("${" in text for text in texts):
        # Today's statement reads "${...}" as plain text (policy version 2008-10-17) while the
        # new document reads it as a variable: the two do not mean the same.
        return False
    if negated is not None and compiled.not_resource and set(source.resources) <= set(negated):
        return True  # the same exclusions as written (variables and all)
    if negated is None and not compiled.not_resource and resource in source.resources:
        return True  # the same pattern as written, read the same way
    outers = source.resolved_resources(context)
    if negated is not None:
        # "Every resource but X" lies within "every resource but Y" when X includes Y.
        return (
            compiled.not_resource
            and len(outers) == len(compiled.resources)
            and (set(outers) <= set(negated))
        )
    assert resource is not None
    if compiled.not_resource and len(outers) != len(compiled.resources):
        return False  # an exclusion we cannot resolve might cover the resource
    return resource_contained(resource, outers, negated=compiled.not_resource)


def uncontained(
    policies: tuple[NewPolicy, ...], today: list[SourceStatement], context: ContextLookup
) -> list[str]:
    """One line per new (action, resource) that no Allow statement of today contains."""
    allows = [s for s in today if s.allows]
    failures: list[str] = []
    for label, statement in new_allow_statements(policies):
        condition = condition_key(statement.get("Condition"))
        negated = "NotResource" in statement
        resources = strings(statement.get("NotResource" if negated else "Resource"))
        if "NotAction" in statement:
            failures.append(f"{label}: NotAction in a new statement cannot be shown within today's")
            continue
        for action in strings(statement.get("Action")):
            if negated:
                if not any(_within(action, None, resources, condition, s, context) for s in allows):
                    failures.append(
                        f"{label}: {action} on all but {resources} is not granted today"
                    )
                continue
            for resource in resources:
                if not any(_within(action, resource, None, condition, s, context) for s in allows):
                    failures.append(
                        f"{label}: {action} on {resource} is not within any statement of today"
                    )
    return failures

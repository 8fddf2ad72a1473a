"""What a role's trust policy says about who may become the role, read once per role.

The escalation engine needs the trust policy for two questions the evaluator does not answer in
bulk: which roles a service may assume (the roles a ``passed-role`` method can hand to that
service), and which roles name a given principal or account (the only roles an attacker can
assume without rewriting the trust first). Both are answered here from the document itself, so
that candidates are found by index lookups instead of one ``decide()`` per role.

This is candidate selection, not the final word: every permission an edge claims is still
decided by :class:`~overgrant.graph.effective.aws.AwsEvaluator` (which evaluates the trust policy
as the resource-based policy of ``sts:AssumeRole``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from overgrant.model import JsonValue

# Actions by which each kind of principal takes a role (IAM User Guide: Roles terms and concepts
# — trust policy; AWS STS API Reference: AssumeRole, AssumeRoleWithSAML,
# AssumeRoleWithWebIdentity).
_ASSUME = "sts:assumerole"
_FEDERATED_ASSUME = ("sts:assumerolewithsaml", "sts:assumerolewithwebidentity")


@dataclass(frozen=True, slots=True)
class TrustFacts:
    """The principals a trust policy lets assume the role (Allow statements, Deny subtracted)."""

    services: frozenset[str] = frozenset()
    """Service principals, lower case (``lambda.amazonaws.com``)."""
    conditional_services: frozenset[str] = frozenset()
    """The services among :attr:`services` whose statement carries a Condition."""
    federated: frozenset[str] = frozenset()
    """Federated principals: provider ARNs, ``cognito-identity.amazonaws.com``."""
    arns: frozenset[str] = frozenset()
    """User and role ARNs named in ``Principal.AWS``."""
    accounts: frozenset[str] = frozenset()
    """Accounts named in ``Principal.AWS`` (by id or by root ARN)."""
    sessions: frozenset[tuple[str, str]] = frozenset()
    """(account, role name) of named assumed-role sessions."""
    anyone: bool = False
    """``Principal: "*"`` or ``{"AWS": "*"}``: every AWS principal may try."""
    delegating: tuple[tuple[str, int, str | None], ...] = ()
    """(account, statement index, Sid) of statements without a Condition that name an account:
    every principal of it whose identity policies allow ``sts:AssumeRole`` on the role may
    assume it (IAM User Guide: AWS JSON policy elements: Principal — AWS account principals)."""
    denies: bool = False
    """The trust policy holds a Deny statement."""

    def delegation(self, account: str) -> tuple[int, str | None] | None:
        """(index, Sid) of the first statement delegating to ``account`` without condition."""
        return next(((i, sid) for a, i, sid in self.delegating if a == account), None)


def _parsed(document: JsonValue) -> dict[str, JsonValue] | None:
    if isinstance(document, str):
        try:
            loaded: JsonValue = json.loads(document)
        except ValueError:
            return None
        document = loaded
    return document if isinstance(document, dict) else None


def _strings(value: JsonValue) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def statements(document: JsonValue) -> Iterator[tuple[int, dict[str, JsonValue]]]:
    """The statements of a policy document that are objects, with their positions."""
    parsed = _parsed(document)
    if parsed is None:
        return
    raw = parsed.get("Statement")
    for index, item in enumerate(raw if isinstance(raw, list) else [raw]):
        if isinstance(item, dict):
            yield index, item


def _matches(pattern: str, action: str) -> bool:
    lowered = pattern.lower()
    if "*" not in lowered and "?" not in lowered:
        return lowered == action  # the common case, without building a pattern
    parts = (re.escape(piece).replace(r"\?", ".") for piece in lowered.split("*"))
    return re.fullmatch(".*".join(parts), action) is not None


def names_action(statement: dict[str, JsonValue], actions: tuple[str, ...]) -> bool:
    """Whether the statement's Action/NotAction covers any of ``actions`` (lower case).

    Action names match without regard to case, and ``*`` is a wildcard (IAM User Guide: IAM
    JSON policy elements: Action; NotAction).
    """
    negated = "NotAction" in statement
    patterns = _strings(statement.get("NotAction" if negated else "Action"))
    listed = 0
    for action in actions:
        for pattern in patterns:
            if _matches(pattern, action):
                listed += 1
                break
    return listed < len(actions) if negated else listed > 0


def _account_of(value: str) -> str | None:
    if value.isdigit() and len(value) == 12:
        return value
    parts = value.split(":", 5)
    if len(parts) == 6 and parts[2] == "iam" and parts[5] == "root":
        return parts[4]
    return None


@dataclass(slots=True)
class _Collected:
    services: set[str]
    conditional: set[str]
    federated: set[str]
    arns: set[str]
    accounts: set[str]
    sessions: set[tuple[str, str]]
    delegating: list[tuple[str, int, str | None]]
    anyone: bool = False


def _collect_aws(principals: list[str], into: _Collected) -> None:
    for value in principals:
        account = _account_of(value)
        parts = value.split(":", 5)
        if value == "*":
            into.anyone = True
        elif account is not None:
            into.accounts.add(account)
        elif len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
            pieces = parts[5].split("/")
            into.sessions.add((parts[4], pieces[1] if len(pieces) > 1 else ""))
        else:
            into.arns.add(value)


def _collect_allow(index: int, statement: dict[str, JsonValue], into: _Collected) -> None:
    principal = statement.get("Principal")
    if principal == "*":
        into.anyone = True
        return
    if not isinstance(principal, dict):
        return  # NotPrincipal in an Allow is no longer accepted by IAM: it grants nobody here
    if names_action(statement, (_ASSUME,)):
        services = {s.lower() for s in _strings(principal.get("Service"))}
        into.services |= services
        aws = _strings(principal.get("AWS"))
        _collect_aws(aws, into)
        if "Condition" in statement:
            into.conditional |= services
        else:
            sid = statement.get("Sid")
            named = (a for value in aws if (a := _account_of(value)) is not None)
            into.delegating += [(a, index, sid if isinstance(sid, str) else None) for a in named]
    if names_action(statement, _FEDERATED_ASSUME) or names_action(statement, (_ASSUME,)):
        into.federated |= set(_strings(principal.get("Federated")))


def _denied_services(statement: dict[str, JsonValue]) -> set[str]:
    # Only an unconditional Deny certainly removes a service; a conditional one is left to the
    # evaluator's decision on the concrete request.
    principal = statement.get("Principal")
    if "Condition" in statement or not isinstance(principal, dict):
        return set()
    if not names_action(statement, (_ASSUME,)):
        return set()
    return {s.lower() for s in _strings(principal.get("Service"))}


def trust_facts(document: JsonValue) -> TrustFacts:
    """Read a role trust policy (an explicit Deny on a service principal overrides its Allow)."""
    into = _Collected(set(), set(), set(), set(), set(), set(), [])
    denied: set[str] = set()
    denies = False
    for index, statement in statements(document):
        effect = statement.get("Effect")
        if effect == "Allow":
            _collect_allow(index, statement, into)
        elif effect == "Deny":
            denies = True
            denied |= _denied_services(statement)
    services = frozenset(into.services - denied)
    return TrustFacts(
        services=services,
        conditional_services=frozenset(into.conditional) & services,
        federated=frozenset(into.federated),
        arns=frozenset(into.arns),
        accounts=frozenset(into.accounts),
        sessions=frozenset(into.sessions),
        anyone=into.anyone,
        delegating=tuple(into.delegating),
        denies=denies,
    )


def grants_everything(document: JsonValue) -> bool:
    """Whether a policy allows every action on every resource without conditions.

    The shape of AWS's ``AdministratorAccess`` policy; used to tell an administrators' group
    from any other group an attacker could join.
    """
    for _, statement in statements(document):
        if (
            statement.get("Effect") == "Allow"
            and "*" in _strings(statement.get("Action"))
            and "*" in _strings(statement.get("Resource"))
            and "Condition" not in statement
        ):
            return True
    return False


def has_deny(document: JsonValue) -> bool:
    """Whether a policy holds at least one Deny statement."""
    return any(statement.get("Effect") == "Deny" for _, statement in statements(document))


def covers_every_resource(statement: dict[str, JsonValue]) -> bool:
    """Whether a statement's Resource is ``*`` alone (no ``NotResource``)."""
    return "NotResource" not in statement and _strings(statement.get("Resource")) == ["*"]


def condition_keys(statement: dict[str, JsonValue]) -> list[str]:
    """The condition keys a statement reads, lower case."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return []
    return [key.lower() for tests in condition.values() if isinstance(tests, dict) for key in tests]

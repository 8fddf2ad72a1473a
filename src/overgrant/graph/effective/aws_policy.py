"""AWS policy documents compiled once into statements that are cheap to test many times.

Each statement keeps its actions as a catalog action set (``NotAction`` already complemented),
its resources as pre-compiled ARN patterns (or templates when they hold policy variables), its
principal as sets of accounts, ARNs and role sessions, and its condition compiled. Elements may
be a string or a list of strings (IAM User Guide: Grammar of the IAM JSON policy language).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import IntEnum

import orjson

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.wildcard import glob_to_regex_source
from overgrant.graph.effective.aws_conditions import Condition, Truth, compile_condition
from overgrant.graph.effective.aws_match import (
    VARIABLES_VERSION,
    Glob,
    Template,
    compile_pieces,
    parse_arn,
    parse_template,
    static_pieces,
)
from overgrant.graph.effective.decision import Effect
from overgrant.model import JsonValue

# Keys whose values come from the principal: statements reading them differ per identity.
_PRINCIPAL_KEY_PREFIXES = ("aws:principal", "aws:username", "aws:userid")


class PrincipalMatch(IntEnum):
    """How a resource-based statement's ``Principal`` names the requesting identity."""

    NONE = 0
    ACCOUNT = 1
    """The identity's account is named: authority is delegated to the account's own policies."""
    SESSION = 2
    """A session of the role is named (``arn:aws:sts::...:assumed-role/name/session``)."""
    DIRECT = 3
    """The identity's ARN, or everyone (``*``), is named."""


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    """The AWS principals a ``Principal``/``NotPrincipal`` element names."""

    anyone: bool
    accounts: frozenset[str]
    arns: frozenset[str]
    sessions: frozenset[tuple[str, str]]
    """(account, role name) of named assumed-role sessions."""


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    """One statement, ready to test."""

    index: int
    sid: str | None
    effect: Effect
    not_action: bool
    action_bits: int
    """Actions the statement applies to (after ``NotAction``), over the first ``universe``."""
    universe: int
    action_patterns: tuple[str, ...]
    """The Action/NotAction patterns, lower-cased (matched as globs only for actions the
    catalog did not know when the statement was compiled)."""
    """The listed action patterns, for actions beyond ``universe`` (lower-case matching)."""
    resources: tuple[Template, ...]
    resource_globs: tuple[Glob, ...] | None
    """Compiled patterns when no resource holds a policy variable."""
    not_resource: bool
    covers_all_resources: bool
    """True when the statement applies to every resource (``Resource: "*"`` or no element)."""
    principal: PrincipalSpec | None
    not_principal: bool
    condition: Condition | None
    has_variables: bool
    principal_dependent: bool
    """Whether the outcome can differ between identities (variables, principal keys)."""


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """A compiled policy document."""

    statements: tuple[CompiledStatement, ...]
    principal_dependent: bool
    has_conditions: bool


def as_document(document: JsonValue) -> dict[str, JsonValue] | None:
    """The policy as a mapping; a JSON text is parsed; anything else is ``None``."""
    if isinstance(document, str):
        try:
            parsed: JsonValue = orjson.loads(document)
        except orjson.JSONDecodeError:
            return None
        document = parsed
    return document if isinstance(document, dict) else None


def _statements(document: dict[str, JsonValue]) -> list[JsonValue]:
    raw = document.get("Statement")
    return raw if isinstance(raw, list) else [raw]


def _strings(value: JsonValue) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def literal_actions(document: JsonValue) -> Iterator[str]:
    """Every action named without a wildcard in a document (to register unknown ones)."""
    parsed = as_document(document)
    if parsed is None:
        return
    for statement in _statements(parsed):
        if isinstance(statement, dict):
            for element in ("Action", "NotAction"):
                for action in _strings(statement.get(element)):
                    if "*" not in action and "?" not in action:
                        yield action


StatementCache = dict[bytes, "CompiledStatement | None"]
"""Compiled statements by their canonical JSON and the policy version: estates repeat the
same statement across many documents (about 60% of them on the bench organizations)."""


def compile_policy(
    document: JsonValue, catalog: AwsCatalog, cache: StatementCache | None = None
) -> CompiledPolicy:
    """Compile a policy document; invalid statements are skipped as IAM would reject them.

    ``cache`` shares compiled statements across documents compiled with the same catalog.
    """
    parsed = as_document(document)
    if parsed is None:
        return CompiledPolicy((), False, False)
    variables = parsed.get("Version") == VARIABLES_VERSION
    compiled: list[CompiledStatement] = []
    for index, statement in enumerate(_statements(parsed)):
        if not isinstance(statement, dict):
            continue
        if cache is None:
            built = _compile_statement(index, statement, catalog, variables=variables)
        else:
            key = (b"v" if variables else b"-") + orjson.dumps(
                statement, option=orjson.OPT_SORT_KEYS
            )
            if key in cache:
                built = cache[key]
                if built is not None and built.index != index:
                    built = replace(built, index=index)
            else:
                built = cache[key] = _compile_statement(
                    index, statement, catalog, variables=variables
                )
        if built is not None:
            compiled.append(built)
    return CompiledPolicy(
        tuple(compiled),
        any(s.principal_dependent for s in compiled),
        any(s.condition is not None for s in compiled),
    )


def _compile_statement(
    index: int, raw: dict[str, JsonValue], catalog: AwsCatalog, *, variables: bool
) -> CompiledStatement | None:
    effect_text = raw.get("Effect")
    if effect_text not in ("Allow", "Deny"):
        return None
    not_action = "NotAction" in raw
    patterns = _strings(raw.get("NotAction") if not_action else raw.get("Action"))
    if not patterns:
        return None
    universe = catalog.size
    listed = catalog.expand_all(patterns)
    bits = (catalog.all_bits & ~listed) if not_action else listed
    not_resource = "NotResource" in raw
    texts = _strings(raw.get("NotResource") if not_resource else raw.get("Resource", "*"))
    resources = tuple(parse_template(t, variables=variables) for t in texts)
    statics = [static_pieces(t) for t in resources]
    globs = None
    if all(p is not None for p in statics):
        globs = tuple(compile_pieces(p, arn=True) for p in statics if p is not None)
    covers_all = not not_resource and any(g.everything for g in globs or ())
    not_principal = "NotPrincipal" in raw
    principal_raw = raw.get("NotPrincipal") if not_principal else raw.get("Principal")
    principal = None if principal_raw is None else _principal_spec(principal_raw)
    condition = compile_condition(raw.get("Condition"), variables=variables)
    has_variables = any(t.has_variables for t in resources)
    keys = condition.keys if condition else frozenset()
    dependent = has_variables or any(k.startswith(_PRINCIPAL_KEY_PREFIXES) for k in keys)
    sid = raw.get("Sid")
    return CompiledStatement(
        index=index,
        sid=sid if isinstance(sid, str) else None,
        effect=Effect(effect_text),
        not_action=not_action,
        action_bits=bits,
        universe=universe,
        action_patterns=tuple(p.lower() for p in patterns),
        resources=resources,
        resource_globs=globs,
        not_resource=not_resource,
        covers_all_resources=covers_all,
        principal=principal,
        not_principal=not_principal,
        condition=condition,
        has_variables=has_variables or any(v.has_variables for v in _condition_values(condition)),
        principal_dependent=dependent or principal is not None,
    )


def _condition_values(condition: Condition | None) -> Iterator[Template]:
    for test in condition.tests if condition else ():
        yield from test.values


def _principal_spec(raw: JsonValue) -> PrincipalSpec:
    # "Principal": "*" and {"AWS": "*"} name everyone; {"AWS": ...} holds account ids, account
    # root ARNs, user, role and assumed-role session ARNs (IAM User Guide: AWS JSON policy
    # elements: Principal). Service, Federated and CanonicalUser principals are never IAM
    # users or roles, so they name none of the inventory's identities.
    if raw == "*":
        return PrincipalSpec(True, frozenset(), frozenset(), frozenset())
    values = _strings(raw.get("AWS")) if isinstance(raw, dict) else []
    anyone = "*" in values
    accounts: set[str] = set()
    arns: set[str] = set()
    sessions: set[tuple[str, str]] = set()
    for value in values:
        if value.isdigit() and len(value) == 12:
            accounts.add(value)
            continue
        arn = parse_arn(value)
        if arn is None:
            continue
        if arn.service == "iam" and arn.resource == "root":
            accounts.add(arn.account)
        elif arn.service == "sts" and arn.resource.startswith("assumed-role/"):
            role_name = arn.resource.split("/")[1] if arn.resource.count("/") >= 2 else ""
            sessions.add((arn.account, role_name))
        else:
            arns.add(value)
    return PrincipalSpec(anyone, frozenset(accounts), frozenset(arns), frozenset(sessions))


@functools.cache
def _action_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(glob_to_regex_source(pattern))


def action_matches(statement: CompiledStatement, index: int | None, lowered: str) -> bool:
    """Whether the statement's Action/NotAction covers an action (IAM matches names ignoring
    case: IAM User Guide: IAM JSON policy elements: Action)."""
    if index is not None and index < statement.universe:
        return bool(statement.action_bits >> index & 1)
    # An action unknown to the catalog, or registered after this statement was compiled:
    # match it against the statement's own patterns.
    listed = any(_action_regex(p).fullmatch(lowered) for p in statement.action_patterns)
    return listed != statement.not_action


def principal_unknown_session() -> Truth:
    """The truth of a match that depends on a role session's name (part of ``aws:userid``)."""
    return Truth(None, frozenset({"aws:userid"}))

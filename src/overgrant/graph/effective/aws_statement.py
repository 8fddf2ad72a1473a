"""Testing one compiled statement against one request, in three-valued logic."""

from __future__ import annotations

from dataclasses import dataclass

from overgrant.graph.effective.aws_conditions import (
    FALSE,
    TRUE,
    Truth,
    evaluate_condition,
)
from overgrant.graph.effective.aws_context import PrincipalFacts
from overgrant.graph.effective.aws_match import ContextLookup, compile_pieces, resolve
from overgrant.graph.effective.aws_policy import (
    CompiledStatement,
    PrincipalMatch,
    action_matches,
    principal_unknown_session,
)
from overgrant.graph.effective.decision import Effect


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """The action and resource of a request, prepared once for many statements."""

    action: str
    lowered: str
    index: int | None
    """The action's bit position in the catalog, if it has one."""
    resource: str


def resource_truth(statement: CompiledStatement, resource: str, context: ContextLookup) -> Truth:
    """Whether the statement's Resource/NotResource covers the request's resource.

    ``NotResource`` applies to every resource except those listed (IAM User Guide: IAM JSON
    policy elements: NotResource).
    """
    if statement.resource_globs is not None:
        hit = any(glob.matches(resource) for glob in statement.resource_globs)
        return Truth(hit != statement.not_resource)
    unknown: set[str] = set()
    for template in statement.resources:
        resolved = resolve(template, context)
        if resolved.pieces is not None:
            if compile_pieces(resolved.pieces, arn=True).matches(resource):
                return Truth(not statement.not_resource)
        else:
            unknown.update(resolved.unknown)
    if unknown:
        return Truth(None, frozenset(unknown))
    return Truth(statement.not_resource)


def principal_truth(
    statement: CompiledStatement, principal: PrincipalFacts, *, has_boundary: bool
) -> tuple[PrincipalMatch, Truth]:
    """How a resource-based statement's Principal/NotPrincipal applies to the identity."""
    spec = statement.principal
    if spec is None:
        # Resource-based policies must name a principal; a statement without one grants nobody.
        return PrincipalMatch.NONE, FALSE
    identity_arn = principal.identity.id
    named = spec.anyone or identity_arn in spec.arns
    session = (principal.account, principal.role_name or "") in spec.sessions
    account = principal.account in spec.accounts
    if not statement.not_principal:
        if named:
            return PrincipalMatch.DIRECT, TRUE
        if session:
            return PrincipalMatch.SESSION, principal_unknown_session()
        if account:
            return PrincipalMatch.ACCOUNT, TRUE
        return PrincipalMatch.NONE, FALSE
    return PrincipalMatch.DIRECT, _not_principal_applies(
        statement, named=named, session=session, account=account, has_boundary=has_boundary
    )


def _not_principal_applies(
    statement: CompiledStatement, *, named: bool, session: bool, account: bool, has_boundary: bool
) -> Truth:
    if statement.effect is Effect.DENY:
        # IAM User Guide: AWS JSON policy elements: NotPrincipal — a Deny with NotPrincipal
        # always denies principals that have a permissions boundary; a principal escapes it only
        # if its account is listed as well as the principal itself (AWS checks the account,
        # then the role, then the session).
        if has_boundary:
            return TRUE
        if account and named:
            return FALSE
        if account and session:
            return principal_unknown_session()
        return TRUE
    # Allow with NotPrincipal (no longer accepted by AWS): everyone except those listed.
    if named or account:
        return FALSE
    return principal_unknown_session() if session else TRUE


def statement_truth(
    statement: CompiledStatement,
    request: ActionRequest,
    context: ContextLookup,
) -> Truth:
    """Whether action, resource and condition of a statement all hold (Principal aside)."""
    if not action_matches(statement, request.index, request.lowered):
        return FALSE
    if statement.covers_all_resources:
        resource = TRUE
    else:
        resource = resource_truth(statement, request.resource, context)
        if resource.value is False:
            return FALSE
    if statement.condition is None:
        return resource
    condition = evaluate_condition(statement.condition, context)
    return conjunction(resource, condition)


def conjunction(left: Truth, right: Truth) -> Truth:
    """Kleene AND of two truths."""
    if left.value is False or right.value is False:
        return FALSE
    if left.value is None or right.value is None:
        return Truth(None, left.unknown | right.unknown)
    return TRUE

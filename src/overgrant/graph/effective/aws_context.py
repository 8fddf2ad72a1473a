"""The request context: which condition keys the inventory can answer for a request, and how.

Keys about the principal come from the identity and its organization (IAM User Guide: AWS global
condition context keys — ``aws:PrincipalArn``, ``aws:PrincipalAccount``, ``aws:PrincipalOrgID``,
``aws:PrincipalOrgPaths``, ``aws:PrincipalTag/*``, ``aws:PrincipalType``, ``aws:username``,
``aws:userid``); keys about the resource from the inventory's resource and its account
(``aws:ResourceAccount``, ``aws:ResourceOrgID``, ``aws:ResourceTag/*``); the time from the
evaluation time; and anything else from the caller's context mapping. Every other key is
*unknown*, which makes the statements that read it conditional.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from overgrant.graph.effective.aws_match import ContextValue, Missing, parse_arn
from overgrant.model import Identity, IdentityKind

ContextInput = str | bool | int | float | Sequence[str] | None
"""A value a caller supplies for a key: ``None`` says the key is absent from the request."""

_ABSENT = Missing.ABSENT
_UNKNOWN = Missing.UNKNOWN

# Keys that only service principals bring (IAM User Guide: global condition context keys —
# aws:SourceArn/SourceAccount/SourceOrgID/SourceOrgPaths "present only when a service principal
# makes the request", aws:PrincipalServiceName "present when the principal is a service").
_ABSENT_FOR_IAM_PRINCIPALS = (
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:principalservicename",
    "aws:principalservicenameslist",
)

_PRINCIPAL_TYPE = {
    IdentityKind.USER: "User",
    IdentityKind.ROLE: "AssumedRole",
    IdentityKind.ROOT: "Account",
}


@dataclass(frozen=True, slots=True)
class OrgFacts:
    """What the inventory says about an account's organization."""

    org_id: ContextValue = _UNKNOWN
    org_paths: ContextValue = _UNKNOWN


@dataclass(frozen=True, slots=True)
class PrincipalFacts:
    """An identity as a request's principal, with the context keys it determines."""

    identity: Identity
    account: str
    role_name: str | None
    """For a role, its name (the last part of the ARN's path), used to match session ARNs."""
    service_linked: bool
    keys: Mapping[str, ContextValue]
    tags: Mapping[str, str]
    """The identity's tags with lower-case keys (IAM tag keys are case-insensitive)."""


def principal_facts(identity: Identity, org: OrgFacts) -> PrincipalFacts:
    """Work out the principal context keys of an identity."""
    account = str(identity.container)
    arn = parse_arn(identity.id)
    resource = arn.resource if arn else ""
    role_name = resource.rsplit("/", 1)[-1] if identity.kind is IdentityKind.ROLE else None
    # Service-linked roles live under the path /aws-service-role/ (IAM User Guide: Create a
    # service-linked role).
    service_linked = identity.kind is IdentityKind.ROLE and "/aws-service-role/" in resource
    keys: dict[str, ContextValue] = dict.fromkeys(_ABSENT_FOR_IAM_PRINCIPALS, _ABSENT)
    keys["aws:principalarn"] = (identity.id,)
    keys["aws:principalaccount"] = (account,)
    keys["aws:principalisawsservice"] = ("false",)
    keys["aws:principalorgid"] = org.org_id
    keys["aws:principalorgpaths"] = org.org_paths
    kind = _PRINCIPAL_TYPE.get(identity.kind)
    keys["aws:principaltype"] = (kind,) if kind else _UNKNOWN
    keys["aws:username"] = (identity.name,) if identity.kind is IdentityKind.USER else _ABSENT
    keys["aws:userid"] = _userid(identity, account)
    tags = {key.lower(): value for key, value in identity.tags.items()}
    return PrincipalFacts(identity, account, role_name, service_linked, keys, tags)


def _userid(identity: Identity, account: str) -> ContextValue:
    # aws:userid is the user's unique id, the account id for root, and "role-id:session-name"
    # for a role session, whose session part is not known before the session exists.
    if identity.kind is IdentityKind.ROOT:
        return (account,)
    unique = identity.attributes.get("unique_id")
    if identity.kind is IdentityKind.USER and isinstance(unique, str) and unique:
        return (unique,)
    return _UNKNOWN


@dataclass(frozen=True, slots=True)
class ResourceFacts:
    """What the inventory knows about a request's resource."""

    account: str | None = None
    org: OrgFacts = field(default_factory=OrgFacts)
    tags: Mapping[str, str] | None = None
    """Lower-case tag keys when the resource is in the inventory; ``None`` when unknown."""


def normalize_context(values: Mapping[str, ContextInput] | None) -> dict[str, ContextValue]:
    """Turn a caller's context mapping into context values keyed by lower-case key names."""
    normalized: dict[str, ContextValue] = {}
    for key, value in (values or {}).items():
        if value is None:
            normalized[key.lower()] = _ABSENT
        elif isinstance(value, bool):
            normalized[key.lower()] = ("true" if value else "false",)
        elif isinstance(value, str | int | float):
            normalized[key.lower()] = (str(value),)
        else:
            normalized[key.lower()] = tuple(str(item) for item in value)
    return normalized


class RequestContext:
    """The request context of one evaluation (implements ``ContextLookup``)."""

    __slots__ = ("_extra", "_principal", "_resource", "_time")

    def __init__(
        self,
        principal: PrincipalFacts,
        resource: ResourceFacts | None,
        moment: datetime | None,
        extra: Mapping[str, ContextValue],
    ) -> None:
        """Combine principal, resource, time and caller-supplied keys (the caller's win)."""
        self._principal = principal
        self._resource = resource
        self._time: dict[str, ContextValue] = {}
        if moment is not None:
            self._time = {
                "aws:currenttime": (moment.isoformat(),),
                "aws:epochtime": (str(int(moment.timestamp())),),
            }
        self._extra = extra

    def get(self, key: str) -> ContextValue:
        """The value of a lower-case key, or why it has none."""
        if key in self._extra:
            return self._extra[key]
        if key.startswith("aws:principaltag/"):
            tag = self._principal.tags.get(key[len("aws:principaltag/") :])
            return _ABSENT if tag is None else (tag,)
        found = self._principal.keys.get(key)
        if found is not None:
            return found
        if key in self._time:
            return self._time[key]
        return self._resource_key(key)

    def _resource_key(self, key: str) -> ContextValue:
        resource = self._resource
        if resource is None:
            return _UNKNOWN
        if key == "aws:resourceaccount":
            return _UNKNOWN if resource.account is None else (resource.account,)
        if key == "aws:resourceorgid":
            return resource.org.org_id
        if key == "aws:resourceorgpaths":
            return resource.org.org_paths
        if key.startswith("aws:resourcetag/") and resource.tags is not None:
            tag = resource.tags.get(key[len("aws:resourcetag/") :])
            return _ABSENT if tag is None else (tag,)
        return _UNKNOWN

"""Who made a CloudTrail call, as the inventory names it.

CloudTrail's ``userIdentity`` element (AWS CloudTrail User Guide: "CloudTrail userIdentity
element") names the caller in several shapes. Permissions belong to the IAM identity behind
it: an assumed-role session uses its role's policies (``sessionContext.sessionIssuer.arn`` is
the role's ARN with its path), a federated-user session its IAM user's, an IAM user and the
root user their own. Callers that are no identity of the inventory (an AWS service, another
account, a web-identity or SAML caller before it assumes a role) are skipped and counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from overgrant.model import Cloud, IdentityId, IdentityKind, Inventory, JsonValue

_ARN_KINDS = {"role": IdentityKind.ROLE, "user": IdentityKind.USER, "group": IdentityKind.GROUP}


@dataclass(frozen=True, slots=True)
class Caller:
    """The outcome of resolving one ``userIdentity``: an identity, or why there is none."""

    identity: IdentityId | None
    skipped: str = ""
    """Why no identity: ``AWSService caller``, ``not in the inventory: <arn>``..."""


class IdentityIndex:
    """The inventory's AWS identities by ARN and by ``(account, kind, name)``.

    The second key finds a role from an assumed-role ARN (which drops the role's path) and
    rebuilds resource ARNs of IAM roles and users that CloudTrail gives by name only.
    """

    def __init__(self, inventory: Inventory) -> None:
        self._by_arn: dict[str, IdentityId] = {}
        self._by_name: dict[tuple[str, IdentityKind, str], IdentityId] = {}
        for identity in inventory.identities:
            if identity.cloud is not Cloud.AWS:
                continue
            self._by_arn[identity.id] = identity.id
            key = (str(identity.container), identity.kind, identity.name.lower())
            self._by_name.setdefault(key, identity.id)

    def by_arn(self, arn: str) -> IdentityId | None:
        """The identity whose id is ``arn``, or, for a path-less role or user ARN, by name."""
        found = self._by_arn.get(arn)
        if found is not None:
            return found
        parsed = _iam_name(arn)
        if parsed is None:
            return None
        return self._by_name.get(parsed)

    def by_name(self, account: str, kind: IdentityKind, name: str) -> IdentityId | None:
        return self._by_name.get((account, kind, name.lower()))

    def canonical_resource(self, resource: str) -> str:
        """An IAM role, user or group ARN with the path the inventory knows; others unchanged."""
        if ":iam::" not in resource or resource in self._by_arn:
            return resource
        found = self.by_arn(resource)
        return resource if found is None else str(found)

    def resolve(self, user_identity: JsonValue) -> Caller:
        """The identity whose permissions a call with this ``userIdentity`` used."""
        if not isinstance(user_identity, dict):
            return Caller(None, "no userIdentity")
        kind = _text(user_identity, "type")
        if kind == "AssumedRole":
            return self._assumed_role(user_identity)
        if kind == "FederatedUser":
            issuer = _issuer_arn(user_identity)
            return self._known(issuer, kind)
        if kind in ("IAMUser", "Root"):
            return self._known(_text(user_identity, "arn"), kind)
        return Caller(None, f"{kind or 'untyped'} caller")

    def _assumed_role(self, user_identity: Mapping[str, JsonValue]) -> Caller:
        issuer = _issuer_arn(user_identity)
        if issuer:
            return self._known(issuer, "AssumedRole")
        # No session context: arn:aws:sts::<account>:assumed-role/<role name>/<session>.
        arn = _text(user_identity, "arn")
        parts = arn.split(":", 5)
        if len(parts) == 6 and parts[5].startswith("assumed-role/"):
            role = parts[5].split("/")[1] if parts[5].count("/") >= 1 else ""
            found = self.by_name(parts[4], IdentityKind.ROLE, role)
            if found is not None:
                return Caller(found)
        return Caller(None, f"not in the inventory: {arn or 'an assumed role without ARN'}")

    def _known(self, arn: str, kind: str) -> Caller:
        if not arn:
            return Caller(None, f"{kind} caller without ARN")
        found = self.by_arn(arn)
        if found is None:
            return Caller(None, f"not in the inventory: {arn}")
        return Caller(found)


def _text(mapping: Mapping[str, JsonValue], key: str) -> str:
    value = mapping.get(key)
    return value if isinstance(value, str) else ""


def _issuer_arn(user_identity: Mapping[str, JsonValue]) -> str:
    context = user_identity.get("sessionContext")
    if not isinstance(context, dict):
        return ""
    issuer = context.get("sessionIssuer")
    return _text(issuer, "arn") if isinstance(issuer, dict) else ""


def _iam_name(arn: str) -> tuple[str, IdentityKind, str] | None:
    """``(account, kind, name)`` of ``arn:<p>:iam::<account>:<kind>/<path/>name``."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam":
        return None
    kind_text, _, rest = parts[5].partition("/")
    kind = _ARN_KINDS.get(kind_text)
    if kind is None or not rest:
        return None
    return (parts[4], kind, rest.rsplit("/", 1)[-1].lower())

"""What the snapshot says an AWS role or user looks like today, as the program must declare it.

Adopting a resource with Pulumi's ``import_`` only succeeds when the declared inputs equal the
live resource (otherwise ``pulumi up`` stops with "inputs to import do not match the existing
resource"), so the program declares the role's name, path, trust policy, tags and boundary exactly
as the snapshot holds them. ``GetAccountAuthorizationDetails`` does not return a role's description
or maximum session duration; when the snapshot lacks them they are listed in :attr:`unknown` and
the program tells Pulumi to ignore them instead of guessing (a guess would fail the import or,
worse, change the role).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from overgrant.errors import InputError
from overgrant.model import (
    GrantPurpose,
    Identity,
    IdentityKind,
    Inventory,
    JsonValue,
    PermissionSet,
    PermissionSetId,
    PermissionSetKind,
)
from overgrant.remediation.plan import IdentityPlan, Replacement

ROLE_ONLY_FIELDS = ("description", "max_session_duration")
"""Role inputs the snapshot may not know; ignored by the program when unknown."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InlinePolicy:
    name: str
    document: JsonValue


@dataclass(frozen=True, slots=True, kw_only=True)
class CurrentIdentity:
    """A role's or user's adoptable inputs and its attachments today."""

    kind: IdentityKind
    name: str
    path: str
    tags: dict[str, str]
    trust_policy: JsonValue = None
    """The role's assume-role policy, verbatim; ``None`` for a user."""
    permissions_boundary: str | None = None
    description: str | None = None
    max_session_duration: int | None = None
    unknown: tuple[str, ...] = ()
    """Inputs the snapshot does not record (Python names, as ``ignore_changes`` takes them)."""
    managed_arns: tuple[str, ...] = ()
    """Managed policies attached today, in snapshot order."""
    inline: tuple[InlinePolicy, ...] = field(default=())


class InventoryIndex:
    """The inventory looked up by id, built once for all identities of a plan."""

    def __init__(self, inventory: Inventory) -> None:
        self.identities = {i.id: i for i in inventory.identities}
        self.permission_sets = {p.id: p for p in inventory.permission_sets}
        self.grants: dict[str, list[tuple[GrantPurpose, PermissionSetId]]] = {}
        for grant in inventory.grants:
            self.grants.setdefault(grant.identity, []).append((grant.purpose, grant.permission_set))

    def current(self, plan: IdentityPlan) -> CurrentIdentity:
        """The identity ``plan`` changes, as the snapshot recorded it; refuses a mismatch."""
        identity = self.identities.get(plan.identity)
        if identity is None:
            raise InputError(f"{plan.identity}: the plan names an identity the snapshot lacks")
        if identity.kind not in (IdentityKind.ROLE, IdentityKind.USER):
            raise InputError(f"{plan.identity}: only AWS roles and users can be remediated")
        managed: list[str] = []
        inline: list[InlinePolicy] = []
        boundary: str | None = None
        for purpose, pset_id in self.grants.get(identity.id, ()):
            if purpose is GrantPurpose.BOUNDARY:
                boundary = pset_id
                continue
            pset = self.permission_sets.get(pset_id)
            if pset is not None and pset.kind is PermissionSetKind.INLINE_POLICY:
                inline.append(InlinePolicy(name=pset.name, document=pset.document))
            else:
                managed.append(pset_id)
        current = _describe(identity, self._trust(identity), boundary, managed, inline)
        _check_replacements(plan, current)
        return current

    def _trust(self, identity: Identity) -> JsonValue:
        if identity.kind is not IdentityKind.ROLE:
            return None
        trust: PermissionSet | None = None
        if identity.trust_policy is not None:
            trust = self.permission_sets.get(identity.trust_policy)
        if trust is None:
            raise InputError(f"{identity.id}: the snapshot has no trust policy for this role")
        return trust.document


def _describe(
    identity: Identity,
    trust: JsonValue,
    boundary: str | None,
    managed: list[str],
    inline: list[InlinePolicy],
) -> CurrentIdentity:
    attributes = identity.attributes
    description = attributes.get("description")
    duration = attributes.get("max_session_duration")
    unknown: list[str] = []
    if identity.kind is IdentityKind.ROLE:
        if not isinstance(description, str):
            description = None
            unknown.append("description")
        if not isinstance(duration, int) or isinstance(duration, bool):
            duration = None
            unknown.append("max_session_duration")
    path = attributes.get("path")
    return CurrentIdentity(
        kind=identity.kind,
        name=identity.name,
        path=path if isinstance(path, str) and path else "/",
        tags=dict(identity.tags),
        trust_policy=trust,
        permissions_boundary=boundary,
        description=description if isinstance(description, str) else None,
        max_session_duration=duration if isinstance(duration, int) else None,
        unknown=tuple(unknown),
        managed_arns=tuple(dict.fromkeys(managed)),
        inline=tuple(inline),
    )


def _check_replacements(plan: IdentityPlan, current: CurrentIdentity) -> None:
    """Every policy the plan replaces must be one the identity holds directly today."""
    inline_names = {p.name for p in current.inline}
    for replacement in plan.replaces:
        held = (
            managed_arn(replacement) in current.managed_arns
            if replacement.managed
            else replacement.name in inline_names
        )
        if not held:
            what = "managed policy" if replacement.managed else "inline policy"
            raise InputError(
                f"{plan.identity}: the plan replaces {what} {replacement.name!r}, which the "
                "snapshot does not show attached to this identity (a group's policy, or a plan "
                "made from another snapshot)"
            )


def managed_arn(replacement: Replacement) -> str:
    """The ARN of a managed policy attachment (the permission set id is the ARN)."""
    return replacement.arn or replacement.permission_set


def kept_managed(plan: IdentityPlan, current: CurrentIdentity) -> list[str]:
    """Managed policies that stay attached: the snapshot's attachments minus the replaced ones.

    The snapshot, not :attr:`IdentityPlan.kept_attachments`, decides: a plan may list the
    permissions boundary there, and declaring it as an attachment would grant its permissions.
    """
    replaced = {managed_arn(r) for r in plan.replaces if r.managed}
    return [arn for arn in current.managed_arns if arn not in replaced]


def kept_inline(plan: IdentityPlan, current: CurrentIdentity) -> list[str]:
    """Inline policies that stay: the snapshot's inline policies minus the replaced ones."""
    replaced = {r.name for r in plan.replaces if not r.managed}
    return [p.name for p in current.inline if p.name not in replaced]

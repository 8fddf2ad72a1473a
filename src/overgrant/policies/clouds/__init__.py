"""What the neutral rule kinds ask of each cloud, behind one Protocol and one table.

Rule kinds never branch on the cloud: they ask a :class:`CloudSupport` (looked up by
:class:`~overgrant.model.Cloud` in the table :func:`default_cloud_support` returns) for an
identity's effective permissions, its last-used evidence and the escalation family of a graph
method. A cloud without an entry contributes graph structure only and its identities are
skipped by the kinds that need permissions or usage evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from overgrant.findings import StatementEvidence
from overgrant.graph.build import CloudAnalyzer
from overgrant.model import Cloud, Credential, Identity, Inventory

ACCESS_LEVELS = ("list", "read", "write", "tagging", "permissions-management")
"""Neutral access-level names rules use; each cloud maps them onto its own levels."""


class IdentityPermissions(Protocol):
    """One identity's effective permissions, queried with action patterns."""

    def matching(
        self,
        patterns: Sequence[str],
        *,
        exclude: Sequence[str] = (),
        levels: Collection[str] = (),
        resource_wildcard: bool = False,
        include_conditional: bool = False,
    ) -> tuple[str, ...]:
        """Allowed actions matching any pattern and none of ``exclude``, in catalog order.

        Args:
            patterns: action patterns in the cloud's syntax (``s3:Get*``, ``*``).
            exclude: patterns of actions to leave out.
            levels: neutral access levels (:data:`ACCESS_LEVELS`); empty means any.
            resource_wildcard: only actions allowed by a statement that covers every resource.
            include_conditional: also actions allowed only under conditions not known here.
        """
        ...

    def covers(
        self, pattern: str, *, resource_wildcard: bool = False, include_conditional: bool = False
    ) -> bool:
        """Whether every action the pattern denotes is allowed (``iam:*`` in effect)."""
        ...

    def statements(
        self, patterns: Sequence[str], *, resource_wildcard: bool = False
    ) -> tuple[StatementEvidence, ...]:
        """The identity's Allow statements that grant actions matching ``patterns``."""
        ...

    def services(self) -> frozenset[str]:
        """Service namespaces in which the identity is allowed at least one action."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """What the inventory says about when an identity was last used."""

    known: bool
    """False when the inventory holds no last-used evidence for this identity at all."""
    last_used: datetime | None = None
    """The most recent recorded use (identity or any of its credentials); ``None``: none seen."""
    window_days: int | None = None
    """How far back the evidence reaches, in days (``None``: unknown)."""
    basis: str = ""
    """Where the evidence comes from, in words (``RoleLastUsed``, ``the credential report``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceUsage:
    """Per-service last access of one identity (AWS Access Advisor and its equivalents)."""

    last_accessed: Mapping[str, datetime | None]
    """Service namespace -> last access in the window, ``None`` for not accessed."""
    window_days: int


class CloudSupport(Protocol):
    """One cloud's answers to the neutral rule kinds."""

    def analyzer(self) -> CloudAnalyzer:
        """The graph analyzer that draws this cloud's attack edges."""
        ...

    def permissions(self, identity: Identity) -> IdentityPermissions | None:
        """Effective permissions of an identity; ``None`` for identities that hold none."""
        ...

    def activity(self, identity: Identity, credentials: Sequence[Credential]) -> Activity:
        """When the identity was last used, as far as the inventory can tell."""
        ...

    def service_usage(self, identity: Identity) -> ServiceUsage | None:
        """Per-service last access, when the inventory holds it."""
        ...

    def method_family(self, method: str) -> str | None:
        """The escalation family of a graph method id (``None`` for ``holds-admin``...)."""
        ...


SupportFactory = Callable[[Inventory, datetime], CloudSupport]
"""Builds a cloud's support for one inventory, evaluating time conditions at the given time."""


def default_cloud_support() -> dict[Cloud, SupportFactory]:
    """A fresh table of the supported clouds (each factory loads its catalogs once, on use)."""
    from overgrant.policies.clouds.aws import AwsSupportFactory

    return {Cloud.AWS: AwsSupportFactory()}


__all__ = [
    "ACCESS_LEVELS",
    "Activity",
    "CloudSupport",
    "IdentityPermissions",
    "ServiceUsage",
    "SupportFactory",
    "default_cloud_support",
]

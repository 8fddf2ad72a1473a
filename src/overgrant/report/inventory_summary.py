"""What an inventory holds, counted for people: identities, credentials by age, coverage gaps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from overgrant.model import CoverageGap, CredentialKind, Inventory, ScopeKind

AGE_BUCKETS: tuple[tuple[str, int], ...] = (
    ("< 90 days", 90),
    ("90-365 days", 365),
    ("1-2 years", 730),
    ("> 2 years", 10**6),
)
"""Upper bounds in days for credential age buckets (90 days is AWS's rotation advice)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InventorySummary:
    identities_by_cloud_kind: Mapping[tuple[str, str], int]
    identities_by_nature: Mapping[str, int]
    accounts: int
    permission_sets: int
    grants: int
    credentials_by_kind: Mapping[str, int]
    key_age_buckets: Mapping[str, int]
    keys_never_used: int
    workloads: int
    resources_with_policies: int
    federation_providers: int
    coverage_gaps: tuple[CoverageGap, ...]
    sources: tuple[str, ...]


def _age_bucket(days: int) -> str:
    return next(label for label, bound in AGE_BUCKETS if days < bound)


def summarize_inventory(inventory: Inventory, *, now: datetime | None = None) -> InventorySummary:
    """Count what an inventory holds; key ages are measured at ``now`` (default: the clock)."""
    now = now or datetime.now(UTC)
    keys = [
        c
        for c in inventory.credentials
        if c.active and c.kind in (CredentialKind.ACCESS_KEY, CredentialKind.SERVICE_ACCOUNT_KEY)
    ]
    ages = Counter(_age_bucket((now - c.created).days) for c in keys if c.created is not None)
    return InventorySummary(
        identities_by_cloud_kind=dict(
            sorted(Counter((i.cloud.value, i.kind.value) for i in inventory.identities).items())
        ),
        identities_by_nature=dict(
            sorted(Counter(i.nature.value for i in inventory.identities).items())
        ),
        accounts=sum(
            s.kind in (ScopeKind.ACCOUNT, ScopeKind.SUBSCRIPTION, ScopeKind.PROJECT)
            for s in inventory.scopes
        ),
        permission_sets=len(inventory.permission_sets),
        grants=len(inventory.grants),
        credentials_by_kind=dict(
            sorted(Counter(c.kind.value for c in inventory.credentials).items())
        ),
        key_age_buckets={label: ages.get(label, 0) for label, _ in AGE_BUCKETS},
        keys_never_used=sum(c.last_used is None for c in keys),
        workloads=len(inventory.workloads),
        resources_with_policies=sum(r.policy is not None for r in inventory.resources),
        federation_providers=len(inventory.federation_providers),
        coverage_gaps=inventory.coverage_gaps,
        sources=tuple(f"{s.kind}: {s.detail}" if s.detail else s.kind for s in inventory.sources),
    )

"""What the minimizer may assume and how far it may go: options and the observability contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from overgrant.usage import EvidenceWindow


class Observability(Protocol):
    """Says whether a usage source could have shown an action at all.

    The evidence side implements it (``overgrant.catalogs.cloudtrail.CloudTrailMapping``):
    CloudTrail never shows data events that a trail does not record, nor the few actions it
    never logs. An action it could not show is never removed for lack of evidence.
    """

    def is_observable(self, action: str, window: EvidenceWindow) -> bool:
        """Whether a call needing ``action`` would have left a record in ``window``."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class MinimizeOptions:
    """Knobs of the minimizer; the defaults suit a first review of workload roles."""

    min_window_days: int = 30
    """Evidence shorter than this keeps a permission (flagged) rather than removing it.
    30 days covers monthly jobs (billing exports, month-end reports), the most common long
    cycle of workload roles; quarterly jobs need a longer window, set it higher for them."""
    generalise_at: int = 5
    """Observed resources of one action sharing a path prefix become ``prefix/*`` from this many
    on (never wider than today's statement)."""
    max_policy_chars: int = 6144
    """IAM's limit for one managed policy, whitespace not counted (IAM User Guide: IAM and AWS
    STS quotas — "Managed policy size")."""
    max_managed_policies: int = 10
    """Managed policies attachable to one role or user (default quota, same page)."""
    policy_prefix: str = "overgrant-lp"
    """Names of the new policies: ``<prefix>-<identity name>[-<n>]``."""

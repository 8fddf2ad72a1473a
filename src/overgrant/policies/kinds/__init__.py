"""The rule kinds: one explicit table from the name rule files use to the kind's detector.

A rule file's ``kind`` must be a key of :data:`KINDS`, and ``schemas/rule.schema.json`` checks
its ``params`` against the kind's own schema (``$defs/<kind>``). Adding a kind means writing its
module, adding it here and adding its ``$defs`` entry and ``if/then`` branch to the schema; a
test keeps the table and the schema in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from overgrant.policies.kinds.base import Limitation, Match, Params, RuleKind
from overgrant.policies.kinds.escalation_path import ESCALATION_PATH
from overgrant.policies.kinds.grant_pattern import GRANT_PATTERN
from overgrant.policies.kinds.ownership import OWNERSHIP
from overgrant.policies.kinds.permission_combination import PERMISSION_COMBINATION
from overgrant.policies.kinds.stale_credentials import STALE_CREDENTIALS
from overgrant.policies.kinds.trust_relation import TRUST_RELATION
from overgrant.policies.kinds.unused_permissions import UNUSED_PERMISSIONS

KINDS: Mapping[str, RuleKind] = MappingProxyType(
    {
        "grant-pattern": GRANT_PATTERN,
        "permission-combination": PERMISSION_COMBINATION,
        "escalation-path": ESCALATION_PATH,
        "trust-relation": TRUST_RELATION,
        "unused-permissions": UNUSED_PERMISSIONS,
        "stale-credentials": STALE_CREDENTIALS,
        "ownership": OWNERSHIP,
    }
)
"""Every rule kind by the name rule files give in ``kind``."""

__all__ = ["KINDS", "Limitation", "Match", "Params", "RuleKind"]

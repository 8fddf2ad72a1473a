"""AWS answers to the neutral rule kinds: effective permissions, last use, escalation families.

Effective permissions come from :class:`~overgrant.graph.effective.aws.AwsEvaluator` (one per
scan, shared with the graph's analyzer so each policy is compiled once). Last-used evidence comes
from what the AWS importers and collector put in the inventory, with the tracking windows AWS
documents for each source.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from types import MappingProxyType

from overgrant.catalogs.aws import AccessLevel, AwsCatalog, load_aws_catalog
from overgrant.catalogs.escalation import EscalationMethod, load_aws_escalation_methods
from overgrant.findings import StatementEvidence
from overgrant.graph.aws import AwsAnalyzer
from overgrant.graph.build import CloudAnalyzer
from overgrant.graph.effective.aws import AwsEvaluator, Effect, EffectivePermissions
from overgrant.model import Cloud, Credential, CredentialKind, Identity, IdentityKind, Inventory
from overgrant.policies.clouds import Activity, IdentityPermissions, ServiceUsage

_LEVELS = MappingProxyType(
    {
        "list": AccessLevel.LIST,
        "read": AccessLevel.READ,
        "write": AccessLevel.WRITE,
        "tagging": AccessLevel.TAGGING,
        "permissions-management": AccessLevel.PERMISSIONS_MANAGEMENT,
    }
)

ROLE_LAST_USED_DAYS = 400
"""IAM API Reference, RoleLastUsed: "Activity is only reported for the trailing 400 days"."""

SERVICE_LAST_ACCESSED_DAYS = 400
"""IAM User Guide, "Refine permissions using last accessed information": the tracking period
for service last accessed data is the trailing 400 days."""

SERVICES_LAST_ACCESSED = "services_last_accessed"
"""Identity attribute holding Access Advisor data: ``{"s3": "2026-10-01T00:00:00Z", "iam": null}``
(service namespace -> last access within the tracking period, ``null`` for none)."""

SERVICES_WINDOW = "services_last_accessed_window_days"
"""Optional identity attribute: the tracking period of :data:`SERVICES_LAST_ACCESSED`, in days."""

# Which inventory sources carry last-used evidence. The authorization-details export and the live
# collector both read RoleLastUsed; only the credential report and the live collector read when
# a user's password and access keys were last used.
_ROLE_EVIDENCE = frozenset({"aws-authz-export", "aws-live"})
_USER_EVIDENCE = frozenset({"aws-credential-report", "aws-live"})
_USER_CREDENTIALS = frozenset({CredentialKind.PASSWORD, CredentialKind.ACCESS_KEY})


class AwsPermissions:
    """An AWS identity's effective permissions as the rule kinds query them.

    "On any resource" means allowed by an identity-policy statement whose ``Resource`` is ``*``
    (or that uses ``NotResource``); a permissions boundary that narrows resources is not taken
    into account there (it is for the actions themselves).
    """

    def __init__(self, effective: EffectivePermissions, catalog: AwsCatalog) -> None:
        """Wrap one identity's effective permissions."""
        self._effective = effective
        self._catalog = catalog
        self._mask = (1 << effective.universe) - 1
        self._star: tuple[int, int] | None = None

    def _allowed(self, include_conditional: bool) -> int:
        e = self._effective
        return e.allowed | e.conditional if include_conditional else e.allowed

    def _identity_allows(self) -> list[tuple[StatementEvidence, int, bool, bool]]:
        """(evidence, action bits, covers every resource, unconditional) of Allow statements."""
        found = []
        for source, (set_id, policy) in self._effective.sources:
            if source != "identity":
                continue
            for statement in policy.statements:
                if statement.effect is not Effect.ALLOW:
                    continue
                evidence = StatementEvidence(
                    permission_set=set_id, index=statement.index, sid=statement.sid
                )
                anywhere = statement.covers_all_resources or statement.not_resource
                found.append(
                    (evidence, statement.action_bits, anywhere, statement.condition is None)
                )
        return found

    def _star_bits(self, include_conditional: bool) -> int:
        if self._star is None:
            star = star_conditional = 0
            for _, bits, anywhere, unconditional in self._identity_allows():
                if anywhere and unconditional:
                    star |= bits
                elif anywhere:
                    star_conditional |= bits
            self._star = (star, star_conditional)
        star, star_conditional = self._star
        return star | star_conditional if include_conditional else star

    def _level_bits(self, levels: Collection[str]) -> int:
        bits = 0
        for level in levels:
            bits |= self._catalog.level_bits(_LEVELS[level])
        return bits

    def matching(
        self,
        patterns: Sequence[str],
        *,
        exclude: Sequence[str] = (),
        levels: Collection[str] = (),
        resource_wildcard: bool = False,
        include_conditional: bool = False,
    ) -> tuple[str, ...]:
        """See :meth:`IdentityPermissions.matching`."""
        bits = self._catalog.expand_all(patterns) & self._allowed(include_conditional)
        if exclude:
            bits &= ~self._catalog.expand_all(exclude)
        if levels:
            bits &= self._level_bits(levels)
        if resource_wildcard:
            bits &= self._star_bits(include_conditional)
        return tuple(self._catalog.names(bits & self._mask))

    def covers(
        self, pattern: str, *, resource_wildcard: bool = False, include_conditional: bool = False
    ) -> bool:
        """See :meth:`IdentityPermissions.covers`."""
        wanted = self._catalog.expand(pattern) & self._mask
        if not wanted:
            return False
        have = self._allowed(include_conditional)
        if resource_wildcard:
            have &= self._star_bits(include_conditional)
        return wanted & ~have == 0

    def statements(
        self, patterns: Sequence[str], *, resource_wildcard: bool = False
    ) -> tuple[StatementEvidence, ...]:
        """See :meth:`IdentityPermissions.statements`."""
        wanted = self._catalog.expand_all(patterns) & self._allowed(include_conditional=True)
        found = {
            evidence
            for evidence, bits, anywhere, _ in self._identity_allows()
            if bits & wanted and (anywhere or not resource_wildcard)
        }
        return tuple(sorted(found, key=lambda s: (s.permission_set, s.index)))

    def services(self) -> frozenset[str]:
        """See :meth:`IdentityPermissions.services`."""
        names = self._catalog.names(self._effective.allowed & self._mask)
        return frozenset(name.partition(":")[0].lower() for name in names)


def _days(later: datetime, earlier: datetime) -> int:
    if earlier.tzinfo is None:  # naive times in an inventory are UTC (codec.format_datetime)
        earlier = earlier.replace(tzinfo=UTC)
    return max(0, (later - earlier).days)


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


class AwsSupport:
    """AWS support for one inventory (see :class:`~overgrant.policies.clouds.CloudSupport`)."""

    def __init__(
        self,
        inventory: Inventory,
        now: datetime,
        catalog: AwsCatalog,
        methods: Sequence[EscalationMethod],
    ) -> None:
        """Index the inventory; policies are compiled on first use."""
        self._evaluator = AwsEvaluator(inventory, catalog, at=now)
        self._catalog = catalog
        self._methods = methods
        self._families: dict[str, str] = {str(m.id): m.family.value for m in methods}
        self._now = now
        kinds = {s.kind for s in inventory.sources if s.cloud is Cloud.AWS}
        self._roles_known = bool(kinds & _ROLE_EVIDENCE)
        self._users_known = bool(kinds & _USER_EVIDENCE)

    def analyzer(self) -> CloudAnalyzer:
        """The AWS graph analyzer, sharing this support's evaluator."""
        return AwsAnalyzer(self._evaluator, self._methods)

    def permissions(self, identity: Identity) -> IdentityPermissions | None:
        """Effective permissions of a user, role or root user (groups hold none of their own)."""
        if identity.kind is IdentityKind.GROUP:
            return None
        try:
            effective = self._evaluator.effective(identity.id)
        except KeyError:
            return None
        return AwsPermissions(effective, self._catalog)

    def activity(self, identity: Identity, credentials: Sequence[Credential]) -> Activity:
        """Last use of a role (RoleLastUsed) or a user (its password and access keys)."""
        age = _days(self._now, identity.created) if identity.created is not None else None
        if identity.kind is IdentityKind.ROLE:
            if not self._roles_known:
                return Activity(known=False, basis="no source in the inventory reads RoleLastUsed")
            window = ROLE_LAST_USED_DAYS if age is None else min(ROLE_LAST_USED_DAYS, age)
            return Activity(
                known=True,
                last_used=identity.last_used,
                window_days=window,
                basis="RoleLastUsed (AWS reports the trailing 400 days)",
            )
        if identity.kind in (IdentityKind.USER, IdentityKind.ROOT):
            if not self._users_known:
                return Activity(
                    known=False, basis="no credential report or live collection in the inventory"
                )
            uses = [c.last_used for c in credentials if c.kind in _USER_CREDENTIALS]
            uses.append(identity.last_used)
            seen = [u for u in uses if u is not None]
            return Activity(
                known=True,
                last_used=max(seen) if seen else None,
                window_days=age,
                basis="the credential report (console password and access key last use)",
            )
        return Activity(known=False, basis=f"no last-used evidence for a {identity.kind.value}")

    def service_usage(self, identity: Identity) -> ServiceUsage | None:
        """Access Advisor data from the identity's attributes, when a collector stored it."""
        raw = identity.attributes.get(SERVICES_LAST_ACCESSED)
        if not isinstance(raw, dict):
            return None
        window = identity.attributes.get(SERVICES_WINDOW)
        return ServiceUsage(
            last_accessed={str(k).lower(): _timestamp(v) for k, v in raw.items()},
            window_days=window if isinstance(window, int) else SERVICE_LAST_ACCESSED_DAYS,
        )

    def method_family(self, method: str) -> str | None:
        """The escalation catalog's family of a method id."""
        return self._families.get(method)


class AwsSupportFactory:
    """Builds :class:`AwsSupport`; loads the AWS catalogs on first use and reuses them."""

    def __init__(
        self,
        catalog: AwsCatalog | None = None,
        methods: Sequence[EscalationMethod] | None = None,
    ) -> None:
        """Use the given catalogs, or load the bundled ones when first needed."""
        self._catalog = catalog
        self._methods = tuple(methods) if methods is not None else None

    def __call__(self, inventory: Inventory, now: datetime) -> AwsSupport:
        """AWS support for one inventory."""
        if self._catalog is None:
            self._catalog = load_aws_catalog()
        if self._methods is None:
            self._methods = load_aws_escalation_methods()
        return AwsSupport(inventory, now, self._catalog, self._methods)

"""Selection, apart from detection: which rules run, at what severity, and which findings count.

Detection (the rule kinds) reports everything it sees; this module applies the repository's
choices — disabled rules, severity overrides, suppressions with an owner and an expiry date, and
the accepted baseline — the way flake8's style guide sits apart from its checkers. An expired
suppression stops suppressing and leaves a warning saying so; nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from fnmatch import fnmatchcase

from overgrant.config import Config, Suppression
from overgrant.errors import ConfigError
from overgrant.findings import Finding
from overgrant.policies.result import SuppressedFinding, SuppressionKind
from overgrant.policies.rule import Rule, RuleStatus

_WILDCARDS = frozenset("*?[")


@dataclass(frozen=True, slots=True, kw_only=True)
class Selection:
    """Findings that count, findings set aside (and why), and what the reader must know."""

    findings: tuple[Finding, ...]
    suppressed: tuple[SuppressedFinding, ...]
    warnings: tuple[str, ...]


def finding_order(finding: Finding) -> tuple[int, str, str, str]:
    """Most severe first, then by rule id, identity and key."""
    return (-finding.severity.rank, finding.rule_id, finding.identity, finding.key)


def check_config(rules: Sequence[Rule], config: Config) -> None:
    """Refuse overrides, disabled rules and suppressions that name a rule that does not exist."""
    known = {r.id for r in rules}

    def refuse(pointer: str, rule: str) -> ConfigError:
        return ConfigError(
            f"{config.source}: invalid configuration at {pointer}: no rule {rule} "
            "(see 'overgrant rules list')"
        )

    for rule in sorted(config.severity_overrides):
        if rule not in known:
            raise refuse(f"/severity_overrides/{rule}", rule)
    for index, rule in enumerate(config.disabled_rules):
        if rule not in known:
            raise refuse(f"/disabled_rules/{index}", rule)
    for suppression in config.suppressions:
        literal = not _WILDCARDS.intersection(suppression.rule)
        if literal and suppression.rule not in known:
            raise refuse(f"{suppression.pointer}/rule", suppression.rule)


def select_rules(rules: Iterable[Rule], config: Config) -> tuple[Rule, ...]:
    """The rules that run: not disabled, not deprecated, with the configured severity."""
    disabled = set(config.disabled_rules)
    chosen = []
    for rule in rules:
        if rule.id in disabled or rule.status is RuleStatus.DEPRECATED:
            continue
        override = config.severity_overrides.get(rule.id)
        chosen.append(replace(rule, severity=override) if override is not None else rule)
    return tuple(sorted(chosen, key=lambda r: r.id))


def _matches(suppression: Suppression, finding: Finding) -> bool:
    if not fnmatchcase(finding.rule_id, suppression.rule):
        return False
    pattern = suppression.identity
    return fnmatchcase(finding.identity, pattern) or fnmatchcase(finding.identity_name, pattern)


def _expired_warning(config: Config, suppression: Suppression, count: int) -> str:
    again = f"{count} finding(s) it matched are active again" if count else "it matches nothing"
    return (
        f"{config.source}{suppression.pointer}: the suppression of {suppression.rule} for "
        f"{suppression.identity!r} (owner: {suppression.owner}) expired on "
        f"{suppression.expires.isoformat()} and no longer suppresses; {again}"
    )


def select_findings(
    findings: Iterable[Finding],
    *,
    config: Config,
    baseline: Iterable[Finding] = (),
    today: date,
) -> Selection:
    """Set suppressed and baselined findings aside; sort what remains.

    A finding matched by a live suppression is suppressed with kind ``CONFIG``; otherwise, if
    the baseline holds its fingerprint, with kind ``BASELINE``. A suppression whose expiry date
    is before ``today`` suppresses nothing and adds a warning.
    """
    live = [s for s in config.suppressions if s.expires >= today]
    expired = [s for s in config.suppressions if s.expires < today]
    accepted = {f.fingerprint for f in baseline}
    active: list[Finding] = []
    suppressed: list[SuppressedFinding] = []
    revived = dict.fromkeys(range(len(expired)), 0)
    for finding in findings:
        rule = next((s for s in live if _matches(s, finding)), None)
        for index, old in enumerate(expired):
            revived[index] += _matches(old, finding)
        if rule is not None:
            suppressed.append(
                SuppressedFinding(
                    finding=finding,
                    kind=SuppressionKind.CONFIG,
                    reason=rule.reason,
                    owner=rule.owner,
                    expires=rule.expires,
                )
            )
        elif finding.fingerprint in accepted:
            suppressed.append(
                SuppressedFinding(
                    finding=finding, kind=SuppressionKind.BASELINE, reason="in the baseline"
                )
            )
        else:
            active.append(finding)
    warnings = [_expired_warning(config, s, revived[i]) for i, s in enumerate(expired)]
    return Selection(
        findings=tuple(sorted(active, key=finding_order)),
        suppressed=tuple(sorted(suppressed, key=lambda s: finding_order(s.finding))),
        warnings=tuple(warnings),
    )

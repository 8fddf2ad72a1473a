"""The rule engine: run each rule's kind over the scan context and turn matches into findings.

Detection only: :func:`detect` adds each rule's id, name and severity to what its kind found
and computes the fingerprint (rule id + identity + the kind's key). :func:`run_scan` puts the
steps of a scan together — load and select rules, build the context, detect, then apply
suppressions and the baseline (:mod:`overgrant.policies.selection`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from overgrant.config import Config
from overgrant.findings import Finding, make_finding
from overgrant.graph.build import PermissionGraph
from overgrant.model import Cloud, Inventory
from overgrant.policies.clouds import SupportFactory
from overgrant.policies.context import ScanContext
from overgrant.policies.kinds import KINDS, Limitation
from overgrant.policies.kinds.base import plural
from overgrant.policies.loader import load_rules
from overgrant.policies.result import ScanResult
from overgrant.policies.rule import Rule
from overgrant.policies.selection import check_config, select_findings, select_rules


def detect(rules: Sequence[Rule], context: ScanContext) -> tuple[list[Finding], list[str]]:
    """Every finding of ``rules`` (one per fingerprint) and the limitations the kinds met.

    A rule reports only on identities of the clouds it lists.
    """
    found: dict[str, Finding] = {}
    warnings: list[str] = []
    for rule in rules:
        clouds = set(rule.clouds)
        for item in KINDS[rule.kind].detect(context, rule.params):
            if isinstance(item, Limitation):
                warnings.append(f"{rule.id} {rule.name}: {item.message}")
                continue
            identity = item.identity
            if identity.cloud not in clouds:
                continue
            finding = make_finding(
                rule_id=rule.id,
                rule_name=rule.name,
                severity=rule.severity,
                identity=identity.id,
                identity_name=identity.name,
                cloud=identity.cloud,
                container=identity.container,
                message=item.message,
                key=item.key,
                evidence=item.evidence,
            )
            found.setdefault(finding.fingerprint, finding)
    return list(found.values()), warnings


def _unsupported(context: ScanContext) -> list[str]:
    counts: dict[Cloud, int] = {}
    for identity in context.identities:
        if not context.supports(identity.cloud):
            counts[identity.cloud] = counts.get(identity.cloud, 0) + 1
    return [
        f"{plural(count, f'{cloud.value} identity')} not evaluated: overgrant has no "
        f"{cloud.value} rule support yet"
        for cloud, count in sorted(counts.items())
    ]


def run_scan(
    inventory: Inventory,
    *,
    config: Config | None = None,
    baseline: Sequence[Finding] = (),
    source: str = "sample",
    now: datetime | None = None,
    graph: PermissionGraph | None = None,
    rules: Sequence[Rule] | None = None,
    clouds: Mapping[Cloud, SupportFactory] | None = None,
) -> ScanResult:
    """Scan an inventory: every selected rule, then suppressions and the baseline.

    Args:
        inventory: the estate.
        config: the repository configuration (default: none).
        baseline: accepted findings; those the scan finds again are suppressed as BASELINE.
        source: what was scanned, for reports.
        now: the scan's time (default: the current time).
        graph: a permission graph already built for the inventory.
        rules: the rules to choose from (default: the built-in pack plus the config's packs).
        clouds: per-cloud support factories (default: every supported cloud).

    Raises:
        ConfigError: a rule pack or the configuration is invalid.
    """
    config = config or Config()
    available = tuple(rules) if rules is not None else load_rules(config)
    check_config(available, config)
    selected = select_rules(available, config)
    context = ScanContext.build(inventory, now=now, graph=graph, clouds=clouds)
    findings, notes = detect(selected, context)
    selection = select_findings(
        findings, config=config, baseline=baseline, today=context.now.date()
    )
    return ScanResult(
        findings=selection.findings,
        suppressed=selection.suppressed,
        rules=selected,
        coverage_gaps=inventory.coverage_gaps,
        source=source,
        scanned_at=context.now,
        warnings=(*_unsupported(context), *notes, *selection.warnings),
    )

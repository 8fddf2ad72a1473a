"""Selection apart from detection: disabled rules, severity overrides, suppressions with expiry,
and the baseline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pytest

from overgrant.config import Config, Suppression, load_config
from overgrant.findings import Finding, Severity
from overgrant.model import Cloud, Inventory
from overgrant.policies.clouds import SupportFactory
from overgrant.policies.engine import run_scan
from overgrant.policies.result import ScanResult, SuppressionKind
from overgrant.policies.rule import Rule
from overgrant.policies.selection import finding_order
from tests.policies.estate import NOW, CaseEstate, days_ago


@pytest.fixture(scope="module")
def estate() -> Inventory:
    """Two users with an old key each, one of them without an owner tag."""
    built = CaseEstate()
    for name, tags in (("legacy-ci", {}), ("deploy-bot", {"owner": "platform"})):
        user = built.user(name, tags=tags)
        built.credential(user, "access_key_1", created=days_ago(400), last_used=days_ago(1))
    return built.inventory()


@pytest.fixture(scope="module")
def rules(builtin_rules: tuple[Rule, ...]) -> list[Rule]:
    return [r for r in builtin_rules if r.id in ("OG403", "OG408")]


def scan(
    estate: Inventory,
    rules: list[Rule],
    clouds: Mapping[Cloud, SupportFactory],
    config: Config | None = None,
    baseline: Sequence[Finding] = (),
) -> ScanResult:
    return run_scan(estate, rules=rules, config=config, baseline=baseline, now=NOW, clouds=clouds)


def suppression(identity: str, expires: date, rule: str = "OG403") -> Suppression:
    return Suppression(
        rule=rule,
        identity=identity,
        reason="migrating to OIDC",
        owner="platform",
        expires=expires,
        pointer="/suppressions/0",
    )


def test_without_config_every_finding_is_active_and_sorted(
    estate: Inventory, rules: list[Rule], clouds: Mapping[Cloud, SupportFactory]
) -> None:
    result = scan(estate, rules, clouds)
    assert [(f.rule_id, f.identity_name) for f in result.findings] == [
        ("OG403", "deploy-bot"),
        ("OG403", "legacy-ci"),
        ("OG408", "legacy-ci"),
    ]
    assert list(result.findings) == sorted(result.findings, key=finding_order)
    assert result.suppressed == () and result.scanned_at == NOW


def test_severity_override_and_disabled_rules(
    estate: Inventory, rules: list[Rule], clouds: Mapping[Cloud, SupportFactory]
) -> None:
    config = Config(severity_overrides={"OG408": Severity.CRITICAL}, disabled_rules=("OG403",))
    result = scan(estate, rules, clouds, config)
    assert [(f.rule_id, f.severity) for f in result.findings] == [("OG408", Severity.CRITICAL)]
    assert [(r.id, r.severity) for r in result.rules] == [("OG408", Severity.CRITICAL)]


def test_a_live_suppression_sets_findings_aside_with_its_reason(
    estate: Inventory, rules: list[Rule], clouds: Mapping[Cloud, SupportFactory]
) -> None:
    config = Config(suppressions=(suppression("legacy-*", date(2026, 6, 1)),))
    result = scan(estate, rules, clouds, config)
    (aside,) = result.suppressed
    assert (aside.finding.rule_id, aside.finding.identity_name) == ("OG403", "legacy-ci")
    assert (aside.kind, aside.reason, aside.owner) == (
        SuppressionKind.CONFIG,
        "migrating to OIDC",
        "platform",
    )
    assert aside.expires == date(2026, 6, 1)
    assert ("OG403", "legacy-ci") not in {(f.rule_id, f.identity_name) for f in result.findings}
    assert result.warnings == ()


def test_a_suppression_matches_identity_ids_too(
    estate: Inventory, rules: list[Rule], clouds: Mapping[Cloud, SupportFactory]
) -> None:
    config = Config(suppressions=(suppression("arn:aws:iam::*:user/*", date(2027, 1, 1), "OG4*"),))
    result = scan(estate, rules, clouds, config)
    assert result.findings == () and len(result.suppressed) == 3


def test_an_expired_suppression_stops_suppressing_and_says_so(
    tmp_path: Path, estate: Inventory, rules: list[Rule], clouds: Mapping[Cloud, SupportFactory]
) -> None:
    path = tmp_path / ".overgrant.yml"
    path.write_text(
        "suppressions:\n"
        "  - rule: OG403\n"
        "    identity: legacy-ci\n"
        "    reason: migrating to OIDC\n"
        "    owner: platform\n"
        "    expires: 2026-05-31\n",
        encoding="utf-8",
    )
    result = scan(estate, rules, clouds, load_config(path))
    assert ("OG403", "legacy-ci") in {(f.rule_id, f.identity_name) for f in result.findings}
    assert result.suppressed == ()
    (warning,) = result.warnings
    assert f"{path}/suppressions/0" in warning
    assert "expired on 2026-05-31" in warning and "no longer suppresses" in warning
    assert "1 finding(s)" in warning


def test_baseline_findings_are_suppressed_as_baseline(
    estate: Inventory, rules: list[Rule], clouds: Mapping[Cloud, SupportFactory]
) -> None:
    first = scan(estate, rules, clouds)
    accepted = [f for f in first.findings if f.rule_id == "OG408"]
    second = scan(estate, rules, clouds, baseline=accepted)
    assert [s.kind for s in second.suppressed] == [SuppressionKind.BASELINE]
    assert second.suppressed[0].finding.fingerprint == accepted[0].fingerprint
    assert len(second.findings) == len(first.findings) - 1

"""``overgrant rules list|show`` (the group is registered in cli/main.py by the lead)."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest
from click.testing import CliRunner

from overgrant.cli.rules import rules as rules_command
from overgrant.errors import InputError
from overgrant.model import Cloud, Identity, IdentityId, IdentityKind, Inventory, ScopeId
from overgrant.policies.clouds import SupportFactory
from overgrant.policies.engine import run_scan
from overgrant.policies.rule import Rule
from tests.policies.estate import NOW


def test_list_names_every_rule(builtin_rules: tuple[Rule, ...]) -> None:
    result = CliRunner().invoke(rules_command, ["list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == len(builtin_rules) + 1
    assert lines[1].split()[:4] == ["OG101", "workload-holds-admin", "critical", "escalation-path"]
    as_json = json.loads(CliRunner().invoke(rules_command, ["list", "--format", "json"]).output)
    assert [r["id"] for r in as_json] == [r.id for r in builtin_rules]
    assert as_json[0]["limitations"] and as_json[0]["params"] == {
        "methods": ["holds-admin"],
        "max_hops": 1,
        "natures": ["workload"],
    }


def test_show_prints_the_fixed_sections() -> None:
    result = CliRunner().invoke(rules_command, ["show", "og205"])
    assert result.exit_code == 0, result.output
    for heading in ("What it does", "Why is this bad?", "What it cannot see", "Remediation"):
        assert f"\n{heading}\n" in result.output
    assert result.output.startswith("OG205 passrole-compute-to-admin")


def test_show_refuses_an_unknown_rule() -> None:
    result = CliRunner().invoke(rules_command, ["show", "OG999"])
    assert isinstance(result.exception, InputError)


def test_identities_of_a_cloud_without_support_are_named_in_warnings(
    builtin_rules: tuple[Rule, ...], clouds: Mapping[Cloud, SupportFactory]
) -> None:
    principal = Identity(
        id=IdentityId("00000000-0000-0000-0000-000000000001"),
        cloud=Cloud.AZURE,
        kind=IdentityKind.SERVICE_PRINCIPAL,
        name="deployer",
        container=ScopeId("tenant"),
    )
    result = run_scan(
        Inventory(identities=(principal,)), rules=builtin_rules, now=NOW, clouds=clouds
    )
    assert result.findings == ()
    assert any("1 azure identity not evaluated" in w for w in result.warnings)


@pytest.mark.parametrize("rule_id", ["OG101", "og101"])
def test_show_accepts_any_case(rule_id: str) -> None:
    assert CliRunner().invoke(rules_command, ["show", rule_id]).exit_code == 0

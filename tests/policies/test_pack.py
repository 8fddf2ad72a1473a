"""The built-in rule pack, linted as a whole: it loads, its ids, names and files agree, every rule
and kind has a case, the schema and the code agree, and the generated docs are fresh."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from overgrant.catalogs.escalation import Family
from overgrant.cli.rules import rules as rules_command
from overgrant.findings import Severity
from overgrant.graph.aws_trust import TrustRisk
from overgrant.model import CredentialKind, IdentityKind, Nature
from overgrant.policies.clouds import ACCESS_LEVELS
from overgrant.policies.docs import render_rules_markdown
from overgrant.policies.kinds import KINDS
from overgrant.policies.rule import Rule
from overgrant.schemas import load_schema

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "src" / "overgrant" / "policies" / "rules"
CASES = Path(__file__).parent / "cases"
DOCS = ROOT / "docs" / "rules.md"
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_every_file_is_a_rule_named_after_its_id_and_name(builtin_rules: tuple[Rule, ...]) -> None:
    files = sorted(p.name for p in PACK.iterdir() if p.is_file())
    assert files == sorted(f"{r.id}-{r.name}.yaml" for r in builtin_rules)
    assert all(r.source == f"policies/rules/{r.id}-{r.name}.yaml" for r in builtin_rules)


def test_ids_are_unique_and_grouped_by_family(builtin_rules: tuple[Rule, ...]) -> None:
    ids = [r.id for r in builtin_rules]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"OG[1-4][0-9]{2}", i) for i in ids), ids


def test_names_are_kebab_case_and_unique(builtin_rules: tuple[Rule, ...]) -> None:
    names = [r.name for r in builtin_rules]
    assert all(KEBAB.fullmatch(n) for n in names), names
    assert len(names) == len(set(names))


def test_every_rule_is_documented_for_people(builtin_rules: tuple[Rule, ...]) -> None:
    for rule in builtin_rules:
        assert rule.title and rule.description and rule.limitations and rule.remediation
        assert rule.references and all(u.startswith("https://") for u in rule.references)
        assert rule.limitations in rule.rationale  # readers of the rationale see the limits


def test_severities_span_every_level(builtin_rules: tuple[Rule, ...]) -> None:
    assert {r.severity for r in builtin_rules} == set(Severity)


def test_every_rule_has_a_case_folder_and_every_folder_a_rule(
    builtin_rules: tuple[Rule, ...],
) -> None:
    folders = {p.name for p in CASES.iterdir() if p.is_dir() and p.name.startswith("OG")}
    assert folders == {r.id for r in builtin_rules}
    assert all((CASES / r.id / "case.py").is_file() for r in builtin_rules)


def test_every_kind_is_used_and_so_has_a_case(builtin_rules: tuple[Rule, ...]) -> None:
    used = {r.kind for r in builtin_rules}
    assert used == set(KINDS)


def test_every_escalation_family_has_its_rule(builtin_rules: tuple[Rule, ...]) -> None:
    covered = {
        family
        for r in builtin_rules
        if r.kind == "escalation-path"
        for family in r.params.get("families", [])
    }
    assert covered == {f.value for f in Family}


def test_schema_and_code_agree_on_names() -> None:
    schema = load_schema("rule")
    defs = schema["$defs"]
    assert schema["properties"]["kind"]["enum"] == list(KINDS)
    assert set(defs) >= set(KINDS)
    families = defs["escalation-path"]["properties"]["families"]["items"]["enum"]
    assert families == [f.value for f in Family]
    risks = defs["trust-relation"]["properties"]["risks"]["items"]["enum"]
    known = {v for k, v in vars(TrustRisk).items() if not k.startswith("_")}
    assert set(risks) == known
    levels = defs["grant-pattern"]["properties"]["levels"]["items"]["enum"]
    assert levels == list(ACCESS_LEVELS)
    assert defs["natures"]["items"]["enum"] == [n.value for n in Nature]
    kinds = defs["identity_kinds"]["items"]["enum"]
    assert kinds == [k.value for k in IdentityKind if k is not IdentityKind.GROUP]
    assert defs["credential_kinds"]["items"]["enum"] == [k.value for k in CredentialKind]


def test_docs_are_fresh(builtin_rules: tuple[Rule, ...]) -> None:
    assert DOCS.read_text(encoding="utf-8") == render_rules_markdown(builtin_rules), (
        "docs/rules.md is stale: run 'overgrant rules docs'"
    )
    result = CliRunner().invoke(rules_command, ["docs", "--check", "-o", str(DOCS)])
    assert result.exit_code == 0, result.output


def test_docs_check_fails_on_a_stale_page(tmp_path: Path) -> None:
    stale = tmp_path / "rules.md"
    stale.write_text("# Rules\n", encoding="utf-8")
    result = CliRunner().invoke(rules_command, ["docs", "--check", "-o", str(stale)])
    assert result.exit_code == 1
    assert "stale" in result.output
    written = CliRunner().invoke(rules_command, ["docs", "-o", str(stale)])
    assert written.exit_code == 0
    assert CliRunner().invoke(rules_command, ["docs", "--check", "-o", str(stale)]).exit_code == 0

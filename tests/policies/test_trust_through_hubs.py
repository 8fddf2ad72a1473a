"""A user rule about trust between identities still sees delegation the graph draws through
hubs: each role a caller may assume is reported, with the caller as the trusted party."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from overgrant.model import Cloud
from overgrant.policies.clouds import SupportFactory
from overgrant.policies.engine import run_scan
from overgrant.policies.loader import load_builtin_rules
from tests.policies.estate import NOW, CaseEstate, allow, doc, trust_aws, trust_service


def test_identity_sources_are_drawn_through_hubs(clouds: Mapping[Cloud, SupportFactory]) -> None:
    estate = CaseEstate()
    callers = [
        estate.role(
            f"ci-{n}", doc(allow("sts:AssumeRole")), trust=trust_service("ec2.amazonaws.com")
        )
        for n in range(3)
    ]
    root = f"arn:aws:iam::{estate.account}:root"
    delegated = [
        estate.role(f"app-{n}", doc(allow("s3:GetObject")), trust=trust_aws(root)) for n in range(3)
    ]
    aloof = estate.role(
        "aloof", doc(allow("s3:GetObject")), trust=trust_service("ec2.amazonaws.com")
    )
    base = next(r for r in load_builtin_rules() if r.id == "OG305")
    rule = replace(base, id="X001", params={"sources": ["identity"]})
    result = run_scan(estate.inventory(), rules=[rule], now=NOW, clouds=clouds, source="case")
    pairs = {(f.identity, f.evidence.facts["trusted"]) for f in result.findings}
    expected = {
        (role, f"identity:{caller}") for role in delegated for caller in callers if role != caller
    }
    assert expected <= pairs
    assert not any("group:" in str(trusted) for _, trusted in pairs)  # never a hub
    assert aloof not in {identity for identity, _ in pairs}

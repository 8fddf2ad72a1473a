"""can_assume edges with AWS semantics, from trust policies and identity policies."""

from __future__ import annotations

import pytest

from overgrant.catalogs.aws import AwsCatalog, load_aws_catalog
from overgrant.graph.aws_trust import AwsTrustAnalyzer, TrustEdge, TrustRisk
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.effective.decision import Outcome
from overgrant.model import Inventory

from .builders import Estate, allow, doc, trust_aws, trust_service

A, B, EXT = "111111111111", "222222222222", "999988887777"


@pytest.fixture(scope="module")
def catalog() -> AwsCatalog:
    return load_aws_catalog()


def edges(inventory: Inventory, catalog: AwsCatalog) -> list[TrustEdge]:
    analyzer = AwsTrustAnalyzer(inventory, AwsEvaluator(inventory, catalog))
    return list(analyzer.edges(inventory.identities))


def sources_into(found: list[TrustEdge], role: str) -> set[str]:
    return {e.source for e in found if e.role == role}


def test_same_account_trust_naming_the_role_needs_no_identity_allow(catalog: AwsCatalog) -> None:
    estate = Estate()
    caller = estate.role(A, "caller", trust_service("ec2.amazonaws.com"))
    target = estate.role(A, "target", trust_aws(caller))
    found = edges(estate.inventory(), catalog)
    assert sources_into(found, target) == {f"identity:{caller}"}
    assert all(e.outcome is Outcome.ALLOWED for e in found)


def test_trust_in_the_account_root_needs_the_callers_own_allow(catalog: AwsCatalog) -> None:
    estate = Estate()
    allowed = estate.role(
        A, "allowed", trust_service("ec2.amazonaws.com"), doc(allow("sts:AssumeRole"))
    )
    estate.role(A, "not-allowed", trust_service("ec2.amazonaws.com"), doc(allow("s3:GetObject")))
    target = estate.role(A, "target", trust_aws(f"arn:aws:iam::{A}:root"))
    assert sources_into(edges(estate.inventory(), catalog), target) == {f"identity:{allowed}"}


def test_cross_account_needs_both_sides(catalog: AwsCatalog) -> None:
    estate = Estate()
    named_only = estate.role(B, "named-only", trust_service("ec2.amazonaws.com"))
    both = estate.role(
        B,
        "both",
        trust_service("ec2.amazonaws.com"),
        doc(allow("sts:AssumeRole", f"arn:aws:iam::{A}:role/*")),
    )
    elsewhere = estate.role(
        B,
        "elsewhere",
        trust_service("ec2.amazonaws.com"),
        doc(allow("sts:AssumeRole", f"arn:aws:iam::{B}:role/*")),
    )
    target = estate.role(A, "target", trust_aws([named_only, both, elsewhere]))
    assert sources_into(edges(estate.inventory(), catalog), target) == {f"identity:{both}"}


def test_external_account_without_external_id_is_flagged(catalog: AwsCatalog) -> None:
    estate = Estate()
    bare = estate.role(A, "vendor-bare", trust_aws(f"arn:aws:iam::{EXT}:root"))
    guarded = estate.role(
        A,
        "vendor-guarded",
        trust_aws(f"arn:aws:iam::{EXT}:root", {"StringEquals": {"sts:ExternalId": "x-123"}}),
    )
    found = {e.role: e for e in edges(estate.inventory(), catalog)}
    assert found[bare].source == f"external:aws-account/{EXT}"
    assert found[bare].risks == (TrustRisk.EXTERNAL_WITHOUT_EXTERNAL_ID,)
    assert found[guarded].risks == ()
    assert found[guarded].outcome is Outcome.CONDITIONAL
    assert found[guarded].unknown_condition_keys == ("sts:externalid",)


def test_trust_to_anyone(catalog: AwsCatalog) -> None:
    estate = Estate()
    caller = estate.role(
        A, "caller", trust_service("ec2.amazonaws.com"), doc(allow("sts:AssumeRole"))
    )
    target = estate.role(
        A, "open", doc({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})
    )
    found = [e for e in edges(estate.inventory(), catalog) if e.role == target]
    assert {e.source for e in found} == {"external:anyone", f"identity:{caller}"}
    anyone = next(e for e in found if e.source == "external:anyone")
    assert anyone.risks == (TrustRisk.ANYONE,)


GITHUB = f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"


@pytest.mark.parametrize(
    ("condition", "flagged"),
    [
        ({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}, True),
        ({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}, True),
        ({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/infra:*"}}, False),
        (
            {
                "StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/m",
                }
            },
            False,
        ),
    ],
    ids=["aud-only", "any-repo", "one-repo", "one-branch"],
)
def test_github_oidc_trust_without_sub(
    catalog: AwsCatalog, condition: dict[str, object], flagged: bool
) -> None:
    estate = Estate()
    role = estate.role(
        A,
        "gh",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"Federated": GITHUB},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": condition,
            }
        ),
    )
    (edge,) = [e for e in edges(estate.inventory(), catalog) if e.role == role]
    assert edge.source == f"provider:{GITHUB}"
    assert (TrustRisk.GITHUB_WITHOUT_SUB in edge.risks) is flagged


def test_service_trust_is_not_an_assume_edge(catalog: AwsCatalog) -> None:
    estate = Estate()
    estate.role(A, "fn", trust_service("lambda.amazonaws.com"))
    assert edges(estate.inventory(), catalog) == []

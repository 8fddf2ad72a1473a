"""can_assume edges with AWS semantics, from trust policies and identity policies."""

from __future__ import annotations

import pytest

from overgrant.catalogs.aws import AwsCatalog, load_aws_catalog
from overgrant.graph.aws_trust import AwsTrustAnalyzer, TrustEdge, TrustRisk
from overgrant.graph.effective.aws import Admission, AwsEvaluator
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


def test_delegation_is_drawn_through_a_caller_class_and_a_role_group(catalog: AwsCatalog) -> None:
    """Callers of B allowed sts:AssumeRole on every role reach every role of A that delegates
    to B through two hubs; a caller whose grant names roles is decided role by role; a path
    shows one hop from the caller to the role, with the role-specific permission."""
    from overgrant.graph.aws import AwsAnalyzer
    from overgrant.graph.build import build_graph
    from overgrant.graph.nodes import NodeKind, split_key
    from overgrant.graph.paths import AttackGraph
    from overgrant.model import Cloud

    estate = Estate()
    anyone = doc(allow("sts:AssumeRole"))
    callers = [
        estate.role(B, f"ci-{n}", trust_service("ec2.amazonaws.com"), anyone) for n in range(3)
    ]
    narrow = estate.role(
        B,
        "narrow",
        trust_service("ec2.amazonaws.com"),
        doc(allow("sts:AssumeRole", f"arn:aws:iam::{A}:role/app-0")),
    )
    roles = [estate.role(A, f"app-{n}", trust_aws(f"arn:aws:iam::{B}:root")) for n in range(3)]
    admin = estate.role(A, "admin", trust_aws(f"arn:aws:iam::{B}:root"), doc(allow("*")))
    inventory = estate.inventory()
    found = edges(inventory, catalog)
    into_class = {e.source for e in found if e.into_class is not None}
    assert into_class == {f"identity:{c}" for c in callers}
    (class_edge,) = [e for e in found if split_key(e.source)[0] is NodeKind.CALLER_GROUP]
    assert class_edge.group is not None
    assert set(class_edge.group.members) == {*roles, admin}
    # The narrow caller is decided role by role: only the role its grant names.
    assert {e.role for e in found if e.source == f"identity:{narrow}"} == {roles[0]}

    evaluator = AwsEvaluator(inventory, catalog)
    graph = AttackGraph(build_graph(inventory, {Cloud.AWS: AwsAnalyzer(evaluator, ())}))
    source = f"identity:{callers[1]}"
    (path,) = graph.paths_to_admin([source])[source]
    first = path.hops[0]
    assert first.target == f"identity:{admin}" and first.method == "sts:AssumeRole"
    assert ("sts:AssumeRole", admin) in first.permissions
    assert first.statements  # the caller's own statement allowing it
    radius = graph.blast_radius(source, details=True)
    assert {f"identity:{r}" for r in (*roles, admin)} <= set(radius.direct)
    assert not any(
        split_key(n)[0] in (NodeKind.CALLER_GROUP, NodeKind.ROLE_GROUP) for n in radius.transitive
    )
    (cut,) = graph.minimum_cut(source)
    assert cut.source == source  # the caller's own grant, never the shared trust


def test_a_trust_naming_a_missing_role_is_not_delegation_to_its_account(
    catalog: AwsCatalog,
) -> None:
    """A trust naming a role ARN the inventory lacks (deleted, or another path) admits that
    role only: callers of the account allowed sts:AssumeRole everywhere gain nothing."""
    estate = Estate()
    anyone = doc(allow("sts:AssumeRole"))
    callers = [
        estate.role(B, f"ci-{n}", trust_service("ec2.amazonaws.com"), anyone) for n in range(2)
    ]
    gone = f"arn:aws:iam::{B}:role/deleted-deployer"
    named = [estate.role(A, f"app-{n}", trust_aws(gone)) for n in range(3)]
    delegated = [estate.role(A, f"open-{n}", trust_aws(f"arn:aws:iam::{B}:root")) for n in range(2)]
    found = edges(estate.inventory(), catalog)
    reached = {(e.source, m) for e in found if e.group is not None for m in e.group.members} | {
        (e.source, e.role) for e in found if e.group is None and e.into_class is None
    }
    assert not any(role in named for _, role in reached)
    assert any(role in delegated for _, role in reached)
    assert {e.source for e in found if e.into_class is not None} == {
        f"identity:{c}" for c in callers
    }


def _expanded(found: list[TrustEdge]) -> set[tuple[str, str, Outcome]]:
    """Every (caller, role, outcome) the edges stand for, hubs drawn out to their members."""
    classes: dict[str, set[str]] = {}
    for e in found:
        if e.into_class is not None:
            classes.setdefault(e.into_class.key, set()).add(e.source)
    pairs: set[tuple[str, str, Outcome]] = set()
    for e in found:
        if e.into_class is not None:
            continue
        callers = (
            classes.get(e.source.partition(":")[2], set())
            if e.source.startswith("caller_group:")
            else {e.source}
        )
        roles = e.group.members if e.group is not None else (e.role,)
        pairs |= {(c, r, e.outcome) for c in callers for r in roles if c != f"identity:{r}"}
    return {p for p in pairs if p[0].startswith("identity:")}


def test_hubs_stand_for_exactly_the_decisions_of_every_pair(catalog: AwsCatalog) -> None:
    """Drawn out through their hubs, the trust edges are exactly the evaluator's decision on
    every (caller, role) pair: alike callers, callers naming some roles, callers denied,
    cross-account and same-account delegation, trust to anyone under a condition."""
    estate = Estate()
    ec2 = trust_service("ec2.amazonaws.com")
    callers = [
        estate.role(B, "ci-a", ec2, doc(allow("sts:AssumeRole"))),
        estate.role(B, "ci-b", ec2, doc(allow("sts:AssumeRole"))),
        estate.role(B, "narrow", ec2, doc(allow("sts:AssumeRole", f"arn:aws:iam::{A}:role/d-0"))),
        estate.role(B, "home-only", ec2, doc(allow("sts:AssumeRole", f"arn:aws:iam::{B}:role/*"))),
        estate.role(
            B,
            "denied",
            ec2,
            doc(
                allow("sts:AssumeRole"),
                {
                    "Effect": "Deny",
                    "Action": "sts:AssumeRole",
                    "Resource": f"arn:aws:iam::{A}:role/d-1",
                },
            ),
        ),
        estate.role(A, "local", ec2, doc(allow("sts:AssumeRole"))),
        # A Deny under a condition that reads nothing of the role treats every role alike...
        estate.role(B, "off-network", ec2, doc(allow("sts:AssumeRole"), _deny_if(OFF_NETWORK))),
        # ...one reading the role's tags does not.
        estate.role(B, "tag-gated", ec2, doc(allow("sts:AssumeRole"), _deny_if(PROD_ROLES))),
        # A pattern filled from the caller's tag, and one left unfilled.
        estate.role(B, "team-d", ec2, doc(allow("sts:AssumeRole", TEAM_ROLES)), tags={"team": "d"}),
        estate.role(B, "no-team", ec2, doc(allow("sts:AssumeRole", TEAM_ROLES))),
        estate.role(B, "by-source", ec2, doc(allow("sts:AssumeRole", SOURCE_ROLES))),
    ]
    for n in range(3):
        tier = {"tier": "prod"} if n == 0 else None
        estate.role(A, f"d-{n}", trust_aws(f"arn:aws:iam::{B}:root"), tags=tier)
        estate.role(B, f"h-{n}", trust_aws(f"arn:aws:iam::{B}:root"))
        estate.role(A, f"any-{n}", trust_aws("*", {"StringEquals": {"aws:PrincipalAccount": B}}))
        # Delegation that admits only some of the account's principals.
        ci_only = {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{B}:role/ci-*"}}
        estate.role(A, f"ci-only-{n}", trust_aws(f"arn:aws:iam::{B}:root", ci_only))
    estate.role(A, "named", trust_aws(callers[0]))
    inventory = estate.inventory()
    evaluator = AwsEvaluator(inventory, catalog)
    expected = set()
    roles = [i for i in inventory.identities if i.kind.value == "role"]
    for caller in (i for i in inventory.identities if i.kind.value in ("role", "user")):
        for role in roles:
            if caller.id == role.id:
                continue
            decision = evaluator.decide(caller.id, "sts:AssumeRole", role.id)
            if decision.outcome is not Outcome.DENIED:
                expected.add((f"identity:{caller.id}", role.id, decision.outcome))
    found = edges(inventory, catalog)
    assert any(e.into_class is not None for e in found)  # hubs are really used here
    assert any(e.group is not None for e in found)
    assert _expanded(found) == expected
    # The caller under a condition alike for every role reaches each group through its hub.
    off_network = f"identity:{callers[6]}"
    from_it = [e for e in found if e.source == off_network]
    assert from_it and all(e.group is not None for e in from_it)
    assert all(e.outcome is Outcome.CONDITIONAL for e in from_it)
    tag_gated = {e.role for e in found if e.source == f"identity:{callers[7]}" and not e.group}
    assert f"arn:aws:iam::{A}:role/d-1" in tag_gated  # decided role by role


OFF_NETWORK = {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
PROD_ROLES = {"StringEquals": {"aws:ResourceTag/tier": "prod"}}
TEAM_ROLES = f"arn:aws:iam::{A}:role/${{aws:PrincipalTag/team}}-*"
SOURCE_ROLES = f"arn:aws:iam::{A}:role/${{aws:SourceIdentity}}"  # unknown here: conditional


def test_a_trust_policy_that_cannot_admit_a_caller_is_known_before_deciding(
    catalog: AwsCatalog,
) -> None:
    """admitted_many answers from the trust policy alone: a condition on the caller's ARN
    admits the CI roles and no other, whatever their own grants say; a trust naming the caller
    itself (or anyone) names it, one naming its account does not."""
    estate = Estate()
    ec2 = trust_service("ec2.amazonaws.com")
    ci = estate.role(B, "ci-1", ec2, doc(allow("sts:AssumeRole")))
    other = estate.role(B, "app", ec2, doc(allow("sts:AssumeRole")))
    ci_only = {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{B}:role/ci-*"}}
    roles = [estate.role(A, f"r-{n}", trust_aws(f"arn:aws:iam::{B}:root", ci_only)) for n in (0, 1)]
    locked = estate.role(A, "locked", trust_aws(f"arn:aws:iam::{EXT}:root"))
    direct = estate.role(B, "direct", trust_aws(ci))
    session = estate.role(B, "session", trust_aws(f"arn:aws:sts::{B}:assumed-role/app/build"))
    anyone = estate.role(B, "anyone", trust_aws("*"))
    evaluator = AwsEvaluator(estate.inventory(), catalog)
    for role in roles:
        found = evaluator.admitted_many([ci, other], "sts:AssumeRole", role)
        assert found == [Admission(may=True, named=False), Admission(may=False, named=False)]
        assert evaluator.decide(other, "sts:AssumeRole", role).outcome is Outcome.DENIED
    assert not evaluator.admitted_many([ci], "sts:AssumeRole", locked)[0].may
    assert evaluator.admitted_many([ci, other], "sts:AssumeRole", direct) == [
        Admission(may=True, named=True),
        Admission(may=False, named=False),
    ]
    assert [a.named for a in evaluator.admitted_many([ci, other], "sts:AssumeRole", session)] == [
        False,
        True,
    ]
    assert all(a.named for a in evaluator.admitted_many([ci, other], "sts:AssumeRole", anyone))
    # Resources without a policy that must allow are never ruled out here.
    assert evaluator.admitted_many([other], "s3:GetObject", "arn:aws:s3:::b/k")[0].may


def _deny_if(condition: dict[str, object]) -> dict[str, object]:
    return {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*", "Condition": condition}

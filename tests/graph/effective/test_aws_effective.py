"""Per-identity effective permissions (action sets) and their agreement with single decisions."""

from __future__ import annotations

from dataclasses import replace

from aws_scenario_kit import (
    ACCOUNT,
    FULL_AWS_ACCESS,
    allow,
    attach,
    deny,
    grant,
    group,
    inventory,
    organization,
    policy,
    role,
    user,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overgrant.catalogs.aws import AwsCatalog
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.effective.decision import Effect, Outcome
from overgrant.model import (
    Identity,
    IdentityId,
    IdentityKind,
    Inventory,
    PermissionSet,
    PermissionSetKind,
    ScopeId,
)

APP = role("app")


def mine(name: str, *statements: dict[str, object], **options: object) -> PermissionSet:
    return policy(f"arn:aws:iam::{ACCOUNT}:policy/{name}", *statements, **options)  # type: ignore[arg-type]


def holding(
    identity: Identity, *sets: PermissionSet, boundary: PermissionSet | None = None
) -> Inventory:
    grants = [grant(identity, s) for s in sets]
    extra = [] if boundary is None else [boundary]
    grants += [grant(identity, b, boundary=True) for b in extra]
    return inventory(identities=[identity], permission_sets=[*sets, *extra], grants=grants)


def names(catalog: AwsCatalog, bits: int) -> set[str]:
    return {n.lower() for n in catalog.names(bits)}


def test_union_of_policies(aws_catalog: AwsCatalog) -> None:
    s3 = mine("S3Get", allow("s3:GetObject"))
    ec2 = mine("Ec2", allow(["ec2:DescribeInstances", "ec2:RunInstances"]))
    found = AwsEvaluator(holding(APP, s3, ec2), aws_catalog).effective(APP.id)
    assert set(found.allowed_actions()) == {
        "s3:GetObject",
        "ec2:DescribeInstances",
        "ec2:RunInstances",
    }
    assert found.conditional == 0


def test_wildcards_expand_against_the_catalog(aws_catalog: AwsCatalog) -> None:
    found = AwsEvaluator(holding(APP, mine("Get", allow("s3:Get*"))), aws_catalog).effective(APP.id)
    allowed = set(found.allowed_actions())
    assert "s3:GetObject" in allowed and "s3:GetBucketPolicy" in allowed
    assert "s3:PutObject" not in allowed


def test_boundary_intersects(aws_catalog: AwsCatalog) -> None:
    wide = mine("Wide", allow(["s3:*", "ec2:*"]))
    boundary = mine("Boundary", allow(["ec2:Describe*", "iam:*"]))
    found = AwsEvaluator(holding(APP, wide, boundary=boundary), aws_catalog).effective(APP.id)
    allowed = set(found.allowed_actions())
    assert "ec2:DescribeInstances" in allowed
    assert not any(a.startswith(("s3:", "iam:")) for a in allowed)
    assert "ec2:RunInstances" not in allowed


def test_scp_levels_intersect_and_management_account_is_exempt(aws_catalog: AwsCatalog) -> None:
    admin = mine("Admin", allow("*"))
    only_ec2 = policy("p-ec2", allow("ec2:*"), kind=PermissionSetKind.SERVICE_CONTROL_POLICY)
    mgmt_role = role("boss", account="999999999999")
    built = inventory(
        scopes=organization([ACCOUNT, "999999999999"], management="999999999999"),
        identities=[APP, mgmt_role],
        permission_sets=[admin, only_ec2, FULL_AWS_ACCESS],
        grants=[grant(APP, admin), grant(mgmt_role, admin)],
        scope_policies=[
            attach("r-ab12", FULL_AWS_ACCESS),
            attach("ou-ab12-11111111", only_ec2),
            attach(ACCOUNT, FULL_AWS_ACCESS),
            attach("999999999999", only_ec2),
        ],
    )
    evaluator = AwsEvaluator(built, aws_catalog)
    member = set(evaluator.effective(APP.id).allowed_actions())
    assert "ec2:RunInstances" in member and "s3:GetObject" not in member
    assert "s3:GetObject" in evaluator.effective(mgmt_role.id).allowed_actions()


def test_deny_on_every_resource_removes_the_action(aws_catalog: AwsCatalog) -> None:
    found = AwsEvaluator(
        holding(APP, mine("S3", allow("s3:*")), mine("NoDelete", deny("s3:Delete*"))), aws_catalog
    ).effective(APP.id)
    assert found.outcome("s3:DeleteObject") is Outcome.DENIED
    assert found.outcome("s3:GetObject") is Outcome.ALLOWED


def test_deny_on_some_resources_keeps_the_action_and_shows_where(aws_catalog: AwsCatalog) -> None:
    sets = (
        mine("S3", allow("s3:*")),
        mine("NoSecret", deny("s3:GetObject", "arn:aws:s3:::secret/*")),
    )
    found = AwsEvaluator(holding(APP, *sets), aws_catalog).effective(APP.id)
    assert found.outcome("s3:GetObject") is Outcome.ALLOWED
    rules = {(r.effect, r.patterns) for r in found.resources("s3:GetObject")}
    assert rules == {(Effect.ALLOW, ("*",)), (Effect.DENY, ("arn:aws:s3:::secret/*",))}


def test_unknown_conditions_make_actions_conditional(aws_catalog: AwsCatalog) -> None:
    office = mine(
        "Office", allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    )
    found = AwsEvaluator(holding(APP, office), aws_catalog).effective(APP.id)
    assert found.allowed == 0
    assert found.conditional_actions() == ["s3:GetObject"]
    assert found.outcome("s3:GetObject") is Outcome.CONDITIONAL


def test_conditional_deny_on_every_resource_makes_allowed_conditional(
    aws_catalog: AwsCatalog,
) -> None:
    mfa = mine("Mfa", deny("s3:*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}))
    found = AwsEvaluator(
        holding(APP, mine("S3", allow("s3:GetObject")), mfa), aws_catalog
    ).effective(APP.id)
    assert found.outcome("s3:GetObject") is Outcome.CONDITIONAL


def test_condition_known_false_drops_the_statement(aws_catalog: AwsCatalog) -> None:
    tagged = mine(
        "Tagged",
        allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "red"}}),
    )
    blue = role("blue", tags={"team": "blue"})
    red = role("red", tags={"Team": "red"})
    built = inventory(
        identities=[blue, red],
        permission_sets=[tagged],
        grants=[grant(blue, tagged), grant(red, tagged)],
    )
    evaluator = AwsEvaluator(built, aws_catalog)
    assert evaluator.effective(blue.id).outcome("s3:GetObject") is Outcome.DENIED
    assert evaluator.effective(red.id).outcome("s3:GetObject") is Outcome.ALLOWED


def test_notaction_allow(aws_catalog: AwsCatalog) -> None:
    power = mine("Power", allow(None, NotAction=["iam:*", "organizations:*"]))
    found = AwsEvaluator(holding(APP, power), aws_catalog).effective(APP.id)
    allowed = names(aws_catalog, found.allowed)
    assert "s3:getobject" in allowed
    assert not any(a.startswith(("iam:", "organizations:")) for a in allowed)


def test_unknown_action_is_kept_in_star(aws_catalog: AwsCatalog) -> None:
    star, future = mine("Admin", allow("*")), mine("Future", allow("futurething:Launch"))
    built = replace(holding(APP, star), permission_sets=(star, future))
    found = AwsEvaluator(built, aws_catalog).effective(APP.id)
    assert "futurething:Launch" in found.allowed_actions()
    assert not aws_catalog.is_known("futurething:Launch")


def test_outcome_of_actions_the_catalog_never_saw(aws_catalog: AwsCatalog) -> None:
    sets = (mine("Admin", allow("*")), mine("NoNew", deny("unseenfirst:*")))
    found = AwsEvaluator(holding(APP, *sets), aws_catalog).effective(APP.id)
    assert aws_catalog.index_of("unseensecond:Do") is None
    assert found.outcome("unseensecond:Do") is Outcome.ALLOWED
    assert found.outcome("UnseenFirst:Do") is Outcome.DENIED


def test_variables_filled_in_resource_rules(aws_catalog: AwsCatalog) -> None:
    home = mine("Home", allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"))
    alice = user("alice")
    built = inventory(
        identities=[alice, APP],
        permission_sets=[home],
        grants=[grant(alice, home), grant(APP, home)],
    )
    evaluator = AwsEvaluator(built, aws_catalog)
    rules = evaluator.effective(alice.id).resources("s3:GetObject")
    assert [r.patterns for r in rules] == [("arn:aws:s3:::home/alice/*",)]
    # A role has no aws:username: the statement names no resource and grants nothing.
    role_view = evaluator.effective(APP.id)
    assert role_view.resources("s3:GetObject") == ()
    assert role_view.outcome("s3:GetObject") is Outcome.DENIED


def test_root_has_everything_but_scp_still_caps(aws_catalog: AwsCatalog) -> None:
    root = Identity(
        id=IdentityId(f"arn:aws:iam::{ACCOUNT}:root"),
        cloud=APP.cloud,
        kind=IdentityKind.ROOT,
        name="root",
        container=ScopeId(ACCOUNT),
    )
    no_s3 = policy(
        "p-no-s3", allow("*"), deny("s3:*"), kind=PermissionSetKind.SERVICE_CONTROL_POLICY
    )
    built = inventory(
        scopes=organization([ACCOUNT]),
        identities=[root],
        permission_sets=[no_s3],
        scope_policies=[attach("ou-ab12-11111111", no_s3)],
    )
    found = AwsEvaluator(built, aws_catalog).effective(root.id)
    assert found.outcome("iam:CreateUser") is Outcome.ALLOWED
    assert found.outcome("s3:GetObject") is Outcome.DENIED


def test_effective_many_covers_users_and_roles_not_groups(aws_catalog: AwsCatalog) -> None:
    read = mine("Read", allow("s3:GetObject"))
    devs, alice = (
        group("devs"),
        user("alice", member_of=(IdentityId(f"arn:aws:iam::{ACCOUNT}:group/devs"),)),
    )
    built = inventory(
        identities=[APP, devs, alice], permission_sets=[read], grants=[grant(devs, read)]
    )
    found = AwsEvaluator(built, aws_catalog).effective_many()
    assert set(found) == {APP.id, alice.id}
    assert found[alice.id].allowed_actions() == ["s3:GetObject"]
    assert found[APP.id].allowed == 0


ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "ec2:RunInstances",
    "iam:PassRole",
    "iam:GetRole",
]
PATTERNS = [
    "*",
    "s3:*",
    "s3:Get*",
    "ec2:*",
    "iam:*",
    "iam:Get*",
    "s3:PutObject",
    "iam:PassRole",
    "*:List*",
]

statements = st.builds(
    lambda effect, negate, patterns: {
        "Effect": effect,
        ("NotAction" if negate else "Action"): patterns,
        "Resource": "*",
    },
    st.sampled_from(["Allow", "Deny"]),
    st.booleans(),
    st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=3),
)
documents = st.lists(statements, min_size=1, max_size=4)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    identity_docs=st.lists(documents, min_size=1, max_size=3), boundary_doc=st.none() | documents
)
def test_action_sets_agree_with_decisions(
    aws_catalog: AwsCatalog, identity_docs, boundary_doc
) -> None:
    sets = [mine(f"P{i}", *doc) for i, doc in enumerate(identity_docs)]
    boundary = None if boundary_doc is None else mine("B", *boundary_doc)
    evaluator = AwsEvaluator(holding(APP, *sets, boundary=boundary), aws_catalog)
    found = evaluator.effective(APP.id)
    for action in ACTIONS:
        assert found.outcome(action) is evaluator.decide(APP.id, action).outcome, action

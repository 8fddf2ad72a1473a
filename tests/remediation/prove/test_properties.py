"""Property tests: whatever the policy and the usage, the minimized policy passes the proof,
and one action more than today makes it fail."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from overgrant.catalogs.aws import AwsCatalog
from overgrant.graph.effective.aws import AwsEvaluator, Outcome
from overgrant.graph.effective.decision import Decision, Effect
from overgrant.model import IdentityId, Inventory, JsonValue, PermissionSetId
from overgrant.remediation.aws import plan_aws
from overgrant.remediation.minimize.lookup import InventoryLookup
from overgrant.remediation.plan import IdentityPlan, NewPolicy, PlanStatus
from overgrant.remediation.prove import prove_aws
from tests.remediation.minimize.kit import Estate, TrailObservability, evidence, used, window

QUEUE = "arn:aws:sqs:eu-west-1:123456789012:jobs"
INSTANCE = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc"
OBJECTS = [f"arn:aws:s3:::data/logs/2026/{n}.gz" for n in range(6)]
RESOURCES = [*OBJECTS, "arn:aws:s3:::data", "arn:aws:s3:::other/k", QUEUE, INSTANCE, "*"]
ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:ListAllMyBuckets",
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "sqs:DeleteQueue",
    "ec2:StartInstances",
    "ec2:DescribeInstances",
    "iam:PassRole",
]
ACTION_PATTERNS = [*ACTIONS, "s3:*", "s3:Get*", "sqs:*", "ec2:*", "ec2:Describe*", "*"]
RESOURCE_PATTERNS = [
    "*",
    "arn:aws:s3:::data",
    "arn:aws:s3:::data/*",
    "arn:aws:s3:::data/logs/*",
    "arn:aws:s3:::other/?",
    QUEUE,
    "arn:aws:ec2:*:123456789012:instance/*",
]
CONDITIONS: list[JsonValue] = [
    {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
    {"StringEquals": {"aws:PrincipalTag/team": "data"}},
    {"Bool": {"aws:SecureTransport": "true"}},
]
OUTSIDE = ["kms:Decrypt", "dynamodb:DeleteTable", "lambda:InvokeFunction", "s3:PutBucketPolicy"]


@st.composite
def statements(draw: st.DrawFn) -> dict[str, JsonValue]:
    statement: dict[str, JsonValue] = {
        "Effect": "Deny" if draw(st.integers(0, 9)) < 2 else "Allow",
        "NotAction" if draw(st.integers(0, 9)) < 1 else "Action": draw(
            st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3, unique=True)
        ),
        "NotResource" if draw(st.integers(0, 9)) < 1 else "Resource": draw(
            st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2, unique=True)
        ),
    }
    if draw(st.integers(0, 9)) < 2:
        statement["Condition"] = draw(st.sampled_from(CONDITIONS))
    return statement


policies = st.lists(
    st.lists(statements(), min_size=1, max_size=4).map(
        lambda s: {"Version": "2012-10-17", "Statement": s}
    ),
    min_size=1,
    max_size=2,
)
calls = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.sampled_from(RESOURCES)), min_size=1, max_size=10
)


def _plan(
    catalog: AwsCatalog,
    documents: list[dict[str, JsonValue]],
    drawn: list[tuple[str, str]],
    data_events: bool,
) -> tuple[str, Inventory, AwsEvaluator, IdentityPlan, list[tuple[str, str]]]:
    estate = Estate()
    role = estate.role("app", *documents)
    inventory = estate.inventory()
    evaluator = AwsEvaluator(inventory, catalog)
    # Usage is drawn from what today's policy allows (or may allow).
    allowed = [c for c in drawn if evaluator.decide(role, *c).outcome is not Outcome.DENIED]
    assume(allowed)
    usage = evidence(
        *(used(role, a, r) for a, r in allowed),
        windows=(window(data_events=("s3",) if data_events else ()),),
    )
    plan = plan_aws(
        inventory, usage, catalog, observability=TrailObservability(), identities=[role]
    )
    return role, inventory, evaluator, plan.plans[0], allowed


def _explicitly_denied(decision: Decision) -> bool:
    return decision.reason.startswith("explicit deny") or any(
        ref.effect is Effect.DENY for ref in decision.statements
    )


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# Found by this test: a call with no resource allowed unconditionally by a NotResource
# statement must not be kept only under a conditional statement that covers every resource.
_NOT_RESOURCE_BESIDE_CONDITIONAL = [
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "NotAction": ["s3:GetObject"],
                "Resource": ["*"],
                "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
            },
            {
                "Effect": "Allow",
                "NotAction": ["s3:GetObject"],
                "NotResource": ["arn:aws:s3:::data"],
            },
        ],
    }
]


@SETTINGS
@given(documents=policies, drawn=calls, data_events=st.booleans())
@example(
    documents=_NOT_RESOURCE_BESIDE_CONDITIONAL, drawn=[("s3:PutObject", "*")], data_events=False
)
def test_minimized_policy_always_passes_the_proof(
    catalog: AwsCatalog,
    documents: list[dict[str, JsonValue]],
    drawn: list[tuple[str, str]],
    data_events: bool,
) -> None:
    _, _, _, plan, allowed = _plan(catalog, documents, drawn, data_events)
    assert plan.status is not PlanStatus.PROOF_FAILED, plan.proof
    if plan.status is PlanStatus.PROPOSED:
        assert plan.proof is not None and plan.proof.passed
        assert plan.proof.replay_denials == 0
        assert plan.proof.replayed_calls <= len(set(allowed))


@SETTINGS
@given(documents=policies, drawn=calls, data_events=st.booleans())
def test_one_action_more_than_today_fails_the_proof(
    catalog: AwsCatalog,
    documents: list[dict[str, JsonValue]],
    drawn: list[tuple[str, str]],
    data_events: bool,
) -> None:
    role, inventory, evaluator, plan, _ = _plan(catalog, documents, drawn, data_events)
    assume(plan.status is PlanStatus.PROPOSED)
    effective = evaluator.effective(role)
    # An action denied today for want of an Allow: one a blanket Deny (carried over into the
    # new policy) refuses would not widen anything, whatever the document says.
    extra = [
        a
        for a in OUTSIDE
        if effective.outcome(a) is Outcome.DENIED
        and not _explicitly_denied(evaluator.decide(role, a, "*"))
    ]
    assume(extra)
    first = plan.new_policies[0]
    assert isinstance(first.document, dict) and isinstance(first.document["Statement"], list)
    widened = {
        **first.document,
        "Statement": [
            *first.document["Statement"],
            {"Effect": "Allow", "Action": extra[0], "Resource": "*"},
        ],
    }
    mutated = (NewPolicy(name=first.name, document=widened), *plan.new_policies[1:])
    lookup = InventoryLookup(inventory)
    proof = prove_aws(
        lookup,
        lookup.identities[IdentityId(role)],
        mutated,
        frozenset(PermissionSetId(r.permission_set) for r in plan.replaces),
        (),
        catalog,
    )
    assert not proof.passed and not proof.no_wider
    assert any(extra[0] in line for line in proof.failures)

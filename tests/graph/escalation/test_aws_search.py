"""Properties of the search as a whole: shortcuts and groups never change an answer."""

from __future__ import annotations

import pytest

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.escalation import EscalationMethod
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.effective.decision import Decision, Outcome
from overgrant.graph.escalation import aws_checks
from overgrant.graph.escalation.aws import (
    ACCOUNT as TRUSTING_ACCOUNT,
)
from overgrant.graph.escalation.aws import (
    AdminTarget,
    EscalationEdge,
    GroupEscalationEdge,
    RoleGroup,
    find_escalations,
    find_escalations_grouped,
)
from overgrant.model import CredentialKind, Inventory, ScopeId

from .escalation_kit import (
    ACCOUNT,
    ADMIN_DOC,
    ADMIN_POLICY,
    Estate,
    allow,
    deny,
    doc,
    function_arn,
    role_arn,
    trusts_principal,
    trusts_service,
)

LAMBDA, EC2, ECS = "lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"
PASS_TO = "iam:PassedToService"


def _targets(estate: Estate) -> None:
    """Roles that Lambda, ECS and EC2 may assume, a guarded one, and two that trust principals."""
    for n in range(12):
        estate.role(f"app-{n}", trusts_service(LAMBDA), doc(allow("s3:GetObject")))
        estate.role(f"task-{n}", trusts_service(ECS), doc(allow("sqs:SendMessage")))
        estate.role(f"box-{n}", trusts_service(EC2), instance_profile=n % 2 == 0)
    guarded = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    estate.role("guarded-fn", trusts_service(LAMBDA, Condition=guarded), ADMIN_DOC)
    estate.role("ops", trusts_principal(ACCOUNT), ADMIN_DOC)
    estate.role("break-glass", trusts_principal(role_arn("ci")), ADMIN_DOC)
    estate.function("orders", role_arn("app-3"))
    estate.function("admin-fn", role_arn("ops"))
    estate.user("dave")
    estate.credential(role_arn("x"), CredentialKind.ACCESS_KEY)  # no such user: ignored


LAMBDA_USE = ["lambda:CreateFunction", "lambda:InvokeFunction"]
ATTACKERS = {
    "ci": doc(
        allow("iam:PassRole", role_arn("*")), allow([*LAMBDA_USE, "lambda:UpdateFunctionCode"])
    ),
    "deployer": doc(
        allow("iam:PassRole", "*", Condition={"StringEquals": {PASS_TO: [LAMBDA, ECS]}}),
        allow(["lambda:*", "ecs:*"]),
        deny("iam:PassRole", role_arn("app-7")),
    ),
    "narrow": doc(
        allow("iam:PassRole", role_arn("app-1*")), allow(["lambda:*", "ec2:RunInstances"])
    ),
    "not-resource": doc(
        {"Effect": "Allow", "Action": "iam:PassRole", "NotResource": role_arn("app-2")},
        allow(LAMBDA_USE),
    ),
    "offsite": doc(
        allow(["iam:PassRole", "ec2:RunInstances", "sts:AssumeRole"]),
        deny("*", Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
    ),
    "trust-editor": doc(
        allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], role_arn("*")),
        deny("sts:AssumeRole", role_arn("break-glass")),
    ),
    "coder": doc(
        allow(["lambda:UpdateFunctionCode", "lambda:InvokeFunction"]),
        deny("lambda:UpdateFunctionCode", function_arn("admin-fn")),
    ),
}
"""Attacker roles by name, each with one shape of grant."""


def fan_out_estate() -> tuple[Inventory, list[str]]:
    """Many roles that services may assume, and attackers with every shape of grant."""
    estate = Estate()
    _targets(estate)
    attackers = [estate.role(name, trusts_service(EC2), d) for name, d in ATTACKERS.items()]
    attackers.append(
        estate.user("carol", doc(allow(["iam:CreateAccessKey", "iam:CreateLoginProfile"])))
    )
    admin = estate.role("admin", trusts_service(EC2))
    estate.attach(admin, ADMIN_POLICY)
    attackers.append(admin)
    return estate.inventory(), attackers


def _key(edge: EscalationEdge) -> tuple[str, str, str]:
    return edge.source, str(edge.target), edge.method


def test_every_edge_is_allowed_or_conditional_with_evidence_and_no_self_loop(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    inventory, _ = fan_out_estate()
    edges = find_escalations(inventory, AwsEvaluator(inventory, aws_catalog), methods)
    assert edges
    for edge in edges:
        assert edge.outcome in (Outcome.ALLOWED, Outcome.CONDITIONAL)
        assert edge.source != edge.target
        assert edge.statements and edge.permissions
        assert edge.source in {i.id for i in inventory.identities}
    # The attacker that holds every permission has exactly the one edge that says so.
    admin = [e for e in edges if e.source == role_arn("admin")]
    assert [(e.method, e.target, e.outcome) for e in admin] == [
        ("holds-admin", AdminTarget(ScopeId(ACCOUNT)), Outcome.ALLOWED)
    ]


def test_only_the_named_users_and_roles_are_attackers(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    inventory, _ = fan_out_estate()
    evaluator = AwsEvaluator(inventory, aws_catalog)
    chosen = [role_arn("narrow"), "arn:aws:iam::111122223333:group/none", role_arn("narrow")]
    edges = find_escalations(inventory, evaluator, methods, identities=chosen)
    assert {e.source for e in edges} == {role_arn("narrow")}
    assert {e.target for e in edges if e.method == "lambda-create-function-invoke"} == {
        role_arn("app-1"),
        role_arn("app-10"),
        role_arn("app-11"),
    }


def test_a_deny_naming_one_role_removes_only_that_role(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    inventory, _ = fan_out_estate()
    evaluator = AwsEvaluator(inventory, aws_catalog)
    edges = find_escalations(inventory, evaluator, methods, identities=[role_arn("deployer")])
    reached = {e.target for e in edges if e.method == "lambda-create-function-invoke"}
    assert role_arn("app-7") not in reached
    assert {role_arn(f"app-{n}") for n in range(12) if n != 7} <= reached
    assert role_arn("guarded-fn") in reached  # outside any group: its trust has a condition
    guarded = next(e for e in edges if e.target == role_arn("guarded-fn"))
    assert guarded.outcome is Outcome.CONDITIONAL
    assert any("condition" in note for note in guarded.notes)


def _expanded(
    single: list[EscalationEdge], groups: list[GroupEscalationEdge]
) -> set[tuple[object, ...]]:
    found: set[tuple[object, ...]] = {(*_key(e), e.outcome) for e in single}
    for edge in groups:
        found |= {
            (edge.source, m, edge.method, edge.outcome)
            for m in edge.group.members
            if m != edge.source
        }
    return found


def test_grouped_edges_stand_for_exactly_the_single_edges(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    inventory, _ = fan_out_estate()
    evaluator = AwsEvaluator(inventory, aws_catalog)
    single = find_escalations(inventory, evaluator, methods)
    one, groups = find_escalations_grouped(inventory, evaluator, methods)
    assert groups, "the estate is built so that some fan-out is grouped"
    assert len(one) + sum(len(g.group.members) for g in groups) >= len(single)
    assert _expanded(one, groups) == {(*_key(e), e.outcome) for e in single}
    by_key = {_key(e): e for e in single}
    assert all(by_key[_key(e)] == e for e in one)


def test_groups_are_defined_by_trust_and_instance_profiles(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    inventory, _ = fan_out_estate()
    evaluator = AwsEvaluator(inventory, aws_catalog)
    _, groups = find_escalations_grouped(inventory, evaluator, methods, identities=[role_arn("ci")])
    to_lambda = [g for g in groups if g.method == "lambda-create-function-invoke"]
    plain, guarded = (g.group for g in to_lambda)
    assert plain == RoleGroup(ScopeId(ACCOUNT), LAMBDA, False)
    assert set(plain.members) == {role_arn(f"app-{n}") for n in range(12)}
    assert str(plain) == f"roles trusting {LAMBDA} in account {ACCOUNT}"
    # A role that lets Lambda in only under a condition is reached through a group of its own.
    assert guarded == RoleGroup(ScopeId(ACCOUNT), LAMBDA, False, True)
    assert guarded.members == (role_arn("guarded-fn"),)
    assert [e.outcome for e in to_lambda] == [Outcome.ALLOWED, Outcome.CONDITIONAL]
    assert any("only under a condition" in note for note in to_lambda[1].notes)
    _, groups = find_escalations_grouped(
        inventory, evaluator, methods, identities=[role_arn("offsite")]
    )
    boxes = next(g.group for g in groups if g.method == "ec2-run-instances")
    assert boxes.instance_profile and set(boxes.members) == {
        role_arn(f"box-{n}") for n in range(0, 12, 2)
    }
    assert all(g.outcome is Outcome.CONDITIONAL for g in groups)  # the Deny on other networks
    assert all("aws:sourceip" in {k.lower() for k in g.unknown_condition_keys} for g in groups)


def test_trust_rewrites_and_account_delegation_group_too(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    inventory, _ = fan_out_estate()
    evaluator = AwsEvaluator(inventory, aws_catalog)
    _, groups = find_escalations_grouped(
        inventory, evaluator, methods, identities=[role_arn("trust-editor"), role_arn("offsite")]
    )
    rewrite = next(g for g in groups if g.method == "iam-update-assume-role-policy-direct")
    roles = [i.id for i in inventory.identities if ":role/" in i.id]
    assert rewrite.group.trusting is None and list(rewrite.group.members) == roles
    delegated = next(g for g in groups if g.method == "sts-assume-role")
    assert delegated.group.trusting == TRUSTING_ACCOUNT
    assert delegated.group.members == (role_arn("ops"),)
    assert all(ref.permission_set.endswith("#inline/policy0") for ref in delegated.statements)


def test_shortcuts_never_change_an_answer(
    aws_catalog: AwsCatalog,
    methods: tuple[EscalationMethod, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every check asked of the evaluator itself gives the same edges, outcomes and evidence."""
    inventory, _ = fan_out_estate()
    # Methods that rewrite a trust policy read the identity side from statements by design.
    kept = [m for m in methods if "iam:UpdateAssumeRolePolicy" not in m.actions]
    fast = find_escalations(inventory, AwsEvaluator(inventory, aws_catalog), kept)

    def ask(
        self: aws_checks.Checker, action: str, resource: str, context: aws_checks.Context
    ) -> Decision:
        return evaluator.decide(self.attacker, action, resource, dict(context))

    evaluator = AwsEvaluator(inventory, aws_catalog)
    monkeypatch.setattr(aws_checks.Checker, "_decide", ask)
    monkeypatch.setattr(aws_checks.Checker, "uniform", lambda *args, **kwargs: None)
    slow = find_escalations(inventory, evaluator, kept)
    assert fast == slow


def test_results_come_in_a_stable_order(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    inventory, _ = fan_out_estate()
    first = find_escalations(inventory, AwsEvaluator(inventory, aws_catalog), methods)
    again = find_escalations(inventory, AwsEvaluator(inventory, aws_catalog), methods)
    assert first == again
    order = [e.source for e in first]
    assert order == sorted(order, key=[i.id for i in inventory.identities].index)


def test_denies_naming_single_resources_are_respected(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    inventory, _ = fan_out_estate()
    evaluator = AwsEvaluator(inventory, aws_catalog)
    chosen = [role_arn("coder"), role_arn("trust-editor")]
    edges = find_escalations(inventory, evaluator, methods, identities=chosen)
    found = {(e.source, e.method, e.target) for e in edges}
    code = (role_arn("coder"), "lambda-update-function-code-invoke")
    assert (*code, role_arn("app-3")) in found
    assert (*code, role_arn("ops")) not in found  # its function is the one denied
    rewrite = (role_arn("trust-editor"), "iam-update-assume-role-policy")
    assert (*rewrite, role_arn("ops")) in found
    assert (*rewrite, role_arn("break-glass")) not in found  # sts:AssumeRole denied on it
    direct = (role_arn("trust-editor"), "iam-update-assume-role-policy-direct")
    assert (*direct, role_arn("break-glass")) in found  # naming itself needs no AssumeRole grant


def test_lambda_code_edges_point_at_the_function_role(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    inventory, _ = fan_out_estate()
    evaluator = AwsEvaluator(inventory, aws_catalog)
    edges = find_escalations(inventory, evaluator, methods, identities=[role_arn("ci")])
    code = {e.target: e for e in edges if e.method == "lambda-update-function-code-invoke"}
    assert set(code) == {role_arn("app-3"), role_arn("ops")}
    assert code[role_arn("ops")].via == (function_arn("admin-fn"),)


def test_a_conditional_admin_is_searched_on_for_what_it_holds_outright(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    estate = Estate()
    prod = estate.role("prod-admin", trusts_service(LAMBDA), ADMIN_DOC)
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    lam = ["lambda:CreateFunction", "lambda:InvokeFunction"]
    dev = estate.role(
        "dev",
        trusts_service(EC2),
        doc(allow("*", Condition=mfa), allow("iam:PassRole", prod), allow(lam)),
    )
    inventory = estate.inventory()
    edges = find_escalations(inventory, AwsEvaluator(inventory, aws_catalog), methods)
    found = {(e.method, e.target): e.outcome for e in edges if e.source == dev}
    assert found[("holds-admin", AdminTarget(ScopeId(ACCOUNT)))] is Outcome.CONDITIONAL
    assert found[("lambda-create-function-invoke", prod)] is Outcome.ALLOWED

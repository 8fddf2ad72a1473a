"""Generated Pulumi programs, executed under pulumi's mocks: what they declare is what was proven.

Each program runs in a fresh interpreter (pulumi's runtime is process-global) through
``mock_runner.py``; the assertions read what the engine would have received.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from overgrant.model import IdentityId, PermissionSetId
from overgrant.remediation.plan import NewPolicy, Replacement
from overgrant.remediation.pulumi import GeneratedProgram, render_aws_programs
from tests.remediation.pulumi import plans
from tests.remediation.pulumi.harness import Registered, run_under_mocks

ROLE = "aws:iam/role:Role"
USER = "aws:iam/user:User"
POLICY = "aws:iam/policy:Policy"
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ROLE_ATTACHMENTS_EXCLUSIVE = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
ROLE_POLICIES_EXCLUSIVE = "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive"
USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
USER_ATTACHMENTS_EXCLUSIVE = "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive"
USER_POLICIES_EXCLUSIVE = "aws:iam/userPoliciesExclusive:UserPoliciesExclusive"


def vendor_monitoring() -> Any:
    """ReadOnlyAccess is replaced, SecurityAudit stays attached."""
    read_only = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    base = plans.orders_api()
    return type(base)(
        identity=IdentityId("arn:aws:iam::222222222222:role/vendor-monitoring"),
        account="222222222222",
        name="vendor-monitoring",
        kind="role",
        status=base.status,
        new_policies=(
            NewPolicy(name="vendor-monitoring-least-privilege", document=plans.ORDERS_DOC),
        ),
        replaces=(
            Replacement(
                permission_set=PermissionSetId(read_only), name="ReadOnlyAccess", managed=True
            ),
        ),
        proof=base.proof,
    )


@pytest.fixture(scope="module")
def programs() -> dict[str, GeneratedProgram]:
    plan = plans.remediation_plan(
        plans.data_pipeline(),
        plans.orders_api(),
        vendor_monitoring(),
        plans.ci_deploy(),
        plans.no_evidence(),
        plans.no_evidence("arn:aws:iam::444444444444:role/anything"),
    )
    return render_aws_programs(plan, plans.inventory())


@pytest.fixture(scope="module")
def account_222(programs: dict[str, GeneratedProgram], tmp_path_factory: Any) -> Registered:
    root = tmp_path_factory.mktemp("programs")
    return run_under_mocks(programs["222222222222"], root, {"aws:region": "eu-west-1"})


@pytest.fixture(scope="module")
def account_111(programs: dict[str, GeneratedProgram], tmp_path_factory: Any) -> Registered:
    return run_under_mocks(programs["111111111111"], tmp_path_factory.mktemp("programs"))


def test_one_program_per_account_with_proposed_plans_only(
    programs: dict[str, GeneratedProgram],
) -> None:
    assert sorted(programs) == ["111111111111", "222222222222"]
    program = programs["222222222222"]
    assert program.directory == "aws-222222222222"
    assert set(program.files) == {
        "Pulumi.yaml",
        "__main__.py",
        "requirements.txt",
        "README.md",
        "rollback/role-orders-api/orders-table.json",
    }
    assert "vendor-billing" not in program.files["__main__.py"]  # no evidence: nothing proposed
    assert program.identities == (
        "arn:aws:iam::222222222222:role/data-pipeline",
        "arn:aws:iam::222222222222:role/orders-api",
        "arn:aws:iam::222222222222:role/vendor-monitoring",
    )


def test_declared_documents_equal_the_minimized_ones(
    account_222: Registered, account_111: Registered
) -> None:
    expected = {
        "data-pipeline-least-privilege": plans.DATA_PIPELINE_DOC,
        "orders-api-least-privilege": plans.ORDERS_DOC,
        "vendor-monitoring-least-privilege": plans.ORDERS_DOC,
        "ci-deploy-least-privilege-1": plans.CI_DOCS[0],
        "ci-deploy-least-privilege-2": plans.CI_DOCS[1],
    }
    declared = {
        r["inputs"]["name"]: json.loads(r["inputs"]["policy"])
        for r in account_222.of_type(POLICY) + account_111.of_type(POLICY)
    }
    assert declared == expected
    # Created, not adopted, and nothing but the name, document and description is set.
    for policy in account_222.of_type(POLICY):
        assert policy["import"] == ""
        assert set(policy["inputs"]) <= {"name", "policy", "description"}


def test_roles_are_adopted_exactly_as_the_snapshot_holds_them(account_222: Registered) -> None:
    inventory = plans.inventory()
    identity = {i.name: i for i in inventory.identities}["data-pipeline"]
    trust = {p.id: p for p in inventory.permission_sets}[identity.trust_policy].document
    role = account_222.named("role-data-pipeline")
    assert role["import_id"] == "data-pipeline"
    assert role["retain_on_delete"] is True
    assert role["protect"] is False  # a rollback runs `pulumi destroy`; see aws.py
    assert role["inputs"] == {
        "name": "data-pipeline",
        "path": "/",
        "assumeRolePolicy": json.dumps(trust),
        "tags": {"owner": "data-eng", "cost-center": "cc-645"},
    }
    assert json.loads(role["inputs"]["assumeRolePolicy"]) == trust
    # The snapshot does not know these two, so Pulumi must leave them as they are.
    assert role["ignore_changes"] == ["description", "maxSessionDuration"]


def test_new_policies_are_attached_to_the_role(account_222: Registered) -> None:
    attachments = {
        a["inputs"]["role"]: a["inputs"]["policyArn"] for a in account_222.of_type(ROLE_ATTACHMENT)
    }
    assert attachments == {
        "data-pipeline": "arn:aws:iam::222222222222:policy/data-pipeline-least-privilege",
        "orders-api": "arn:aws:iam::222222222222:policy/orders-api-least-privilege",
        "vendor-monitoring": "arn:aws:iam::222222222222:policy/vendor-monitoring-least-privilege",
    }


def test_replaced_managed_policies_are_detached_after_the_new_ones_attach(
    account_222: Registered,
) -> None:
    exclusive = {
        e["inputs"]["roleName"]: e for e in account_222.of_type(ROLE_ATTACHMENTS_EXCLUSIVE)
    }
    # orders-api only loses an inline policy: its managed attachments are not taken over.
    assert sorted(exclusive) == ["data-pipeline", "vendor-monitoring"]
    assert exclusive["data-pipeline"]["inputs"]["policyArns"] == [
        "arn:aws:iam::222222222222:policy/data-pipeline-least-privilege"
    ]
    assert exclusive["vendor-monitoring"]["inputs"]["policyArns"] == [
        "arn:aws:iam::222222222222:policy/vendor-monitoring-least-privilege",
        "arn:aws:iam::aws:policy/SecurityAudit",
    ]
    attach = account_222.named("role-data-pipeline-attach-data-pipeline-least-privilege")
    assert attach["urn"] in exclusive["data-pipeline"]["dependencies"]


def test_replaced_inline_policy_is_deleted_and_saved_for_rollback(
    account_222: Registered, programs: dict[str, GeneratedProgram]
) -> None:
    (inline,) = account_222.of_type(ROLE_POLICIES_EXCLUSIVE)
    assert inline["inputs"] == {"roleName": "orders-api", "policyNames": []}
    attach = account_222.named("role-orders-api-attach-orders-api-least-privilege")
    assert attach["urn"] in inline["dependencies"]
    saved = programs["222222222222"].files["rollback/role-orders-api/orders-table.json"]
    documents = {p.id: p.document for p in plans.inventory().permission_sets}
    assert (
        json.loads(saved)
        == documents[
            PermissionSetId("arn:aws:iam::222222222222:role/orders-api#inline/orders-table")
        ]
    )


def test_every_resource_goes_through_the_account_locked_provider(account_222: Registered) -> None:
    provider = account_222.provider()
    assert json.loads(provider["inputs"]["allowedAccountIds"]) == ["222222222222"]
    assert provider["inputs"]["region"] == "eu-west-1"
    others = [r for r in account_222.resources if r is not provider]
    assert others
    assert all(r["provider"].startswith(provider["urn"]) for r in others)


def test_user_program_adopts_the_user_and_replaces_both_kinds(account_111: Registered) -> None:
    (user,) = account_111.of_type(USER)
    assert user["import_id"] == "ci-deploy"
    assert user["retain_on_delete"] is True
    assert user["inputs"] == {"name": "ci-deploy", "path": "/"}
    assert user["ignore_changes"] == []
    new_arns = [
        "arn:aws:iam::111111111111:policy/ci-deploy-least-privilege-1",
        "arn:aws:iam::111111111111:policy/ci-deploy-least-privilege-2",
    ]
    assert sorted(a["inputs"]["policyArn"] for a in account_111.of_type(USER_ATTACHMENT)) == (
        new_arns
    )
    (managed,) = account_111.of_type(USER_ATTACHMENTS_EXCLUSIVE)
    assert managed["inputs"] == {"userName": "ci-deploy", "policyArns": new_arns}
    (inline,) = account_111.of_type(USER_POLICIES_EXCLUSIVE)
    assert inline["inputs"] == {"userName": "ci-deploy", "policyNames": []}
    assert not account_111.of_type(ROLE)


def test_permissions_boundary_is_declared_and_never_attached(tmp_path: Path) -> None:
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    boundary = "arn:aws:iam::333333333333:policy/sandbox-boundary"
    base = plans.data_pipeline()
    plan = type(base)(
        identity=IdentityId("arn:aws:iam::333333333333:role/sandbox-developer"),
        account="333333333333",
        name="sandbox-developer",
        kind="role",
        status=base.status,
        new_policies=(NewPolicy(name="sandbox-developer-used", document=plans.ORDERS_DOC),),
        replaces=(
            Replacement(
                permission_set=PermissionSetId(admin), name="AdministratorAccess", managed=True
            ),
        ),
        # A plan may list the boundary among what it leaves alone; it must not become an attachment.
        kept_attachments=(
            Replacement(
                permission_set=PermissionSetId(boundary), name="sandbox-boundary", managed=True
            ),
        ),
        proof=base.proof,
    )
    programs = render_aws_programs(plans.remediation_plan(plan), plans.inventory())
    registered = run_under_mocks(programs["333333333333"], tmp_path)
    (role,) = registered.of_type(ROLE)
    assert role["inputs"]["permissionsBoundary"] == boundary
    (exclusive,) = registered.of_type(ROLE_ATTACHMENTS_EXCLUSIVE)
    assert exclusive["inputs"]["policyArns"] == [
        "arn:aws:iam::333333333333:policy/sandbox-developer-used"
    ]

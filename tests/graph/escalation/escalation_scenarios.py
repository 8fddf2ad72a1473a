"""Estates for the escalation scenarios: one positive builder per family, with knobs.

Each builder returns a function that builds the estate and names the attacker; its keyword
arguments turn the positive estate into a look-alike that must not escalate (a Deny, a
boundary, an SCP, a narrower grant, a missing prerequisite).
"""

from __future__ import annotations

from collections.abc import Callable

from overgrant.model import CredentialKind

from .escalation_kit import (
    ACCOUNT,
    ADMIN_DOC,
    ADMIN_POLICY,
    OTHER,
    OU,
    Estate,
    allow,
    deny,
    doc,
    function_arn,
    group_arn,
    policy_arn,
    role_arn,
    trusts_principal,
    trusts_service,
    user_arn,
)

Build = Callable[[], tuple[Estate, str]]
LAMBDA, EC2, ECS = "lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"
DEV = role_arn("dev")
PROD = role_arn("prod-admin")


def passrole_lambda(
    *,
    grant: object = None,
    trust: str = LAMBDA,
    extra: tuple[dict[str, object], ...] = (),
    boundary: dict[str, object] | None = None,
    scp: dict[str, object] | None = None,
    target_account: str = ACCOUNT,
) -> Build:
    """dev may pass prod-admin (which Lambda may assume) to a new function and invoke it."""

    def build() -> tuple[Estate, str]:
        estate = Estate()
        estate.organization(ACCOUNT, OTHER)
        prod = estate.role("prod-admin", trusts_service(trust), ADMIN_DOC, account=target_account)
        estate.role("harmless", trusts_service(LAMBDA), doc(allow("s3:ListBucket")))
        passing = grant if grant is not None else allow("iam:PassRole", prod)
        dev = estate.role(
            "dev",
            trusts_service(EC2),
            doc(passing, allow(["lambda:CreateFunction", "lambda:InvokeFunction"])),  # type: ignore[arg-type]
            *extra,  # type: ignore[arg-type]
        )
        if boundary is not None:
            estate.attach(dev, estate.managed("dev-boundary", boundary), boundary=True)  # type: ignore[arg-type]
        if scp is not None:
            estate.scp(OU, "guard", scp)  # type: ignore[arg-type]
        return estate, dev

    return build


def keys_for_bob(*, keys: int = 1, collected: bool = True, via_group_deny: bool = False) -> Build:
    """alice may create an access key for bob."""

    def build() -> tuple[Estate, str]:
        estate = Estate()
        bob = estate.user("bob")
        groups = []
        if via_group_deny:
            groups.append(estate.group("contractors", doc(deny("iam:CreateAccessKey"))))
        alice = estate.user("alice", doc(allow("iam:CreateAccessKey", bob)), groups=groups)
        for number in range(keys if collected else 0):
            estate.credential(bob, CredentialKind.ACCESS_KEY, number)
        return estate, alice

    return build


def login_profile(*, password: bool, mfa: bool = False) -> Build:
    """alice may create or reset bob's console password."""

    def build() -> tuple[Estate, str]:
        estate = Estate()
        bob = estate.user("bob")
        alice = estate.user(
            "alice", doc(allow(["iam:CreateLoginProfile", "iam:UpdateLoginProfile"], bob))
        )
        estate.credential(bob, CredentialKind.ACCESS_KEY)  # the account's credentials were read
        if password:
            estate.credential(bob, CredentialKind.PASSWORD)
        if mfa:
            estate.credential(bob, CredentialKind.MFA_DEVICE)
        return estate, alice

    return build


def policy_version(*, action: str, other_versions: int, delete: bool = False) -> Build:
    """alice may write or switch versions of a customer-managed policy attached to her."""

    def build() -> tuple[Estate, str]:
        estate = Estate()
        alice = estate.user("alice")
        arn = policy_arn("alice-tools")
        actions = [action, "iam:DeletePolicyVersion"] if delete else [action]
        estate.managed("alice-tools", doc(allow(actions, arn)), other_versions=other_versions)
        estate.attach(alice, arn)
        return estate, alice

    return build


def assume_after_attach(*, trusted: bool) -> Build:
    """dev may attach a policy to prod-admin and assume it, if prod-admin's trust admits dev."""

    def build() -> tuple[Estate, str]:
        estate = Estate()
        trust = trusts_principal(DEV if trusted else role_arn("ops"))
        estate.role("prod-admin", trust, doc(allow("s3:ListBucket")))
        estate.role("ops", trusts_service(EC2))
        dev = estate.role(
            "dev", trusts_service(EC2), doc(allow(["iam:AttachRolePolicy", "sts:AssumeRole"], PROD))
        )
        return estate, dev

    return build


def ec2_instance_role(*, profile: bool = True) -> Build:
    def build() -> tuple[Estate, str]:
        estate = Estate()
        estate.role("prod-admin", trusts_service(EC2), ADMIN_DOC, instance_profile=profile)
        dev = estate.role(
            "dev",
            trusts_service(LAMBDA),
            doc(
                allow(
                    "iam:PassRole", PROD, Condition={"StringEquals": {"iam:PassedToService": EC2}}
                ),
                allow("ec2:RunInstances"),
            ),
        )
        return estate, dev

    return build


def event_source(*, queue: bool) -> Build:
    def build() -> tuple[Estate, str]:
        estate = Estate()
        estate.role("prod-admin", trusts_service(LAMBDA), ADMIN_DOC)
        if queue:
            estate.resource(f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders", "sqs:queue")
        actions = ["lambda:CreateFunction", "lambda:CreateEventSourceMapping"]
        dev = estate.role(
            "dev", trusts_service(EC2), doc(allow("iam:PassRole", PROD), allow(actions))
        )
        return estate, dev

    return build


def existing_function(*, function: bool, invoke: bool = False) -> Build:
    def build() -> tuple[Estate, str]:
        estate = Estate()
        prod = estate.role("prod-admin", trusts_service(LAMBDA), ADMIN_DOC)
        if function:
            estate.function("billing", prod)
        actions = ["lambda:UpdateFunctionCode", *(["lambda:InvokeFunction"] if invoke else [])]
        dev = estate.role("dev", trusts_service(EC2), doc(allow(actions, function_arn("*"))))
        return estate, dev

    return build


def passrole_service(
    service: str, actions: list[str], *, receiving: str | None = None, **role: object
) -> Build:
    """dev may pass prod-admin (trusting ``service``) along with ``actions``."""

    def build() -> tuple[Estate, str]:
        estate = Estate()
        estate.role("prod-admin", trusts_service(service), ADMIN_DOC, **role)  # type: ignore[arg-type]
        condition = {"StringEquals": {"iam:PassedToService": receiving or service}}
        dev = estate.role(
            "dev",
            trusts_service(EC2),
            doc(allow("iam:PassRole", PROD, Condition=condition), allow(actions)),
        )
        return estate, dev

    return build


def data_pipeline(*, auxiliary: bool) -> Build:
    def build() -> tuple[Estate, str]:
        estate = Estate()
        estate.role("prod-admin", trusts_service(EC2), ADMIN_DOC, instance_profile=True)
        if auxiliary:
            estate.role("pipeline-service", trusts_service("datapipeline.amazonaws.com"))
        actions = [
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ]
        dev = estate.role("dev", trusts_service(EC2), doc(allow("iam:PassRole"), allow(actions)))
        return estate, dev

    return build


def ssm_instance(*, state: str = "running", managed: bool | None = True) -> Build:
    def build() -> tuple[Estate, str]:
        estate = Estate()
        prod = estate.role("prod-admin", trusts_service(EC2), ADMIN_DOC, instance_profile=True)
        attributes: dict[str, object] = {"state": state}
        if managed is not None:
            attributes["ssm_managed"] = managed
        estate.instance("i-0abc", prod, **attributes)  # type: ignore[arg-type]
        actions = ["ssm:SendCommand", "ec2-instance-connect:SendSSHPublicKey"]
        dev = estate.role("dev", trusts_service(LAMBDA), doc(allow(actions)))
        return estate, dev

    return build


def existing_compute(kind: str, arn: str, action: str) -> Build:
    def build() -> tuple[Estate, str]:
        estate = Estate()
        prod = estate.role("prod-admin", trusts_service(EC2), ADMIN_DOC)
        estate.compute(arn, kind, prod)
        dev = estate.role("dev", trusts_service(LAMBDA), doc(allow(action, arn)))
        return estate, dev

    return build


def self_policy(
    action: str,
    *,
    user: bool,
    condition: dict[str, object] | None = None,
    boundary: list[str] | None = None,
) -> Build:
    """The attacker may write a policy onto itself (with a condition or under a boundary)."""

    def build() -> tuple[Estate, str]:
        estate = Estate()
        me = user_arn("alice") if user else role_arn("alice")
        extra = {"Condition": condition} if condition else {}
        document = doc(allow(action, me, **extra))  # type: ignore[arg-type]
        arn = (
            estate.user("alice", document)
            if user
            else estate.role("alice", trusts_service(EC2), document)
        )
        if boundary is not None:
            estate.attach(
                arn, estate.managed("alice-boundary", doc(allow(boundary))), boundary=True
            )
        return estate, arn

    return build


def own_group(action: str, *, member: bool = True) -> Build:
    """alice may write a policy onto a group: her own, or one she is not in."""

    def build() -> tuple[Estate, str]:
        estate = Estate()
        team = estate.group("team", doc(allow("s3:ListBucket")))
        alice = estate.user("alice", doc(allow(action, team)), groups=[team] if member else [])
        return estate, alice

    return build


def join_group(*, target: str) -> Build:
    def build() -> tuple[Estate, str]:
        estate = Estate()
        estate.group("admins")
        estate.attach(group_arn("admins"), ADMIN_POLICY)
        estate.group("readers", doc(allow("s3:Get*")))
        alice = estate.user("alice", doc(allow("iam:AddUserToGroup", group_arn(target))))
        return estate, alice

    return build


def rewrite_trust() -> tuple[Estate, str]:
    estate = Estate()
    estate.role("prod-admin", trusts_service(EC2), ADMIN_DOC)
    actions = ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"]
    dev = estate.role("dev", trusts_service(LAMBDA), doc(allow(actions, PROD)))
    return estate, dev


def lift_boundary(*, boundary: bool = True) -> Build:
    """alice may delete her own permissions boundary (if she has one)."""

    def build() -> tuple[Estate, str]:
        estate = Estate()
        actions = ["s3:*", "iam:DeleteRolePermissionsBoundary"]
        alice = estate.role("alice", trusts_service(EC2), doc(allow(actions)))
        if boundary:
            capped = estate.managed(
                "alice-boundary", doc(allow("iam:DeleteRolePermissionsBoundary"))
            )
            estate.attach(alice, capped, boundary=True)
        return estate, alice

    return build


def detach_deny(*, denies: bool = True) -> Build:
    """alice may detach managed policies from herself, one of which (maybe) denies."""

    def build() -> tuple[Estate, str]:
        estate = Estate()
        alice = estate.role(
            "alice", trusts_service(EC2), doc(allow(["s3:*", "iam:DetachRolePolicy"]))
        )
        fence = deny("s3:Delete*") if denies else allow("s3:Get*")
        estate.attach(alice, estate.managed("no-s3-delete", doc(fence)))
        return estate, alice

    return build

"""Identity-policy statements the way application teams write them.

Specific resource ARNs (buckets, tables, queues, secrets, keys) for the common case; Deny
statements, NotAction/NotResource, conditions and policy variables where teams add guardrails;
``iam:PassRole`` for deployers; and a handful of grants that allow privilege escalation, because
real estates have them and the escalation engine must find them.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from awsgen_common import HEX, LOWER_ALNUM, UPPER_ALNUM, AccountFacts, Json, allow, deny, token

StatementBuilder = Callable[[random.Random, AccountFacts, str, str], list[Json]]

GLOBAL_SERVICES = (
    "iam:* sts:* organizations:* cloudfront:* route53:* support:* budgets:* health:* waf:* "
    "trustedadvisor:*"
)
OFFICE_CIDRS = ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.16/28"]  # RFC 5737 ranges


def secret_arn(rng: random.Random, acct: AccountFacts, name: str) -> str:
    """Secrets Manager appends a dash and six random characters to every secret name."""
    suffix = token(rng, UPPER_ALNUM + LOWER_ALNUM[:26], 6)
    return acct.regional("secretsmanager", f"secret:{name}-{suffix}")


def kms_key_arn(rng: random.Random, acct: AccountFacts) -> str:
    parts = [token(rng, HEX, n) for n in (8, 4, 4, 4, 12)]
    return acct.regional("kms", "key/" + "-".join(parts))


def bucket(acct: AccountFacts, app: str, env: str, purpose: str) -> str:
    return f"{app}-{env}-{purpose}-{acct.id}"


def s3_access(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    name = bucket(acct, app, env, rng.choice(("data", "artifacts", "uploads", "exports", "raw")))
    actions = "s3:GetObject s3:GetObjectVersion"
    if rng.random() < 0.6:
        actions += " s3:PutObject s3:DeleteObject s3:AbortMultipartUpload"
    listing = allow("s3:ListBucket s3:GetBucketLocation", f"arn:aws:s3:::{name}")
    if rng.random() < 0.3:
        listing["Condition"] = {"StringLike": {"s3:prefix": [f"{app}/*", ""]}}
    return [allow(actions, f"arn:aws:s3:::{name}/*", sid="ObjectAccess"), listing]


def dynamodb_access(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    kinds = ("items", "events", "sessions", "state", "ledger")
    tables = [f"{app}-{rng.choice(kinds)}-{env}" for _ in range(rng.randint(1, 3))]
    arns = [acct.regional("dynamodb", f"table/{t}") for t in tables]
    actions = "dynamodb:GetItem dynamodb:Query dynamodb:BatchGetItem"
    if rng.random() < 0.7:
        actions += (
            " dynamodb:PutItem dynamodb:UpdateItem dynamodb:DeleteItem dynamodb:BatchWriteItem"
            " dynamodb:ConditionCheckItem"
        )
    return [allow(actions, arns + [f"{a}/index/*" for a in arns])]


def sqs_access(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    queue = acct.regional("sqs", f"{app}-{env}-{rng.choice(('jobs', 'events', 'dlq', 'inbound'))}")
    if rng.random() < 0.5:
        consume = (
            "sqs:ReceiveMessage sqs:DeleteMessage sqs:GetQueueAttributes "
            "sqs:ChangeMessageVisibility"
        )
        return [allow(consume, queue)]
    return [allow("sqs:SendMessage sqs:GetQueueUrl", queue)]


def sns_publish(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    topic = acct.regional("sns", f"{app}-{env}-{rng.choice(('alerts', 'events', 'notifications'))}")
    return [allow("sns:Publish", topic)]


def secrets_read(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    names = [f"{app}/{env}/{n}" for n in rng.sample(("db", "api-key", "oauth", "signing"), 2)]
    secrets = [secret_arn(rng, acct, n) for n in names]
    statements = [allow("secretsmanager:GetSecretValue secretsmanager:DescribeSecret", secrets)]
    if rng.random() < 0.5:
        via = {"StringEquals": {"kms:ViaService": f"secretsmanager.{acct.region}.amazonaws.com"}}
        statements.append(allow("kms:Decrypt", kms_key_arn(rng, acct), condition=via))
    return statements


def kms_use(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    return [allow("kms:Decrypt kms:GenerateDataKey kms:DescribeKey", kms_key_arn(rng, acct))]


def ssm_parameters(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    parameters = acct.regional("ssm", f"parameter/{app}/{env}/*")
    return [allow("ssm:GetParameter ssm:GetParameters ssm:GetParametersByPath", parameters)]


def logs_write(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    group = acct.regional("logs", f"log-group:/{app}/{env}/*")
    return [allow("logs:CreateLogStream logs:PutLogEvents", [group, f"{group}:log-stream:*"])]


def metrics_put(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    namespace = {"StringEquals": {"cloudwatch:namespace": f"{app.title()}/{env}"}}
    return [allow("cloudwatch:PutMetricData", condition=namespace)]


def invoke_others(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    others = rng.sample(("api", "worker", "sync", "notifier"), 2)
    functions = [acct.regional("lambda", f"function:{app}-{c}-{env}") for c in others]
    machine = acct.regional("states", f"stateMachine:{app}-{env}-workflow")
    return [
        allow("lambda:InvokeFunction", functions),
        allow("states:StartExecution states:DescribeExecution", machine),
    ]


def ecr_pull(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    repo = acct.regional("ecr", f"repository/{app}")
    pull = "ecr:BatchGetImage ecr:GetDownloadUrlForLayer ecr:BatchCheckLayerAvailability"
    return [allow("ecr:GetAuthorizationToken"), allow(pull, repo)]


# s3 twice: it is the most common thing an application role touches.
DATA_BUILDERS: tuple[StatementBuilder, ...] = (
    s3_access, s3_access, dynamodb_access, sqs_access, sns_publish, secrets_read, kms_use,
    ssm_parameters, logs_write, metrics_put, invoke_others, ecr_pull,
)  # fmt: skip


def deny_destructive(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    destructive = (
        "s3:DeleteBucket dynamodb:DeleteTable kms:ScheduleKeyDeletion rds:DeleteDBInstance"
    )
    return [deny(destructive, sid="DenyDestructive")]


def deny_outside_regions(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    regions = {"StringNotEquals": {"aws:RequestedRegion": [acct.region, "us-east-1"]}}
    return [deny(GLOBAL_SERVICES, not_action=True, sid="DenyOtherRegions", condition=regions)]


def deny_outside_bucket(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    name = bucket(acct, app, env, "data")
    own = [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]
    return [deny("s3:*", own, not_resource=True, sid="OnlyOwnBucket")]


def deny_off_network(rng: random.Random, acct: AccountFacts, app: str, env: str) -> list[Json]:
    off_network = {
        "NotIpAddress": {"aws:SourceIp": OFFICE_CIDRS[: rng.randint(1, 3)]},
        "Bool": {"aws:ViaAWSService": "false"},
    }
    return [deny("*", sid="DenyOffNetwork", condition=off_network)]


GUARDRAIL_BUILDERS: tuple[StatementBuilder, ...] = (
    deny_destructive, deny_outside_regions, deny_outside_bucket, deny_off_network,
)  # fmt: skip


def pass_role_scoped(acct: AccountFacts, pattern: str, service: str) -> Json:
    """``iam:PassRole`` as it should be: named roles, one receiving service."""
    to_service = {"StringEquals": {"iam:PassedToService": f"{service}.amazonaws.com"}}
    return allow(
        "iam:PassRole", acct.arn("role", pattern), condition=to_service, sid="PassRuntimeRoles"
    )


# Grants that let their holder gain more power (the classic IAM privilege-escalation methods).
def _create_policy_version(acct: AccountFacts) -> list[Json]:
    actions = (
        "iam:CreatePolicyVersion iam:SetDefaultPolicyVersion iam:GetPolicy iam:ListPolicyVersions"
    )
    return [allow(actions, acct.arn("policy", "*"), sid="ManagePolicies")]


def _attach_role_policy(acct: AccountFacts) -> list[Json]:
    actions = "iam:AttachRolePolicy iam:DetachRolePolicy iam:ListAttachedRolePolicies"
    return [allow(actions, acct.arn("role", "*"), sid="ManageRoleAttachments")]


def _put_role_policy(acct: AccountFacts) -> list[Json]:
    return [allow("iam:PutRolePolicy iam:GetRolePolicy", acct.arn("role", "*"))]


def _pass_role_lambda(acct: AccountFacts) -> list[Json]:
    functions = (
        "lambda:CreateFunction lambda:InvokeFunction lambda:UpdateFunctionCode "
        "lambda:CreateEventSourceMapping"
    )
    return [
        allow("iam:PassRole", "*", sid="PassAnyRole"),
        allow(functions, sid="ManageFunctions"),
    ]


def _update_trust(acct: AccountFacts) -> list[Json]:
    roles = acct.arn("role", "*")
    return [allow("iam:UpdateAssumeRolePolicy iam:GetRole", roles), allow("sts:AssumeRole", roles)]


def _pass_role_ec2(acct: AccountFacts) -> list[Json]:
    return [
        allow("iam:PassRole", acct.arn("role", "*")),
        allow("ec2:RunInstances ec2:AssociateIamInstanceProfile ec2:Describe*"),
    ]


def _access_keys(acct: AccountFacts) -> list[Json]:
    actions = "iam:CreateAccessKey iam:UpdateLoginProfile iam:CreateLoginProfile"
    return [allow(actions, acct.arn("user", "*"))]


def _glue_dev_endpoint(acct: AccountFacts) -> list[Json]:
    glue = "glue:CreateDevEndpoint glue:UpdateDevEndpoint glue:CreateJob glue:StartJobRun"
    return [allow("iam:PassRole", acct.arn("role", "*")), allow(glue)]


def _cloudformation(acct: AccountFacts) -> list[Json]:
    stacks = "cloudformation:CreateStack cloudformation:UpdateStack cloudformation:DescribeStacks"
    return [allow("iam:PassRole"), allow(stacks)]


def _group_membership(acct: AccountFacts) -> list[Json]:
    return [allow("iam:AddUserToGroup iam:PutUserPolicy iam:AttachUserPolicy")]


def _iam_star(acct: AccountFacts) -> list[Json]:
    return [allow("iam:*", sid="IamAdmin")]


ESCALATIONS: tuple[Callable[[AccountFacts], list[Json]], ...] = (
    _create_policy_version, _attach_role_policy, _put_role_policy, _pass_role_lambda,
    _update_trust, _pass_role_ec2, _access_keys, _glue_dev_endpoint, _cloudformation,
    _group_membership, _iam_star,
)  # fmt: skip


def escalation(rng: random.Random, acct: AccountFacts) -> list[Json]:
    """One grant that lets its holder become more powerful than it is."""
    return rng.choice(ESCALATIONS)(acct)


def self_service_credentials() -> list[Json]:
    """The classic 'manage your own credentials, nothing without MFA' policy: ${aws:username}."""
    own_user = "arn:aws:iam::*:user/${aws:username}"
    own_mfa = "arn:aws:iam::*:mfa/${aws:username}"
    credentials = (
        "iam:ChangePassword iam:GetUser iam:CreateAccessKey iam:DeleteAccessKey "
        "iam:ListAccessKeys iam:UpdateAccessKey iam:ListSSHPublicKeys iam:UploadSSHPublicKey"
    )
    mfa = (
        "iam:CreateVirtualMFADevice iam:DeleteVirtualMFADevice iam:EnableMFADevice "
        "iam:ResyncMFADevice iam:ListMFADevices"
    )
    without_mfa = (
        "iam:CreateVirtualMFADevice iam:EnableMFADevice iam:GetUser iam:ListMFADevices "
        "iam:ListVirtualMFADevices iam:ResyncMFADevice sts:GetSessionToken iam:ChangePassword"
    )
    no_mfa = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    return [
        allow("iam:GetAccountPasswordPolicy iam:ListVirtualMFADevices", sid="AllowViewAccountInfo"),
        allow(credentials, own_user, sid="AllowManageOwnCredentials"),
        allow(mfa, [own_mfa, own_user], sid="AllowManageOwnMFA"),
        deny(without_mfa, not_action=True, sid="DenyAllExceptListedIfNoMFA", condition=no_mfa),
    ]


def own_home_prefix(acct: AccountFacts, bucket_name: str) -> list[Json]:
    """Per-user home folders in a shared bucket, keyed by ${aws:username}."""
    prefixes = {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]}}
    home = f"arn:aws:s3:::{bucket_name}/home/${{aws:username}}/*"
    return [
        allow("s3:ListBucket", f"arn:aws:s3:::{bucket_name}", condition=prefixes),
        allow("s3:GetObject s3:PutObject s3:DeleteObject", home),
    ]

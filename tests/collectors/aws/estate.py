"""Seeding moto with small AWS estates, one thread at a time (moto's server is not safe for
concurrent writes while seeding)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from .harness import Moto

ACCOUNT = "123456789012"  # moto's default account: the caller's own
OTHER_ACCOUNT = "111122223333"
GITHUB = "token.actions.githubusercontent.com"
# Any id works for moto's run_instances; describing its ~thousands of images takes seconds.
IMAGE = "ami-12c6146b"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def trust_service(service: str) -> str:
    return doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


@dataclass
class Seeded:
    """ARNs and names of what was created, for the assertions."""

    roles: dict[str, str] = field(default_factory=dict)
    policies: dict[str, str] = field(default_factory=dict)
    keys: dict[str, dict[str, str]] = field(default_factory=dict)
    arns: dict[str, str] = field(default_factory=dict)


def _policies(iam: Any, seeded: Seeded) -> None:
    for name, document in {
        "app-read": doc(allow("s3:GetObject", "arn:aws:s3:::data-bucket-one/*")),
        "dev-boundary": doc(allow(["s3:*", "sqs:*", "logs:*"])),
    }.items():
        seeded.policies[name] = iam.create_policy(PolicyName=name, PolicyDocument=document)[
            "Policy"
        ]["Arn"]


def _roles(iam: Any, seeded: Seeded) -> None:
    github_provider = iam.create_open_id_connect_provider(
        Url=f"https://{GITHUB}", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    seeded.arns["github"] = github_provider
    trusts = {
        "lambda-exec": trust_service("lambda.amazonaws.com"),
        "ec2-app": trust_service("ec2.amazonaws.com"),
        "ecs-task": trust_service("ecs-tasks.amazonaws.com"),
        "cross-account-audit": doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "audit-123"}},
            }
        ),
        "github-deploy": doc(
            {
                "Effect": "Allow",
                "Principal": {"Federated": github_provider},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringLike": {f"{GITHUB}:sub": "repo:example/app:*"}},
            }
        ),
    }
    for name, trust in trusts.items():
        path = "/service/" if name == "lambda-exec" else "/"
        role = iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=trust)
        seeded.roles[name] = role["Role"]["Arn"]
    iam.attach_role_policy(RoleName="lambda-exec", PolicyArn=seeded.policies["app-read"])
    iam.put_role_permissions_boundary(
        RoleName="lambda-exec", PermissionsBoundary=seeded.policies["dev-boundary"]
    )
    iam.put_role_policy(
        RoleName="lambda-exec", PolicyName="logs", PolicyDocument=doc(allow("logs:PutLogEvents"))
    )
    iam.create_instance_profile(InstanceProfileName="ec2-app-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="ec2-app-profile", RoleName="ec2-app")


def _users(moto: Moto, iam: Any, seeded: Seeded) -> None:
    iam.create_group(GroupName="developers")
    iam.attach_group_policy(GroupName="developers", PolicyArn=seeded.policies["app-read"])
    iam.put_group_policy(
        GroupName="developers", PolicyName="queues", PolicyDocument=doc(allow("sqs:SendMessage"))
    )
    iam.create_user(UserName="ci-bot")
    iam.put_user_policy(
        UserName="ci-bot",
        PolicyName="deploy",
        PolicyDocument=doc(allow("lambda:UpdateFunctionCode")),
    )
    key = iam.create_access_key(UserName="ci-bot")["AccessKey"]
    seeded.keys["ci-bot"] = {"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="developers", UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-9")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    seeded.arns["alice-mfa"] = device["SerialNumber"]
    iam.enable_mfa_device(
        UserName="alice",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    old = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="alice", AccessKeyId=old, Status="Inactive")
    seeded.keys["alice"] = {"id": old}
    # A request signed with ci-bot's key makes IAM record the key's last use.
    moto.client(
        "sts", moto.session(key["AccessKeyId"], key["SecretAccessKey"])
    ).get_caller_identity()


def _compute(moto: Moto, seeded: Seeded) -> None:
    ec2 = moto.client("ec2")
    reply = ec2.run_instances(
        ImageId=IMAGE,
        MinCount=1,
        MaxCount=1,
        IamInstanceProfile={"Name": "ec2-app-profile"},
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-1"}]}
        ],
    )
    seeded.arns["instance"] = reply["Instances"][0]["InstanceId"]
    ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1)  # no profile: not a workload
    lambda_client = moto.client("lambda")
    function = lambda_client.create_function(
        FunctionName="processor",
        Runtime="python3.12",
        Role=seeded.roles["lambda-exec"],
        Handler="handler.handle",
        Code={"ZipFile": _zip()},
    )
    seeded.arns["function"] = function["FunctionArn"]
    lambda_client.add_permission(
        FunctionName="processor",
        StatementId="s3-invoke",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
    )
    task = moto.client("ecs").register_task_definition(
        family="api",
        taskRoleArn=seeded.roles["ecs-task"],
        executionRoleArn="lambda-exec",  # ECS also accepts a bare role name
        containerDefinitions=[{"name": "api", "image": "example/api:1", "memory": 256}],
    )
    seeded.arns["task"] = task["taskDefinition"]["taskDefinitionArn"]


def _resources(moto: Moto, seeded: Seeded) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="data-bucket-one")
    s3.put_bucket_policy(
        Bucket="data-bucket-one",
        Policy=doc(
            allow(
                "s3:GetObject",
                "arn:aws:s3:::data-bucket-one/*",
                Principal={"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
            )
        ),
    )
    s3.create_bucket(Bucket="plain-bucket-two")
    seeded.arns["key"] = moto.client("kms").create_key()["KeyMetadata"]["Arn"]
    sqs = moto.client("sqs")
    sqs.create_queue(
        QueueName="orders",
        Attributes={"Policy": doc(allow("sqs:SendMessage", Principal="*"))},
    )
    sqs.create_queue(QueueName="quiet")
    seeded.arns["topic"] = moto.client("sns").create_topic(Name="alerts")["TopicArn"]
    secrets = moto.client("secretsmanager")
    secret = secrets.create_secret(Name="db-password", SecretString="s3cret")
    seeded.arns["secret"] = secret["ARN"]
    secrets.put_resource_policy(
        SecretId="db-password",
        ResourcePolicy=doc(
            allow(
                "secretsmanager:GetSecretValue",
                Principal={"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
            )
        ),
    )
    secrets.create_secret(Name="no-policy", SecretString="x")


def seed_account(moto: Moto) -> Seeded:
    """Scenario (a): every kind of object the collector reads, in moto's default account."""
    seeded = Seeded()
    iam = moto.client("iam")
    _policies(iam, seeded)
    _roles(iam, seeded)
    _users(moto, iam, seeded)
    _compute(moto, seeded)
    _resources(moto, seeded)
    return seeded


@dataclass
class Organization:
    """Scenario (b): ids of the organization, its OUs, member accounts and SCP."""

    org_id: str
    root: str
    units: dict[str, str]
    accounts: dict[str, str]
    scp: str


def seed_organization(moto: Moto) -> Organization:
    """Management account plus two members in OUs (one nested), an SCP on an OU, and a role
    and a bucket in each member, seeded through the role moto creates in every new account."""
    org = moto.client("organizations")
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = org.list_roots()["Roots"][0]["Id"]
    units: dict[str, str] = {}
    for name, parent in (("workloads", root), ("prod", "workloads"), ("sandbox", root)):
        parent_id = units.get(parent, parent)
        unit = org.create_organizational_unit(ParentId=parent_id, Name=name)
        units[name] = unit["OrganizationalUnit"]["Id"]
    accounts: dict[str, str] = {}
    for name, unit in (("prod-app", "prod"), ("sandbox-1", "sandbox")):
        status = org.create_account(Email=f"{name}@example.com", AccountName=name)
        accounts[name] = status["CreateAccountStatus"]["AccountId"]
        org.move_account(
            AccountId=accounts[name], SourceParentId=root, DestinationParentId=units[unit]
        )
    scp = org.create_policy(
        Name="deny-leaving",
        Description="members may not leave",
        Type="SERVICE_CONTROL_POLICY",
        Content=doc(
            {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
        ),
    )["Policy"]["PolicySummary"]
    org.attach_policy(PolicyId=scp["Id"], TargetId=units["workloads"])
    moto.client("iam").create_role(
        RoleName="mgmt-admin", AssumeRolePolicyDocument=trust_service("ec2.amazonaws.com")
    )
    for name, account in accounts.items():
        session = moto.account_session(account)
        moto.client("iam", session).create_role(
            RoleName=f"{name}-app", AssumeRolePolicyDocument=trust_service("lambda.amazonaws.com")
        )
        moto.client("s3", session).create_bucket(Bucket=f"{name}-bucket")
    return Organization(org_id, root, units, accounts, scp["Arn"])

"""Service and resource control policies: the AWS-managed full-access pair and the custom
guardrails a landing zone attaches to its root, OUs and a few accounts."""

from __future__ import annotations

import json
from typing import NamedTuple

from awsgen_common import Json, OrgFacts, deny, document

SCP, RCP = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"
# Guardrails leave the roles that administer member accounts alone.
_ADMIN_ROLES = [
    "arn:aws:iam::*:role/OrganizationAccountAccessRole",
    "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole",
]
_REGIONLESS = (
    "iam:* sts:* organizations:* cloudfront:* route53:* support:* budgets:* health:* waf:*"
)
_DATA_SERVICES = "s3:* sqs:* kms:* secretsmanager:* sts:AssumeRole"


class Guardrail(NamedTuple):
    kind: str
    name: str
    description: str
    document: Json
    targets: list[str]
    """Names of the root (``Root``), OUs or accounts it is attached to."""


def aws_policy(name: str, kind: str, targets: list[Json]) -> Json:
    """FullAWSAccess and RCPFullAWSAccess: AWS attaches them to the root, every OU and account."""
    statement: Json = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    if kind == RCP:
        statement = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    summary = {
        "Id": f"p-{name}",
        "Arn": f"arn:aws:organizations::aws:policy/{kind.lower()}/p-{name}",
        "Name": name,
        "Description": "Allows access to every operation",
        "Type": kind,
        "AwsManaged": True,
    }
    content = json.dumps(document(statement), indent=4)
    return {"PolicySummary": summary, "Content": content, "Targets": list(targets)}


def _rcp(*statements: Json) -> Json:
    """RCP statements must name ``"Principal": "*"`` (placed after Sid and Effect, as written)."""
    with_principal: list[Json] = []
    for stmt in statements:
        head: Json = {k: stmt[k] for k in ("Sid", "Effect") if k in stmt}
        rest = {k: v for k, v in stmt.items() if k not in head}
        with_principal.append({**head, "Principal": "*", **rest})
    return document(*with_principal)


def _service_control(org: OrgFacts) -> list[Guardrail]:
    exempt = {"ArnNotLike": {"aws:PrincipalARN": _ADMIN_ROLES}}
    baseline = (
        "cloudtrail:StopLogging cloudtrail:DeleteTrail cloudtrail:UpdateTrail "
        "guardduty:DeleteDetector guardduty:DisassociateFromMasterAccount "
        "config:DeleteConfigurationRecorder config:StopConfigurationRecorder"
    )
    regions = {"aws:RequestedRegion": ["us-east-1", "eu-west-1", "us-west-2"]}
    small = {"ForAnyValue:StringNotLike": {"ec2:InstanceType": ["t3.*", "t4g.*", "m7g.medium"]}}
    logs = "arn:aws:s3:::org-cloudtrail-logs-* arn:aws:s3:::org-cloudtrail-logs-*/*"
    log_writes = "s3:DeleteBucket s3:DeleteObject s3:PutBucketPolicy s3:PutLifecycleConfiguration"
    root_user = {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}
    return [
        Guardrail(SCP, "DenyLeaveOrganization", "Accounts cannot leave the organization",
                  document(deny("organizations:LeaveOrganization")), ["Root"]),
        Guardrail(SCP, "ProtectSecurityBaseline", "Keep CloudTrail, GuardDuty and Config running",
                  document(deny(baseline, condition=exempt),
                           deny("iam:*", "arn:aws:iam::*:role/security/*", condition=exempt)),
                  ["Root"]),
        Guardrail(SCP, "RegionRestriction", "Only the regions we operate in",
                  document(deny(_REGIONLESS, not_action=True,
                                condition={"StringNotEquals": regions, **exempt})),
                  ["Workloads", "Sandbox"]),
        Guardrail(SCP, "DenyRootUser", "No root user activity in member accounts",
                  document(deny("*", condition=root_user)),
                  ["Workloads", "Infrastructure", "Security"]),
        Guardrail(SCP, "DenyIamUsers", "Production uses roles only",
                  document(deny("iam:CreateUser iam:CreateAccessKey iam:CreateLoginProfile",
                                condition=exempt)), ["Prod"]),
        Guardrail(SCP, "SandboxGuardrails", "Small instances, no organization changes",
                  document(deny("ec2:RunInstances", "arn:aws:ec2:*:*:instance/*", condition=small),
                           deny("organizations:* account:* iam:CreateUser")), ["Sandbox"]),
        Guardrail(SCP, "DenyAll", "Closed accounts", document(deny("*")), ["Suspended"]),
        Guardrail(SCP, "ProtectLogArchive", "Log buckets are append-only",
                  document(deny(log_writes, logs, condition=exempt)), ["log-archive"]),
    ]  # fmt: skip


def guardrails(org: OrgFacts) -> list[Guardrail]:
    """The custom SCPs, then the RCPs that keep data inside the organization."""
    outsiders = {
        "StringNotEqualsIfExists": {
            "aws:PrincipalOrgID": org.org_id,
            "aws:PrincipalAccount": org.vendor_ids,
        },
        "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
    }
    plain_http = {"BoolIfExists": {"aws:SecureTransport": "false"}}
    return [
        *_service_control(org),
        Guardrail(RCP, "EnforceOrgIdentities",
                  "Only our organization (and AWS services) may use our data",
                  _rcp(deny(_DATA_SERVICES, condition=outsiders, sid="EnforceOrgIdentities")),
                  ["Root"]),
        Guardrail(RCP, "EnforceSecureTransport", "TLS only",
                  _rcp(deny(_DATA_SERVICES, condition=plain_http, sid="EnforceSecureTransport")),
                  ["Root"]),
    ]  # fmt: skip

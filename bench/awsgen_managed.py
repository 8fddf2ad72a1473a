"""The pool of AWS managed policies that the generated accounts attach, and their ``Policies``
entries. Ids and dates come from a generator seeded by the policy name, so the same policy
looks the same in every account and every run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import awsgen_policy_docs as policy_docs
import awsgen_service_docs as service_docs
from awsgen_common import EXPORTED_AT, Json, allow, document, iso, moment_between, unique_id


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    """One AWS managed policy: its name, path, default version and document."""

    name: str
    path: str
    default_version: str
    document: Json
    created: str
    updated: str
    policy_id: str

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::aws:policy{self.path}{self.name}"


# The pool of AWS managed policies in use: name, path, default version. Documents come from
# awsgen_policy_docs and awsgen_service_docs.
_POOL = """
AdministratorAccess                         /                   v1
PowerUserAccess                             /                   v5
ReadOnlyAccess                              /                   v118
ViewOnlyAccess                              /job-function/      v19
SecurityAudit                               /                   v44
IAMFullAccess                               /                   v2
IAMReadOnlyAccess                           /                   v4
AmazonS3FullAccess                          /                   v2
AmazonS3ReadOnlyAccess                      /                   v3
AmazonEC2FullAccess                         /                   v5
AmazonEC2ReadOnlyAccess                     /                   v3
AWSLambda_FullAccess                        /                   v9
AWSLambda_ReadOnlyAccess                    /                   v14
AmazonDynamoDBFullAccess                    /                   v14
AmazonDynamoDBReadOnlyAccess                /                   v13
SecretsManagerReadWrite                     /                   v5
AmazonSQSFullAccess                         /                   v3
AmazonSNSFullAccess                         /                   v2
CloudWatchLogsFullAccess                    /                   v2
CloudWatchReadOnlyAccess                    /                   v19
AmazonRDSFullAccess                         /                   v12
AWSCloudFormationFullAccess                 /                   v1
AmazonECS_FullAccess                        /                   v30
AmazonEC2ContainerRegistryReadOnly          /                   v4
AmazonEC2ContainerRegistryPowerUser         /                   v3
AmazonSageMakerFullAccess                   /                   v27
AWSOrganizationsFullAccess                  /                   v6
Billing                                     /job-function/      v8
NetworkAdministrator                        /job-function/      v13
AWSCodeBuildDeveloperAccess                 /                   v9
AWSLambdaBasicExecutionRole                 /service-role/      v1
AWSLambdaVPCAccessExecutionRole             /service-role/      v3
AmazonECSTaskExecutionRolePolicy            /service-role/      v1
AWSGlueServiceRole                          /service-role/      v6
AmazonSSMManagedInstanceCore                /                   v2
CloudWatchAgentServerPolicy                 /                   v3
AWSXRayDaemonWriteAccess                    /                   v2
AWSSupportServiceRolePolicy                 /aws-service-role/  v33
AWSTrustedAdvisorServiceRolePolicy          /aws-service-role/  v15
AutoScalingServiceRolePolicy                /aws-service-role/  v7
AWSElasticLoadBalancingServiceRolePolicy    /aws-service-role/  v10
AmazonECSServiceRolePolicy                  /aws-service-role/  v9
AWSSSOServiceRolePolicy                     /aws-service-role/  v27
AmazonGuardDutyServiceRolePolicy            /aws-service-role/  v11
AWSOrganizationsServiceTrustPolicy          /aws-service-role/  v3
AWSConfigServiceRolePolicy                  /aws-service-role/  v41
"""


def _document(name: str) -> Json:
    for module in (policy_docs, service_docs):
        if name in module.DOCUMENTS:
            build: Callable[[], Json] = module.DOCUMENTS[name]
            return build()
        if name in module.SIMPLE:
            return document(allow(module.SIMPLE[name]))
    raise KeyError(f"no document for AWS managed policy {name}")


_AWS_EPOCH = datetime(2015, 2, 6, 18, 39, 46, tzinfo=UTC)  # when IAM managed policies launched


def aws_managed_policies() -> dict[str, ManagedPolicy]:
    """The pool, keyed by policy name; ids and dates depend only on the name."""
    pool: dict[str, ManagedPolicy] = {}
    for row in _POOL.strip().splitlines():
        name, path, version = row.split()
        rng = random.Random(f"aws-managed:{name}")  # str seeds hash with SHA-512: stable
        created = moment_between(rng, _AWS_EPOCH, datetime(2020, 1, 1, tzinfo=UTC))
        updated = created if version == "v1" else moment_between(rng, created, EXPORTED_AT)
        pool[name] = ManagedPolicy(
            name=name,
            path=path,
            default_version=version,
            document=_document(name),
            created=iso(created),
            updated=iso(updated),
            policy_id=unique_id(rng, "ANPA"),
        )
    return pool


def aws_policy_detail(policy: ManagedPolicy, attachments: int, boundary_uses: int) -> Json:
    """The ``Policies`` entry for an AWS managed policy: only its default version is listed."""
    version = {
        "Document": policy.document,
        "VersionId": policy.default_version,
        "IsDefaultVersion": True,
        "CreateDate": policy.updated,
    }
    return {
        "PolicyName": policy.name,
        "PolicyId": policy.policy_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version,
        "AttachmentCount": attachments,
        "PermissionsBoundaryUsageCount": boundary_uses,
        "IsAttachable": True,
        "CreateDate": policy.created,
        "UpdateDate": policy.updated,
        "PolicyVersionList": [version],
    }

"""From EC2, Lambda and ECS descriptions to workloads, and from IAM providers to federation.

Pure. Compute input is, per region, ``{"Instances": [...], "Functions": [...],
"TaskDefinitions": [...]}`` as :mod:`~overgrant.collectors.aws.fetch_compute` returns them
(a list is absent when it could not be read). Instance profiles are resolved to roles through
the ``InstanceProfileList`` of each role in the authorization details, the same place an
import finds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from overgrant.codec import format_datetime
from overgrant.collectors.aws.authz import when
from overgrant.model import (
    Cloud,
    FederationProvider,
    IdentityId,
    JsonValue,
    ProviderId,
    ProviderKind,
    ScopeId,
    Workload,
    WorkloadId,
    WorkloadKind,
)


class RoleIndex:
    """Which roles an instance profile holds, and role ARNs by name, from authorization details.

    Args:
        details: merged GetAccountAuthorizationDetails output, or ``None`` when it could not
            be read (then no profile resolves and the workloads say so in their attributes).
    """

    def __init__(self, details: Mapping[str, Any] | None) -> None:
        self.profile_roles: dict[str, list[IdentityId]] = {}
        self.by_name: dict[str, IdentityId] = {}
        for role in (details or {}).get("RoleDetailList") or ():
            arn = IdentityId(role["Arn"])
            self.by_name[role.get("RoleName") or arn.rsplit("/", 1)[-1]] = arn
            for profile in role.get("InstanceProfileList") or ():
                self.profile_roles.setdefault(profile["Arn"], []).append(arn)

    def role(self, value: str, *, account: str, partition: str) -> IdentityId:
        """A role ARN from an ARN or a bare name (ECS accepts both for task roles)."""
        if value.startswith("arn:"):
            return IdentityId(value)
        return self.by_name.get(value) or IdentityId(f"arn:{partition}:iam::{account}:role/{value}")


def _instances(
    region: str,
    instances: Iterable[Mapping[str, Any]],
    roles: RoleIndex,
    account: str,
    partition: str,
) -> list[Workload]:
    found = []
    for instance in instances:
        profile = (instance.get("IamInstanceProfile") or {}).get("Arn")
        state = (instance.get("State") or {}).get("Name")
        # A terminated instance can never run again; its profile association is history.
        if not profile or state == "terminated":
            continue
        instance_id = str(instance["InstanceId"])
        name = next(
            (t["Value"] for t in instance.get("Tags") or () if t.get("Key") == "Name"),
            instance_id,
        )
        found.append(
            Workload(
                id=WorkloadId(f"arn:{partition}:ec2:{region}:{account}:instance/{instance_id}"),
                cloud=Cloud.AWS,
                kind=WorkloadKind.EC2_INSTANCE,
                name=str(name),
                container=ScopeId(account),
                identities=tuple(roles.profile_roles.get(profile, ())),
                attributes={"region": region, "instance_profile": profile, "state": state},
            )
        )
    return found


def _functions(region: str, functions: Iterable[Mapping[str, Any]], account: str) -> list[Workload]:
    return [
        Workload(
            id=WorkloadId(f["FunctionArn"]),
            cloud=Cloud.AWS,
            kind=WorkloadKind.LAMBDA_FUNCTION,
            name=str(f.get("FunctionName") or f["FunctionArn"].rsplit(":", 1)[-1]),
            container=ScopeId(account),
            identities=(IdentityId(f["Role"]),) if f.get("Role") else (),
            attributes={"region": region, "runtime": f.get("Runtime")},
        )
        for f in functions
    ]


def _task_definitions(
    region: str,
    definitions: Iterable[Mapping[str, Any]],
    roles: RoleIndex,
    account: str,
    partition: str,
) -> list[Workload]:
    found = []
    for definition in definitions:
        named = {
            key: roles.role(definition[key], account=account, partition=partition)
            for key in ("taskRoleArn", "executionRoleArn")
            if definition.get(key)
        }
        if not named:  # runs as no IAM role at all: nothing to carry
            continue
        attributes: dict[str, JsonValue] = {
            "region": region,
            "family": definition.get("family"),
            "revision": definition.get("revision"),
            "task_role": named.get("taskRoleArn"),
            "execution_role": named.get("executionRoleArn"),
        }
        found.append(
            Workload(
                id=WorkloadId(definition["taskDefinitionArn"]),
                cloud=Cloud.AWS,
                kind=WorkloadKind.ECS_TASK_DEFINITION,
                name=f"{definition.get('family')}:{definition.get('revision')}",
                container=ScopeId(account),
                identities=tuple(dict.fromkeys(named.values())),
                attributes=attributes,
            )
        )
    return found


def to_workloads(
    compute: Mapping[str, Mapping[str, Any]],
    roles: RoleIndex,
    *,
    account: str,
    partition: str = "aws",
) -> tuple[Workload, ...]:
    """EC2 instances with an instance profile, Lambda functions and ECS task definitions."""
    found: list[Workload] = []
    for region, described in compute.items():
        found += _instances(region, described.get("Instances") or (), roles, account, partition)
        found += _functions(region, described.get("Functions") or (), account)
        found += _task_definitions(
            region, described.get("TaskDefinitions") or (), roles, account, partition
        )
    return tuple(found)


def to_federation_providers(
    providers: Mapping[str, Any], *, account: str
) -> tuple[FederationProvider, ...]:
    """OIDC and SAML providers from :func:`~.fetch_iam.fetch_federation_providers` output."""
    found: list[FederationProvider] = []
    for oidc in providers.get("OpenIDConnectProviders") or ():
        found.append(
            FederationProvider(
                id=ProviderId(oidc["Arn"]),
                cloud=Cloud.AWS,
                kind=ProviderKind.OIDC,
                container=ScopeId(account),
                url=str(oidc.get("Url") or ""),
                audiences=tuple(oidc.get("ClientIDList") or ()),
                created=when(oidc.get("CreateDate")),
                attributes={"thumbprints": list(oidc.get("ThumbprintList") or ())},
            )
        )
    for saml in providers.get("SAMLProviders") or ():
        valid_until = when(saml.get("ValidUntil"))
        found.append(
            FederationProvider(
                id=ProviderId(saml["Arn"]),
                cloud=Cloud.AWS,
                kind=ProviderKind.SAML,
                container=ScopeId(account),
                created=when(saml.get("CreateDate")),
                attributes=({"valid_until": format_datetime(valid_until)} if valid_until else {}),
            )
        )
    return tuple(found)

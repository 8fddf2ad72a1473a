"""Collect one AWS account: each API read once, each failure a coverage gap, then the transforms.

The account's identities and documents come from the same transform an import uses
(:func:`overgrant.collectors.aws.authz.to_inventory`); what exports lack (credentials, the
users' nature, workloads, federation providers, resource policies) is added by the pure
functions beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from overgrant.collectors.aws.authz import to_inventory
from overgrant.collectors.aws.credentials import to_credentials, with_sign_in_facts
from overgrant.collectors.aws.fetch_compute import (
    fetch_functions,
    fetch_instances,
    fetch_task_definitions,
)
from overgrant.collectors.aws.fetch_iam import (
    fetch_authorization_details,
    fetch_federation_providers,
    fetch_user_sign_in,
)
from overgrant.collectors.aws.fetch_resources import (
    fetch_bucket_policies,
    fetch_function_policies,
    fetch_key_policies,
    fetch_queue_policies,
    fetch_secret_policies,
    fetch_topic_policies,
)
from overgrant.collectors.aws.gaps import GapRecorder
from overgrant.collectors.aws.resources import to_resource_policies
from overgrant.collectors.aws.session import AccountClients, Client
from overgrant.collectors.aws.workloads import RoleIndex, to_federation_providers, to_workloads
from overgrant.model import (
    Cloud,
    IdentityKind,
    Inventory,
    Scope,
    ScopeId,
    ScopeKind,
    merge_inventories,
)


def account_scope(account: str) -> Inventory:
    """The account itself, so that it appears in the inventory even when nothing was read."""
    return Inventory(
        scopes=(Scope(id=ScopeId(account), cloud=Cloud.AWS, kind=ScopeKind.ACCOUNT, name=account),)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _RegionalRead:
    """One regional listing: where its result goes and what a failure of it leaves unread."""

    key: str
    service: str
    operation: str
    """The IAM action named in a coverage gap."""
    affects: str
    fetch: Callable[[Client, GapRecorder], list[Any]]
    for_workloads: bool = False
    """Feeds workloads (compute) rather than resource policies."""


_REGIONAL_READS = (
    _RegionalRead(
        key="Instances",
        service="ec2",
        operation="ec2:DescribeInstances",
        affects="EC2 instances and their instance profiles",
        fetch=lambda client, _: fetch_instances(client),
        for_workloads=True,
    ),
    _RegionalRead(
        key="Functions",
        service="lambda",
        operation="lambda:ListFunctions",
        affects="Lambda functions, their roles and policies",
        fetch=lambda client, _: fetch_functions(client),
        for_workloads=True,
    ),
    _RegionalRead(
        key="TaskDefinitions",
        service="ecs",
        operation="ecs:ListTaskDefinitions",
        affects="ECS task definitions and their roles",
        fetch=fetch_task_definitions,
        for_workloads=True,
    ),
    _RegionalRead(
        key="Keys",
        service="kms",
        operation="kms:ListKeys",
        affects="KMS keys and their key policies",
        fetch=fetch_key_policies,
    ),
    _RegionalRead(
        key="Queues",
        service="sqs",
        operation="sqs:ListQueues",
        affects="SQS queues and their policies",
        fetch=fetch_queue_policies,
    ),
    _RegionalRead(
        key="Topics",
        service="sns",
        operation="sns:ListTopics",
        affects="SNS topics and their policies",
        fetch=fetch_topic_policies,
    ),
    _RegionalRead(
        key="Secrets",
        service="secretsmanager",
        operation="secretsmanager:ListSecrets",
        affects="secrets and their resource policies",
        fetch=fetch_secret_policies,
    ),
)
"""What each region is asked for, in order; S3 (global) and IAM are read apart."""


def _collect_region(
    clients: AccountClients, region: str, recorder: GapRecorder
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Compute (for workloads) and resource listings with policies, for one region."""
    compute: dict[str, Any] = {}
    listings: dict[str, list[Any]] = {}
    for read in _REGIONAL_READS:
        client = clients.client(read.service, region)
        found = recorder.call_for(
            read.operation, read.affects, region, read.fetch, client, recorder
        )
        if found is not None:
            (compute if read.for_workloads else listings)[read.key] = found
    if "Functions" in compute:
        # The functions were listed once, for workloads; their policies are read here.
        listings["Functions"] = fetch_function_policies(
            clients.client("lambda", region), compute["Functions"], recorder
        )
    return compute, listings


def _collect_resources(
    clients: AccountClients, recorder: GapRecorder
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Every region's compute, and every resource listing, S3 (global) included."""
    compute: dict[str, Any] = {}
    listings: dict[str, list[Any]] = {}
    buckets = recorder.call(
        "s3:ListAllMyBuckets",
        "S3 buckets and their bucket policies",
        fetch_bucket_policies,
        clients.client("s3"),
        recorder,
    )
    if buckets is not None:
        listings["Buckets"] = buckets
    for region in clients.regions:
        compute[region], regional = _collect_region(clients, region, recorder)
        for key, found in regional.items():
            listings.setdefault(key, []).extend(found)
    return compute, listings


def collect_account(clients: AccountClients, *, account: str, partition: str) -> Inventory:
    """Everything overgrant reads from one account, with a coverage gap for each failed read.

    Args:
        clients: clients holding credentials valid in ``account``.
        account: the account id (the scope of every gap).
        partition: the ARN partition (``aws``, ``aws-us-gov``, ``aws-cn``).
    """
    recorder = GapRecorder(account)
    where = f"account {account} (live)"
    iam = clients.client("iam")
    details = recorder.call(
        "iam:GetAccountAuthorizationDetails",
        "identities, their policies, groups and instance profiles",
        fetch_authorization_details,
        iam,
    )
    authz = to_inventory(details, where=where) if details is not None else Inventory()
    users = [i.name for i in authz.identities if i.kind is IdentityKind.USER]
    sign_in = fetch_user_sign_in(iam, users, recorder) if users else {}
    identities = with_sign_in_facts(authz.identities, sign_in)
    providers = fetch_federation_providers(iam, recorder)
    compute, listings = _collect_resources(clients, recorder)
    extra = Inventory(
        identities=identities,
        credentials=to_credentials(identities, sign_in),
        workloads=to_workloads(compute, RoleIndex(details), account=account, partition=partition),
        federation_providers=to_federation_providers(providers, account=account),
    )
    resources = to_resource_policies(listings, account=account, where=where, partition=partition)
    # Enriched identities come first so that they win over the plain ones from ``authz``.
    return merge_inventories(
        (
            account_scope(account),
            extra,
            authz,
            resources,
            Inventory(coverage_gaps=recorder.gaps()),
        )
    )

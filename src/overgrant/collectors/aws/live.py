"""Live collection from AWS: one account, or every account of an organization.

The entry point is :func:`collect_aws`. A single-account run collects whoever the credentials
belong to. An organization run describes the organization (OUs, accounts, SCPs and RCPs) with
the caller's credentials, then collects each active account, a bounded number at a time: the
caller's own account with its own credentials, every other one through the audit role
(``OrganizationAccountAccessRole`` unless told otherwise). An account whose role cannot be
assumed is a coverage gap for everything in it, never an empty account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from overgrant.collectors.aws.account import account_scope, collect_account
from overgrant.collectors.aws.fetch_org import fetch_organization
from overgrant.collectors.aws.gaps import GapRecorder, error_code
from overgrant.collectors.aws.organization import organization_to_inventory
from overgrant.collectors.aws.session import (
    AccountClients,
    Caller,
    Client,
    assume_audit_role,
    base_session,
    client_config,
    identify_caller,
    shared_loader,
)
from overgrant.errors import CollectionError, ConfigError
from overgrant.model import (
    Cloud,
    CoverageGap,
    GapReason,
    Inventory,
    ScopeId,
    Source,
    merge_inventories,
)

Progress = Callable[[str, int, int], None]
"""Called with ``(message, accounts done, accounts in all)`` each time an account finishes."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AwsCollectOptions:
    """What to collect and how."""

    profile: str | None = None
    """Named profile of the AWS config files; ``None`` uses the default credential chain."""
    regions: tuple[str, ...] = ("us-east-1",)
    """Regions whose workloads and regional resource policies are read; the first one also
    serves the global services (IAM, STS, Organizations, S3 listing)."""
    endpoint_url: str | None = None
    """Send every call to this URL (an emulator, or a VPC endpoint)."""
    organization: bool = False
    """Walk the whole organization the caller belongs to."""
    audit_role_name: str = "OrganizationAccountAccessRole"
    """Role (name, optionally with its path) assumed in each member account."""
    external_id: str | None = None
    """``ExternalId`` passed when assuming the audit role."""
    accounts: tuple[str, ...] = ()
    """Collect only these accounts of the organization (all of them when empty)."""
    max_workers: int = 4
    """Accounts collected at the same time."""
    max_attempts: int = 10
    """Attempts per call, the first one included (1 = never retry), with botocore's adaptive
    retry mode; a call still throttled after the last attempt becomes a coverage gap."""

    def __post_init__(self) -> None:
        if not self.regions:
            raise ConfigError("at least one AWS region is needed")
        if self.max_workers < 1 or self.max_attempts < 1:
            raise ConfigError("max_workers and max_attempts must be at least 1")
        if self.accounts and not self.organization:
            raise ConfigError("choosing accounts needs an organization collection")


def collect_aws(
    options: AwsCollectOptions,
    *,
    session: boto3.session.Session | None = None,
    progress: Progress | None = None,
) -> Inventory:
    """Collect identities, policies, credentials, workloads and resource policies from AWS.

    Args:
        options: what to collect.
        session: the caller's boto3 session; by default one is made from ``options.profile``.
            It is used by one thread at a time.
        progress: called from the calling thread with ``(message, done, total)``: once with
            ``done=0`` when the accounts to collect are known, then as each one finishes.

    Returns:
        The inventory, with a coverage gap for every read AWS refused or throttled.

    Raises:
        CollectionError: no usable credentials, or ``organization`` was asked for and the
            account belongs to none.
    """
    base = session or base_session(options.profile)
    config = client_config(options.max_attempts)
    own = AccountClients(
        base, regions=options.regions, endpoint_url=options.endpoint_url, config=config
    )
    sts = own.client("sts")
    caller = identify_caller(sts)
    if not options.organization:
        if progress is not None:
            progress(f"collecting account {caller.account}", 0, 1)
        inventory = collect_account(own, account=caller.account, partition=caller.partition)
        if progress is not None:
            progress(_finished_message(caller.account, inventory), 1, 1)
        return merge_inventories((inventory, _sources(f"account {caller.account}", caller)))
    return _collect_organization(options, own, sts, caller, progress)


def _sources(detail: str, caller: Caller) -> Inventory:
    source = Source(
        kind="aws-live",
        cloud=Cloud.AWS,
        detail=f"{detail}, read as {caller.arn}",
        collected_at=datetime.now(UTC),
    )
    return Inventory(sources=(source,))


def _finished_message(account: str, inventory: Inventory) -> str:
    gaps = sum(1 for gap in inventory.coverage_gaps if gap.scope == account)
    return f"account {account}: " + (f"{gaps} coverage gap(s)" if gaps else "collected")


def _describe(own: AccountClients, recorder: GapRecorder, caller: Caller) -> dict[str, Any] | None:
    """The organization document, or ``None`` (with a gap) when it may not be described."""
    try:
        return fetch_organization(own.client("organizations"), recorder)
    except ClientError as error:
        if error_code(error) == "AWSOrganizationsNotInUseException":
            raise CollectionError(
                f"account {caller.account} does not belong to an AWS organization; "
                "collect it without --organization"
            ) from None
        recorder.record(
            "organizations:DescribeOrganization",
            "the organization: its OUs, member accounts, SCPs and RCPs",
            error,
        )
        return None


def _plan(
    doc: Mapping[str, Any] | None,
    caller: Caller,
    requested: tuple[str, ...],
    recorder: GapRecorder,
) -> tuple[list[str], list[CoverageGap]]:
    """The accounts to collect, and a gap for each requested account the listing lacks."""
    listed = list((doc or {}).get("Accounts") or ())
    # Only ACTIVE accounts can be entered; a suspended or closing account is still shown in
    # the tree (its scope carries the status) but cannot be read.
    active = {a["Id"] for a in listed if (a.get("State") or a.get("Status")) == "ACTIVE"}
    active.add(caller.account)  # whatever the listing says, the caller's account is readable
    if not requested:
        return sorted(active), []
    listing_complete = doc is not None and not recorder.failed("organizations:ListAccounts")
    known = {a["Id"] for a in listed} | {caller.account}
    missing = [a for a in requested if a not in known] if listing_complete else []
    gaps = [
        CoverageGap(
            cloud=Cloud.AWS,
            scope=ScopeId(account),
            operation="organizations:ListAccounts",
            reason=GapReason.NOT_FOUND,
            message=f"account {account} is not a member of the organization",
            affects="everything in the account",
        )
        for account in missing
    ]
    chosen = [a for a in requested if a in active or (not listing_complete and a not in known)]
    return sorted(set(chosen)), gaps


def _collect_organization(
    options: AwsCollectOptions,
    own: AccountClients,
    sts: Client,
    caller: Caller,
    progress: Progress | None,
) -> Inventory:
    recorder = GapRecorder(caller.account)
    doc = _describe(own, recorder, caller)
    org = Inventory()
    name = f"the organization of account {caller.account}"
    if doc is not None:
        name = f"organization {doc['Organization']['Id']}"
        org = organization_to_inventory(doc, where=f"{name} (live)")
    plan, missing = _plan(doc, caller, options.accounts, recorder)
    loader = shared_loader()

    def collect(account: str) -> Inventory:
        if account == caller.account:
            return collect_account(own, account=account, partition=caller.partition)
        return _collect_member(options, sts, account, caller.partition, loader)

    parts = _run_bounded(collect, plan, options.max_workers, progress)
    return merge_inventories(
        (
            org,
            *(parts[account] for account in plan),
            Inventory(coverage_gaps=(*recorder.gaps(), *missing)),
            _sources(f"{name}, {len(plan)} account(s)", caller),
        )
    )


def _collect_member(
    options: AwsCollectOptions, sts: Client, account: str, partition: str, loader: Any
) -> Inventory:
    """Assume the audit role in ``account`` and collect it; a refusal is a gap for it all."""
    recorder = GapRecorder(account)
    role_arn = f"arn:{partition}:iam::{account}:role/{options.audit_role_name}"
    session = recorder.call_for(
        "sts:AssumeRole",
        "everything in the account: the audit role could not be assumed",
        role_arn,
        assume_audit_role,
        sts,
        role_arn,
        external_id=options.external_id,
        region=options.regions[0],
        loader=loader,
    )
    if session is None:
        return merge_inventories((account_scope(account), Inventory(coverage_gaps=recorder.gaps())))
    clients = AccountClients(
        session,
        regions=options.regions,
        endpoint_url=options.endpoint_url,
        config=client_config(options.max_attempts),
    )
    return collect_account(clients, account=account, partition=partition)


def _run_bounded(
    collect: Callable[[str], Inventory],
    accounts: Iterable[str],
    max_workers: int,
    progress: Progress | None,
) -> dict[str, Inventory]:
    """Collect accounts on at most ``max_workers`` threads; report each as it finishes.

    Each task builds its own clients (a boto3 session is not thread-safe); the caller's
    session is touched only by the task for the caller's own account. An unexpected error
    in any task cancels the tasks not yet started and propagates.
    """
    accounts = list(accounts)
    results: dict[str, Inventory] = {}
    if progress is not None:
        progress(f"collecting {len(accounts)} account(s)", 0, len(accounts))
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="overgrant-aws") as pool:
        futures: dict[Future[Inventory], str] = {pool.submit(collect, a): a for a in accounts}
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                account = futures[future]
                results[account] = future.result()
                if progress is not None:
                    progress(_finished_message(account, results[account]), done, len(accounts))
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return results

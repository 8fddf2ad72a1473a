"""boto3 sessions and clients for the live collector: retries, endpoints, assumed audit roles.

A boto3 ``Session`` is not thread-safe, while the clients it makes are; so each account is
collected through its own :class:`AccountClients` (one session, used by one thread), and the
only object shared between threads is the caller's STS client that assumes the audit roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)

from overgrant.collectors.aws.gaps import gap_message
from overgrant.errors import CollectionError

Client: TypeAlias = Any
"""A boto3 client. boto3 builds client classes at run time from its service models; the typed
stubs (``mypy-boto3-<service>``) are not a dependency, so clients are typed loosely here and the
shapes they return are checked where the pure transforms read them."""

_SESSION_NAME = "overgrant"


def client_config(max_attempts: int) -> Config:
    """botocore settings for every client: adaptive retries absorb throttling.

    Adaptive mode adds client-side rate limiting to the standard exponential backoff, which
    suits a collector that makes many similar calls to one API (boto3 guide "Retries",
    https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html).

    Args:
        max_attempts: attempts per call, the first one included. botocore's own
            ``max_attempts`` key counts only the retries; ``total_max_attempts`` is the key
            that means what the option says (and what ``AWS_MAX_ATTEMPTS`` means).
    """
    return Config(retries={"mode": "adaptive", "total_max_attempts": max_attempts})


def base_session(profile: str | None) -> boto3.session.Session:
    """The caller's session from the named profile or the default credential chain.

    Raises:
        CollectionError: the profile does not exist.
    """
    try:
        return boto3.session.Session(profile_name=profile)
    except ProfileNotFound:
        raise CollectionError(f"the AWS profile {profile!r} does not exist") from None


@dataclass(frozen=True, slots=True)
class Caller:
    """Who the credentials belong to, from ``sts:GetCallerIdentity``."""

    account: str
    arn: str

    @property
    def partition(self) -> str:
        """``aws``, ``aws-us-gov`` or ``aws-cn``: every ARN the collector builds uses it."""
        return self.arn.split(":", 2)[1]


class AccountClients:
    """Clients for one account, made from one session and used by one thread.

    Args:
        session: credentials for the account (the caller's own, or an assumed audit role).
        regions: the regions to collect; the first one also serves global services.
        endpoint_url: sends every call to this URL (an emulator or a VPC endpoint).
        config: botocore settings shared by every client.
    """

    def __init__(
        self,
        session: boto3.session.Session,
        *,
        regions: tuple[str, ...],
        endpoint_url: str | None,
        config: Config,
    ) -> None:
        self.session = session
        self.regions = regions
        self._endpoint_url = endpoint_url
        self._config = config
        self._clients: dict[tuple[str, str], Client] = {}

    def client(self, service: str, region: str | None = None) -> Client:
        """A client for ``service`` in ``region`` (the first region when not given)."""
        region = region or self.regions[0]
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self.session.client(
                service,  # type: ignore[call-overload]  # service names are plain strings here
                region_name=region,
                endpoint_url=self._endpoint_url,
                config=self._config,
            )
        return self._clients[key]


def identify_caller(sts: Client) -> Caller:
    """Ask STS whose credentials these are.

    Raises:
        CollectionError: there are no credentials, or AWS refuses them.
    """
    try:
        reply = sts.get_caller_identity()
    except (NoCredentialsError, PartialCredentialsError):
        raise CollectionError(
            "no AWS credentials were found: set a profile (--profile or AWS_PROFILE), "
            "environment variables or an instance role"
        ) from None
    except ClientError as error:
        raise CollectionError(f"AWS refused the credentials ({gap_message(error)})") from None
    return Caller(account=str(reply["Account"]), arn=str(reply["Arn"]))


def shared_loader() -> Any:
    """A botocore data loader for the sessions of many accounts to share.

    Parsing service models is most of the cost of making clients (about 0.1 s per service
    for every new session); all accounts read the same files, and the loader's cache is a
    plain dict that tolerates concurrent readers (at worst a model is parsed twice).
    """
    return botocore.session.get_session().get_component("data_loader")


def assume_audit_role(
    sts: Client,
    role_arn: str,
    *,
    external_id: str | None,
    region: str,
    loader: Any = None,
) -> boto3.session.Session:
    """A fresh session holding the credentials of ``role_arn``.

    The credentials last for the role's default session duration (one hour), which bounds
    how long one account's collection may take. ``loader`` (from :func:`shared_loader`)
    spares the new session from parsing the service models again.

    Raises:
        botocore.exceptions.ClientError: STS refused (the caller records it as a gap).
    """
    params: dict[str, str] = {"RoleArn": role_arn, "RoleSessionName": _SESSION_NAME}
    if external_id:
        params["ExternalId"] = external_id
    credentials = sts.assume_role(**params)["Credentials"]
    core = botocore.session.get_session()
    if loader is not None:
        core.register_component("data_loader", loader)
    return boto3.session.Session(
        botocore_session=core,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )

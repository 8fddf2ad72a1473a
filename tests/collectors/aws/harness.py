"""The moto emulator as tests use it: endpoint, reset, IAM enforcement, seeding sessions."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import boto3
from botocore.config import Config

from overgrant.collectors.aws.live import AwsCollectOptions

REGION = "us-east-1"
ONE_ATTEMPT = Config(retries={"mode": "standard", "total_max_attempts": 1})


@dataclass(frozen=True)
class Moto:
    """The running emulator: endpoint, reset, IAM enforcement and seeding sessions."""

    endpoint: str

    def _post(self, path: str, body: bytes = b"") -> None:
        # moto reads the body of reset-auth as text; a form content type would hide it.
        request = urllib.request.Request(
            self.endpoint + path, data=body, method="POST", headers={"Content-Type": "text/plain"}
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            reply.read()

    def reset(self) -> None:
        """Forget every account's data and stop enforcing IAM."""
        self.relax_iam()
        self._post("/moto-api/reset")

    def enforce_iam(self) -> None:
        """From the next request on, every call needs valid keys and an allowing policy."""
        self._post("/moto-api/reset-auth", b"0")

    def relax_iam(self) -> None:
        self._post("/moto-api/reset-auth", b"inf")

    @cached_property
    def seeding(self) -> boto3.session.Session:
        """The session seeding clients share (a fresh session loads every service model again)."""
        return self.session()

    def session(
        self, key: str = "testing", secret: str = "testing", token: str | None = None
    ) -> boto3.session.Session:
        """A new session with explicit keys (never the environment's credential chain)."""
        return boto3.session.Session(
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
            region_name=REGION,
        )

    def client(self, service: str, session: boto3.session.Session | None = None) -> Any:
        """A seeding client: one attempt, no retries, straight to moto."""
        return (session or self.seeding).client(
            service, endpoint_url=self.endpoint, config=ONE_ATTEMPT, region_name=REGION
        )

    def account_session(self, account: str, role: str = "OrganizationAccountAccessRole") -> Any:
        """A session inside another account, through the role moto creates in new accounts."""
        credentials = self.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="seeding"
        )["Credentials"]
        return self.session(
            credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
        )

    def options(self, endpoint: str | None = None, **overrides: Any) -> AwsCollectOptions:
        """Collector options aimed at moto (or a shim), with retries off unless overridden."""
        settings: dict[str, Any] = {"max_attempts": 1, "endpoint_url": endpoint or self.endpoint}
        settings.update(overrides)
        return AwsCollectOptions(**settings)

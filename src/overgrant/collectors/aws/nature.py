"""Telling people from workloads among AWS identities, with the evidence for each decision.

A role's trust policy says who can become it: a service or a CI/CD identity provider means a
workload, SAML federation or IAM Identity Center means people. A user with a console password
or an MFA device is a person; one with only access keys is a workload.
"""

from __future__ import annotations

from collections.abc import Iterator

from overgrant.model import JsonValue, Nature

_WORKLOAD_OIDC_ISSUERS = (
    "token.actions.githubusercontent.com",
    "gitlab.com",
    "app.terraform.io",
    "oidc.eks.",
    "oidc.circleci.com",
    "vstoken.dev.azure.com",
    "accounts.google.com",
)


def _as_list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else [value]


def trusted_principals(trust: JsonValue) -> Iterator[tuple[str, str]]:
    """Yield ``(principal type, value)`` for every Allow statement of a trust policy."""
    if not isinstance(trust, dict):
        return
    for statement in _as_list(trust.get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if principal == "*":
            yield "AWS", "*"
        elif isinstance(principal, dict):
            for kind, values in principal.items():
                for value in _as_list(values):
                    if isinstance(value, str):
                        yield kind, value


def classify_role(name: str, path: str, trust: JsonValue) -> tuple[Nature, str]:
    """Decide whether people or workloads use a role, from its trust policy and path."""
    if path.startswith("/aws-service-role/"):
        return Nature.WORKLOAD, "service-linked role used by an AWS service"
    if name.startswith("AWSReservedSSO_"):
        return Nature.HUMAN, "IAM Identity Center permission set role, assumed by people"
    principals = list(trusted_principals(trust))
    services = sorted({v for k, v in principals if k == "Service"})
    federated = [v for k, v in principals if k == "Federated"]
    if any(":saml-provider/" in v for v in federated):
        return Nature.HUMAN, "trusts SAML federation, through which people sign in"
    workload_idp = [v for v in federated if any(i in v for i in _WORKLOAD_OIDC_ISSUERS)]
    if workload_idp:
        return Nature.WORKLOAD, f"trusts the workload identity provider {workload_idp[0]}"
    if services:
        return Nature.WORKLOAD, f"trusted by the service {', '.join(services)}"
    aws = [v for k, v in principals if k == "AWS"]
    if aws and all(":role/" in v or ":assumed-role/" in v for v in aws):
        return Nature.WORKLOAD, "assumable only by other roles, with no sign-in of its own"
    if aws:
        accounts = sorted({_account_of_principal(v) for v in aws})
        return (
            Nature.UNKNOWN,
            f"assumable by principals of account {', '.join(accounts)}, people or workloads",
        )
    return Nature.UNKNOWN, "trust policy names no principal"


def _account_of_principal(value: str) -> str:
    """``123456789012`` for an account id, a root ARN or any IAM ARN; ``*`` stays ``*``."""
    if value.startswith("arn:"):
        return value.split(":")[4]
    return value


def classify_user(
    *, has_password: bool | None, has_mfa: bool | None, active_keys: int | None
) -> tuple[Nature, str]:
    """Decide whether a person or a workload uses an IAM user (``None`` = not known)."""
    if has_password:
        return Nature.HUMAN, "has a console password"
    if has_mfa:
        return Nature.HUMAN, "has an MFA device"
    if has_password is False and active_keys:
        return Nature.WORKLOAD, "has access keys and no console password"
    if has_password is None:
        return Nature.UNKNOWN, "sign-in details were not collected"
    if active_keys is None:
        return Nature.UNKNOWN, "has no console password; its access keys could not be read"
    return Nature.UNKNOWN, "has neither a console password nor active access keys"

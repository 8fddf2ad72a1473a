"""Trust policies (AssumeRolePolicyDocument) of the kinds real accounts carry.

Services, other accounts (roots, roles, a vendor with ``sts:ExternalId``), the whole organization
by ``aws:PrincipalOrgID``, GitHub Actions and EKS through OIDC, IAM Identity Center through SAML.
"""

from __future__ import annotations

import random

from awsgen_common import HEX, UPPER_ALNUM, AccountFacts, Json, document, one_or_many, token

GITHUB_ISSUER = "token.actions.githubusercontent.com"
GITHUB_ORGS = ("acme-corp", "acme-platform", "acme-data")


def _trust_statement(
    principal: Json, action: str | list[str], condition: Json | None, sid: str | None = None
) -> Json:
    stmt: Json = {} if sid is None else {"Sid": sid}
    stmt["Effect"] = "Allow"
    stmt["Principal"] = principal
    stmt["Action"] = action
    if condition:
        stmt["Condition"] = condition
    return stmt


def service_trust(
    rng: random.Random, acct: AccountFacts, services: list[str], *, confused_deputy: bool = False
) -> Json:
    """Trust for AWS services; consoles of old wrote ``"Sid": ""``, newer ones add source checks."""
    principal = {"Service": one_or_many([f"{s}.amazonaws.com" for s in services])}
    condition = None
    if confused_deputy:
        service = services[0]
        condition = {
            "ArnLike": {"aws:SourceArn": f"arn:aws:{service}:{acct.region}:{acct.id}:*"},
            "StringEquals": {"aws:SourceAccount": acct.id},
        }
    sid = "" if rng.random() < 0.3 else None
    return document(_trust_statement(principal, "sts:AssumeRole", condition, sid))


def accounts_trust(
    principals: list[str],
    *,
    external_id: str | None = None,
    mfa: bool = False,
    tag_session: bool = False,
) -> Json:
    """Trust for account roots (``arn:aws:iam::<id>:root``) or roles in other accounts."""
    condition: Json = {}
    if external_id is not None:
        condition["StringEquals"] = {"sts:ExternalId": external_id}
    if mfa:
        condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
    action: str | list[str] = (
        ["sts:AssumeRole", "sts:TagSession"] if tag_session else "sts:AssumeRole"
    )
    return document(_trust_statement({"AWS": one_or_many(principals)}, action, condition or None))


def organization_trust(org_id: str, principal_pattern: str | None) -> Json:
    """Anyone in the organization (``"AWS": "*"`` held in by ``aws:PrincipalOrgID``)."""
    condition: Json = {"StringEquals": {"aws:PrincipalOrgID": org_id}}
    if principal_pattern is not None:
        condition["ArnLike"] = {"aws:PrincipalArn": principal_pattern}
    return document(_trust_statement({"AWS": "*"}, "sts:AssumeRole", condition))


def github_trust(acct: AccountFacts, subject: str | None) -> Json:
    """GitHub Actions OIDC; ``subject=None`` leaves out the ``sub`` check (any repository)."""
    provider = acct.arn("oidc-provider", GITHUB_ISSUER, "/")
    condition: Json = {"StringEquals": {f"{GITHUB_ISSUER}:aud": "sts.amazonaws.com"}}
    if subject is not None:
        operator = "StringLike" if "*" in subject else "StringEquals"
        condition.setdefault(operator, {})[f"{GITHUB_ISSUER}:sub"] = subject
    return document(
        _trust_statement({"Federated": provider}, "sts:AssumeRoleWithWebIdentity", condition)
    )


def github_subject(rng: random.Random, repo: str, env: str) -> str | None:
    """The ``sub`` a workflow presents: a branch, an environment, a wildcard, or no check at all."""
    org = rng.choice(GITHUB_ORGS)
    roll = rng.random()
    if roll < 0.35:
        return f"repo:{org}/{repo}:ref:refs/heads/main"
    if roll < 0.6:
        return f"repo:{org}/{repo}:environment:{env}"
    if roll < 0.82:
        return f"repo:{org}/{repo}:*"
    if roll < 0.9:
        return f"repo:{org}/*"
    return None


def eks_trust(
    acct: AccountFacts, cluster_id: str, namespace: str, service_account: str, *, wildcard: bool
) -> Json:
    """IAM roles for service accounts: the cluster's OIDC issuer and the pod's service account."""
    issuer = f"oidc.eks.{acct.region}.amazonaws.com/id/{cluster_id}"
    subject = f"system:serviceaccount:{namespace}:{'*' if wildcard else service_account}"
    operator = "StringLike" if wildcard else "StringEquals"
    condition: Json = {operator: {f"{issuer}:sub": subject, f"{issuer}:aud": "sts.amazonaws.com"}}
    return document(
        _trust_statement(
            {"Federated": acct.arn("oidc-provider", issuer, "/")},
            "sts:AssumeRoleWithWebIdentity",
            condition,
        )
    )


def eks_cluster_id(rng: random.Random) -> str:
    return token(rng, HEX.upper(), 32)


def sso_trust(acct: AccountFacts, provider_name: str) -> Json:
    """IAM Identity Center permission-set roles trust the account's AWSSSO SAML provider."""
    provider = acct.arn("saml-provider", provider_name, "/")
    condition = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    return document(
        _trust_statement(
            {"Federated": provider}, ["sts:AssumeRoleWithSAML", "sts:TagSession"], condition
        )
    )


def sso_provider_name(rng: random.Random) -> str:
    return f"AWSSSO_{token(rng, HEX, 16)}_DO_NOT_DELETE"


def saml_idp_trust(acct: AccountFacts, idp: str) -> Json:
    """A directly federated SAML identity provider (before Identity Center)."""
    condition = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    return document(
        _trust_statement(
            {"Federated": acct.arn("saml-provider", idp, "/")}, "sts:AssumeRoleWithSAML", condition
        )
    )


def dangling_principal(rng: random.Random) -> str:
    """What IAM leaves in a trust policy when the trusted role is deleted: its bare unique id."""
    return "AROA" + token(rng, UPPER_ALNUM, 17)

"""IAM reads: authorization details, users' sign-in credentials, federation providers.

I/O only: every function returns what IAM returned, in IAM's own shapes, for the pure
transforms (:mod:`~overgrant.collectors.aws.authz`, :mod:`~overgrant.collectors.aws.credentials`,
:mod:`~overgrant.collectors.aws.workloads`) to read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from overgrant.collectors.aws.authz import DETAIL_LISTS
from overgrant.collectors.aws.gaps import GapRecorder, error_code
from overgrant.collectors.aws.session import Client

# GetAccountAuthorizationDetails accepts up to 1,000 items per page (the default is 100);
# large accounts need ten times fewer round trips with the maximum.
_GAAD_PAGE_SIZE = 1000


def merge_authorization_pages(pages: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Join the pages of GetAccountAuthorizationDetails into one document of the CLI's shape.

    The AWS CLI follows every page and prints one object with the four lists concatenated;
    the result here is that object, so that a live collection and an imported export go
    through the same transform. Paging fields (``Marker``, ``IsTruncated``) and response
    metadata are dropped.
    """
    merged: dict[str, Any] = {key: [] for key in DETAIL_LISTS}
    for page in pages:
        for key in DETAIL_LISTS:
            merged[key].extend(page.get(key) or ())
    return merged


def fetch_authorization_details(iam: Client) -> dict[str, Any]:
    """Every page of GetAccountAuthorizationDetails, merged (no filter, as the CLI does)."""
    paginator = iam.get_paginator("get_account_authorization_details")
    pages = paginator.paginate(PaginationConfig={"PageSize": _GAAD_PAGE_SIZE})
    return merge_authorization_pages(pages)


def _list_all(client: Client, operation: str, key: str, **params: Any) -> list[Any]:
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**params):
        items.extend(page.get(key) or ())
    return items


def _login_profile(iam: Client, user_name: str) -> dict[str, Any] | None:
    """The user's console login profile, or ``None`` when the user has no password."""
    try:
        profile: dict[str, Any] = iam.get_login_profile(UserName=user_name)["LoginProfile"]
    except ClientError as error:
        # IAM answers NoSuchEntity for a user without a console password: that is a fact,
        # not a failure. Any other error reaches the recorder.
        if error_code(error) == "NoSuchEntity":
            return None
        raise
    return profile


def _access_keys(iam: Client, user_name: str, recorder: GapRecorder) -> list[dict[str, Any]] | None:
    keys: list[dict[str, Any]] | None = recorder.call_for(
        "iam:ListAccessKeys",
        "access keys of users",
        user_name,
        _list_all,
        iam,
        "list_access_keys",
        "AccessKeyMetadata",
        UserName=user_name,
    )
    for key in keys or ():
        used = recorder.call_for(
            "iam:GetAccessKeyLastUsed",
            "last use of access keys",
            key["AccessKeyId"],
            iam.get_access_key_last_used,
            AccessKeyId=key["AccessKeyId"],
        )
        if used is not None:
            key["AccessKeyLastUsed"] = used.get("AccessKeyLastUsed") or {}
    return keys


def fetch_user_sign_in(
    iam: Client, user_names: Iterable[str], recorder: GapRecorder
) -> dict[str, dict[str, Any]]:
    """Console password, MFA devices and access keys (with last use) of each user.

    Returns:
        ``{user name: {"UserName", "PasswordLastUsed"?, "LoginProfile"?, "MFADevices"?,
        "AccessKeyMetadata"?}}``. ``LoginProfile`` is ``None`` for a user without a password;
        each access key entry carries ``AccessKeyLastUsed`` when it could be read. A key is
        absent when its read failed (the recorder holds the gap), never set to an empty
        value, so that "unknown" stays apart from "none".
    """
    listed = recorder.call(
        "iam:ListUsers",
        "when users last used their passwords",
        _list_all,
        iam,
        "list_users",
        "Users",
    )
    last_password_use = {
        u["UserName"]: u["PasswordLastUsed"] for u in listed or () if u.get("PasswordLastUsed")
    }
    result: dict[str, dict[str, Any]] = {}
    for name in user_names:
        doc: dict[str, Any] = {"UserName": name}
        if name in last_password_use:
            doc["PasswordLastUsed"] = last_password_use[name]
        try:
            doc["LoginProfile"] = _login_profile(iam, name)
        except ClientError as error:
            recorder.record("iam:GetLoginProfile", "console passwords of users", error, target=name)
        devices = recorder.call_for(
            "iam:ListMFADevices",
            "MFA devices of users",
            name,
            _list_all,
            iam,
            "list_mfa_devices",
            "MFADevices",
            UserName=name,
        )
        if devices is not None:
            doc["MFADevices"] = devices
        keys = _access_keys(iam, name, recorder)
        if keys is not None:
            doc["AccessKeyMetadata"] = keys
        result[name] = doc
    return result


def fetch_federation_providers(iam: Client, recorder: GapRecorder) -> dict[str, Any]:
    """OIDC providers (with URL, audiences and thumbprints) and SAML providers.

    Returns:
        ``{"OpenIDConnectProviders": [GetOpenIDConnectProvider output + "Arn"],
        "SAMLProviders": [ListSAMLProviders entries]}``; a list is absent if it could not be
        read. An OIDC provider whose details could not be read keeps only its ``Arn``.
    """
    doc: dict[str, Any] = {}
    listed = recorder.call(
        "iam:ListOpenIDConnectProviders",
        "OIDC identity providers",
        iam.list_open_id_connect_providers,
    )
    if listed is not None:
        providers = []
        for entry in listed.get("OpenIDConnectProviderList") or ():
            arn = entry["Arn"]
            details = recorder.call_for(
                "iam:GetOpenIDConnectProvider",
                "URL and audiences of OIDC providers",
                arn,
                iam.get_open_id_connect_provider,
                OpenIDConnectProviderArn=arn,
            )
            details = {k: v for k, v in (details or {}).items() if k != "ResponseMetadata"}
            providers.append({"Arn": arn, **details})
        doc["OpenIDConnectProviders"] = providers
    saml = recorder.call(
        "iam:ListSAMLProviders", "SAML identity providers", iam.list_saml_providers
    )
    if saml is not None:
        doc["SAMLProviders"] = saml.get("SAMLProviderList") or []
    return doc

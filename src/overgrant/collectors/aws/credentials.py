"""From IAM users' sign-in facts to credentials, and to the users' nature (person or workload).

Pure. The input is :func:`overgrant.collectors.aws.fetch_iam.fetch_user_sign_in`'s result:
per user name, ``LoginProfile`` (``None`` when the user has no console password),
``MFADevices``, ``AccessKeyMetadata`` (each key with ``AccessKeyLastUsed``) and
``PasswordLastUsed``. A missing key means the fact could not be read; it stays unknown.
Authorization-details exports carry none of this, which is why an imported user's nature is
unknown while a collected one's is decided.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from overgrant.collectors.aws.authz import when
from overgrant.collectors.aws.nature import classify_user
from overgrant.model import (
    Cloud,
    Credential,
    CredentialId,
    CredentialKind,
    Identity,
    IdentityId,
    IdentityKind,
)

# GetAccessKeyLastUsed reports "N/A" for the service and region of a key never used.
_NEVER = "N/A"

SignIn = Mapping[str, Mapping[str, Any]]
"""Sign-in facts per user name, as :func:`~overgrant.collectors.aws.fetch_iam.fetch_user_sign_in`
returns them."""


def _known(value: object) -> str | None:
    return str(value) if value and value != _NEVER else None


def _access_key(user: IdentityId, key: Mapping[str, Any]) -> Credential:
    used = key.get("AccessKeyLastUsed") or {}
    return Credential(
        id=CredentialId(key["AccessKeyId"]),
        cloud=Cloud.AWS,
        kind=CredentialKind.ACCESS_KEY,
        identity=user,
        active=key.get("Status") == "Active",
        created=when(key.get("CreateDate")),
        last_used=when(used.get("LastUsedDate")),
        last_used_service=_known(used.get("ServiceName")),
        last_used_region=_known(used.get("Region")),
    )


def _mfa_id(user: IdentityId, serial: str) -> CredentialId:
    # A virtual device's serial number is its ARN, unique everywhere; a hardware token's is a
    # vendor serial, unique only per user.
    return CredentialId(serial if serial.startswith("arn:") else f"{user}#mfa/{serial}")


def _user_credentials(user: IdentityId, facts: Mapping[str, Any]) -> list[Credential]:
    found = [_access_key(user, key) for key in facts.get("AccessKeyMetadata") or ()]
    profile = facts.get("LoginProfile")
    if profile:
        found.append(
            Credential(
                id=CredentialId(f"{user}#password"),
                cloud=Cloud.AWS,
                kind=CredentialKind.PASSWORD,
                identity=user,
                created=when(profile.get("CreateDate")),
                last_used=when(facts.get("PasswordLastUsed")),
                attributes={"password_reset_required": bool(profile.get("PasswordResetRequired"))},
            )
        )
    for device in facts.get("MFADevices") or ():
        serial = str(device["SerialNumber"])
        found.append(
            Credential(
                id=_mfa_id(user, serial),
                cloud=Cloud.AWS,
                kind=CredentialKind.MFA_DEVICE,
                identity=user,
                created=when(device.get("EnableDate")),
                attributes={"serial_number": serial},
            )
        )
    return found


def to_credentials(identities: Iterable[Identity], sign_in: SignIn) -> tuple[Credential, ...]:
    """Access keys, console passwords and MFA devices of the users among ``identities``."""
    found: list[Credential] = []
    for identity in identities:
        facts = sign_in.get(identity.name)
        if identity.kind is IdentityKind.USER and facts is not None:
            found.extend(_user_credentials(identity.id, facts))
    return tuple(found)


def _last_use(facts: Mapping[str, Any]) -> tuple[datetime | None, str | None]:
    """The latest use of any of the user's credentials, and the region of a key's use."""
    uses: list[tuple[datetime, str | None]] = []
    password_used = when(facts.get("PasswordLastUsed"))
    if password_used is not None:
        uses.append((password_used, None))
    for key in facts.get("AccessKeyMetadata") or ():
        used = key.get("AccessKeyLastUsed") or {}
        key_used = when(used.get("LastUsedDate"))
        if key_used is not None:
            uses.append((key_used, _known(used.get("Region"))))
    return max(uses, key=lambda use: use[0]) if uses else (None, None)


def with_sign_in_facts(identities: Iterable[Identity], sign_in: SignIn) -> tuple[Identity, ...]:
    """Decide each user's nature from its password, MFA devices and keys; set its last use.

    Identities other than users, and users without facts, are returned unchanged.
    """
    out: list[Identity] = []
    for identity in identities:
        facts = sign_in.get(identity.name)
        if identity.kind is not IdentityKind.USER or facts is None:
            out.append(identity)
            continue
        keys = facts.get("AccessKeyMetadata")
        nature, reason = classify_user(
            has_password=bool(facts["LoginProfile"]) if "LoginProfile" in facts else None,
            has_mfa=bool(facts["MFADevices"]) if "MFADevices" in facts else None,
            active_keys=(
                sum(1 for k in keys if k.get("Status") == "Active") if keys is not None else None
            ),
        )
        last_used, region = _last_use(facts)
        out.append(
            dataclasses.replace(
                identity,
                nature=nature,
                nature_reason=reason,
                last_used=last_used or identity.last_used,
                last_used_region=region if last_used else identity.last_used_region,
            )
        )
    return tuple(out)

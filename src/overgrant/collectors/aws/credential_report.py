"""The IAM credential report (``aws iam get-credential-report``): passwords, MFA and keys.

Authorization details carry no credentials; the credential report does, for every user of
an account, in one CSV. Key ids are not in it, so key credentials are named by their slot
(``<user arn>#access_key_1``). ``N/A``, ``no_information`` and ``not_supported`` mean "none".
"""

from __future__ import annotations

import base64
import binascii
import csv
import dataclasses
import io
import json
from collections.abc import Iterable, Mapping
from datetime import datetime

from overgrant.codec import parse_datetime
from overgrant.collectors.aws.nature import classify_user
from overgrant.errors import ExportError
from overgrant.model import (
    Cloud,
    Credential,
    CredentialId,
    CredentialKind,
    Identity,
    IdentityId,
    IdentityKind,
    Nature,
    ScopeId,
)

_REQUIRED_COLUMNS = ("user", "arn", "password_enabled", "mfa_active", "access_key_1_active")
_NOTHING = {"", "N/A", "no_information", "not_supported"}


def _time(value: str) -> datetime | None:
    return None if value in _NOTHING else parse_datetime(value)


def decode_credential_report(raw: bytes, where: str) -> list[dict[str, str]]:
    """Rows of the report, from the CSV itself or the CLI's JSON with base64 ``Content``."""
    text = raw.decode("utf-8-sig", errors="replace").strip()
    if text.startswith("{"):
        try:
            content = json.loads(text)["Content"]
            text = base64.b64decode(content).decode("utf-8")
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise ExportError(
                f"{where}: not a credential report (expected CSV, or JSON with a base64 Content)"
            ) from None
    rows = list(csv.DictReader(io.StringIO(text)))
    header = rows[0].keys() if rows else ()
    missing = [c for c in _REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ExportError(
            f"{where}: not a credential report (missing columns {', '.join(missing)})"
        )
    return rows


def _key_credentials(row: Mapping[str, str], arn: str) -> list[Credential]:
    found = []
    for slot in ("1", "2"):
        prefix = f"access_key_{slot}"
        active = row.get(f"{prefix}_active") == "true"
        rotated = _time(row.get(f"{prefix}_last_rotated", "N/A"))
        if not active and rotated is None:
            continue  # the slot was never used
        found.append(
            Credential(
                id=CredentialId(f"{arn}#{prefix}"),
                cloud=Cloud.AWS,
                kind=CredentialKind.ACCESS_KEY,
                identity=IdentityId(arn),
                active=active,
                created=rotated,
                last_used=_time(row.get(f"{prefix}_last_used_date", "N/A")),
                last_used_service=_blank_to_none(row.get(f"{prefix}_last_used_service", "")),
                last_used_region=_blank_to_none(row.get(f"{prefix}_last_used_region", "")),
            )
        )
    return found


def _blank_to_none(value: str) -> str | None:
    return None if value in _NOTHING else value


def credentials_from_report(rows: Iterable[Mapping[str, str]]) -> list[Credential]:
    """Access keys, console passwords and MFA of each user in the report (root included)."""
    credentials: list[Credential] = []
    for row in rows:
        arn = row["arn"]
        if row.get("password_enabled") == "true":
            credentials.append(
                Credential(
                    id=CredentialId(f"{arn}#password"),
                    cloud=Cloud.AWS,
                    kind=CredentialKind.PASSWORD,
                    identity=IdentityId(arn),
                    created=_time(row.get("password_last_changed", "N/A")),
                    last_used=_time(row.get("password_last_used", "N/A")),
                )
            )
        if row.get("mfa_active") == "true":
            credentials.append(
                Credential(
                    id=CredentialId(f"{arn}#mfa"),
                    cloud=Cloud.AWS,
                    kind=CredentialKind.MFA_DEVICE,
                    identity=IdentityId(arn),
                )
            )
        credentials.extend(_key_credentials(row, arn))
    return credentials


def root_identities(rows: Iterable[Mapping[str, str]]) -> list[Identity]:
    """The account root user of each report: it has no policies but holds credentials."""
    return [
        Identity(
            id=IdentityId(row["arn"]),
            cloud=Cloud.AWS,
            kind=IdentityKind.ROOT,
            name="root",
            container=ScopeId(row["arn"].split(":")[4]),
            nature=Nature.HUMAN,
            nature_reason="the account root user signs in with the account's email address",
            created=_time(row.get("user_creation_time", "N/A")),
        )
        for row in rows
        if row.get("user") == "<root_account>"
    ]


def classify_users(
    identities: Iterable[Identity], credentials: Iterable[Credential]
) -> list[Identity]:
    """Decide each IAM user's nature from the credentials it holds (others pass unchanged)."""
    by_identity: dict[str, list[Credential]] = {}
    for credential in credentials:
        by_identity.setdefault(credential.identity, []).append(credential)
    result = []
    for identity in identities:
        if identity.cloud is Cloud.AWS and identity.kind is IdentityKind.USER:
            held = by_identity.get(identity.id, [])
            nature, reason = classify_user(
                has_password=any(c.kind is CredentialKind.PASSWORD for c in held),
                has_mfa=any(c.kind is CredentialKind.MFA_DEVICE for c in held),
                active_keys=sum(c.kind is CredentialKind.ACCESS_KEY and c.active for c in held),
            )
            identity = dataclasses.replace(identity, nature=nature, nature_reason=reason)
        result.append(identity)
    return result

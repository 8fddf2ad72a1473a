"""Policy documents as AWS hands them out: objects, JSON strings, or URL-encoded JSON strings.

The IAM query API returns documents URL-encoded (RFC 3986); boto3 and the AWS CLI decode
them, but exports made with other tools or older SDKs hold the raw string. All three forms
decode to the same object, which is what the inventory keeps.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

from overgrant.errors import ExportError
from overgrant.model import JsonValue


def decode_policy_document(raw: object, where: str) -> dict[str, JsonValue]:
    """Return the policy document as an object; ``where`` names it in an error.

    Raises:
        ExportError: the value is neither an object nor a (URL-encoded) JSON object string.
    """
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if not text.startswith("{"):
            text = unquote(text).strip()
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ExportError(f"{where}: policy document is not valid JSON ({exc.msg})") from None
        if isinstance(parsed, dict):
            return parsed
    raise ExportError(f"{where}: policy document is not a JSON object")

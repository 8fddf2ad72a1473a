"""Shared test setup: keep every SDK away from real clouds and metadata addresses.

pytest-socket (configured in pyproject.toml) refuses any connection that is not to 127.0.0.1
or ::1; the variables below stop the SDKs from looking for credentials or metadata servers.
"""

from __future__ import annotations

import os

# Set before any SDK is imported: google.auth reads NO_GCE_CHECK at import time.
_OFFLINE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "NO_GCE_CHECK": "true",
    "AZURE_CLIENT_ID": "",
}
for _key, _value in _OFFLINE_ENV.items():
    os.environ[_key] = _value
os.environ.pop("AWS_PROFILE", None)

"""A generated Pulumi program as files, and where each file of it lives.

The renderers return programs as text (nothing is written here); the pull-request writer puts
them under one folder of a git working tree. The layout is shared with the pull-request body,
which points the reviewer at the rollback documents by path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from overgrant.model import Cloud, IdentityId

_UNSAFE_IN_PATH = re.compile(r"[^A-Za-z0-9._+=,@-]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class GeneratedProgram:
    """One Pulumi project: one cloud account's remediation, ready to be written to disk."""

    cloud: Cloud
    account: str
    directory: str
    """The folder the program lives in, relative to the programs root (``aws-<account>``)."""
    files: Mapping[str, str] = field(default_factory=dict)
    """File path relative to :attr:`directory` (``/``-separated) to its text."""
    identities: tuple[IdentityId, ...] = ()
    """The identities whose plans the program applies, in program order."""


def path_part(text: str) -> str:
    """A single safe path component that reads like ``text`` (no separators, no ``..``)."""
    cleaned = _UNSAFE_IN_PATH.sub("_", text).strip(".") or "_"
    return cleaned


def program_directory(cloud: Cloud, account: str) -> str:
    """``aws-222222222222``: one program per cloud account."""
    return f"{cloud.value}-{path_part(account)}"


def rollback_document_path(kind: str, identity_name: str, policy_name: str) -> str:
    """Where an inline policy the program deletes is saved, relative to the program folder.

    Rolling back re-creates the inline policy from this file (``put-role-policy``): it is the
    document exactly as the snapshot recorded it.
    """
    return f"rollback/{path_part(kind)}-{path_part(identity_name)}/{path_part(policy_name)}.json"

"""``ownership``: identities nobody is recorded as owning.

An identity has an owner when one of the configured tag keys (compared without regard to case)
carries a non-empty value, or, with ``accept_owners``, when the cloud records owners outside tags
(Entra application owners). Parameters (``$defs/ownership``): ``tag_keys``, ``accept_owners``
(default true), ``exclude_names`` (fnmatch patterns of identity names left alone, such as roles
the cloud provider creates), ``natures``, ``identity_kinds``.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from overgrant.findings import Evidence
from overgrant.model import Identity, JsonValue
from overgrant.policies.context import ScanContext
from overgrant.policies.kinds.base import (
    Limitation,
    Match,
    Params,
    RuleKind,
    Selector,
    flag,
    listing,
    strings,
)


def _owned(identity: Identity, keys: set[str], accept_owners: bool) -> bool:
    if accept_owners and identity.owners:
        return True
    return any(k.lower() in keys and v.strip() for k, v in identity.tags.items())


def detect(context: ScanContext, params: Params) -> Iterator[Match | Limitation]:
    """Yield one match per identity without an owner."""
    tag_keys = strings(params, "tag_keys", ("owner",))
    keys = {k.lower() for k in tag_keys}
    accept_owners = flag(params, "accept_owners", True)
    excluded = strings(params, "exclude_names")
    for identity in Selector.of(params).pick(context):
        if any(fnmatchcase(identity.name, pattern) for pattern in excluded):
            continue
        if _owned(identity, keys, accept_owners):
            continue
        facts: dict[str, JsonValue] = {
            "tag_keys": list(tag_keys),
            "tags": dict(sorted(identity.tags.items())),
        }
        yield Match(
            identity=identity,
            key="",
            message=f"no owner: none of the tags {listing(list(tag_keys), 4)} is set",
            evidence=Evidence(facts=facts),
        )


OWNERSHIP = RuleKind(
    name="ownership",
    summary="An identity has no owner recorded in its tags (or by its cloud).",
    detect=detect,
)

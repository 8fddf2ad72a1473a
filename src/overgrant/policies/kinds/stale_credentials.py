"""``stale-credentials``: long-lived secrets that are old, unused, doubled, shared or misused.

Parameter ``check`` chooses the test; each has its own parameters (``$defs/stale-credentials``):

* ``age`` (``max_age_days``): an active credential created more than that many days ago;
* ``unused`` (``unused_days``, ``grace_days``): an active credential never used although it is
  older than ``grace_days``, or not used for ``unused_days``;
* ``multiple-active`` (``max_active``): an identity holding more active credentials than that;
* ``shared`` (``min_places``): one credential used from at least that many distinct places.
  This needs per-credential usage locations (source IP addresses, from CloudTrail), stored by a
  collector as the credential attribute ``used_from`` (a list of strings). When no credential in
  the inventory carries it, the kind reports a limitation rather than a clean bill;
* ``human-programmatic`` (``recent_days``): a person's access key used within that many days —
  a personal credential used the way a workload would use one.

Common parameters: ``credential_kinds`` (default: access keys, service-account keys, client
secrets and certificates), ``natures`` and ``identity_kinds``. Keys are the credential id, or
``active-credentials`` for ``multiple-active``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType

from overgrant.codec import format_datetime
from overgrant.findings import Evidence
from overgrant.model import Credential, CredentialKind, Identity, IdentityKind, JsonValue, Nature
from overgrant.policies.context import ScanContext
from overgrant.policies.kinds.base import (
    Limitation,
    Match,
    Params,
    RuleKind,
    Selector,
    elapsed_days,
    integer,
    listing,
    plural,
    strings,
    text,
)

USED_FROM = "used_from"
"""Credential attribute: the distinct places (source IP addresses) the credential was used from."""

_SECRETS = (
    CredentialKind.ACCESS_KEY,
    CredentialKind.SERVICE_ACCOUNT_KEY,
    CredentialKind.CLIENT_SECRET,
    CredentialKind.CERTIFICATE,
)
_EVERYONE = tuple(Nature)
_HOLDERS = tuple(k for k in IdentityKind if k is not IdentityKind.GROUP)


def _label(credential: Credential) -> str:
    """A short name for a credential (``access_key_1`` of ``user/ci-deploy#access_key_1``)."""
    tail = credential.id.rpartition("#")[2]
    return f"{credential.kind.value.replace('_', ' ')} {tail}"


def _days(context: ScanContext, moment: datetime) -> int:
    return elapsed_days(context.now, moment)


def _facts(credential: Credential) -> dict[str, JsonValue]:
    facts: dict[str, JsonValue] = {"credential": credential.id, "kind": credential.kind.value}
    if credential.created is not None:
        facts["created"] = format_datetime(credential.created)
    facts["last_used"] = (
        format_datetime(credential.last_used) if credential.last_used is not None else None
    )
    if credential.last_used_service:
        facts["last_used_service"] = credential.last_used_service
    if credential.last_used_region:
        facts["last_used_region"] = credential.last_used_region
    return facts


Check = Callable[[ScanContext, Identity, Sequence[Credential], Params], Iterator[Match]]


def _age(
    context: ScanContext, identity: Identity, creds: Sequence[Credential], params: Params
) -> Iterator[Match]:
    limit = integer(params, "max_age_days", 90)
    for c in creds:
        if c.created is None or _days(context, c.created) <= limit:
            continue
        age = _days(context, c.created)
        facts = _facts(c) | {"age_days": age, "max_age_days": limit}
        message = f"{_label(c)} is {plural(age, 'day')} old (limit {limit})"
        yield Match(identity=identity, key=c.id, message=message, evidence=Evidence(facts=facts))


def _unused(
    context: ScanContext, identity: Identity, creds: Sequence[Credential], params: Params
) -> Iterator[Match]:
    limit = integer(params, "unused_days", 90)
    grace = integer(params, "grace_days", 7)
    for c in creds:
        facts = _facts(c) | {"unused_days": limit}
        if c.last_used is None:
            if c.created is None or _days(context, c.created) <= grace:
                continue
            age = _days(context, c.created)
            message = f"{_label(c)} has never been used in the {plural(age, 'day')} since created"
            facts["age_days"] = age
        elif _days(context, c.last_used) >= limit:
            idle = _days(context, c.last_used)
            message = f"{_label(c)} was last used {plural(idle, 'day')} ago"
            facts["idle_days"] = idle
        else:
            continue
        yield Match(identity=identity, key=c.id, message=message, evidence=Evidence(facts=facts))


def _multiple(
    context: ScanContext, identity: Identity, creds: Sequence[Credential], params: Params
) -> Iterator[Match]:
    limit = integer(params, "max_active", 1)
    if len(creds) <= limit:
        return
    facts: dict[str, JsonValue] = {
        "active": [c.id for c in creds],
        "max_active": limit,
        "last_used": [format_datetime(c.last_used) if c.last_used else None for c in creds],
    }
    message = f"{plural(len(creds), 'active credential')}: {listing([_label(c) for c in creds])}"
    yield Match(
        identity=identity, key="active-credentials", message=message, evidence=Evidence(facts=facts)
    )


def _places(credential: Credential) -> list[str] | None:
    raw = credential.attributes.get(USED_FROM)
    if not isinstance(raw, list):
        return None
    return sorted({str(p) for p in raw})


def _shared(
    context: ScanContext, identity: Identity, creds: Sequence[Credential], params: Params
) -> Iterator[Match]:
    least = integer(params, "min_places", 3)
    for c in creds:
        places = _places(c)
        if places is None or len(places) < least:
            continue
        facts = _facts(c) | {"used_from": list(places), "min_places": least}
        message = f"{_label(c)} used from {plural(len(places), 'place')}: {listing(places)}"
        yield Match(identity=identity, key=c.id, message=message, evidence=Evidence(facts=facts))


def _human_programmatic(
    context: ScanContext, identity: Identity, creds: Sequence[Credential], params: Params
) -> Iterator[Match]:
    recent = integer(params, "recent_days", 30)
    for c in creds:
        if c.last_used is None or _days(context, c.last_used) > recent:
            continue
        where = " ".join(x for x in (c.last_used_service, c.last_used_region) if x)
        idle = _days(context, c.last_used)
        facts = _facts(c) | {"recent_days": recent, "nature_reason": identity.nature_reason}
        message = (
            f"a person's {_label(c)} was used {plural(idle, 'day')} ago"
            f"{f' ({where})' if where else ''}"
        )
        yield Match(identity=identity, key=c.id, message=message, evidence=Evidence(facts=facts))


_CHECKS: Mapping[str, Check] = MappingProxyType(
    {
        "age": _age,
        "unused": _unused,
        "multiple-active": _multiple,
        "shared": _shared,
        "human-programmatic": _human_programmatic,
    }
)


def detect(context: ScanContext, params: Params) -> Iterator[Match | Limitation]:
    """Run the rule's ``check`` over the active credentials of its population."""
    name = text(params, "check", "age")
    check = _CHECKS[name]
    default_natures = (Nature.HUMAN,) if name == "human-programmatic" else _EVERYONE
    selector = Selector.of(params, natures=default_natures, kinds=_HOLDERS)
    kinds = {CredentialKind(k) for k in strings(params, "credential_kinds", _SECRETS)}
    located = False
    for identity in selector.pick(context):
        creds = [c for c in context.credentials_of(identity.id) if c.active and c.kind in kinds]
        located = located or any(_places(c) is not None for c in creds)
        if creds:
            yield from check(context, identity, creds, params)
    if name == "shared" and not located:
        yield Limitation(
            "no credential in the inventory records where it was used from (credential "
            f"attribute {USED_FROM!r}, from CloudTrail source addresses); shared use was not "
            "checked"
        )


STALE_CREDENTIALS = RuleKind(
    name="stale-credentials",
    summary="Long-lived credentials that are old, unused, doubled, shared or used by people "
    "like workloads.",
    detect=detect,
)

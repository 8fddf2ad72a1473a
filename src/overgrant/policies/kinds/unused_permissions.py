"""``unused-permissions``: permissions nobody has used, judged from last-used evidence.

Two subjects (parameter ``subject``):

* ``identity`` — the identity itself has not been used for ``days`` days, or never within the
  window the evidence covers (for an AWS role, RoleLastUsed over the trailing 400 days; for a
  user, the last use of its password and access keys). Identities younger than ``days`` are
  left alone: there has not been time to use them.
* ``service`` — services the identity is allowed to use but has not used for ``days`` days,
  from per-service last-access data (AWS Access Advisor). Most inventories do not hold it; the
  kind then reports a limitation instead of a clean bill.

Every match states the evidence window in its facts (``evidence_window_days``) so a reader
knows how much history "never" covers. Parameters: ``subject``, ``days``, ``natures``,
``identity_kinds``.
"""

from __future__ import annotations

from collections.abc import Iterator

from overgrant.codec import format_datetime
from overgrant.findings import Evidence
from overgrant.model import Identity, IdentityKind, JsonValue
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
    text,
)

_USAGE_KINDS = (IdentityKind.ROLE, IdentityKind.USER)


def _age_days(context: ScanContext, identity: Identity) -> int | None:
    if identity.created is None:
        return None
    return elapsed_days(context.now, identity.created)


def _unused_identities(context: ScanContext, params: Params) -> Iterator[Match | Limitation]:
    days = integer(params, "days", 90)
    unknown = 0
    for identity in Selector.of(params, kinds=_USAGE_KINDS).pick(context):
        age = _age_days(context, identity)
        if age is not None and age < days:
            continue  # too young to judge
        activity = context.activity(identity)
        if not activity.known:
            unknown += 1
            continue
        facts: dict[str, JsonValue] = {"evidence": activity.basis, "threshold_days": days}
        if activity.window_days is not None:
            facts["evidence_window_days"] = activity.window_days
        if activity.last_used is None:
            window = activity.window_days
            span = f"in the {plural(window, 'day')} the evidence covers" if window else "on record"
            message = f"no recorded use {span}"
            facts["last_used"] = None
        else:
            idle = elapsed_days(context.now, activity.last_used)
            if idle < days:
                continue
            message = f"last used {plural(idle, 'day')} ago"
            facts["last_used"] = format_datetime(activity.last_used)
            facts["idle_days"] = idle
        yield Match(identity=identity, key="", message=message, evidence=Evidence(facts=facts))
    if unknown:
        yield Limitation(
            f"{plural(unknown, 'identity')} could not be judged: the inventory holds no "
            "last-used evidence for them"
        )


def _unused_services(context: ScanContext, params: Params) -> Iterator[Match | Limitation]:
    days = integer(params, "days", 90)
    unknown = 0
    for identity in Selector.of(params, kinds=_USAGE_KINDS).pick(context):
        perms = context.permissions(identity)
        if perms is None:
            continue
        usage = context.service_usage(identity)
        if usage is None:
            unknown += 1
            continue
        unused = []
        for service in sorted(perms.services()):
            if service not in usage.last_accessed:
                continue  # no data for it: say nothing rather than guess
            last = usage.last_accessed[service]
            if last is None or elapsed_days(context.now, last) >= days:
                unused.append(service)
        if not unused:
            continue
        facts: dict[str, JsonValue] = {
            "unused_services": list(unused),
            "threshold_days": days,
            "evidence_window_days": usage.window_days,
        }
        yield Match(
            identity=identity,
            key="services",
            message=f"allowed but unused for {days}+ days: {listing(unused, 4)}",
            evidence=Evidence(facts=facts),
        )
    if unknown:
        yield Limitation(
            f"{plural(unknown, 'identity')} not checked for unused services: the inventory has "
            "no per-service last-access data (AWS Access Advisor) for them"
        )


def detect(context: ScanContext, params: Params) -> Iterator[Match | Limitation]:
    """Yield unused identities or unused services, as the rule's ``subject`` says."""
    if text(params, "subject", "identity") == "service":
        yield from _unused_services(context, params)
    else:
        yield from _unused_identities(context, params)


UNUSED_PERMISSIONS = RuleKind(
    name="unused-permissions",
    summary="An identity, or services it is allowed, have not been used for a set time.",
    detect=detect,
)

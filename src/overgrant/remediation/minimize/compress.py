"""Unobserved permissions kept as today's statement grants them, with short action lists.

A service whose many kept actions would fill several policies is written with wildcards
(``ec2:*``, ``s3:Get*``) where that is exact: the wildcard matches no catalog action outside
the kept set, and lies within the granting statement's own Action patterns, so an action AWS
adds later is allowed only if today's statement allows it too.
"""

from __future__ import annotations

import re

from overgrant.catalogs.aws import AwsCatalog
from overgrant.remediation.minimize.keep import KeptSet, KeptStatement
from overgrant.remediation.minimize.patterns import action_contained
from overgrant.remediation.minimize.statements import SourceStatement

_VERB = re.compile(r"[A-Z][a-z]+")


def _candidates(service: str, names: list[str]) -> list[str]:
    verbs: dict[str, None] = {}
    for name in names:
        found = _VERB.match(name.partition(":")[2])
        if found:
            verbs[found.group(0)] = None
    return [f"{service}:*", *(f"{service}:{verb}*" for verb in sorted(verbs))]


def _index(catalog: AwsCatalog, name: str) -> int:
    index = catalog.index_of(name)
    assert index is not None  # only called for names the catalog holds
    return index


def compress(
    catalog: AwsCatalog, service: str, names: list[str], source: SourceStatement
) -> list[str]:
    """The shortest exact spelling of ``names`` (one service) under ``source``'s Action."""
    kept_bits = 0
    literal: list[str] = []
    for name in names:
        index = catalog.index_of(name)
        if index is None:
            literal.append(name)
        else:
            kept_bits |= 1 << index
    chosen: list[str] = []
    covered = 0
    negated = source.compiled.not_action
    for pattern in _candidates(service, names):
        bits = catalog.expand(pattern)
        if not bits or bits & ~kept_bits or not bits & ~covered:
            continue
        if action_contained(pattern, source.action_patterns, negated=negated):
            chosen.append(pattern)
            covered |= bits
    rest = [n for n in names if n not in literal and not covered >> _index(catalog, n) & 1]
    return [*chosen, *sorted(rest + literal, key=str.lower)]


def retained_statements(kept: KeptSet, catalog: AwsCatalog) -> list[KeptStatement]:
    """Kept-without-evidence actions as statements, one per granting statement and service."""
    found: list[KeptStatement] = []
    for serial, actions in sorted(kept.retained_by_source().items()):
        source = kept.source(serial)
        services: dict[str, list[str]] = {}
        for name in sorted(actions, key=str.lower):
            services.setdefault(name.partition(":")[0].lower(), []).append(name)
        for service, names in sorted(services.items()):
            found.append(
                KeptStatement(
                    service=service,
                    actions=tuple(compress(catalog, service, names, source)),
                    resources=source.resources,
                    not_resource=source.compiled.not_resource,
                    condition=source.condition,
                    used=False,
                )
            )
    return found

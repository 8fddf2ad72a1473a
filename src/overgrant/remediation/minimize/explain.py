"""Removals and retentions in a size a reviewer can read, each with what decided it.

Actions are reported one by one, except where many actions of one service go (or stay) for the
same reason: then one entry ``svc:*`` gives the count, so that replacing AdministratorAccess
yields a few hundred lines rather than twenty thousand.
"""

from __future__ import annotations

from collections.abc import Callable

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.bitset import indices_of
from overgrant.remediation.minimize.statements import SourceStatement
from overgrant.remediation.plan import Removal, Retention

_LIST_AT_MOST = 12
"""Above this many actions of one service for one reason, the entry is grouped."""


def by_service(catalog: AwsCatalog, bits: int) -> dict[str, int]:
    """An action set cut into one set per service prefix (sorted by prefix).

    Works on whole services at a time (each service's set is expanded once per catalog), so
    the cost does not grow with the twenty thousand actions of ``*``.
    """
    found: dict[str, int] = {}
    rest = bits
    for service in catalog.services:
        if not rest:
            break
        part = rest & catalog.expand(f"{service.prefix}:*")
        if part:
            found[service.prefix.lower()] = part
            rest &= ~part
    for index in indices_of(rest):  # actions of services the catalog does not know
        if index < catalog.size:
            prefix = catalog.name_at(index).partition(":")[0].lower()
            found[prefix] = found.get(prefix, 0) | 1 << index
    return dict(sorted(found.items()))


def _granted_by(statements: list[SourceStatement], bits: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.label for s in statements if s.compiled.action_bits & bits))


def removals(
    catalog: AwsCatalog,
    removed: int,
    granted: int,
    statements: list[SourceStatement],
    reason: Callable[[int], str],
) -> list[Removal]:
    """One Removal per removed action, or per service when many of its actions go."""
    found: list[Removal] = []
    granted_by_service = by_service(catalog, granted)
    for service, bits in by_service(catalog, removed).items():
        count = bits.bit_count()
        total = granted_by_service.get(service, 0).bit_count()
        if count == total and total > 1:
            why = f"{reason(bits)}; none of its {total} granted actions was used"
        elif count > _LIST_AT_MOST:
            why = f"{reason(bits)}; {count} of its {total} granted actions (the rest are kept)"
        else:
            for index in indices_of(bits):
                bit = 1 << index
                by = _granted_by(statements, bit)
                name = catalog.name_at(index)
                found.append(Removal(action=name, granted_by=by, reason=reason(bit)))
            continue
        by = _granted_by(statements, bits)
        found.append(Removal(action=f"{service}:*", granted_by=by, reason=why))
    return found


def retentions(catalog: AwsCatalog, bits: int, reason: str) -> list[Retention]:
    """Retentions for kept-without-evidence actions, grouped per service when many."""
    found: list[Retention] = []
    for service, part in by_service(catalog, bits).items():
        names = catalog.names(part)
        if len(names) > _LIST_AT_MOST:
            shown = ", ".join(names[:3])
            why = f"{reason} ({len(names)} actions: {shown}, ...)"
            found.append(Retention(action=f"{service}:*", reason=why))
        else:
            found.extend(Retention(action=name, reason=reason) for name in names)
    return found

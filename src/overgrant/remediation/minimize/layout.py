"""The new statements as IAM policy documents: readable Sids, stable order, within size limits.

Statements are ordered used-before-kept, then by service and resources, and get Sids such as
``S3Used`` or ``Ec2Kept2``. Documents are filled greedily up to IAM's managed-policy size limit,
counted as IAM does, without whitespace (IAM User Guide: IAM and AWS STS quotas); a statement
too large on its own is cut into several with the same resources and condition.
"""

from __future__ import annotations

import re

import orjson

from overgrant.model import JsonValue
from overgrant.remediation.minimize.keep import KeptStatement
from overgrant.remediation.plan import NewPolicy

VERSION = "2012-10-17"
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_OVERHEAD = len('{"Version":"2012-10-17","Statement":[]}')


def size_of(value: JsonValue) -> int:
    """Characters IAM counts for a document or statement: JSON without whitespace."""
    text = orjson.dumps(value).decode()
    return len(text) - sum(text.count(c) for c in " \t\n\r")


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in _NOT_ALNUM.split(text) if part)


def _element(values: tuple[str, ...]) -> JsonValue:
    return values[0] if len(values) == 1 else list(values)


def render(statement: KeptStatement, sid: str) -> dict[str, JsonValue]:
    """One statement as IAM JSON."""
    body: dict[str, JsonValue] = {"Sid": sid, "Effect": "Allow"}
    body["Action"] = _element(statement.actions)
    body["NotResource" if statement.not_resource else "Resource"] = _element(statement.resources)
    if statement.condition is not None:
        body["Condition"] = statement.condition
    return body


def _cut(statement: dict[str, JsonValue], limit: int) -> list[dict[str, JsonValue]]:
    """A statement split by its Action or Resource list until each piece fits ``limit``.

    Either split keeps the union the same. A NotResource list is never split: two statements
    each excluding half the list would together exclude nothing.
    """
    if size_of(statement) <= limit:
        return [statement]
    lists = [
        (key, value)
        for key in ("Action", "Resource")
        if isinstance(value := statement.get(key), list) and len(value) > 1
    ]
    if not lists:
        return [statement]
    key, values = max(lists, key=lambda item: size_of(item[1]))
    half = len(values) // 2
    pieces: list[dict[str, JsonValue]] = []
    for number, part in enumerate((values[:half], values[half:]), start=1):
        piece = {**statement, "Sid": f"{statement['Sid']}P{number}", key: part}
        pieces.extend(_cut(piece, limit))
    return pieces


def statements(kept: list[KeptStatement]) -> list[dict[str, JsonValue]]:
    """Kept statements as IAM JSON in reading order, each with a unique Sid."""
    ordered = sorted(
        kept, key=lambda s: (not s.used, s.service, s.resources, s.not_resource, s.actions)
    )
    seen: dict[str, int] = {}
    rendered: list[dict[str, JsonValue]] = []
    for statement in ordered:
        base = _camel(statement.service) + ("Used" if statement.used else "Kept")
        seen[base] = seen.get(base, 0) + 1
        sid = base if seen[base] == 1 else f"{base}{seen[base]}"
        rendered.append(render(statement, sid))
    return rendered


def carried_denies(denies: list[tuple[str, dict[str, JsonValue]]]) -> list[dict[str, JsonValue]]:
    """Today's Deny statements, verbatim but for a Sid naming where they come from."""
    carried: list[dict[str, JsonValue]] = []
    for label, raw in denies:
        carried.append({**raw, "Sid": f"Carried{_camel(label)}"[:100]})
    return carried


def documents(
    allow: list[dict[str, JsonValue]],
    deny: list[dict[str, JsonValue]],
    *,
    name: str,
    limit: int,
    description: str,
) -> list[NewPolicy]:
    """Pack statements into as few documents as the size limit allows.

    Every document repeats the carried Deny statements, so that no document attached alone
    would allow what today's Deny forbids.
    """
    deny_size = sum(size_of(d) + 1 for d in deny)
    room = limit - _OVERHEAD - deny_size
    pieces = [p for s in allow for p in _cut(s, room)]
    batches: list[list[dict[str, JsonValue]]] = [[]]
    used = 0
    for piece in pieces:
        size = size_of(piece) + 1  # the comma between statements
        if batches[-1] and used + size > room:
            batches.append([])
            used = 0
        batches[-1].append(piece)
        used += size
    if not pieces:
        return []
    policies: list[NewPolicy] = []
    for number, batch in enumerate(batches, start=1):
        suffix = "" if len(batches) == 1 else f"-{number}"
        document: JsonValue = {"Version": VERSION, "Statement": [*batch, *deny]}
        policies.append(
            NewPolicy(name=f"{name}{suffix}"[:128], document=document, description=description)
        )
    return policies

"""Per-identity evaluation shared out to Dask workers.

Each worker receives the inventory once, builds its own evaluator and escalation search, and
for its share of the AWS users and roles works out their effective permissions, their
escalation edges and their own side of ``sts:AssumeRole``. The calling process then draws the
graph from what comes back: the same edges, in the same order, as the search in one process.

``client`` is a ``distributed.Client``: of a local cluster, or of an existing one reached by its
scheduler address. Dask is an optional dependency (the ``dask`` extra); this module needs it
only for the client it is handed.

What it costs: the inventory is pickled once and unpickled on every worker, and each worker
compiles the policies it meets again. On this project's 2-core benchmark machine that
overhead eats the gain (``bench/bench_fanout.py``, 30,000 roles: 18.9 s in one process,
19.4 s on two workers); it pays where workers are many, or the estate is too large for one
process.
"""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.escalation import EscalationMethod
from overgrant.fileio import gc_paused
from overgrant.graph.aws_trust import CallerSide, caller_side
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.escalation.aws import EscalationEdge, GroupEscalationEdge, grouped_edges
from overgrant.graph.escalation.aws_search import Search
from overgrant.model import Cloud, IdentityId, IdentityKind, Inventory

if TYPE_CHECKING:
    from distributed import Client

SHARDS_PER_WORKER = 4
"""More shards than workers, so that a worker given quick identities takes another share."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What the workers found for a share of the identities (or all of them, put together)."""

    single: list[EscalationEdge]
    grouped: list[GroupEscalationEdge]
    callers: dict[IdentityId, CallerSide]


def search_on_workers(
    client: Client,
    inventory: Inventory,
    catalog: AwsCatalog,
    methods: Sequence[EscalationMethod],
    *,
    at: datetime | None,
) -> SearchResult:
    """Escalation edges and callers' sides of every AWS user and role, found on the workers."""
    attackers = [
        i.id
        for i in inventory.identities
        if i.cloud is Cloud.AWS and i.kind in (IdentityKind.USER, IdentityKind.ROLE)
    ]
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    count = max(1, min(len(attackers), workers * SHARDS_PER_WORKER))
    size = -(-len(attackers) // count)
    shares = [attackers[k : k + size] for k in range(0, len(attackers), size)]
    token = uuid.uuid4().hex
    # Sent once to every worker, not once per share, as bytes: the workers unpickle them with
    # the cyclic collector paused (its passes over millions of new objects took longer than
    # the unpickling itself).
    with gc_paused():
        blob = pickle.dumps((inventory, catalog), protocol=pickle.HIGHEST_PROTOCOL)
    estate = client.scatter(blob, broadcast=True, hash=False)
    futures = [
        client.submit(_search_share, estate, list(methods), at, token, share, pure=False)
        for share in shares
    ]
    try:
        results: list[SearchResult] = client.gather(futures)
    finally:
        client.run(_forget, token)
        client.cancel([*futures, estate])
    single = [e for r in results for e in r.single]
    grouped = [e for r in results for e in r.grouped]
    callers = {i: side for r in results for i, side in r.callers.items()}
    return SearchResult(single, grouped, callers)


_PREPARED: dict[str, tuple[AwsEvaluator, Search]] = {}
"""Per worker process: the evaluator and search of each run, built on its first share."""


def _search_share(
    blob: bytes,
    methods: list[EscalationMethod],
    at: datetime | None,
    token: str,
    share: list[IdentityId],
) -> SearchResult:
    with gc_paused():
        prepared = _PREPARED.get(token)
        if prepared is None:
            inventory, catalog = pickle.loads(blob)  # noqa: S301 (our own bytes, from the client)
            evaluator = AwsEvaluator(inventory, catalog, at=at)
            search = Search(inventory, evaluator, methods, group_targets=True)
            prepared = _PREPARED[token] = (evaluator, search)
        evaluator, search = prepared
        single, grouped = grouped_edges(search, share)
        callers = {i: caller_side(evaluator, i) for i in share}
    return SearchResult(single, grouped, callers)


def _forget(token: str) -> None:
    _PREPARED.pop(token, None)

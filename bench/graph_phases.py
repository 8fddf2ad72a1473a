"""Where the graph build's time goes: each phase timed on its own, in one process.

Phases, in order, with the cyclic collector paused throughout (as ``build_graph`` runs):
import, catalogs, evaluator index, every identity's effective permissions, the escalation
search, the trust analysis (callers' effective permissions already known), the whole graph
build again from a fresh evaluator, and every attack path on it.

Run from the repository root on an organization written by ``generate_aws_org.py``::

    python bench/generate_aws_org.py --roles 100000 --out /tmp/org100k
    python bench/graph_phases.py /tmp/org100k
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from overgrant import api
from overgrant.catalogs.aws import load_aws_catalog
from overgrant.catalogs.escalation import load_aws_escalation_methods
from overgrant.graph.aws import AwsAnalyzer
from overgrant.graph.aws_trust import AwsTrustAnalyzer
from overgrant.graph.build import build_graph
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.escalation.aws import find_escalations_grouped
from overgrant.model import Cloud


def _timed(label: str, operation: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = operation()
    print(f"{label:<28} {time.perf_counter() - started:8.2f} s", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("org", type=Path, help="a folder of account exports + organization.json")
    args = parser.parse_args(argv)
    gc.disable()
    exports = sorted(p for p in args.org.glob("*.json") if p.name != "organization.json")
    organization = args.org / "organization.json"
    inventory = _timed("import", lambda: api.import_aws_authz(exports, organization=organization))
    catalog = _timed("catalogs", load_aws_catalog)
    methods = load_aws_escalation_methods()
    evaluator = _timed("evaluator index", lambda: AwsEvaluator(inventory, catalog))
    _timed("effective permissions", evaluator.effective_many)
    searched = [m for m in methods if m.id != "sts-assume-role"]
    _timed("escalation search", lambda: find_escalations_grouped(inventory, evaluator, searched))
    trust = AwsTrustAnalyzer(inventory, evaluator)
    _timed("trust", lambda: list(trust.edges(inventory.identities)))
    fresh = AwsEvaluator(inventory, catalog)
    graph = _timed(
        "graph build (all of it)",
        lambda: build_graph(inventory, {Cloud.AWS: AwsAnalyzer(fresh, methods)}),
    )
    _timed("every attack path", lambda: api.attack_paths(inventory, graph=graph))
    return 0


if __name__ == "__main__":
    sys.exit(main())

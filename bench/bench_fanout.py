"""Benchmark the per-identity search in one process against the same search on Dask workers.

Generates an organization (``generate_aws_org``), imports it, then times, ``--repeats`` times
each and alternating: the escalation search with every identity's side of ``sts:AssumeRole`` in
this process (``find_escalations_grouped`` + ``caller_side``), and the same on a local Dask
cluster of ``--workers`` processes (``search_on_workers``, the cluster started once beforehand
and not timed). Prints the medians and their ratio. Needs the ``dask`` extra.

Run from the repository root:  python bench/bench_fanout.py --roles 30000 --workers 2
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_aws_org import write_organization

from overgrant import api
from overgrant.catalogs.aws import load_aws_catalog
from overgrant.catalogs.escalation import load_aws_escalation_methods
from overgrant.graph.aws_trust import caller_side
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.escalation.aws import find_escalations_grouped
from overgrant.graph.fanout import search_on_workers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roles", type=int, default=30_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        org = Path(workdir)
        write_organization(org, args.roles, args.seed)
        exports = sorted(p for p in org.glob("*.json") if p.name != "organization.json")
        inventory = api.import_aws_authz(exports, organization=org / "organization.json")
    catalog = load_aws_catalog()
    methods = [m for m in load_aws_escalation_methods() if m.id != "sts-assume-role"]
    gc.disable()  # as the graph build runs (fileio.gc_paused)
    here: list[float] = []
    shared: list[float] = []
    with api.fan_out(workers=args.workers) as client:
        assert client is not None
        for run in range(args.repeats):
            started = time.perf_counter()
            evaluator = AwsEvaluator(inventory, catalog)
            find_escalations_grouped(inventory, evaluator, methods)
            for identity in inventory.identities:
                if identity.kind.value in ("user", "role"):
                    caller_side(evaluator, identity.id)
            here.append(time.perf_counter() - started)
            started = time.perf_counter()
            search_on_workers(client, inventory, catalog, methods, at=None)
            shared.append(time.perf_counter() - started)
            print(
                f"run {run + 1}: one process {here[-1]:.1f} s, {args.workers} workers "
                f"{shared[-1]:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    one, many = statistics.median(here), statistics.median(shared)
    print(
        f"{args.roles:,} roles, medians of {args.repeats}: one process {one:.1f} s, "
        f"{args.workers} Dask workers {many:.1f} s, speed-up {one / many:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

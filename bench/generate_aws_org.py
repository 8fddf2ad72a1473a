"""Generate a large, realistic AWS organization as native exports, reproducibly from a seed.

Writes one ``aws iam get-account-authorization-details`` output per account
(``<out>/<account-id>.json``) and the organizations export (``<out>/organization.json``). The
same ``--seed`` gives byte-identical files. Usable as a library::

    sys.path.insert(0, "bench")
    from generate_aws_org import generate_organization, write_organization, combine_exports

Run ``python bench/generate_aws_org.py --roles 100000 --out /tmp/org`` from the repository root.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the awsgen_* modules live beside us

from awsgen_account import IdPool, generate_account
from awsgen_common import Json
from awsgen_managed import aws_managed_policies
from awsgen_org import organization_export, plan_organization

try:
    import orjson
except ImportError:  # the generator still works, only slower
    orjson = None  # type: ignore[assignment]


def generate_organization(
    roles: int, seed: int = 1, accounts: int | None = None
) -> tuple[dict[str, Json], Json]:
    """Build the exports in memory.

    Args:
        roles: total roles across all accounts (baseline roles included).
        seed: decides every byte of the result.
        accounts: how many accounts; by default one per 2,000 roles, at least one. The first
            account is the management account.

    Returns:
        The per-account authorization-details exports keyed by account id (management first),
        and the organizations export.
    """
    if roles < 0 or (accounts is not None and accounts < 1):
        raise ValueError("roles must be >= 0 and accounts >= 1")
    rng = random.Random(seed)
    plan = plan_organization(rng, roles, accounts)
    pool = aws_managed_policies()
    ids = IdPool()
    exports: dict[str, Json] = {}
    with _gc_paused():
        for account in plan.accounts:
            # Each account draws from its own stream so that its content does not depend on how
            # many random numbers the accounts before it happened to use.
            account_rng = random.Random(rng.getrandbits(64))
            exports[account.facts.id] = generate_account(
                account_rng, account.facts, account.roles, pool, ids
            )
    return exports, organization_export(rng, plan)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Millions of fresh, acyclic dicts: the cyclic collector would only slow us down (~25%)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def combine_exports(exports: Mapping[str, Json]) -> Json:
    """All accounts in ONE authorization-details document, as one huge account would give it.

    Principals are concatenated in account order; an AWS managed policy appears once, with the
    attachment counts of all accounts added up.
    """
    combined: Json = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [],
        "IsTruncated": False,
    }
    aws_managed: dict[str, Json] = {}
    for export in exports.values():
        for key in ("UserDetailList", "GroupDetailList", "RoleDetailList"):
            combined[key].extend(export[key])
        for policy in export["Policies"]:
            if not policy["Arn"].startswith("arn:aws:iam::aws:"):
                combined["Policies"].append(policy)
            elif policy["Arn"] in aws_managed:
                seen = aws_managed[policy["Arn"]]
                seen["AttachmentCount"] += policy["AttachmentCount"]
                seen["PermissionsBoundaryUsageCount"] += policy["PermissionsBoundaryUsageCount"]
            else:
                aws_managed[policy["Arn"]] = dict(policy)
    combined["Policies"][:0] = list(aws_managed.values())
    return combined


def dump_json(data: Any) -> bytes:
    """Indented like the AWS CLI's output; orjson and json give the same bytes for this data."""
    if orjson is not None:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
    return (json.dumps(data, indent=2) + "\n").encode()


def write_json(path: Path, data: Any) -> int:
    """Write ``data`` to ``path``; returns the number of bytes written."""
    payload = dump_json(data)
    Path(path).write_bytes(payload)
    return len(payload)


def write_organization(
    out_dir: Path,
    roles: int,
    seed: int = 1,
    accounts: int | None = None,
    *,
    combined: Path | None = None,
) -> list[Path]:
    """Generate and write ``<out_dir>/<account-id>.json`` and ``organization.json``.

    ``combined``, if given, also receives :func:`combine_exports` of all accounts. Returns the
    paths written, the organization export last.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exports, organization = generate_organization(roles, seed, accounts)
    written = []
    for account_id, export in exports.items():
        path = out_dir / f"{account_id}.json"
        write_json(path, export)
        written.append(path)
    if combined is not None:
        write_json(combined, combine_exports(exports))
        written.append(Path(combined))
    write_json(out_dir / "organization.json", organization)
    written.append(out_dir / "organization.json")
    return written


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roles", type=int, default=10_000, help="total roles (default 10000)")
    parser.add_argument(
        "--accounts",
        type=int,
        default=None,
        help="number of accounts (default: one per 2,000 roles, at least 1)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument(
        "--combined",
        type=Path,
        default=None,
        help="also write all accounts as ONE authorization-details file here",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    started = time.perf_counter()
    paths = write_organization(
        args.out, args.roles, args.seed, args.accounts, combined=args.combined
    )
    elapsed = time.perf_counter() - started
    own = [p for p in paths if p.parent == args.out and p != args.combined]
    size = sum(p.stat().st_size for p in own)
    print(
        f"wrote {len(own) - 1} account exports and organization.json to {args.out} "
        f"({size / 2**20:.1f} MiB) in {elapsed:.1f} s"
    )
    if args.combined is not None:
        print(f"combined export: {args.combined} ({args.combined.stat().st_size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

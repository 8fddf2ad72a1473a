"""The overgrant library: everything the CLI does, callable from Python.

The CLI calls only this module, so that a nightly job or a notebook can do the same steps:

>>> from overgrant import api
>>> inventory = api.sample_inventory()
>>> api.save_snapshot(inventory, "estate.json")          # doctest: +SKIP
>>> api.summarize_inventory(api.load_snapshot("estate.json")).accounts  # doctest: +SKIP
4
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from overgrant.baseline import load_baseline
from overgrant.catalogs.aws import load_aws_catalog
from overgrant.catalogs.escalation import load_aws_escalation_methods
from overgrant.collectors.aws.export import import_authorization_details
from overgrant.config import Config
from overgrant.errors import InputError
from overgrant.findings import Finding
from overgrant.graph.analysis import IdentityExposure, exposures
from overgrant.graph.aws import AwsAnalyzer
from overgrant.graph.build import CloudAnalyzer, PermissionGraph, build_graph
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.paths import DEFAULT_MAX_HOPS
from overgrant.model import Cloud, IdentityId, Inventory
from overgrant.policies.engine import run_scan
from overgrant.policies.result import ScanResult
from overgrant.report.inventory_summary import InventorySummary
from overgrant.report.inventory_summary import summarize_inventory as _summarize
from overgrant.sample import sample_inventory as _sample_inventory
from overgrant.snapshot import dump_snapshot
from overgrant.snapshot import load_snapshot as _load_snapshot
from overgrant.store import (
    Comparison,
    ScanRecord,
    ScanStore,
    compare_scans,
    compare_with_baseline,
    default_db_path,
)

if TYPE_CHECKING:
    from distributed import Client

    from overgrant.collectors.aws.live import AwsCollectOptions
    from overgrant.remediation.plan import RemediationPlan
    from overgrant.remediation.pulumi.program import GeneratedProgram
    from overgrant.usage import UsageEvidence

ProgressCallback = Callable[[str, int, int], None]
"""Called with (message, done, total) as a long collection advances."""


def load_snapshot(path: str | Path) -> Inventory:
    """Read and validate a snapshot file (raises :class:`~overgrant.errors.SnapshotError`)."""
    return _load_snapshot(Path(path))


def save_snapshot(
    inventory: Inventory, path: str | Path, *, created_at: datetime | None = None
) -> None:
    """Write a snapshot file atomically."""
    dump_snapshot(inventory, Path(path), created_at=created_at)


def import_aws_authz(
    paths: Sequence[str | Path],
    *,
    organization: str | Path | None = None,
    credential_reports: Sequence[str | Path] = (),
) -> Inventory:
    """Import ``aws iam get-account-authorization-details`` exports (and optional extras)."""
    return import_authorization_details(
        [Path(p) for p in paths],
        organization=Path(organization) if organization is not None else None,
        credential_reports=[Path(p) for p in credential_reports],
    )


def collect_aws(
    options: AwsCollectOptions, *, progress: ProgressCallback | None = None
) -> Inventory:
    """Collect live from AWS with boto3: one account, or a whole organization."""
    from overgrant.collectors.aws.live import collect_aws as _collect_aws

    return _collect_aws(options, progress=progress)


def permission_graph(
    inventory: Inventory, *, at: datetime | None = None, client: Client | None = None
) -> PermissionGraph:
    """Build the permission graph with every cloud's evaluation logic.

    Args:
        inventory: the estate.
        at: the time date conditions are evaluated at (default: now).
        client: a Dask client (:func:`fan_out`) to share per-identity evaluation out on.
    """
    catalog = load_aws_catalog()
    evaluator = AwsEvaluator(inventory, catalog, at=at or datetime.now(UTC))
    analyzers: dict[Cloud, CloudAnalyzer] = {
        Cloud.AWS: AwsAnalyzer(evaluator, load_aws_escalation_methods(), client=client),
    }
    return build_graph(inventory, analyzers)


@contextmanager
def fan_out(*, workers: int | None = None, scheduler: str | None = None) -> Iterator[Client | None]:
    """A Dask client for :func:`permission_graph` and :func:`attack_paths`, closed on exit.

    ``workers`` starts a local cluster of that many single-threaded processes, listening on
    loopback only; ``scheduler`` joins an existing cluster by its address
    (``tcp://host:8786``). With neither, yields ``None``: evaluation stays in this process.
    Needs the ``dask`` extra (``pip install 'overgrant[dask]'``). A script that starts a local
    cluster needs the ``if __name__ == "__main__":`` guard (workers are new processes).
    """
    if workers is None and scheduler is None:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise InputError("fanning out needs Dask: pip install 'overgrant[dask]'") from error
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # its HTTP server stays on loopback too
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def attack_paths(
    inventory: Inventory,
    *,
    identities: Sequence[str] | None = None,
    max_hops: int = DEFAULT_MAX_HOPS,
    graph: PermissionGraph | None = None,
    client: Client | None = None,
) -> list[IdentityExposure]:
    """Every non-human identity (or the given ones) that can reach admin, with its paths,
    blast radius and the smallest set of permissions whose removal cuts every path.
    ``client``: a Dask client (:func:`fan_out`) to build the graph with."""
    graph = graph or permission_graph(inventory, client=client)
    wanted = [IdentityId(i) for i in identities] if identities is not None else None
    return exposures(graph, inventory, identities=wanted, max_hops=max_hops)


def scan(
    inventory: Inventory,
    *,
    config: Config | None = None,
    baseline: Sequence[Finding] = (),
    source: str = "sample",
    now: datetime | None = None,
    graph: PermissionGraph | None = None,
) -> ScanResult:
    """Run the rules (built-in pack plus the configuration's packs) over an inventory.

    Findings come sorted by severity (most severe first), rule id and identity; those matched by
    a live suppression of ``config`` or present in ``baseline`` (by fingerprint) are set aside
    in ``suppressed``. Expired suppressions and checks the inventory lacks evidence for are
    listed in ``warnings``.

    Args:
        inventory: the estate.
        config: the repository configuration (``overgrant.config.load_config``).
        baseline: accepted findings (``overgrant.baseline.load_baseline``).
        source: what was scanned, for reports (a snapshot path, or ``sample``).
        now: the scan's time (default: now); ages, idle times and expiry are measured to it.
        graph: a permission graph already built for ``inventory`` (built here otherwise).

    Raises:
        ConfigError: a rule pack or the configuration is invalid (exit code 2).
    """
    return run_scan(
        inventory, config=config, baseline=baseline, source=source, now=now, graph=graph
    )


def sample_inventory() -> Inventory:
    """The bundled sample estate (a small AWS organization with known problems)."""
    return _sample_inventory()


def summarize_inventory(inventory: Inventory, *, now: datetime | None = None) -> InventorySummary:
    """Counts of identities, credentials by age and coverage gaps."""
    return _summarize(inventory, now=now)


def open_history(db: str | Path | None = None, *, create: bool = True) -> ScanStore:
    """Open the scan history: ``db``, else ``$OVERGRANT_DB``, else ``.overgrant/history.sqlite``.

    Use the store as a context manager. With ``create=False`` a missing file is an
    :class:`~overgrant.errors.InputError` instead of a new, empty history.
    """
    return ScanStore(Path(db) if db is not None else default_db_path(), create=create)


def record_scan(result: ScanResult, *, db: str | Path | None = None) -> int:
    """Record a scan and its findings in the history (one transaction); returns its id."""
    with open_history(db) as store:
        return store.record(result)


def previous_findings(
    *, db: str | Path | None = None, before: int | None = None
) -> tuple[ScanRecord, tuple[Finding, ...]] | None:
    """The latest recorded scan (or the last one before scan ``before``) and its findings.

    Returns None when there is no history file yet or it holds no such scan. The findings are
    those the scan reported (active and baselined), the reference ``--since-last`` gates on.
    """
    path = Path(db) if db is not None else default_db_path()
    if not path.exists():
        return None
    with open_history(path, create=False) as store:
        record = store.latest(before=before)
        if record is None:
            return None
        return record, store.findings_of(record.id)


def scan_history(*, db: str | Path | None = None) -> tuple[ScanRecord, ...]:
    """Every recorded scan, oldest first (an :class:`InputError` when there is no history)."""
    with open_history(db, create=False) as store:
        return store.list_scans()


def compare_history(
    *,
    db: str | Path | None = None,
    earlier: int | None = None,
    later: int | None = None,
    baseline: str | Path | None = None,
) -> Comparison:
    """New, fixed and unchanged findings between two recorded scans, or a baseline and a scan.

    Args:
        db: the history file (default as for :func:`open_history`).
        earlier: the earlier scan's id (default: the scan recorded just before ``later``);
            not allowed together with ``baseline``.
        later: the later scan's id (default: the latest scan).
        baseline: a baseline file (``overgrant scan --write-baseline``) to compare with instead.
    """
    with open_history(db, create=False) as store:
        if baseline is None:
            return compare_scans(store, earlier, later)
        if earlier is not None:
            raise InputError("compare with a baseline file or with an earlier scan, not both")
        return compare_with_baseline(store, load_baseline(Path(baseline)), Path(baseline), later)


__all__ = [
    "ProgressCallback",
    "attack_paths",
    "collect_aws",
    "compare_history",
    "fan_out",
    "import_aws_authz",
    "load_snapshot",
    "open_history",
    "permission_graph",
    "previous_findings",
    "record_scan",
    "sample_inventory",
    "save_snapshot",
    "scan",
    "scan_history",
    "summarize_inventory",
]


# -- remediation -------------------------------------------------------------------------------


def read_usage(inventory: Inventory, paths: Sequence[str | Path]) -> UsageEvidence:
    """Read CloudTrail log files (a file or a folder tree, ``.json`` or ``.json.gz``, or a
    ``lookup-events`` export) into usage evidence for ``inventory``'s identities."""
    from overgrant.remediation.evidence import load_cloudtrail_mapping, read_cloudtrail

    return read_cloudtrail([Path(p) for p in paths], inventory, load_cloudtrail_mapping())


def sample_usage(inventory: Inventory | None = None) -> UsageEvidence:
    """The bundled sample estate's CloudTrail evidence."""
    from overgrant.remediation.evidence import sample_usage as _sample_usage

    return _sample_usage(inventory)


def remediate(
    inventory: Inventory,
    evidence: UsageEvidence,
    *,
    identities: Sequence[str] | None = None,
    at: datetime | None = None,
) -> RemediationPlan:
    """Least privilege from usage evidence: per identity, the smallest policy that allows
    every observed call, proven no wider than today and still allowing every observed call.

    Identities without evidence, or whose proof fails, get a plan that says so and proposes
    nothing.
    """
    from overgrant.remediation.aws import plan_aws
    from overgrant.remediation.evidence import load_cloudtrail_mapping

    catalog = load_aws_catalog()
    return plan_aws(
        inventory,
        evidence,
        catalog,
        observability=load_cloudtrail_mapping(catalog),
        identities=identities,
        at=at or datetime.now(UTC),
    )


def remediation_programs(
    plan: RemediationPlan, inventory: Inventory
) -> dict[str, GeneratedProgram]:
    """The Pulumi programs (one per account) that apply a plan's proposed changes."""
    from overgrant.remediation.pulumi import render_aws_programs

    return render_aws_programs(plan, inventory)


def pull_request_body(plan: RemediationPlan) -> str:
    """The pull request's description, in Markdown, for a reviewer."""
    from overgrant.remediation.pr_body import render_pr_body

    return render_pr_body(plan)

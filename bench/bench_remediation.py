"""Benchmark least-privilege remediation on a generated organization with generated CloudTrail.

For each size in ``--roles``: ``generate_aws_org`` writes the organization, then
``generate_cloudtrail`` writes 90 days of CloudTrail log files and the ground truth (what each
role really used). Then ``--repeats`` fresh interpreters each run, timed one by one:

    (1) import      api.import_aws_authz(every account export, organization=...)
    (2) evidence    read_cloudtrail(AWSLogs/, inventory, mapping)
    (3) plan        the planner over every role and user, timed per identity (minimize + prove)

and the last one measures, against the ground truth (untimed):

- action level: a permission is an action of the catalog the role is allowed today. Unneeded =
  allowed today and never used (ground truth); removable = unneeded and of a kind the trail
  could have shown (not a data event the trail skips, not an action CloudTrail never logs).
  Removed = allowed today and not allowed once every proposed plan is applied (a fresh
  evaluator over the organization with the grants swapped; boundaries and SCPs unchanged).
- resource level: for the actions a role used, allowed resources it did not touch; removed =
  denied after the swap.
- replay: the plans' own proofs (denials of observed calls), and the ground truth's every used
  call (logged or not) re-decided after the swap against today.
- the same shares for a Repokid-style service-level cut on the same roles: a service is removed
  only when none of its actions was used (Access Advisor's view), otherwise every permission of
  the role in that service stays.

Service-linked roles (their policies belong to AWS) are left out. Shares are printed for roles
whose use CloudTrail shows (what remediation rewrites) and for all roles (idle roles included:
the planner proposes nothing for a role with no recorded use; deleting it is the fix).
Targets: >= 90% of removable permissions removed (roles with observed use) and 0 replay denials.

Run from the repository root:  python bench/bench_remediation.py --roles 200
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

TARGET_SHARE = 0.90
DAYS = 90
KIB_PER_MIB = 1024


# --------------------------------------------------------------------------------------------
# The child: one fresh interpreter, one JSON line per finished step.
# --------------------------------------------------------------------------------------------


def _emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


def child_measure(org_dir: str, trail_dir: str, figures: str) -> int:
    """Import, read the evidence, plan every identity; then (if asked) the figures."""
    from overgrant import api
    from overgrant.catalogs.aws import load_aws_catalog
    from overgrant.catalogs.cloudtrail import load_cloudtrail_mapping
    from overgrant.remediation.evidence.files import read_cloudtrail

    org, trail = Path(org_dir), Path(trail_dir)
    exports = sorted(p for p in org.glob("*.json") if p.stem.isdigit())
    started = time.perf_counter()
    inventory = api.import_aws_authz(exports, organization=org / "organization.json")
    _emit({"step": "import", "seconds": time.perf_counter() - started})
    catalog = load_aws_catalog()
    mapping = load_cloudtrail_mapping()
    started = time.perf_counter()
    evidence = read_cloudtrail([trail / "AWSLogs"], inventory, mapping)
    _emit({"step": "evidence", "seconds": time.perf_counter() - started,
           "records": len(evidence.records)})  # fmt: skip
    plans, per_identity, setup = _plan(inventory, evidence, catalog, mapping)
    _emit({"step": "plan", "seconds": setup + sum(per_identity), "setup_seconds": setup,
           "per_identity": per_identity})  # fmt: skip
    if figures == "yes":
        from remediation_figures import measure

        truth = json.loads((trail / "ground-truth.json").read_text())
        _emit({"figures": measure(inventory, catalog, plans, truth)})
    _emit({"peak_kib": _status_kib("VmHWM")})
    return 0


def _status_kib(name: str) -> int:
    """A ``/proc/self/status`` figure in KiB (Linux); 0 elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _plan(
    inventory: Any, evidence: Any, catalog: Any, mapping: Any
) -> tuple[list[Any], list[float], float]:
    """Every identity's plan and the seconds each took (plus the planner's set-up)."""
    from overgrant.remediation import aws as remediation_aws

    planner_class = getattr(remediation_aws, "_Planner", None)
    if planner_class is None:  # the per-identity hook is gone: time the whole run instead
        started = time.perf_counter()
        plan = remediation_aws.plan_aws(inventory, evidence, catalog, observability=mapping)
        elapsed = time.perf_counter() - started
        count = max(1, len(plan.plans))
        return list(plan.plans), [elapsed / count] * count, 0.0
    started = time.perf_counter()
    planner = planner_class(
        inventory, evidence, catalog, mapping, None, remediation_aws.DEFAULT_OPTIONS
    )
    chosen = sorted(remediation_aws._chosen(planner.lookup, None), key=lambda i: i.id)
    setup = time.perf_counter() - started
    plans, times = [], []
    for identity in chosen:
        started = time.perf_counter()
        plans.append(planner.plan(identity))
        times.append(time.perf_counter() - started)
    return plans, times, setup


# --------------------------------------------------------------------------------------------
# The parent.
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    """One child: its records and what the kernel saw."""

    seconds: float
    peak_kib: int
    exit_code: int
    records: list[dict[str, Any]] = field(default_factory=list)
    stderr: str = ""

    def step(self, name: str) -> dict[str, Any] | None:
        return next((r for r in self.records if r.get("step") == name), None)


def run_child(args: list[str]) -> Run:
    """Run this script in a fresh interpreter; collect its JSON lines, time and peak memory."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=BENCH.parent,
    )
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    peak = max((r["peak_kib"] for r in records if "peak_kib" in r), default=0)
    return Run(
        seconds=seconds, peak_kib=peak, exit_code=process.returncode, records=records, stderr=err
    )


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def prepare(roles: int, seed: int, workdir: Path) -> tuple[Path, Path, float]:
    """Write the organization and its CloudTrail evidence; returns their folders and seconds."""
    from generate_aws_org import write_organization
    from generate_cloudtrail import generate

    org, trail = workdir / f"org-{roles}", workdir / f"trail-{roles}"
    started = time.perf_counter()
    if not (org / "organization.json").exists():
        write_organization(org, roles, seed)
    if not (trail / "ground-truth.json").exists():
        generate(org, trail, days=DAYS, seed=seed)
    return org, trail, time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def bench_size(roles: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Generate, then run the children; medians over the runs, figures from the last."""
    _log(f"{roles} roles: generating organization and CloudTrail ...")
    org, trail, generated = prepare(roles, args.seed, workdir)
    runs: list[Run] = []
    for index in range(args.repeats):
        last = index == args.repeats - 1
        _log(f"{roles} roles: run {index + 1}/{args.repeats}")
        run = run_child(["_child", str(org), str(trail), "yes" if last else "no"])
        if run.exit_code != 0:
            raise SystemExit(f"child failed ({run.exit_code}):\n{run.stderr[-4000:]}")
        runs.append(run)
    steps: dict[str, float | None] = {}
    for name in ("import", "evidence", "plan"):
        steps[name] = _median([r.step(name)["seconds"] for r in runs if r.step(name)])
    per_identity = runs[-1].step("plan") or {}
    times = list(per_identity.get("per_identity", []))
    figures = next((r["figures"] for r in runs[-1].records if "figures" in r), {})
    truth_summary = json.loads((trail / "ground-truth.json").read_text())["accounts"]
    return {
        "roles": roles,
        "generate_seconds": generated,
        "log_files": sum(a["files"] for a in truth_summary.values()),
        "log_records": sum(a["records"] for a in truth_summary.values()),
        "log_mib": sum(a["bytes"] for a in truth_summary.values()) / 2**20,
        "evidence_records": (runs[-1].step("evidence") or {}).get("records"),
        "steps": steps,
        "plan_setup_seconds": per_identity.get("setup_seconds"),
        "identities": len(times),
        "per_identity_median": _median(times),
        "per_identity_p95": _percentile(times, 0.95),
        "per_identity_max": max(times) if times else None,
        "peak_mib": max(r.peak_kib for r in runs) / KIB_PER_MIB,
        "figures": figures,
    }


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def print_size(result: dict[str, Any], repeats: int) -> bool:
    """The table for one size; returns whether every target passed."""
    steps = result["steps"]
    print(f"\n== {result['roles']} roles: {result['log_records']} CloudTrail records in "
          f"{result['log_files']} files ({result['log_mib']:.1f} MiB gzipped), generated in "
          f"{result['generate_seconds']:.1f} s; medians of {repeats} fresh run(s) ==")  # fmt: skip
    print(f"  {'step':<44}{'seconds':>10}")
    print(f"  {'(1) import the organization':<44}{_fmt(steps['import'], '10.2f')}")
    label = f"(2) read evidence ({result['evidence_records']} usage records)"
    print(f"  {label:<44}{_fmt(steps['evidence'], '10.2f')}")
    print(f"  {'(3) plan every identity (set-up + all)':<44}{_fmt(steps['plan'], '10.2f')}")
    per = {k: result[f"per_identity_{k}"] for k in ("median", "p95", "max")}
    ms = {k: _fmt(v * 1000 if v is not None else None, ".1f") for k, v in per.items()}
    print(
        f"      planner set-up: {_fmt(result['plan_setup_seconds'], '.2f')} s; "
        f"{result['identities']} identities, per identity: median {ms['median']} ms, "
        f"p95 {ms['p95']} ms, max {ms['max']} ms"
    )
    print(f"  peak memory of a run: {result['peak_mib']:.0f} MiB")
    figures = result["figures"]
    if not figures:
        print("  (no figures)")
        return False
    print(f"  plans by status: {figures['statuses']}")
    print(f"  roles measured: {figures['roles_observed']} with use CloudTrail shows, "
          f"{figures['roles_all']} in all; left out: {figures['service_linked']} service-linked, "
          f"{figures['not_planned']} people's roles the planner does not rewrite")  # fmt: skip
    header = f"  {'unneeded permissions removed':<46}{'overgrant':>12}{'service cut':>14}"
    print(header)
    rows = (
        ("actions, roles with observed use", "observed"),
        ("actions, all roles", "all"),
    )
    for label, key in rows:
        ours = figures["actions"][key]
        print(f"  {label:<46}{_pct(_share(ours['removed'], ours['removable'])):>12}"
              f"{_pct(_share(ours['baseline_removed'], ours['removable'])):>14}"
              f"   of {ours['removable']} removable")  # fmt: skip
    res = figures["resources"]
    label = "resources of used actions, observed roles"
    ours = _pct(_share(res["removed"], res["unused"]))
    print(f"  {label:<46}{ours:>12}{_pct(0.0 if res['unused'] else None):>14}"
          f"   of {res['unused']} unused allowed resources")  # fmt: skip
    observed = figures["actions"]["observed"]
    print(f"  unneeded but invisible to the trail: {observed['invisible']} "
          f"({observed['invisible_removed']} removed anyway)")  # fmt: skip
    replay = figures["replay"]
    print(f"  proofs: {replay['proofs']} run, {replay['replayed_calls']} calls replayed, "
          f"{replay['proof_denials']} denials; ground-truth calls re-decided: "
          f"{replay['truth_calls']}, denied after the swap: {replay['truth_denials']}")  # fmt: skip
    share = _share(observed["removed"], observed["removable"])
    checks = (
        (f">= {TARGET_SHARE:.0%} of removable permissions removed",
         share is not None and share >= TARGET_SHARE),
        ("0 replay denials (proofs)", replay["proof_denials"] == 0),
        ("0 used calls denied after the swap (ground truth)", replay["truth_denials"] == 0),
    )  # fmt: skip
    for text, passed in checks:
        print(f"  {_verdict(passed)}  {text}")
    return all(passed for _, passed in checks)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--roles", type=int, nargs="+", default=[2000, 10000], help="sizes (default 2000 10000)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="fresh runs per size (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep generated files here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_child":
        return child_measure(*argv[1:])
    args = parse_args(argv)
    if args.repeats < 1:
        raise SystemExit("--repeats must be >= 1")
    with tempfile.TemporaryDirectory(prefix="bench-remediation-") as scratch:
        workdir = args.workdir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        results = [bench_size(roles, args, workdir) for roles in args.roles]
    verdicts = [print_size(result, args.repeats) for result in results]
    passed = all(verdicts)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

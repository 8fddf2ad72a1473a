"""Benchmark the foundation: importing a huge authorization-details export and the snapshot I/O.

For each size, one combined ``aws iam get-account-authorization-details`` file (every account
of a generated organization in ONE document) is written to a temporary directory; then each
step runs ``--repeats`` times, every run in a FRESH interpreter so that its peak memory is its
own, and the medians are reported:

    (a) json.load of the export (gc on, as a user's plain json.load)
    (b) ``python -m overgrant import aws-authz EXPORT -o SNAPSHOT`` (the whole CLI process)
        and, for reference, import_authorization_details() alone in a child
    (c) overgrant.snapshot.dump_snapshot of the imported inventory
    (d) overgrant.snapshot.load_snapshot of the snapshot
    (e) json.load of the snapshot

Run from the repository root:  python bench/bench_foundation.py --sizes 10000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CHILD = BENCH / "measure_child.py"
TARGET = 3.0
"""The issue's target: each ratio at most this many times plain json.load."""


@dataclass(slots=True)
class Run:
    """One child process: its wall time, its own figures, and the kernel's view of its memory."""

    process_seconds: float
    process_peak_kib: int
    seconds: float | None = None
    """The operation alone, timed inside the child (None for the CLI: the process is the step)."""
    peak_kib: int | None = None
    peak_scope: str = "process"


@dataclass(slots=True)
class Step:
    label: str
    runs: list[Run] = field(default_factory=list)
    error: str | None = None

    def median(self, name: str) -> float | None:
        values = [getattr(r, name) for r in self.runs if getattr(r, name) is not None]
        return statistics.median(values) if values else None

    @property
    def seconds(self) -> float | None:
        """The step's time: the operation where the child timed it, else the whole process."""
        return (
            self.median("seconds")
            if self.median("seconds") is not None
            else self.median("process_seconds")
        )

    @property
    def peak_mib(self) -> float | None:
        kib = self.median("peak_kib")
        kib = kib if kib is not None else self.median("process_peak_kib")
        return None if kib is None else kib / 1024


class ChildFailed(RuntimeError):
    pass


def _child_env() -> dict[str, str]:
    """Children import overgrant from this checkout even where it is not installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), env.get("PYTHONPATH")) if p)
    return env


def run_child(command: list[str]) -> tuple[Run, str]:
    """Run ``command`` and collect its own rusage with wait4 (RUSAGE_CHILDREN would be a max
    over every child so far, not this one's peak)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=_child_env(), cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if process.returncode != 0:
        tail = "\n".join((stderr or stdout).strip().splitlines()[-15:])
        raise ChildFailed(f"exit code {process.returncode}: {' '.join(command[-4:])}\n{tail}")
    return Run(process_seconds=elapsed, process_peak_kib=usage.ru_maxrss), stdout


def measure(command: list[str], *, reports: bool) -> Run:
    run, stdout = run_child(command)
    if reports:  # the child printed its own figures on its last line
        figures = json.loads(stdout.strip().splitlines()[-1])
        run.seconds, run.peak_kib, run.peak_scope = (
            figures["seconds"],
            figures["peak_kib"],
            figures["peak_scope"],
        )
    return run


def repeat(step: Step, command: list[str], repeats: int, *, reports: bool = True) -> Step:
    """Run a step ``repeats`` times; a failure is recorded on the step, never raised."""
    for i in range(repeats):
        print(f"  {step.label}: run {i + 1}/{repeats}", file=sys.stderr, flush=True)
        try:
            step.runs.append(measure(command, reports=reports))
        except ChildFailed as exc:
            step.error = str(exc)
            print(f"  {step.label} FAILED, skipped: {exc}", file=sys.stderr, flush=True)
            break
    return step


def generate_export(roles: int, seed: int, path: Path) -> float:
    """Write the combined export in a child (keeps this process small); returns seconds."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import generate_aws_org as g; "
        "g.write_json(g.Path(sys.argv[2]), g.combine_exports("
        "g.generate_organization(int(sys.argv[3]), int(sys.argv[4]))[0]))"
    )
    run, _ = run_child([sys.executable, "-c", code, str(BENCH), str(path), str(roles), str(seed)])
    return run.process_seconds


def bench_size(roles: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    py = sys.executable
    export = workdir / f"authz-{roles}.json"
    cli_snapshot, lib_snapshot = (
        workdir / f"snapshot-cli-{roles}.json",
        workdir / f"snapshot-lib-{roles}.json",
    )
    print(f"[{roles:,} roles] generating {export.name}", file=sys.stderr, flush=True)
    generated = generate_export(roles, args.seed, export)
    n = args.repeats
    steps = {
        "json_load_export": repeat(
            Step("(a) json.load(export)"), [py, str(CHILD), "json-load", str(export)], n
        ),
        "import_cli": repeat(
            Step("(b) overgrant import aws-authz (CLI)"),
            [py, "-m", "overgrant", "import", "aws-authz", str(export), "-o", str(cli_snapshot)],
            n,
            reports=False,
        ),
        "import_lib": repeat(
            Step("    import_authorization_details()"),
            [py, str(CHILD), "import-lib", str(export)],
            n,
        ),
    }
    if steps["import_lib"].runs:
        steps["dump_snapshot"] = repeat(
            Step("(c) dump_snapshot"),
            [py, str(CHILD), "dump-snapshot", str(export), str(lib_snapshot)],
            n,
        )
    else:
        steps["dump_snapshot"] = Step("(c) dump_snapshot", error="skipped: the import failed")
    snapshot = cli_snapshot if steps["import_cli"].runs else lib_snapshot
    if snapshot.exists():
        steps["load_snapshot"] = repeat(
            Step("(d) load_snapshot"), [py, str(CHILD), "load-snapshot", str(snapshot)], n
        )
        steps["json_load_snapshot"] = repeat(
            Step("(e) json.load(snapshot)"), [py, str(CHILD), "json-load", str(snapshot)], n
        )
    else:
        for key, label in (
            ("load_snapshot", "(d) load_snapshot"),
            ("json_load_snapshot", "(e) json.load(snapshot)"),
        ):
            steps[key] = Step(label, error="skipped: no snapshot was written")
    return {
        "roles": roles,
        "generate_seconds": generated,
        "export_mib": export.stat().st_size / 2**20,
        "snapshot_mib": snapshot.stat().st_size / 2**20 if snapshot.exists() else None,
        "steps": steps,
        "ratios": _ratios(steps),
    }


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator


def _ratios(steps: dict[str, Step]) -> dict[str, dict[str, Any]]:
    """import: the CLI's whole process against a json.load process (both pay interpreter start);
    load_snapshot: the two operations as timed inside their children."""
    pairs = {
        "import_vs_json_load_export": _ratio(
            steps["import_cli"].median("process_seconds"),
            steps["json_load_export"].median("process_seconds"),
        ),
        "import_lib_vs_json_load_export": _ratio(
            steps["import_lib"].median("seconds"), steps["json_load_export"].median("seconds")
        ),
        "load_snapshot_vs_json_load_snapshot": _ratio(
            steps["load_snapshot"].median("seconds"), steps["json_load_snapshot"].median("seconds")
        ),
    }
    return {
        name: {"ratio": value, "target": TARGET, "pass": None if value is None else value <= TARGET}
        for name, value in pairs.items()
    }


def _fmt(value: float | None, spec: str) -> str:
    """Format a figure, or a dash of the same width where there is none."""
    width = int("".join(c for c in spec.split(".")[0] if c.isdigit()) or 0)
    return "-".rjust(width) if value is None else format(value, spec)


def print_table(result: dict[str, Any], repeats: int) -> None:
    snapshot = _fmt(result["snapshot_mib"], ".1f")
    print(
        f"\n{result['roles']:,} roles: export {result['export_mib']:.1f} MiB, "
        f"snapshot {snapshot} MiB (generated in {result['generate_seconds']:.1f} s); "
        f"medians of {repeats} fresh processes"
    )
    print(f"{'step':<42}{'op s':>9}{'process s':>11}{'peak MiB':>10}{'process peak':>14}")
    for step in result["steps"].values():
        if step.error and not step.runs:
            print(f"{step.label:<42}  {step.error.splitlines()[0]}")
            continue
        process_peak = step.median("process_peak_kib")
        process_mib = None if process_peak is None else process_peak / 1024
        op_seconds = _fmt(step.median("seconds"), "9.2f")
        process_seconds = _fmt(step.median("process_seconds"), "11.2f")
        peaks = _fmt(step.peak_mib, "10.0f") + _fmt(process_mib, "14.0f")
        print(f"{step.label:<42}{op_seconds}{process_seconds}{peaks}")
    labels = {
        "import_vs_json_load_export": "import (CLI process) / json.load(export) process",
        "import_lib_vs_json_load_export": "import_authorization_details / json.load(export)",
        "load_snapshot_vs_json_load_snapshot": "load_snapshot / json.load(snapshot)",
    }
    for name, ratio in result["ratios"].items():
        verdict = "n/a" if ratio["pass"] is None else ("PASS" if ratio["pass"] else "FAIL")
        figure = "   n/a " if ratio["ratio"] is None else f"{ratio['ratio']:6.2f}x"
        print(f"  {labels[name]:<52}{figure}  target <= {TARGET:.1f}x  {verdict}")
    for step in result["steps"].values():
        if step.error:
            print(f"\n{step.label.strip()} error:\n{step.error}")


def as_json(results: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    sizes = []
    for result in results:
        steps = {
            key: {
                "label": s.label.strip(),
                "seconds_median": s.median("seconds"),
                "process_seconds_median": s.median("process_seconds"),
                "peak_mib_median": s.peak_mib,
                "process_peak_mib_median": None
                if s.median("process_peak_kib") is None
                else s.median("process_peak_kib") / 1024,
                "runs": [asdict(r) for r in s.runs],
                "error": s.error,
            }
            for key, s in result["steps"].items()
        }
        sizes.append({**result, "steps": steps})
    return {
        "benchmark": "foundation",
        "seed": args.seed,
        "repeats": args.repeats,
        "target": TARGET,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "sizes": sizes,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10_000, 100_000],
        help="role counts to benchmark (default: 10000 100000)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="fresh processes per step (default 3)"
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--json", action="store_true", help="print the figures as JSON instead of a table"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the generated files here (default: a temporary directory, removed)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.repeats < 1:
        print("--repeats must be at least 1", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="overgrant-bench-") as scratch:
        workdir = args.workdir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        results = [bench_size(roles, args, workdir) for roles in args.sizes]
    if args.json:
        print(json.dumps(as_json(results, args), indent=2))
    else:
        for result in results:
            print_table(result, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the permission graph: import, graph build and every attack path; vs Cloudsplaining.

For each size a seeded organization is generated (``generate_aws_org``: one
authorization-details export per account plus ``organization.json``), then ``--repeats`` fresh
interpreters each run, one after the other and timed one by one:

    (1) api.import_aws_authz(every account export, organization=organization.json)
    (2) api.permission_graph(inventory)          the AWS evaluator, can_assume and can_escalate
    (3) api.attack_paths(inventory, graph=graph)  every non-human identity's shortest paths to
                                                  admin, blast radius and minimum cut

Each child reports every step's time and peak memory; the kernel's peak for the whole process
comes from ``os.wait4``. Targets: 100,000 roles with all paths in under 60 s and 8 GiB, and at
10,000 roles at least 20 times faster than Cloudsplaining 0.9.1 (installed in a throwaway venv
by ``cloudsplaining_venv.sh``) scanning the same roles as one authorization-details file.

Run from the repository root:  python bench/bench_graph.py --sizes 10000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENV_SCRIPT = BENCH / "cloudsplaining_venv.sh"
CLOUDSPLAINING_VERSION = "0.9.1"

TARGET_ROLES = 100_000
TARGET_SECONDS = 60.0
TARGET_GIB = 8.0
TARGET_SPEEDUP = 20.0
"""The issue's targets: 100,000 roles, all paths, under 60 s and 8 GiB; >= 20x Cloudsplaining."""

STEPS = (
    ("import", "(1) import: api.import_aws_authz"),
    ("graph", "(2) graph: api.permission_graph"),
    ("paths", "(3) all paths: api.attack_paths"),
)
POLL_SECONDS = 0.5
KIB_PER_GIB = 2**20


# --------------------------------------------------------------------------------------------
# Children: what runs in the fresh interpreters.
# --------------------------------------------------------------------------------------------


def _emit(record: dict[str, Any]) -> None:
    """One JSON line per finished step, flushed at once: a killed child still leaves its
    finished steps behind."""
    print(json.dumps(record), flush=True)


def child_generate(org_dir: str, roles: str, seed: str, combined: str) -> int:
    """Write the organization (one export per account and organization.json) and, if
    ``combined`` is not ``-``, every account as ONE authorization-details file for
    Cloudsplaining."""
    from generate_aws_org import combine_exports, generate_organization, write_json

    out = Path(org_dir)
    out.mkdir(parents=True, exist_ok=True)
    exports, organization = generate_organization(int(roles), int(seed))
    for account_id, export in exports.items():
        write_json(out / f"{account_id}.json", export)
    write_json(out / "organization.json", organization)
    if combined != "-":
        document = combine_exports(exports)
        # The same principals and policies in the shape Cloudsplaining's own `download`
        # writes: its schema check rejects `IsTruncated` and then dumps the whole document
        # into its log, which would be charged to it.
        document.pop("IsTruncated", None)
        write_json(Path(combined), document)
    _emit({"accounts": len(exports)})
    return 0


def child_measure(org_dir: str) -> int:
    """Import, build the graph, compute every path; one JSON line per step, then the counts."""
    from measure_child import _reset_peak, _status_kib

    from overgrant import api

    org = Path(org_dir)
    exports = sorted(p for p in org.glob("*.json") if p.name != "organization.json")
    keep: list[Any] = []  # everything stays alive until the end, as in one real run

    def step(name: str, operation: Any) -> Any:
        before = _status_kib("VmRSS")
        scoped = _reset_peak()
        started, cpu = time.perf_counter(), time.process_time()
        result = operation()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = _status_kib("VmHWM") if scoped else None
        keep.append(result)
        _emit(
            {
                "step": name,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "peak_kib": peak,
                "before_kib": before,
                "peak_scope": "operation" if scoped else "unknown",
            }
        )
        return result

    # CLOCK_MONOTONIC is system-wide: the parent can tell how long a killed child had been at it.
    _emit({"steps_started_monotonic": time.monotonic()})
    inventory = step(
        "import", lambda: api.import_aws_authz(exports, organization=org / "organization.json")
    )
    graph = step("graph", lambda: api.permission_graph(inventory))
    _emit({"counts": _graph_counts(inventory, graph, len(exports))})  # untimed, kept if killed
    exposures = step("paths", lambda: api.attack_paths(inventory, graph=graph))
    _emit(
        {
            "counts": {
                "identities_with_path_to_admin": sum(1 for e in exposures if e.paths),
                "paths": sum(len(e.paths) for e in exposures),
            }
        }
    )
    return 0


def _graph_counts(inventory: Any, graph: Any, accounts: int) -> dict[str, Any]:
    from overgrant.graph.nodes import EdgeKind
    from overgrant.graph.paths import non_human_sources

    by_kind: Counter[str] = Counter()
    by_method: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    for edge in graph.attack_edges():
        by_kind[str(edge.kind)] += 1
        by_method[f"{edge.kind}:{edge.method}"] += 1
        by_outcome[f"{edge.kind}:{edge.outcome}"] += 1
    return {
        "accounts": accounts,
        "identities": len(inventory.identities),
        "non_human_identities": len(non_human_sources(graph)),
        "graph_nodes": graph.graph.number_of_nodes(),
        "graph_edges": graph.graph.number_of_edges(),
        "admin_nodes": len(graph.admin_nodes()),
        "attack_edges": sum(by_kind.values()),
        "attack_edges_by_kind": {
            kind.value: by_kind.get(str(kind), 0)
            for kind in (EdgeKind.CAN_ASSUME, EdgeKind.CAN_ESCALATE)
        },
        "attack_edges_by_method": dict(by_method.most_common()),
        "attack_edges_by_outcome": dict(sorted(by_outcome.items())),
    }


CHILD_MODES = {"_child-generate": child_generate, "_child-measure": child_measure}


# --------------------------------------------------------------------------------------------
# The parent: runs the children, watches them, collects and prints the figures.
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    """One child process as the kernel saw it, and the records it printed."""

    process_seconds: float
    process_peak_kib: int
    exit_code: int
    process_cpu_seconds: float = 0.0
    """User + system time from wait4: what the child cost whatever else the machine ran."""
    load_before: float | None = None
    """The machine's 1-minute load average when the child started (a busy machine stretches
    wall times; compare with os.cpu_count())."""
    records: list[dict[str, Any]] = field(default_factory=list)
    stopped: str | None = None
    """Why the watchdog killed it (time or memory limit), if it did."""
    error: str | None = None
    ended_monotonic: float = 0.0

    @property
    def seconds_at_least(self) -> float | None:
        """For a child killed by a signal (the watchdog's, or anyone's): how long its steps had
        run by then. A child that failed with an error has no such bound: it is a bug."""
        started = next(
            (r["steps_started_monotonic"] for r in self.records if "steps_started_monotonic" in r),
            None,
        )
        killed = self.stopped is not None or self.exit_code < 0
        return None if started is None or not killed else self.ended_monotonic - started

    def step(self, name: str) -> dict[str, Any] | None:
        return next((r for r in self.records if r.get("step") == name), None)

    @property
    def counts(self) -> dict[str, Any] | None:
        """The graph's counts (after step 2) merged with the paths' (after step 3)."""
        merged: dict[str, Any] = {}
        for record in self.records:
            merged.update(record.get("counts", {}))
        return merged or None

    @property
    def peak_kib(self) -> int:
        """The whole child's peak. The child resets Linux's peak counter before each step, which
        also resets what wait4 reports; so the kernel's figure covers only the time after the
        last reset, and the true peak is the highest of it and every step's own peak."""
        steps = [r["peak_kib"] for r in self.records if r.get("peak_kib")]
        return max([self.process_peak_kib, *steps])

    @property
    def complete(self) -> bool:
        return self.error is None and all(self.step(name) for name, _ in STEPS)


def _child_env() -> dict[str, str]:
    """Children import overgrant from this checkout and the generator from bench/."""
    env = dict(os.environ)
    paths = (str(REPO / "src"), str(BENCH), env.get("PYTHONPATH"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return env


def _rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _watch(
    process: subprocess.Popen[bytes],
    done: threading.Event,
    verdict: list[str],
    timeout: float | None,
    max_rss_kib: int | None,
) -> None:
    """Kill the child if it runs past ``timeout`` or its RSS passes ``max_rss_kib``."""
    started = time.monotonic()
    while not done.wait(POLL_SECONDS):
        elapsed = time.monotonic() - started
        rss = _rss_kib(process.pid) if max_rss_kib else None
        if timeout is not None and elapsed > timeout:
            verdict.append(f"killed after the {timeout:.0f} s time limit")
        elif rss is not None and max_rss_kib is not None and rss > max_rss_kib:
            verdict.append(f"killed at {rss / KIB_PER_GIB:.1f} GiB RSS (limit --max-rss-gib)")
        else:
            continue
        process.kill()
        return


def run_child(
    command: list[str],
    *,
    timeout: float | None = None,
    max_rss_kib: int | None = None,
    cwd: Path = REPO,
) -> Run:
    """Run ``command``; its own peak RSS comes from wait4 (RUSAGE_CHILDREN would be the max
    over every child so far). Never raises for a failing child: the Run says what happened."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=_child_env(), cwd=cwd)
        done, verdict = threading.Event(), []
        watchdog = threading.Thread(
            target=_watch, args=(process, done, verdict, timeout, max_rss_kib), daemon=True
        )
        watchdog.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        ended = time.monotonic()
        done.set()
        watchdog.join()
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    run = Run(
        process_seconds=elapsed,
        process_peak_kib=usage.ru_maxrss,
        exit_code=process.returncode,
        process_cpu_seconds=usage.ru_utime + usage.ru_stime,
        load_before=load,
        stopped=verdict[0] if verdict else None,
        ended_monotonic=ended,
    )
    for line in stdout.splitlines():
        if line.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):
                run.records.append(json.loads(line))
    if run.stopped or run.exit_code != 0:
        tail = "\n".join((stderr or stdout).strip().splitlines()[-15:])
        if run.stopped:
            run.error = run.stopped
        elif run.exit_code < 0:  # a signal this benchmark did not send
            run.error = f"killed by {signal.Signals(-run.exit_code).name} from outside"
        else:
            run.error = f"exit code {run.exit_code}\n{tail}"
    return run


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(slots=True)
class SizeResult:
    roles: int
    accounts: int
    export_mib: float
    generate_seconds: float
    runs: list[Run] = field(default_factory=list)
    cloudsplaining: list[Run] = field(default_factory=list)
    cloudsplaining_error: str | None = None

    def step_seconds(self, name: str) -> float | None:
        return _median([s["seconds"] for r in self.runs if (s := r.step(name))])

    def step_cpu_seconds(self, name: str) -> float | None:
        return _median([s["cpu_seconds"] for r in self.runs if (s := r.step(name))])

    def step_peak_mib(self, name: str) -> float | None:
        peaks = [s["peak_kib"] for r in self.runs if (s := r.step(name)) and s["peak_kib"]]
        median = _median(peaks)
        return None if median is None else median / 1024

    @property
    def complete_runs(self) -> list[Run]:
        return [r for r in self.runs if r.complete]

    @property
    def total_seconds(self) -> float | None:
        """import + graph + all paths, as timed inside each complete child."""
        return _median(
            [sum(r.step(name)["seconds"] for name, _ in STEPS) for r in self.complete_runs]
        )

    @property
    def total_cpu_seconds(self) -> float | None:
        return _median(
            [sum(r.step(name)["cpu_seconds"] for name, _ in STEPS) for r in self.complete_runs]
        )

    @property
    def process_seconds(self) -> float | None:
        return _median([r.process_seconds for r in self.complete_runs])

    @property
    def process_cpu_seconds(self) -> float | None:
        return _median([r.process_cpu_seconds for r in self.complete_runs])

    @property
    def process_peak_mib(self) -> float | None:
        """The kernel's peak for the whole child; unfinished children count too (a lower
        bound: a child killed at the memory limit had at least that much)."""
        median = _median([r.peak_kib for r in self.complete_runs]) or _median(
            [r.peak_kib for r in self.runs]
        )
        return None if median is None else median / 1024

    @property
    def counts(self) -> dict[str, Any] | None:
        return next((r.counts for r in self.runs if r.counts), None)

    @property
    def error(self) -> str | None:
        return next((r.error for r in self.runs if r.error), None)

    @property
    def cloudsplaining_seconds(self) -> float | None:
        return _median([r.process_seconds for r in self.cloudsplaining if not r.error])

    @property
    def cloudsplaining_cpu_seconds(self) -> float | None:
        return _median([r.process_cpu_seconds for r in self.cloudsplaining if not r.error])

    @property
    def cpu_speedup(self) -> float | None:
        """The same ratio in CPU time, for a machine that was busy with something else."""
        theirs, ours = self.cloudsplaining_cpu_seconds, self.total_cpu_seconds
        return None if theirs is None or not ours else theirs / ours

    @property
    def cloudsplaining_peak_mib(self) -> float | None:
        median = _median([r.process_peak_kib for r in self.cloudsplaining if not r.error])
        return None if median is None else median / 1024

    @property
    def seconds_at_least(self) -> float | None:
        """Where no run finished because the watchdog killed one: a lower bound on the total."""
        if self.complete_runs:
            return None
        bounds = [b for r in self.runs if (b := r.seconds_at_least) is not None]
        return max(bounds) if bounds else None

    @property
    def speedup(self) -> float | None:
        theirs, ours = self.cloudsplaining_seconds, self.total_seconds
        return None if theirs is None or not ours else theirs / ours

    def targets(self) -> dict[str, dict[str, Any]]:
        """Each target's figure, whether it is exact or a bound, and PASS (True) or FAIL.

        A killed run still decides a target where its bound does: a run stopped after T
        seconds took more than T; a ratio over it is at most Cloudsplaining's time / T.
        """
        found: dict[str, dict[str, Any]] = {}
        bound = self.seconds_at_least
        if self.roles == TARGET_ROLES:
            seconds, peak = self.total_seconds, self.process_peak_mib
            if seconds is not None:
                time_target = {"value": seconds, "bound": "exact"}
                time_target["pass"] = seconds < TARGET_SECONDS
            elif bound is not None:
                time_target = {"value": bound, "bound": "at least"}
                time_target["pass"] = False if bound >= TARGET_SECONDS else None
            else:  # the child failed: a bug, not a measurement
                time_target = {"value": None, "bound": "exact", "pass": None}
            found["time"] = {**time_target, "target": f"< {TARGET_SECONDS:.0f} s"}
            peak_gib = None if peak is None else peak / 1024
            finished = bool(self.complete_runs)
            over = peak_gib is not None and peak_gib >= TARGET_GIB
            found["memory"] = {
                "value": peak_gib,
                "bound": "exact" if finished else "at least",
                "target": f"< {TARGET_GIB:.0f} GiB",
                "pass": False if over else (True if finished else None),
            }
        if self.cloudsplaining or self.cloudsplaining_error:
            speedup, theirs = self.speedup, self.cloudsplaining_seconds
            if speedup is not None:
                ratio = {"value": speedup, "bound": "exact", "pass": speedup >= TARGET_SPEEDUP}
            elif theirs is not None and bound:
                ratio = {"value": theirs / bound, "bound": "at most"}
                ratio["pass"] = False if theirs / bound < TARGET_SPEEDUP else None
            else:
                ratio = {"value": None, "bound": "exact", "pass": None}
            found["speedup"] = {**ratio, "target": f">= {TARGET_SPEEDUP:.0f}x"}
        return found


def generate(roles: int, seed: int, workdir: Path, combined: Path | None) -> tuple[Path, Run]:
    org = workdir / f"org-{roles}"
    command = [sys.executable, str(Path(__file__).resolve()), "_child-generate", str(org)]
    command += [str(roles), str(seed), str(combined) if combined else "-"]
    return org, run_child(command)


def cloudsplaining_executable(venv: Path | None) -> Path:
    """Create (or reuse) the throwaway venv; returns its cloudsplaining executable."""
    command = ["bash", str(VENV_SCRIPT)] + ([str(venv)] if venv else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{VENV_SCRIPT.name} failed:\n{done.stderr.strip()}")
    return Path(done.stdout.strip().splitlines()[-1])


def run_cloudsplaining(
    executable: Path, authz: Path, out_dir: Path, args: argparse.Namespace
) -> Run:
    """`cloudsplaining scan` on one file; its HTML and JSON reports land in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [str(executable), "scan", "--input-file", str(authz), "--output", str(out_dir)]
    command.append("--skip-open-report")  # never start a browser
    limits = {"timeout": args.timeout, "max_rss_kib": args.max_rss_kib}
    run = run_child(command, cwd=out_dir.parent, **limits)
    report = out_dir / f"iam-report-{authz.stem}.html"
    if not run.error and not report.exists():
        run.error = f"no report written ({report.name} missing)"
    return run


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_size(
    roles: int, args: argparse.Namespace, workdir: Path, executable: Path | None
) -> SizeResult:
    compare = executable is not None and roles == args.cloudsplaining_roles
    combined = workdir / f"authz-{roles}.json" if compare else None
    _log(f"[{roles:,} roles] generating the organization in {workdir}")
    org, generated = generate(roles, args.seed, workdir, combined)
    if generated.error:
        raise RuntimeError(f"generating {roles} roles failed: {generated.error}")
    exports = [p for p in org.glob("*.json") if p.name != "organization.json"]
    result = SizeResult(
        roles=roles,
        accounts=len(exports),
        export_mib=sum(p.stat().st_size for p in org.glob("*.json")) / 2**20,
        generate_seconds=generated.process_seconds,
    )
    command = [sys.executable, str(Path(__file__).resolve()), "_child-measure", str(org)]
    for i in range(args.repeats):
        _log(f"[{roles:,} roles] overgrant: import + graph + all paths, run {i + 1}/{args.repeats}")
        run = run_child(command, timeout=args.timeout, max_rss_kib=args.max_rss_kib)
        result.runs.append(run)
        for record in run.records:
            if "step" in record:
                _log(f"    {record['step']}: {record['seconds']:.2f} s")
        if run.error:
            _log(f"    FAILED: {run.error}")
            break  # the next run would fail the same way
    if compare and combined is not None and executable is not None:
        for i in range(args.cloudsplaining_repeats):
            _log(
                f"[{roles:,} roles] cloudsplaining {CLOUDSPLAINING_VERSION} scan, "
                f"run {i + 1}/{args.cloudsplaining_repeats} (minutes)"
            )
            reports = workdir / f"cloudsplaining-{roles}"
            run = run_cloudsplaining(executable, combined, reports, args)
            result.cloudsplaining.append(run)
            failure = f", FAILED: {run.error}" if run.error else ""
            _log(f"    {run.process_seconds:.1f} s{failure}")
            if run.error:
                result.cloudsplaining_error = run.error
                break
    return result


# --------------------------------------------------------------------------------------------
# Output.
# --------------------------------------------------------------------------------------------


def _fmt(value: float | None, spec: str) -> str:
    """Format a figure, or a dash of the same width where there is none."""
    width = int("".join(c for c in spec.split(".")[0] if c.isdigit()) or 0)
    return "-".rjust(width) if value is None else format(value, spec)


def _verdict(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "FAIL")


TARGET_LABELS = {
    "time": (".1f", f"{TARGET_ROLES:,} roles, import + graph + all paths, s"),
    "memory": (".2f", f"{TARGET_ROLES:,} roles, peak memory (whole process), GiB"),
    "speedup": (".2f", "cloudsplaining time / overgrant time, x"),
}
"""How each target's figure is printed, and what it measures."""


def print_size(result: SizeResult, repeats: int) -> None:
    finished = len(result.complete_runs)
    print(
        f"\n{result.roles:,} roles: {result.accounts} accounts + organization.json, "
        f"{result.export_mib:.1f} MiB (generated in {result.generate_seconds:.1f} s); "
        f"medians of {finished} of {repeats} fresh process(es) that finished"
    )
    print(f"{'step':<44}{'seconds':>10}{'CPU s':>10}{'peak MiB':>11}")

    def row(label: str, seconds: float | None, cpu: float | None, peak: float | None) -> None:
        figures = _fmt(seconds, "10.2f") + _fmt(cpu, "10.2f") + _fmt(peak, "11.0f")
        print(f"{label:<44}{figures}")

    for name, label in STEPS:
        row(
            label,
            result.step_seconds(name),
            result.step_cpu_seconds(name),
            result.step_peak_mib(name),
        )
    row(
        "total (1)+(2)+(3)",
        result.total_seconds,
        result.total_cpu_seconds,
        result.process_peak_mib,
    )
    if result.seconds_at_least is not None:
        row("  (did not finish: killed after at least)", result.seconds_at_least, None, None)
    row(
        "whole process (interpreter start, exit)",
        result.process_seconds,
        result.process_cpu_seconds,
        None,
    )
    if result.cloudsplaining or result.cloudsplaining_error:
        row(
            f"cloudsplaining {CLOUDSPLAINING_VERSION} scan (whole process)",
            result.cloudsplaining_seconds,
            result.cloudsplaining_cpu_seconds,
            result.cloudsplaining_peak_mib,
        )
    loads = [r.load_before for r in result.runs + result.cloudsplaining if r.load_before]
    if loads:
        print(
            f"machine load (1-min average) at the start of each process: "
            f"{', '.join(f'{load:.1f}' for load in loads)} on {os.cpu_count()} CPUs"
        )
    counts = result.counts
    if counts:
        kinds = ", ".join(f"{k} {v:,}" for k, v in counts["attack_edges_by_kind"].items())
        print(
            f"identities {counts['identities']:,} (non-human {counts['non_human_identities']:,}); "
            f"graph {counts['graph_nodes']:,} nodes, {counts['graph_edges']:,} edges; "
            f"admin nodes {counts['admin_nodes']:,}"
        )
        print(f"attack edges {counts['attack_edges']:,}: {kinds}")
        methods = list(counts["attack_edges_by_method"].items())
        shown = ", ".join(f"{m} {n:,}" for m, n in methods[:8])
        more = f" (+{len(methods) - 8} more methods)" if len(methods) > 8 else ""
        print(f"  by method: {shown}{more}")
        if "paths" in counts:
            print(
                f"identities with a path to admin: {counts['identities_with_path_to_admin']:,} "
                f"({counts['paths']:,} paths)"
            )
    for name, target in result.targets().items():
        unit, label = TARGET_LABELS[name]
        shown = "-" if target["value"] is None else format(target["value"], unit)
        shown = {"at least": ">= ", "at most": "<= "}.get(target["bound"], "") + shown
        print(f"  {label:<52}{shown:>12}  target {target['target']:<8} {_verdict(target['pass'])}")
    if result.cpu_speedup is not None:
        ratio = f"{result.cpu_speedup:.2f}x"
        print(f"  {'the same ratio in CPU time (for reference)':<52}{ratio:>12}")
    if result.error:
        print(f"overgrant did not finish: {result.error}")
    if result.cloudsplaining_error:
        print(f"cloudsplaining did not finish: {result.cloudsplaining_error}")


def print_summary(results: list[SizeResult]) -> None:
    print(
        f"\n{'roles':>8}{'import s':>10}{'graph s':>10}{'paths s':>10}{'total s':>10}"
        f"{'peak GiB':>10}{'identities':>12}{'attack edges':>14}{'to admin':>10}"
        f"{'cs s':>9}{'cs GiB':>8}{'speedup':>9}"
    )
    for r in results:
        counts = r.counts or {}
        peak = r.process_peak_mib
        cs_peak = r.cloudsplaining_peak_mib
        print(
            f"{r.roles:>8,}"
            + "".join(_fmt(r.step_seconds(name), "10.1f") for name, _ in STEPS)
            + _fmt(r.total_seconds, "10.1f")
            + _fmt(None if peak is None else peak / 1024, "10.2f")
            + _fmt(counts.get("identities"), "12,d")
            + _fmt(counts.get("attack_edges"), "14,d")
            + _fmt(counts.get("identities_with_path_to_admin"), "10,d")
            + _fmt(r.cloudsplaining_seconds, "9.1f")
            + _fmt(None if cs_peak is None else cs_peak / 1024, "8.2f")
            + (_fmt(r.speedup, "8.2f") + "x" if r.speedup is not None else _fmt(None, "9"))
        )


def as_json(results: list[SizeResult], args: argparse.Namespace) -> dict[str, Any]:
    sizes = []
    for r in results:
        sizes.append(
            {
                "roles": r.roles,
                "accounts": r.accounts,
                "export_mib": r.export_mib,
                "generate_seconds": r.generate_seconds,
                "steps": {
                    name: {
                        "label": label,
                        "seconds_median": r.step_seconds(name),
                        "cpu_seconds_median": r.step_cpu_seconds(name),
                        "peak_mib_median": r.step_peak_mib(name),
                    }
                    for name, label in STEPS
                },
                "total_seconds_median": r.total_seconds,
                "total_cpu_seconds_median": r.total_cpu_seconds,
                "seconds_at_least": r.seconds_at_least,
                "process_seconds_median": r.process_seconds,
                "process_peak_mib_median": r.process_peak_mib,
                "counts": r.counts,
                "runs": [asdict(run) for run in r.runs],
                "error": r.error,
                "cloudsplaining": {
                    "version": CLOUDSPLAINING_VERSION,
                    "seconds_median": r.cloudsplaining_seconds,
                    "cpu_seconds_median": r.cloudsplaining_cpu_seconds,
                    "peak_mib_median": r.cloudsplaining_peak_mib,
                    "runs": [asdict(run) for run in r.cloudsplaining],
                    "error": r.cloudsplaining_error,
                }
                if r.cloudsplaining or r.cloudsplaining_error
                else None,
                "speedup": r.speedup,
                "cpu_speedup": r.cpu_speedup,
                "targets": r.targets(),
            }
        )
    return {
        "benchmark": "graph",
        "seed": args.seed,
        "repeats": args.repeats,
        "targets": {
            "roles": TARGET_ROLES,
            "seconds": TARGET_SECONDS,
            "gib": TARGET_GIB,
            "speedup_vs_cloudsplaining": TARGET_SPEEDUP,
        },
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
        default=[10_000, TARGET_ROLES],
        help="role counts to benchmark (default: 10000 100000)",
    )
    parser.add_argument(
        "--repeats", type=int, default=1, help="fresh processes per size, medians (default 1)"
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--skip-cloudsplaining", action="store_true", help="do not run the Cloudsplaining scan"
    )
    parser.add_argument(
        "--cloudsplaining-roles",
        type=int,
        default=10_000,
        help="the size Cloudsplaining scans (default 10000; added to --sizes if missing)",
    )
    parser.add_argument(
        "--cloudsplaining-repeats",
        type=int,
        default=1,
        help="Cloudsplaining runs, medians (default 1: about 6 minutes each at 10,000 roles)",
    )
    parser.add_argument(
        "--cloudsplaining-venv",
        type=Path,
        default=None,
        help="the throwaway venv (default bench/out/cloudsplaining-venv, created if missing)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="kill any one measured process after this many seconds (default: no limit)",
    )
    parser.add_argument(
        "--max-rss-gib",
        type=float,
        default=None,
        help="kill a measured process whose RSS passes this (default: 90%% of available memory)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the figures as JSON instead of a table"
    )
    parser.add_argument(
        "--json-file",
        type=Path,
        default=None,
        help="also write the figures as JSON to this file (the table is still printed)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the generated files and reports here (default: a temporary directory)",
    )
    args = parser.parse_args(argv)
    limit = args.max_rss_gib
    if limit is None:
        available = _meminfo_kib("MemAvailable")
        args.max_rss_kib = int(available * 0.9) if available else None
    else:
        args.max_rss_kib = int(limit * KIB_PER_GIB)
    if not args.skip_cloudsplaining and args.cloudsplaining_roles not in args.sizes:
        args.sizes.append(args.cloudsplaining_roles)
    return args


def _meminfo_kib(field_name: str) -> int | None:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in CHILD_MODES:
        return CHILD_MODES[argv[0]](*argv[1:])
    args = parse_args(argv)
    if args.repeats < 1 or args.cloudsplaining_repeats < 1:
        print("--repeats and --cloudsplaining-repeats must be at least 1", file=sys.stderr)
        return 2
    executable = None
    if not args.skip_cloudsplaining:
        executable = cloudsplaining_executable(args.cloudsplaining_venv)
        _log(f"cloudsplaining: {executable}")
    with tempfile.TemporaryDirectory(prefix="overgrant-bench-graph-") as scratch:
        workdir = (args.workdir or Path(scratch)).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        results = [bench_size(roles, args, workdir, executable) for roles in args.sizes]
    if args.json_file is not None:
        args.json_file.write_text(json.dumps(as_json(results, args), indent=2) + "\n")
    if args.json:
        print(json.dumps(as_json(results, args), indent=2))
    else:
        for result in results:
            print_size(result, args.repeats)
        print_summary(results)
    failed = any(r.error for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""``overgrant scan``: run the rules, report, record the scan in the history, apply the gate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import click
import orjson

from overgrant import api
from overgrant.baseline import FindingDiff, load_baseline, save_baseline
from overgrant.cli.options import inventory_from, stderr_console, stdout_console
from overgrant.config import Config, find_config, load_config
from overgrant.errors import ExitCode, IncompleteCollectionError, InputError
from overgrant.fileio import write_atomic
from overgrant.findings import Finding, Severity
from overgrant.gate import GateOutcome, gate_scan
from overgrant.policies.result import ScanResult, SuppressionKind
from overgrant.report.findings_console import render_findings
from overgrant.report.html import scan_to_html
from overgrant.report.json_report import scan_to_json
from overgrant.report.markdown import scan_to_markdown
from overgrant.report.sarif import scan_to_sarif
from overgrant.store import default_db_path

FILE_FORMATS = ("json", "sarif", "markdown", "html")
"""Formats that can be written to files; ``table`` is for the terminal only."""
FILE_NAMES = {
    "json": "overgrant.json",
    "sarif": "overgrant.sarif",
    "markdown": "overgrant.md",
    "html": "overgrant.html",
}
"""The file each format gets in ``--output-dir``."""

_EPILOG = """\b
Exit codes:
  0  no finding failed the gate (or no --fail-on was given)
  1  the gate failed: a new finding at or above --fail-on (reports and history are
     written first); findings suppressed in the config or held by the baseline never fail
  2  bad input, configuration or options (one line on stderr; nothing is scanned)
  3  --require-complete was given and the snapshot has coverage gaps (gate passed)

\b
"New" means absent from the reference: the --baseline file, or with --since-last the
previous scan in the history. Without either, every finding is new.
"""


@dataclass(frozen=True, slots=True)
class _Outputs:
    stdout: str
    """The one format printed on stdout."""
    files: dict[str, Path]
    """Format -> file to write."""


@dataclass(frozen=True, slots=True)
class _Reference:
    findings: tuple[Finding, ...] | None
    """What "new" is measured against; None: no reference, every finding is new."""
    label: str


@click.command(epilog=_EPILOG)
@click.argument("snapshot", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sample", is_flag=True, help="Scan the bundled sample estate.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Repository config [default: .overgrant.yml in the current directory, if present].",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["table", *FILE_FORMATS]),
    help="Output format; repeatable. One may go to stdout, the others need --output-dir "
    "[default: table].",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each --format (but table) here as overgrant.json/.sarif/.md/.html.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File for the one non-table --format given.",
)
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the JSON report to this file.",
)
@click.option(
    "--sarif",
    "sarif_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write SARIF 2.1.0 (for code scanning) to this file.",
)
@click.option(
    "--markdown",
    "markdown_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the Markdown report (PR comment) to this file.",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the HTML report to this file.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Accepted findings (from --write-baseline): reported as baselined, never fail the gate.",
)
@click.option(
    "--since-last",
    is_flag=True,
    help="Measure new findings against the previous scan in the history.",
)
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in Severity]),
    help="Exit 1 if a new finding is at or above this severity.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="OVERGRANT_DB",
    show_envvar=True,
    help="History database [default: .overgrant/history.sqlite].",
)
@click.option("--no-history", is_flag=True, help="Do not record this scan in the history.")
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write this scan's findings as a baseline file (accept them all).",
)
@click.option(
    "--artifact-uri",
    help="Repository-relative file SARIF results point at [default: the snapshot, else the "
    "config file, else .overgrant.yml].",
)
@click.option(
    "--require-complete",
    is_flag=True,
    help="Exit 3 if the snapshot has coverage gaps (after writing everything).",
)
@click.option("--show-suppressed", is_flag=True, help="List suppressed findings in the table.")
@click.pass_context
def scan(
    ctx: click.Context,
    snapshot: Path | None,
    sample: bool,
    config_path: Path | None,
    formats: tuple[str, ...],
    output_dir: Path | None,
    output: Path | None,
    json_file: Path | None,
    sarif_file: Path | None,
    markdown_file: Path | None,
    html_file: Path | None,
    baseline: Path | None,
    since_last: bool,
    fail_on: str | None,
    db: Path | None,
    no_history: bool,
    write_baseline: Path | None,
    artifact_uri: str | None,
    require_complete: bool,
    show_suppressed: bool,
) -> None:
    """Scan a snapshot (or --sample) with the rules and report the findings.

    Loads the config, scans, records the scan in the history (unless --no-history), compares
    it with the reference (--baseline or --since-last), prints the table, writes the requested
    reports atomically, and applies the gate last.
    """
    named = {"json": json_file, "sarif": sarif_file, "markdown": markdown_file, "html": html_file}
    outputs = _plan_outputs(formats, output_dir, output, named)
    if baseline is not None and since_last:
        raise InputError("give --baseline FILE or --since-last, not both")
    threshold = Severity(fail_on) if fail_on else None
    config = _config(config_path)
    accepted = load_baseline(baseline) if baseline is not None else ()
    inventory = inventory_from(snapshot, sample)
    uri = (
        _checked_uri(artifact_uri) if artifact_uri else _default_artifact_uri(snapshot, config.path)
    )
    db_path = db or default_db_path()
    if not no_history and db_path.exists():
        api.open_history(db_path, create=False).close()  # a bad --db fails before the scan
    reference = _reference(baseline, accepted, since_last, db_path)

    result = api.scan(inventory, config=config, baseline=accepted, source=_source(snapshot))
    diff, outcome = gate_scan(result, reference.findings, threshold)
    report_diff = diff if reference.findings is not None else None
    notes = stderr_console()
    _print_stdout(outputs.stdout, result, report_diff, uri, show_suppressed)
    for fmt, path in outputs.files.items():
        _write(path, _render(fmt, result, report_diff, uri))
        notes.print(f"wrote {path} ({fmt})", highlight=False)
    if write_baseline is not None:
        _write_baseline(result, write_baseline)
        notes.print(f"wrote baseline {write_baseline}", highlight=False)
    if not no_history:
        scan_id = api.record_scan(result, db=db_path)
        notes.print(f"recorded scan {scan_id} in {db_path}", highlight=False)

    _report_gate(outcome, reference.label)
    if not outcome.passed:
        ctx.exit(ExitCode.GATE_FAILED)
    if require_complete and result.coverage_gaps:
        raise IncompleteCollectionError(
            f"{len(result.coverage_gaps)} coverage gap(s): parts of the estate were not read, "
            "so this scan cannot vouch for them"
        )


def _plan_outputs(
    formats: tuple[str, ...],
    output_dir: Path | None,
    output: Path | None,
    named: dict[str, Path | None],
) -> _Outputs:
    """Decide which format goes to stdout and which file each other format is written to."""
    files = {fmt: path for fmt, path in named.items() if path is not None}
    unplaced = [f for f in dict.fromkeys(formats) if f not in files]
    if output is not None:
        candidates = [f for f in unplaced if f != "table"]
        if len(candidates) != 1:
            raise InputError("-o/--output needs exactly one --format other than table")
        files[candidates[0]] = output
        unplaced.remove(candidates[0])
    if output_dir is not None:
        for fmt in [f for f in unplaced if f != "table"]:
            files[fmt] = output_dir / FILE_NAMES[fmt]
            unplaced.remove(fmt)
    if len(unplaced) > 1:
        raise InputError(
            f"only one format can go to stdout (got {', '.join(unplaced)}): give --output-dir "
            "or a file per format (--json/--sarif/--markdown/--html FILE)"
        )
    return _Outputs(stdout=unplaced[0] if unplaced else "table", files=files)


def _config(path: Path | None) -> Config:
    """The given config file, else ``.overgrant.yml`` in the current directory, else defaults."""
    found = path if path is not None else find_config(Path())
    return load_config(found) if found is not None else Config()


def _reference(
    baseline: Path | None, accepted: tuple[Finding, ...], since_last: bool, db: Path
) -> _Reference:
    if baseline is not None:
        return _Reference(accepted, f"baseline {baseline}")
    if not since_last:
        return _Reference(None, "no baseline")
    previous = api.previous_findings(db=db)
    if previous is None:
        stderr_console().print(
            f"no earlier scan in {db}: every finding counts as new", style="yellow"
        )
        return _Reference(None, "no earlier scan")
    record, findings = previous
    return _Reference(findings, f"scan {record.id}")


def _source(snapshot: Path | None) -> str:
    if snapshot is None:
        return "sample"
    return _relative_to_cwd(snapshot) or snapshot.as_posix()


def _default_artifact_uri(snapshot: Path | None, config: Path | None) -> str:
    for candidate in (snapshot, config):
        relative = _relative_to_cwd(candidate) if candidate is not None else None
        if relative is not None:
            return relative
    return ".overgrant.yml"


def _checked_uri(uri: str) -> str:
    """A SARIF artifact URI must be repository-relative: GitHub drops the upload otherwise."""
    path = PurePosixPath(uri)
    if "\\" in uri or ":" in uri or path.is_absolute() or ".." in path.parts:
        raise InputError(
            f"--artifact-uri {uri!r}: give a repository-relative path with forward slashes"
        )
    return uri


def _relative_to_cwd(path: Path) -> str | None:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return None


def _render(fmt: str, result: ScanResult, diff: FindingDiff | None, artifact_uri: str) -> bytes:
    if fmt == "json":
        return orjson.dumps(scan_to_json(result, diff=diff), option=orjson.OPT_INDENT_2)
    if fmt == "sarif":
        try:
            sarif = scan_to_sarif(result, artifact_uri=artifact_uri)
        except ValueError as exc:
            raise InputError(f"--artifact-uri {artifact_uri!r}: {exc}") from None
        return orjson.dumps(sarif, option=orjson.OPT_INDENT_2)
    if fmt == "markdown":
        return scan_to_markdown(result, diff=diff).encode("utf-8")
    if fmt == "html":
        return scan_to_html(result, diff=diff).encode("utf-8")
    raise InputError(f"unknown format {fmt!r}")  # pragma: no cover - click checks the choice


def _print_stdout(
    fmt: str,
    result: ScanResult,
    diff: FindingDiff | None,
    artifact_uri: str,
    show_suppressed: bool,
) -> None:
    if fmt == "table":
        render_findings(result, stdout_console(), diff=diff, show_suppressed=show_suppressed)
    else:
        click.echo(_render(fmt, result, diff, artifact_uri).decode("utf-8").rstrip("\n"))


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _write_baseline(result: ScanResult, path: Path) -> None:
    """Accept what this scan reports: its active findings and those already baselined."""
    findings = [
        *result.findings,
        *(s.finding for s in result.suppressed if s.kind is SuppressionKind.BASELINE),
    ]
    try:
        save_baseline(findings, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _report_gate(outcome: GateOutcome, reference: str) -> None:
    console = stderr_console()
    style = "green" if outcome.passed else "bold red"
    console.print(f"{outcome.summary()} (against {reference})", style=style, highlight=False)
    for finding in outcome.failing[:20]:
        console.print(
            f"  NEW {finding.severity.value:<8} {finding.rule_id}  {finding.identity}",
            highlight=False,
            markup=False,
        )
    if len(outcome.failing) > 20:
        console.print(f"  ... and {len(outcome.failing) - 20} more", highlight=False)

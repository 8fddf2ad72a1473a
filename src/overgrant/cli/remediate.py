"""``overgrant remediate``: least-privilege policies from usage evidence, as a Pulumi PR."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from overgrant import api
from overgrant.cli.options import inventory_from, stderr_console, stdout_console
from overgrant.errors import InputError
from overgrant.fileio import write_atomic
from overgrant.remediation.plan import PlanStatus, RemediationPlan
from overgrant.remediation.pull_request import (
    PROGRAMS_DIRECTORY,
    open_pull_request,
    push_branch,
    write_branch,
)

_STATUS_STYLE = {
    PlanStatus.PROPOSED: "green",
    PlanStatus.NOTHING_TO_REMOVE: "dim",
    PlanStatus.NO_EVIDENCE: "yellow",
    PlanStatus.PROOF_FAILED: "red",
    PlanStatus.UNSUPPORTED: "yellow",
}


def _summary(plan: RemediationPlan) -> Table:
    table = Table(title="Least-privilege plan", title_justify="left")
    for column in ("identity", "status", "actions before → after", "evidence", "proof"):
        table.add_column(column)
    for item in plan.plans:
        days = item.evidence_days
        evidence = "—" if days is None else f"{days:.0f} days, {item.used_calls} calls"
        proof = "—"
        if item.proof is not None:
            verdict = "passed" if item.proof.passed else "FAILED"
            replay = f"{item.proof.replayed_calls} replayed, {item.proof.replay_denials} denied"
            proof = f"{verdict} ({replay})"
        sizes = (
            f"{item.granted_actions:,} → {item.kept_actions:,}"
            if item.status is PlanStatus.PROPOSED
            else "—"
        )
        style = _STATUS_STYLE.get(item.status, "")
        table.add_row(
            f"{escape(item.name)}\n{item.account}",
            f"[{style}]{item.status.value}[/{style}]",
            sizes,
            evidence,
            proof,
        )
    return table


def _reasons(plan: RemediationPlan) -> None:
    """One line per identity: what changes, or why nothing does."""
    console = stdout_console()
    for item in plan.plans:
        console.print(f"{item.name} ({item.account}): {item.summary}", markup=False)


@click.command()
@click.argument("snapshot", required=False, type=click.Path(path_type=Path))
@click.option("--sample", is_flag=True, help="The bundled sample estate and its CloudTrail logs.")
@click.option(
    "--usage",
    "usage",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="CloudTrail log files or folders (.json, .json.gz, lookup-events exports); repeatable.",
)
@click.option(
    "--identity", "identities", multiple=True, help="Only this identity (ARN); repeatable."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="A git working tree: the programs are committed there on a new branch "
    "(a missing or empty folder becomes a new repository). Without it the plan is only shown.",
)
@click.option("--branch", help="The new branch (default: overgrant/least-privilege-<UTC time>).")
@click.option(
    "--body-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the pull request body (Markdown) here.",
)
@click.option("--pr", "open_pr", is_flag=True, help="Push the branch and open a pull request.")
@click.option("--remote", default="origin", show_default=True, help="The remote to push to.")
@click.option("--repo", "repository", envvar="GITHUB_REPOSITORY", help="owner/name on GitHub.")
@click.option("--base", default="main", show_default=True, help="The branch to merge into.")
@click.option(
    "--api-url",
    envvar="GITHUB_API_URL",
    default="https://api.github.com",
    show_default=True,
    help="GitHub's REST API.",
)
def remediate(
    snapshot: Path | None,
    sample: bool,
    usage: tuple[Path, ...],
    identities: tuple[str, ...],
    out: Path | None,
    branch: str | None,
    body_file: Path | None,
    open_pr: bool,
    remote: str,
    repository: str | None,
    base: str,
    api_url: str,
) -> None:
    """Propose, per identity, the smallest policy that still allows every call it made.

    Each proposal is proven with the evaluator before anything is written: it allows nothing
    today's policies do not, and a replay of every observed call is allowed. The Pulumi
    programs (one per account) are committed on a new branch of --out; the commit message is
    the pull request's description. With --pr (and a token in GITHUB_TOKEN) the branch is
    pushed and the pull request opened.
    """
    inventory = inventory_from(snapshot, sample)
    if sample and not usage:
        evidence = api.sample_usage(inventory)
    elif usage:
        evidence = api.read_usage(inventory, usage)
    else:
        raise InputError("give usage evidence with --usage (CloudTrail logs), or use --sample")
    if open_pr and out is None:
        raise InputError("--pr needs --out: the working tree the branch is committed in")
    plan = api.remediate(inventory, evidence, identities=list(identities) or None)
    stdout_console().print(_summary(plan))
    _reasons(plan)
    for note in plan.notes:
        stderr_console().print(f"note: {note}", markup=False, highlight=False)
    body = api.pull_request_body(plan)
    if body_file is not None:
        write_atomic(body_file, body.encode("utf-8"))
    if out is None:
        return
    if not plan.proposed:
        stderr_console().print("nothing is proposed: no branch is written")
        return
    programs = api.remediation_programs(plan, inventory)
    name = branch or f"overgrant/least-privilege-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    title = f"Least privilege for {len(plan.proposed)} identities (overgrant)"
    commit = write_branch(out, programs, name, f"{title}\n\n{body}")
    where = out / PROGRAMS_DIRECTORY
    stdout_console().print(
        f"committed {commit[:12]} on branch {name} in {out} ({len(programs)} program(s) under "
        f"{where}); the commit message is the pull request body",
        markup=False,
        highlight=False,
    )
    if not open_pr:
        return
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token or not repository:
        raise InputError("--pr needs GITHUB_TOKEN in the environment and --repo owner/name")
    push_branch(out, name, remote)
    number, url = open_pull_request(api_url, repository, token, name, base, title, body)
    stdout_console().print(f"opened pull request #{number}: {url}", markup=False)

"""The comments of a generated program: what each block changes and the evidence behind it.

A reviewer reading ``__main__.py`` alone should see, above each identity, the evidence window,
what was observed, how much is removed, what is kept without evidence and what the proof found.
Text from the cloud only ever enters through :func:`.source.comment_lines` (one printable line).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from overgrant.remediation.plan import IdentityPlan, Proof
from overgrant.remediation.pulumi.source import LINE_WIDTH, comment_lines, comment_text


def removed_actions(plan: IdentityPlan) -> int:
    """Actions the identity loses: allowed today minus allowed after, else the removal count.

    Removal entries may be whole services (``ec2:*``), so their number is not the number of
    actions removed; the counts of actions allowed before and after are.
    """
    if plan.granted_actions > 0:
        return max(plan.granted_actions - plan.kept_actions, 0)
    return len(plan.removed)


def program_docstring(
    account: str, generated_at: str, version: str, items: Sequence[IdentityPlan]
) -> str:
    """The module docstring; it holds only the (checked) account id, a timestamp and counts."""
    removed = sum(removed_actions(item) for item in items)
    return (
        f'"""Least-privilege IAM for AWS account {account}, proposed by overgrant {version}.\n'
        "\n"
        f"Generated {generated_at} for {len(items)} "
        f"{'identity' if len(items) == 1 else 'identities'} "
        f"({removed:,} unused actions removed). Every policy below\n"
        "passed overgrant's proof before it was written: it allows nothing that the policies it\n"
        "replaces do not, and it allows every call observed in the usage evidence.\n"
        "Read README.md before running `pulumi up`.\n"
        '"""\n'
    )


def identity_comment(plan: IdentityPlan) -> str:
    """The comment block above one identity's function."""
    title = f"# ── {comment_text(plan.kind)} {comment_text(plan.name)} "
    lines = [title + "─" * max(3, LINE_WIDTH - len(title))]
    lines += comment_lines(plan.identity)
    if plan.summary:
        lines += comment_lines(plan.summary)
    lines += comment_lines(_evidence(plan))
    lines += comment_lines(
        f"Permissions: {plan.granted_actions:,} actions allowed today, {plan.kept_actions:,} "
        f"after; {_count(len(plan.removed), 'removal')} (each listed with what decided it in "
        "the pull request)."
    )
    if plan.retained:
        lines += comment_lines(_retained(plan))
    lines += comment_lines(proof_sentence(plan.proof))
    if plan.replaces:
        replaced = "; ".join(
            f"{'managed policy' if r.managed else 'inline policy'} {r.name} "
            f"({'detached' if r.managed else 'deleted'})"
            for r in plan.replaces
        )
        lines += comment_lines(f"Replaces: {replaced}.")
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _evidence(plan: IdentityPlan) -> str:
    sources = ", ".join(plan.evidence_sources) or "no source named"
    days = plan.evidence_days
    if days is None or plan.window_start is None or plan.window_end is None:
        window = "an unstated period"
    else:
        window = (
            f"{days:.0f} days ({plan.window_start.date().isoformat()} to "
            f"{plan.window_end.date().isoformat()})"
        )
    return (
        f"Evidence: {sources} over {window}; {_count(plan.used_calls, 'distinct call')} "
        "(action and resource) observed."
    )


def _retained(plan: IdentityPlan) -> str:
    reasons = Counter(r.reason for r in plan.retained)
    detail = "; ".join(f"{count} because {reason}" for reason, count in reasons.most_common(3))
    more = f"; {len(reasons) - 3} other reasons" if len(reasons) > 3 else ""
    return (
        f"Kept without observed use, flagged for review: {len(plan.retained):,} ({detail}{more})."
    )


def proof_sentence(proof: Proof | None) -> str:
    """The proof's verdict in one sentence (shared with the README)."""
    if proof is None:
        return "Proof: none recorded."
    verdict = "passed" if proof.passed else "FAILED"
    wider = (
        "allows nothing that today's policies do not"
        if proof.no_wider
        else "would allow more than today"
    )
    covers = "allows every observed call" if proof.covers_usage else "misses some observed calls"
    return (
        f"Proof: {verdict}. The new policy {wider} and {covers}; "
        f"{_count(proof.replayed_calls, 'observed call')} replayed, "
        f"{proof.replay_denials:,} denied."
    )

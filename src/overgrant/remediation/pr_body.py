"""The pull-request body a reviewer reads: what each identity loses, on what evidence, proven how.

Layout: a summary table of every identity, how to apply, one section per proposed identity
(removed permissions grouped by service with every one and its reason in a collapsed list,
permissions kept without evidence and why, the evidence window, the proof, exact rollback
commands), then the identities for which nothing is proposed, with their reason.

GitHub refuses bodies over 65,536 characters. The body first drops the per-permission lists
(counts by service stay), then whole identity sections from the end, and says what it left out;
each program's README still lists every change. Every string from the cloud or the plan is
escaped (:mod:`overgrant.remediation.markdown_text`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from overgrant.codec import format_datetime
from overgrant.markdown_text import code_block, md, md_html
from overgrant.model import Cloud
from overgrant.remediation.plan import (
    IdentityPlan,
    PlanStatus,
    Proof,
    RemediationPlan,
    Removal,
)
from overgrant.remediation.pulumi.aws_comments import removed_actions
from overgrant.remediation.pulumi.aws_rollback import rollback_commands
from overgrant.remediation.pulumi.program import program_directory

GITHUB_BODY_LIMIT = 65_536
MAX_TABLE_ROWS = 200
MAX_LISTED = 20
"""Retained permissions, proof failures, notes listed before "and N more"."""
MAX_DETAIL_ROWS = 300
MAX_SERVICES = 15
MAX_WHOLE_SERVICES = 40

STATUS_LABELS: dict[PlanStatus, str] = {
    PlanStatus.PROPOSED: "✅ proposed",
    PlanStatus.NOTHING_TO_REMOVE: "➖ nothing to remove",
    PlanStatus.NO_EVIDENCE: "⚪ no evidence",
    PlanStatus.PROOF_FAILED: "❌ proof failed",
    PlanStatus.UNSUPPORTED: "⛔ unsupported",
}
_TABLE_HEAD = (
    "| identity | account | status | actions before → after | removed | evidence | proof |\n"
    "|---|---|---|---:|---:|---|---|\n"
)


def render_pr_body(
    plan: RemediationPlan,
    *,
    programs_root: str = "overgrant-remediation",
    max_chars: int = GITHUB_BODY_LIMIT,
) -> str:
    """Markdown for the pull request that carries ``plan``'s programs, within ``max_chars``."""
    proposed = list(plan.proposed)
    head = _header(plan) + _summary_table(plan.plans) + _how_to_apply(plan, programs_root)
    tail = _not_proposed(plan.plans) + _limits(plan)
    for detailed in (True, False):
        sections = [_identity_section(p, programs_root, detailed=detailed) for p in proposed]
        body = head + "".join(sections) + tail
        if len(body) <= max_chars:
            return body
    return _fit(head, sections, tail, max_chars)


def _fit(head: str, sections: Sequence[str], tail: str, max_chars: int) -> str:
    """Whole sections in order while they fit, then a note of how many were left out."""
    kept: list[str] = []
    used = len(head) + len(tail) + 300  # room for the note
    for section in sections:
        if used + len(section) > max_chars:
            break
        kept.append(section)
        used += len(section)
    left = len(sections) - len(kept)
    note = (
        f"> **{left} identity sections left out** to stay under GitHub's "
        f"{GITHUB_BODY_LIMIT:,}-character limit; the README of each program folder lists "
        "every change.\n\n"
    )
    body = head + "".join(kept) + note + tail
    if len(body) > max_chars:  # a huge summary table or tail: cut at a line, say so
        cut = body.rfind("\n", 0, max_chars - 200)
        body = body[:cut] + "\n\n> **Truncated** to stay under GitHub's size limit.\n"
    return body


def _header(plan: RemediationPlan) -> str:
    proposed = plan.proposed
    removed = sum(removed_actions(p) for p in proposed)
    return (
        "## overgrant: least-privilege IAM from observed use\n\n"
        f"Smaller policies for **{len(proposed)}** of **{len(plan.plans)}** "
        f"{_plural(len(plan.plans), 'identity', 'identities')}, removing **{removed:,}** "
        f"unused {_plural(removed, 'action')}. Each new policy was proven before it was "
        "written: it allows nothing the policies it replaces do not (under the same boundaries "
        "and SCPs), and a replay of every observed call against it is allowed. A permission is "
        f"only removed when at least {plan.min_window_days} days of evidence could have shown "
        f"its use. Generated {format_datetime(plan.generated_at.replace(microsecond=0))}.\n\n"
    )


def _summary_table(plans: Sequence[IdentityPlan]) -> str:
    rows = [_summary_row(p) for p in plans[:MAX_TABLE_ROWS]]
    more = len(plans) - len(rows)
    if more:
        rows.append(f"| … {more:,} more | | | | | | |\n")
    return _TABLE_HEAD + "".join(rows) + "\n"


def _summary_row(plan: IdentityPlan) -> str:
    if plan.status is PlanStatus.PROPOSED:
        sizes = f"{plan.granted_actions:,} → {plan.kept_actions:,}"
        removed = f"{removed_actions(plan):,}"
    else:
        sizes = removed = "–"
    return (
        f"| {_who(plan)} | {md(plan.account)} | {STATUS_LABELS[plan.status]} | {sizes} "
        f"| {removed} | {_window(plan)} | {_proof_cell(plan.proof)} |\n"
    )


def _who(plan: IdentityPlan) -> str:
    return f"{md(plan.kind)} {md(plan.name)}"


def _window(plan: IdentityPlan) -> str:
    if plan.window_start is None or plan.window_end is None or plan.evidence_days is None:
        return "–"
    return (
        f"{plan.evidence_days:.0f} days, {plan.window_start.date().isoformat()} to "
        f"{plan.window_end.date().isoformat()}"
    )


def _proof_cell(proof: Proof | None) -> str:
    if proof is None:
        return "–"
    mark = "✅" if proof.passed else "❌ failed:"
    return f"{mark} {proof.replayed_calls:,} replayed, {proof.replay_denials:,} denied"


def _how_to_apply(plan: RemediationPlan, programs_root: str) -> str:
    accounts = sorted({p.account for p in plan.proposed})
    if not accounts:
        return "Nothing is proposed, so this pull request changes no program.\n\n"
    folders = ", ".join(md(f"{programs_root}/{program_directory(Cloud.AWS, a)}") for a in accounts)
    return (
        "### How to apply\n\n"
        f"One Pulumi program per account ({folders}). In each folder run `pulumi preview "
        "--diff`: it must show imports of the existing roles and users with no update, and "
        "creations of the new policies, their attachments and the resources that detach the "
        "replaced policies. Then `pulumi up`. The folder's README has every step.\n\n"
    )


def _identity_section(plan: IdentityPlan, programs_root: str, *, detailed: bool) -> str:
    parts = [f"### {_who(plan)} · {md(plan.account)}\n\n"]
    if plan.summary:
        parts.append(f"{md(plan.summary, 500)}\n\n")
    replaced = ", ".join(
        f"{md(r.name)} ({'managed, detached' if r.managed else 'inline, deleted'})"
        for r in plan.replaces
    )
    new = ", ".join(md(p.name) for p in plan.new_policies)
    parts.append(f"**Replaces:** {replaced or 'nothing'}. **New:** {new or 'none'}.\n\n")
    parts.append(_removed(plan, detailed=detailed))
    parts.append(_retained(plan))
    parts.append(_evidence(plan))
    parts.append(_proof(plan.proof))
    parts.append(_rollback(plan, programs_root))
    return "".join(parts)


def _removed(plan: IdentityPlan, *, detailed: bool) -> str:
    if not plan.removed:
        return "**Removed:** nothing.\n\n"
    entries = len(plan.removed)
    lines = [
        f"**Removed: {removed_actions(plan):,} {_plural(removed_actions(plan), 'action')}** "
        f"({entries:,} {_plural(entries, 'entry', 'entries')}), none used over the evidence "
        "window.\n\n"
    ]
    # A whole service gone ("svc:*" on every resource) is listed by name; the rest by service.
    whole = sorted(
        {
            r.action.split(":", 1)[0]
            for r in plan.removed
            if r.action.endswith(":*") and r.resource == "*"
        }
    )
    whole_actions = {f"{service}:*" for service in whole}
    if whole:
        names = ", ".join(md(s) for s in whole[:MAX_WHOLE_SERVICES])
        more = (
            f" and {len(whole) - MAX_WHOLE_SERVICES:,} more"
            if len(whole) > MAX_WHOLE_SERVICES
            else ""
        )
        lines.append(f"Whole {_plural(len(whole), 'service')} ({len(whole):,}): {names}{more}.\n\n")
    rest = [r for r in plan.removed if not (r.action in whole_actions and r.resource == "*")]
    if rest:
        lines.append(_by_service(rest, partial=bool(whole)))
    if detailed:
        lines.append(_removal_details(plan))
    return "".join(lines)


def _by_service(removals: Sequence[Removal], *, partial: bool) -> str:
    by_service: dict[str, list[str]] = defaultdict(list)
    for removal in removals:
        by_service[removal.action.split(":", 1)[0].lower()].append(removal.action)
    ranked = sorted(by_service.items(), key=lambda item: (-len(item[1]), item[0]))
    lines = [
        "Within services still used:\n\n" if partial else "",
        "| service | removed | for example |\n|---|---:|---|\n",
    ]
    for service, actions in ranked[:MAX_SERVICES]:
        examples = ", ".join(md(a) for a in sorted(set(actions))[:3])
        lines.append(f"| {md(service)} | {len(actions):,} | {examples} |\n")
    if len(ranked) > MAX_SERVICES:
        rest = sum(len(a) for _, a in ranked[MAX_SERVICES:])
        lines.append(f"| … {len(ranked) - MAX_SERVICES} more services | {rest:,} | |\n")
    return "".join(lines) + "\n"


def _removal_details(plan: IdentityPlan) -> str:
    rows = [
        f"| {md(r.action)} | {md(r.resource)} | "
        f"{md(', '.join(r.granted_by)) or '–'} | {md(r.reason, 300)} |\n"
        for r in plan.removed[:MAX_DETAIL_ROWS]
    ]
    more = len(plan.removed) - len(rows)
    if more:
        rows.append(f"| … {more:,} more (see the plan file) | | | |\n")
    summary = md_html(f"Every removed permission and what decided it ({len(plan.removed):,})")
    return (
        f"<details><summary>{summary}</summary>\n\n"
        "| permission | resource | granted today by | decided by |\n|---|---|---|---|\n"
        + "".join(rows)
        + "\n</details>\n\n"
    )


def _retained(plan: IdentityPlan) -> str:
    if not plan.retained:
        return ""
    lines = [
        f"**Kept without observed use: {len(plan.retained):,}**, flagged for review "
        "(never removed for lack of evidence):\n\n"
    ]
    for retention in plan.retained[:MAX_LISTED]:
        where = "" if retention.resource == "*" else f" on {md(retention.resource)}"
        lines.append(f"- {md(retention.action)}{where}: {md(retention.reason, 300)}\n")
    if len(plan.retained) > MAX_LISTED:
        lines.append(f"- … and {len(plan.retained) - MAX_LISTED:,} more\n")
    return "".join(lines) + "\n"


def _evidence(plan: IdentityPlan) -> str:
    sources = ", ".join(md(s) for s in plan.evidence_sources) or "none named"
    return (
        f"**Evidence:** {sources}; window {_window(plan)}; {plan.used_calls:,} distinct "
        f"{_plural(plan.used_calls, 'call')} (action and resource) observed.\n\n"
    )


def _proof(proof: Proof | None) -> str:
    if proof is None:
        return "**Proof:** none recorded.\n\n"
    checks = (
        f"no wider than today: {'yes' if proof.no_wider else 'NO'}; "
        f"covers every observed call: {'yes' if proof.covers_usage else 'NO'}; "
        f"{proof.replayed_calls:,} observed calls replayed, {proof.replay_denials:,} denied"
    )
    verdict = "✅ passed" if proof.passed else "❌ failed"
    text = f"**Proof:** {verdict} ({checks}).\n\n"
    return text + _failures(proof)


def _failures(proof: Proof) -> str:
    lines = [f"- {md(f, 300)}\n" for f in proof.failures[:MAX_LISTED]]
    if len(proof.failures) > MAX_LISTED:
        lines.append(f"- … and {len(proof.failures) - MAX_LISTED:,} more\n")
    return "".join(lines) + ("\n" if lines else "")


def _rollback(plan: IdentityPlan, programs_root: str) -> str:
    folder = f"{programs_root}/{program_directory(Cloud.AWS, plan.account)}"
    commands = rollback_commands(plan, folder)
    undo_program = (
        "then delete this identity's call (marked with its ARN) at the end of the program's "
        "`__main__.py` and run `pulumi up`: Pulumi deletes the new policies it created and "
        "keeps the role or user."
    )
    if not commands:
        return f"**Roll back:** nothing was detached; {undo_program}\n\n"
    return (
        "**Roll back:** re-attach what was replaced (access returns at once; run from the "
        "repository root), " + undo_program + "\n\n" + code_block("\n".join(commands), "sh") + "\n"
    )


def _not_proposed(plans: Sequence[IdentityPlan]) -> str:
    others = [p for p in plans if p.status is not PlanStatus.PROPOSED]
    if not others:
        return ""
    lines = ["### Nothing proposed\n\n"]
    for plan in others[:MAX_TABLE_ROWS]:
        reason = md(plan.summary, 300) if plan.summary else "no reason recorded"
        lines.append(
            f"- {STATUS_LABELS[plan.status]}: {_who(plan)} ({md(plan.account)}): {reason}\n"
        )
        if plan.status is PlanStatus.PROOF_FAILED and plan.proof is not None:
            lines += [f"  {line}\n" for line in _failures(plan.proof).splitlines() if line]
    if len(others) > MAX_TABLE_ROWS:
        lines.append(f"- … and {len(others) - MAX_TABLE_ROWS:,} more\n")
    return "".join(lines) + "\n"


def _limits(plan: RemediationPlan) -> str:
    parts: list[str] = []
    if plan.blind_spots:
        spots = list(dict.fromkeys(plan.blind_spots))
        listed = ", ".join(md(s) for s in spots[:MAX_LISTED])
        more = f" and {len(spots) - MAX_LISTED:,} more" if len(spots) > MAX_LISTED else ""
        parts.append(
            "### What the evidence cannot show\n\n"
            f"Never removed for lack of evidence: {listed}{more}.\n\n"
        )
    if plan.notes:
        parts.append("### Notes\n\n")
        parts += [f"- {md(n, 300)}\n" for n in plan.notes[:MAX_LISTED]]
        parts.append("\n")
    return "".join(parts)


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return singular if count == 1 else (plural or f"{singular}s")

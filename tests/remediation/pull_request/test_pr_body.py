"""The pull-request body, rendered to HTML with markdown-it-py the way GitHub renders Markdown."""

from __future__ import annotations

import dataclasses

from markdown_it import MarkdownIt

from overgrant.remediation.plan import IdentityPlan, PlanStatus, Proof, Removal, Retention
from overgrant.remediation.pr_body import GITHUB_BODY_LIMIT, render_pr_body
from tests.remediation.pulumi import plans
from tests.report.dom import Dom, parse

HOSTILE = "<img src=x onerror=alert(1)>|[click](https://evil.example)`</details>\n# heading"


def rendered(markdown: str) -> Dom:
    return parse(MarkdownIt("commonmark").enable("table").render(markdown))


def proof_failed() -> IdentityPlan:
    return dataclasses.replace(
        plans.no_evidence("arn:aws:iam::222222222222:role/github-infra"),
        status=PlanStatus.PROOF_FAILED,
        summary="the candidate allows more than today's policies",
        proof=Proof(
            passed=False,
            no_wider=False,
            covers_usage=True,
            failures=("s3:DeleteObject on arn:aws:s3:::releases/* is allowed but not today",),
        ),
    )


def full_plan() -> object:
    return plans.remediation_plan(
        plans.data_pipeline(),
        plans.orders_api(),
        plans.ci_deploy(),
        plans.no_evidence(),
        proof_failed(),
    )


def test_summary_table_has_one_row_per_identity() -> None:
    dom = rendered(render_pr_body(full_plan()))  # type: ignore[arg-type]
    table = dom.find_all("table")[0]
    header = [c.text for c in table.children[0].children[0].children]
    assert header == [
        "identity",
        "account",
        "status",
        "actions before → after",
        "removed",
        "evidence",
        "proof",
    ]
    rows = [[c.text for c in row.children] for row in table.children[1].children]
    assert [row[0] for row in rows] == [
        "role data-pipeline",
        "role orders-api",
        "user ci-deploy",
        "role vendor-billing",
        "role github-infra",
    ]
    assert rows[0][2:] == [
        "✅ proposed",
        "13,245 → 4",
        "13,241",
        "89 days, 2026-01-01 to 2026-03-31",
        "✅ 412 replayed, 0 denied",
    ]
    assert rows[3][2] == "⚪ no evidence"
    assert rows[4][2] == "❌ proof failed"


def test_each_proposed_identity_has_its_section() -> None:
    body = render_pr_body(full_plan())  # type: ignore[arg-type]
    dom = rendered(body)
    headings = [h.text for h in dom.find_all("h3")]
    assert headings == [
        "How to apply",
        "role data-pipeline · 222222222222",
        "role orders-api · 222222222222",
        "user ci-deploy · 111111111111",
        "Nothing proposed",
        "What the evidence cannot show",
    ]
    # Removed permissions are counted by service, then listed one by one, collapsed.
    services = dom.find_all("table")[1]
    rows = [[c.text for c in row.children] for row in services.children[1].children]
    assert rows == [
        ["s3", "2", "s3:DeleteBucket, s3:PutBucketPolicy"],
        ["ec2", "1", "ec2:RunInstances"],
        ["iam", "1", "iam:CreateUser"],
    ]
    details = dom.find_all("details")
    assert len(details) == 3
    assert "Every removed permission and what decided it (4)" in details[0].text
    assert "not used in 89 days of CloudTrail" in details[0].text
    # What is kept without evidence, and why.
    assert "s3:GetObject on arn:aws:s3:::data-lake-raw/*: S3 data events are not recorded" in (
        dom.text
    )
    assert "412 observed calls replayed, 0 denied" in dom.text


def test_whole_services_are_named_and_the_rest_counted_by_service() -> None:
    plan = dataclasses.replace(
        plans.data_pipeline(),
        removed=(
            Removal(action="a4b:*", reason="not used"),
            Removal(action="a2c:*", reason="not used"),
            Removal(action="s3:*", resource="arn:aws:s3:::other-bucket", reason="not used"),
            Removal(action="s3:PutObject", resource="arn:aws:s3:::data-lake-raw/*", reason="x"),
        ),
    )
    dom = rendered(render_pr_body(plans.remediation_plan(plan)))
    assert "Removed: 13,241 actions (4 entries), none used over the evidence window." in dom.text
    assert "Whole services (2): a2c, a4b." in dom.text
    table = dom.find_all("table")[1]
    rows = [[c.text for c in row.children] for row in table.children[1].children]
    assert rows == [["s3", "2", "s3:*, s3:PutObject"]]


def test_rollback_commands_are_exact_and_copyable() -> None:
    dom = rendered(render_pr_body(full_plan()))  # type: ignore[arg-type]
    blocks = [c.text.strip() for c in dom.find_all("code", **{"class": "language-sh"})]
    assert blocks == [
        "aws iam attach-role-policy --role-name data-pipeline "
        "--policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
        "aws iam put-role-policy --role-name orders-api --policy-name orders-table "
        "--policy-document file://overgrant-remediation/aws-222222222222/rollback/"
        "role-orders-api/orders-table.json",
        "aws iam attach-user-policy --user-name ci-deploy "
        "--policy-arn arn:aws:iam::aws:policy/PowerUserAccess\n"
        "aws iam put-user-policy --user-name ci-deploy --policy-name pass-any-role "
        "--policy-document file://overgrant-remediation/aws-111111111111/rollback/"
        "user-ci-deploy/pass-any-role.json",
    ]


def test_identities_without_a_proposal_say_why() -> None:
    dom = rendered(render_pr_body(full_plan()))  # type: ignore[arg-type]
    items = [li.text.strip() for li in dom.find_all("li")]
    assert (
        "⚪ no evidence: role vendor-billing (222222222222): no CloudTrail or Access Advisor "
        "source covers account 222222222222"
    ) in items
    failed = next(i for i in items if i.startswith("❌ proof failed: role github-infra"))
    assert "s3:DeleteObject on arn:aws:s3:::releases/* is allowed but not today" in failed


def test_hostile_names_stay_text_and_tables_stay_whole() -> None:
    plan = dataclasses.replace(
        plans.data_pipeline(),
        name=HOSTILE,
        summary=HOSTILE,
        removed=(Removal(action=HOSTILE, reason=HOSTILE, granted_by=(HOSTILE,)),),
        retained=(Retention(action=HOSTILE, reason=HOSTILE),),
        evidence_sources=(HOSTILE,),
    )
    other = dataclasses.replace(plans.no_evidence(), name=HOSTILE, summary=HOSTILE)
    body = render_pr_body(plans.remediation_plan(plan, other))
    dom = rendered(body)
    assert not dom.find_all("img")
    assert not dom.find_all("a")
    assert [h.text for h in dom.find_all("h1")] == []
    assert len(dom.find_all("details")) == 1  # the hostile "</details>" closed nothing
    for table in dom.find_all("table"):
        widths = {len(row.children) for part in table.children for row in part.children}
        assert len(widths) == 1, widths
    assert "<img src=x onerror=alert(1)>|[click](https://evil.example)`</details> # heading" in (
        dom.text
    )
    # The rollback command quotes the name for the shell.
    (code,) = [c.text for c in dom.find_all("code", **{"class": "language-sh"})]
    assert "--role-name '<img src=x" in code


def test_large_plans_stay_under_githubs_limit_and_say_what_was_left_out() -> None:
    removals = tuple(
        Removal(action=f"ec2:Action{i:05d}", reason="not used in 90 days of CloudTrail")
        for i in range(3000)
    )
    many = [
        dataclasses.replace(
            plans.data_pipeline(),
            name=f"role-{n}",
            identity=f"arn:aws:iam::222222222222:role/r{n}",
            removed=removals,
        )
        for n in range(150)
    ]
    body = render_pr_body(plans.remediation_plan(*many))
    assert len(body) <= GITHUB_BODY_LIMIT
    dom = rendered(body)
    assert not dom.find_all("details")  # the per-permission lists went first
    assert "identity sections left out" in dom.text
    kept = [h.text for h in dom.find_all("h3") if h.text.startswith("role role-")]
    assert kept and kept[0] == "role role-0 · 222222222222"
    assert len(kept) < 150
    # The summary still lists every identity.
    assert len(dom.find_all("table")[0].children[1].children) == 150


def test_small_plans_keep_every_detail_under_a_tight_budget() -> None:
    body = render_pr_body(full_plan(), max_chars=12_000)  # type: ignore[arg-type]
    assert len(body) <= 12_000
    assert len(rendered(body).find_all("details")) == 3


def test_rendering_is_deterministic() -> None:
    assert render_pr_body(full_plan()) == render_pr_body(full_plan())  # type: ignore[arg-type]

"""What the AWS evaluator does not do yet that escalation relies on, and a guard for that day.

The first test is expected to fail until the evaluator is fixed (``strict``: it will report
when it starts passing, so the marker can go).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.escalation import EscalationMethod
from overgrant.graph.effective.aws import AwsEvaluator, ContextInput
from overgrant.graph.effective.decision import Decision, Outcome
from overgrant.graph.escalation.aws import find_escalations, find_escalations_grouped
from overgrant.model import IdentityId, Inventory

from .escalation_kit import ADMIN_DOC, Estate, allow, doc, role_arn, trusts_service

LAMBDA = "lambda.amazonaws.com"
TAGGED = {"StringEquals": {"aws:ResourceTag/team": "data"}}


def tagged_estate() -> tuple[Inventory, str]:
    """dev may pass only roles tagged team=data; of two Lambda roles, one is."""
    estate = Estate()
    estate.role("data-admin", trusts_service(LAMBDA), ADMIN_DOC)
    estate.role("web-admin", trusts_service(LAMBDA), ADMIN_DOC)
    lam = ["lambda:CreateFunction", "lambda:InvokeFunction"]
    dev = estate.role(
        "dev",
        trusts_service("ec2.amazonaws.com"),
        doc(allow("iam:PassRole", Condition=TAGGED), allow(lam)),
    )
    tags = {role_arn("data-admin"): {"team": "data"}, role_arn("web-admin"): {"team": "web"}}
    estate.identities = [
        dataclasses.replace(i, tags=tags.get(i.id, i.tags)) for i in estate.identities
    ]
    return estate.inventory(), dev


def test_a_roles_own_tags_decide_aws_resource_tag_conditions(aws_catalog: AwsCatalog) -> None:
    # IAM User Guide: Controlling access to IAM resources — "iam:ResourceTag" and
    # "aws:ResourceTag" compare the tags of the role or user the request acts on.
    inventory, dev = tagged_estate()
    evaluator = AwsEvaluator(inventory, aws_catalog)
    assert evaluator.decide(dev, "iam:PassRole", role_arn("data-admin")).outcome is Outcome.ALLOWED
    assert evaluator.decide(dev, "iam:PassRole", role_arn("web-admin")).outcome is Outcome.DENIED


class TagReadingEvaluator(AwsEvaluator):
    """The evaluator as it should behave for ``aws:ResourceTag`` on roles (for the guard)."""

    def decide(
        self,
        identity_id: str,
        action: str,
        resource: str = "*",
        context: Mapping[str, ContextInput] | None = None,
    ) -> Decision:
        found = super().decide(identity_id, action, resource, context)
        if action != "iam:PassRole" or resource == "*" or found.outcome is not Outcome.CONDITIONAL:
            return found
        tagged = resource == role_arn("data-admin")
        outcome = Outcome.ALLOWED if tagged else Outcome.DENIED
        return dataclasses.replace(found, outcome=outcome, unknown_condition_keys=())


def test_roles_matched_by_the_same_patterns_are_told_apart_by_their_tags(
    aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    """Sharing a decision between equally matched roles must not survive tag conditions."""
    inventory, dev = tagged_estate()
    evaluator = TagReadingEvaluator(inventory, aws_catalog)
    edges = find_escalations(inventory, evaluator, methods, identities=[dev])
    reached = {e.target for e in edges if e.method == "lambda-create-function-invoke"}
    assert reached == {IdentityId(role_arn("data-admin"))}
    single, groups = find_escalations_grouped(inventory, evaluator, methods, identities=[dev])
    assert not groups
    assert {e.target for e in single if e.method == "lambda-create-function-invoke"} == reached

"""A synthetic AWS estate for timing the escalation search: many roles, shared policies.

Roles spread over accounts of one organization; each holds a few of a small set of shared
managed policies (the shapes that matter for escalation: Lambda full access, a CI deployer that
passes roles to services, power user, read-only, a trust editor limited to a path, an
administrator now and then) and one inline policy of its own. Trust policies let Lambda, ECS,
EC2 (with an instance profile), Glue or the account assume the roles.

Run directly for timings::

    python -m tests.graph.escalation.synthetic_estate 10000
"""

from __future__ import annotations

import sys
import time

from overgrant.catalogs.aws import load_aws_catalog
from overgrant.catalogs.escalation import load_aws_escalation_methods
from overgrant.graph.effective.aws import AwsEvaluator
from overgrant.graph.escalation.aws import find_escalations_grouped
from overgrant.model import Inventory

from .escalation_kit import (
    ADMIN_POLICY,
    OU,
    Doc,
    Estate,
    allow,
    deny,
    doc,
    trusts_principal,
    trusts_service,
)

PASS_TO = "iam:PassedToService"
SERVICES = (
    "lambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "ec2.amazonaws.com",
    "glue.amazonaws.com",
)


def _shared(account: str) -> dict[str, Doc]:
    roles = f"arn:aws:iam::{account}:role/"
    deploy_to = ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "cloudformation.amazonaws.com"]
    return {
        "lambda-full": doc(
            allow(["lambda:*", "logs:*", "cloudformation:Describe*"]),
            allow("iam:PassRole", Condition={"StringEquals": {PASS_TO: "lambda.amazonaws.com"}}),
        ),
        "ci-deploy": doc(
            allow(["cloudformation:*", "lambda:*", "ecs:*", "states:*"]),
            allow(
                "iam:PassRole",
                f"{roles}*",
                Condition={"StringEquals": {PASS_TO: deploy_to}},
            ),
        ),
        "power-user": doc(
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"},
            allow(["iam:ListRoles", "iam:GetRole"]),
        ),
        "read-only": doc(allow(["s3:Get*", "s3:List*", "ec2:Describe*", "iam:Get*", "iam:List*"])),
        "trust-editor": doc(
            allow(
                ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
                f"arn:aws:iam::{account}:role/app-1*",
            )
        ),
        "runner": doc(
            allow(
                ["iam:PassRole", "ec2:RunInstances", "ssm:SendCommand"],
                f"arn:aws:iam::{account}:role/box-*",
            ),
            allow("ec2:RunInstances"),
        ),
    }


def _trust(number: int, account: str) -> tuple[Doc, bool]:
    kind = number % 20
    if kind == 19:
        return trusts_principal(account), False
    service = SERVICES[kind % len(SERVICES)]
    return trusts_service(service), service == "ec2.amazonaws.com"


def synthetic_inventory(roles: int, accounts: int = 5) -> Inventory:
    """``roles`` roles over ``accounts`` accounts of one organization."""
    estate = Estate()
    names = [f"{100000000000 + n}" for n in range(accounts)]
    estate.organization(*names)
    estate.scp(OU, "guard", doc(deny(["organizations:*", "account:*"])))
    shared = {a: {k: estate.managed(k, v, account=a) for k, v in _shared(a).items()} for a in names}
    picks = [
        "read-only",
        "lambda-full",
        "power-user",
        "read-only",
        "ci-deploy",
        "read-only",
        "runner",
    ]
    for number in range(roles):
        account = names[number % accounts]
        trust, profile = _trust(number, account)
        prefix = "box" if profile else "app"
        arn = estate.role(
            f"{prefix}-{number}",
            trust,
            doc(allow("s3:*", [f"arn:aws:s3:::data-{number}", f"arn:aws:s3:::data-{number}/*"])),
            account=account,
            instance_profile=profile,
        )
        estate.attach(arn, shared[account][picks[number % len(picks)]])
        if number % 97 == 0:
            estate.attach(arn, shared[account]["trust-editor"])
        if number % 499 == 0:
            estate.attach(arn, ADMIN_POLICY)
    return estate.inventory()


def measure(roles: int) -> dict[str, float]:
    """Seconds to build the evaluator with every effective permission, and to search."""
    inventory = synthetic_inventory(roles)
    catalog, methods = load_aws_catalog(), load_aws_escalation_methods()
    started = time.perf_counter()
    evaluator = AwsEvaluator(inventory, catalog)
    for identity in inventory.identities:
        if ":role/" in identity.id:
            evaluator.effective(identity.id)
    built = time.perf_counter()
    single, groups = find_escalations_grouped(inventory, evaluator, methods)
    done = time.perf_counter()
    return {
        "evaluator": built - started,
        "search": done - built,
        "edges": float(len(single)),
        "group_edges": float(len(groups)),
        "members": float(sum(len(g.group.members) for g in groups)),
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print({k: round(v, 2) for k, v in measure(count).items()}, f"for {count} roles")

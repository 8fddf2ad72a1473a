"""Reading trust policies, and matching Resource patterns loosely and as IAM does."""

from __future__ import annotations

import pytest

from overgrant.graph.escalation.aws_patterns import Patterns
from overgrant.graph.escalation.aws_trust import (
    covers_every_resource,
    grants_everything,
    has_deny,
    names_action,
    trust_facts,
)
from overgrant.model import JsonValue

from .escalation_kit import ACCOUNT, OTHER, allow, deny, doc, role_arn

LAMBDA = "lambda.amazonaws.com"


def test_services_are_read_with_their_conditions_and_denies() -> None:
    facts = trust_facts(
        doc(
            allow("sts:AssumeRole", None, Principal={"Service": [LAMBDA, "EC2.amazonaws.com"]}),
            allow(
                "sts:*",
                None,
                Principal={"Service": "glue.amazonaws.com"},
                Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            ),
            allow("sts:TagSession", None, Principal={"Service": "ecs-tasks.amazonaws.com"}),
            deny("sts:AssumeRole", None, Principal={"Service": "ec2.amazonaws.com"}),
        )
    )
    assert facts.services == {LAMBDA, "glue.amazonaws.com"}
    assert facts.conditional_services == {"glue.amazonaws.com"}
    assert facts.denies


def test_principals_accounts_sessions_and_federation() -> None:
    document = doc(
        allow(
            "sts:AssumeRole",
            None,
            Principal={"AWS": [role_arn("ci"), f"arn:aws:iam::{OTHER}:root"]},
        ),
        allow("sts:AssumeRole", None, Principal={"AWS": ACCOUNT}, Sid="Delegate"),
        allow(
            "sts:AssumeRole",
            None,
            Principal={"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/ops/alice"},
        ),
        allow(
            "sts:AssumeRoleWithWebIdentity",
            None,
            Principal={"Federated": "cognito-identity.amazonaws.com"},
        ),
    )
    facts = trust_facts(document)
    assert facts.arns == {role_arn("ci")}
    assert facts.accounts == {OTHER, ACCOUNT}
    assert facts.sessions == {(ACCOUNT, "ops")}
    assert facts.federated == {"cognito-identity.amazonaws.com"}
    assert facts.delegation(ACCOUNT) == (1, "Delegate")
    assert facts.delegation(OTHER) == (0, None)
    assert not facts.anyone and not facts.services


def test_a_conditional_delegation_does_not_count_and_anyone_is_seen() -> None:
    facts = trust_facts(
        doc(
            allow(
                "sts:AssumeRole",
                None,
                Principal={"AWS": "*"},
                Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}},
            ),
            allow(
                "sts:AssumeRole",
                None,
                Principal={"AWS": ACCOUNT},
                Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            ),
        )
    )
    assert facts.anyone
    assert facts.accounts == {ACCOUNT}
    assert facts.delegation(ACCOUNT) is None


@pytest.mark.parametrize(
    "document",
    [None, "not json", "[]", {"Statement": "nothing"}, '{"Statement": {"Effect": "Deny"}}'],
    ids=["none", "text", "list", "bad-statement", "json-text"],
)
def test_odd_documents_admit_nobody(document: JsonValue) -> None:
    facts = trust_facts(document)
    assert not (facts.services or facts.arns or facts.accounts or facts.anyone)


def test_action_names_follow_iam_wildcards_and_not_action() -> None:
    assert names_action({"Action": "STS:Assume*"}, ("sts:assumerole",))
    assert names_action({"Action": ["s3:*", "sts:AssumeRol?"]}, ("sts:assumerole",))
    assert not names_action({"Action": "sts:AssumeRoleWithSAML"}, ("sts:assumerole",))
    assert names_action({"NotAction": "s3:*"}, ("sts:assumerole",))
    assert not names_action({"NotAction": "sts:*"}, ("sts:assumerole",))


def test_policy_shapes() -> None:
    assert grants_everything(doc(allow("*")))
    assert not grants_everything(
        doc(allow("*", Condition={"Bool": {"aws:SecureTransport": "true"}}))
    )
    assert not grants_everything(doc(allow("iam:*")))
    assert has_deny(doc(allow("s3:*"), deny("s3:Delete*")))
    assert not has_deny(doc(allow("s3:*")))
    assert covers_every_resource(allow("s3:*"))
    assert not covers_every_resource(allow("s3:*", ["*", "arn:aws:s3:::b"]))
    assert not covers_every_resource({"Effect": "Deny", "Action": "s3:*", "NotResource": "*"})


@pytest.mark.parametrize(
    ("pattern", "resource", "exact", "loose"),
    [
        (f"arn:aws:iam::{ACCOUNT}:role/*", role_arn("a/b"), True, True),
        (f"arn:aws:iam::{ACCOUNT}:role/app-*", role_arn("APP-1"), False, True),  # case
        ("arn:aws:iam::*:role/app", role_arn("app"), True, True),
        ("arn:aws:iam:*:role/app", role_arn("app"), None, True),  # five parts: no exact answer
        (f"arn:aws:iam::{ACCOUNT}:role/${{aws:username}}", role_arn("bob"), None, True),
        (f"arn:aws:iam::{ACCOUNT}:role/ap?", role_arn("app"), True, True),
        ("arn:aws:iam::1*3:role/app", role_arn("app"), True, True),
        ("arn:aws:*:role/app", role_arn("app"), None, True),  # a wildcard spanning colons
        (f"arn:aws:iam::{ACCOUNT}:user/*", role_arn("app"), False, False),
    ],
)
def test_patterns_match_exactly_and_loosely(
    pattern: str, resource: str, exact: bool | None, loose: bool
) -> None:
    patterns = Patterns()
    assert patterns.matches(pattern, resource) is exact
    assert patterns.could_match(pattern, resource) is loose
    assert patterns.matching(pattern, "key", [resource]) == ({resource} if loose else set())
    found = patterns.matching(pattern, "key", [resource], exact=True)
    assert found == (None if exact is None else ({resource} if exact else set()))

"""The proof rejects what is wider than today and what no longer covers the observed use."""

from __future__ import annotations

from overgrant.catalogs.aws import AwsCatalog
from overgrant.model import IdentityId, JsonValue, PermissionSetId
from overgrant.remediation.minimize.lookup import InventoryLookup
from overgrant.remediation.plan import NewPolicy, Proof
from overgrant.remediation.prove import prove_aws
from tests.remediation.minimize.kit import Estate, allow, doc

OBJECT = "arn:aws:s3:::bucket/x1"


def prove(
    today: dict[str, JsonValue],
    proposed: dict[str, JsonValue],
    catalog: AwsCatalog,
    calls: tuple[tuple[str, str], ...] = (),
) -> Proof:
    estate = Estate()
    role = estate.role("app", today)
    lookup = InventoryLookup(estate.inventory())
    identity = lookup.identities[IdentityId(role)]
    replaced = frozenset({PermissionSetId(f"{role}#inline/p0")})
    return prove_aws(
        lookup, identity, (NewPolicy(name="new", document=proposed),), replaced, calls, catalog
    )


def test_a_subset_that_covers_the_calls_passes(catalog: AwsCatalog) -> None:
    today = doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::bucket/*"))
    proposed = doc(allow("s3:GetObject", OBJECT))
    proof = prove(today, proposed, catalog, calls=(("s3:GetObject", OBJECT),))
    assert proof.passed and proof.replayed_calls == 1 and not proof.failures


def test_an_action_today_lacks_fails_no_wider(catalog: AwsCatalog) -> None:
    today = doc(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))
    proposed = doc(allow(["s3:GetObject", "s3:DeleteObject"], OBJECT))
    proof = prove(today, proposed, catalog)
    assert not proof.passed and not proof.no_wider and proof.covers_usage
    assert any("s3:DeleteObject on arn:aws:s3:::bucket/x1" in f for f in proof.failures)


def test_a_question_mark_does_not_contain_a_star(catalog: AwsCatalog) -> None:
    # Asked with the pattern as its literal text, the evaluator says today allows it ('?'
    # matches the '*'); the structural test knows better: bucket/xyz is allowed by the new one.
    today = doc(allow("s3:GetObject", "arn:aws:s3:::bucket/x?"))
    proposed = doc(allow("s3:GetObject", "arn:aws:s3:::bucket/x*"))
    proof = prove(today, proposed, catalog)
    assert not proof.no_wider
    assert proof.failures == (
        "new#0: s3:GetObject on arn:aws:s3:::bucket/x* is not within any statement of today",
    )


def test_dropping_a_condition_is_wider(catalog: AwsCatalog) -> None:
    region = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    today = doc(allow("sqs:SendMessage", "*", Condition=region))
    proof = prove(today, doc(allow("sqs:SendMessage")), catalog)
    assert not proof.no_wider
    assert any("conditionally allowed" not in f and "sqs:SendMessage" in f for f in proof.failures)


def test_a_lost_call_is_a_replay_denial(catalog: AwsCatalog) -> None:
    today = doc(
        allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"])
    )
    proposed = doc(allow("s3:GetObject", OBJECT))
    calls = (("s3:GetObject", OBJECT), ("s3:ListBucket", "arn:aws:s3:::bucket"))
    proof = prove(today, proposed, catalog, calls)
    assert proof.no_wider and not proof.covers_usage and not proof.passed
    assert (proof.replayed_calls, proof.replay_denials) == (2, 1)
    assert proof.failures == (
        "replay: s3:ListBucket on arn:aws:s3:::bucket is denied by the new policies",
    )


def test_calls_denied_today_are_not_replayed(catalog: AwsCatalog) -> None:
    today = doc(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))
    proof = prove(today, today, catalog, calls=(("s3:PutObject", OBJECT),))
    assert proof.passed and proof.replayed_calls == 0

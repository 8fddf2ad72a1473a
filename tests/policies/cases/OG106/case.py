"""OG106 credential-exposure: iam:CreateAccessKey on `*`; on its own user only, not."""

from tests.policies.estate import Case, CaseEstate, allow, doc


def build() -> Case:
    estate = CaseEstate()
    positive = estate.role("key-minter", doc(allow("iam:CreateAccessKey")))
    negative = estate.user(
        "self-rotator", doc(allow("iam:CreateAccessKey", estate.arn("user", "self-rotator")))
    )
    return Case(estate.inventory(), positive, negative)

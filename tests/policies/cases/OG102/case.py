"""OG102 sensitive-service-wildcard: `iam:*` on `*`; `s3:*` on one bucket only is not."""

from tests.policies.estate import Case, CaseEstate, allow, doc


def build() -> Case:
    estate = CaseEstate()
    positive = estate.role("iam-automation", doc(allow("iam:*")))
    negative = estate.role(
        "bucket-writer", doc(allow("s3:*", ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]))
    )
    return Case(estate.inventory(), positive, negative)

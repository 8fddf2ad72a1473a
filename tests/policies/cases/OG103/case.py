"""OG103 permissions-management-on-any-resource: s3:PutBucketPolicy on `*`; on one bucket, not."""

from tests.policies.estate import Case, CaseEstate, allow, doc


def build() -> Case:
    estate = CaseEstate()
    positive = estate.role("policy-editor", doc(allow("s3:PutBucketPolicy")))
    negative = estate.role(
        "own-bucket-policy", doc(allow("s3:PutBucketPolicy", "arn:aws:s3:::own-bucket"))
    )
    return Case(estate.inventory(), positive, negative)

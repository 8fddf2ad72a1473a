"""OG408 identity-without-owner: a role with only a cost-center tag; a role tagged `Owner` (any
case) is not reported."""

from tests.policies.estate import Case, CaseEstate, allow, doc


def build() -> Case:
    estate = CaseEstate()
    reads = doc(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    positive = estate.role("orphan", reads, tags={"cost-center": "cc-1"})
    negative = estate.role("adopted", reads, tags={"Owner": "data-eng"})
    return Case(estate.inventory(), positive, negative)

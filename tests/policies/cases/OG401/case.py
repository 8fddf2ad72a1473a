"""OG401 unused-identity: a role last used 200 days ago; one used yesterday is not."""

from tests.policies.estate import Case, CaseEstate, allow, days_ago, doc


def build() -> Case:
    estate = CaseEstate()
    reads = doc(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
    positive = estate.role("old-report", reads, last_used=days_ago(200))
    negative = estate.role("daily-report", reads, last_used=days_ago(1))
    return Case(estate.inventory(), positive, negative)

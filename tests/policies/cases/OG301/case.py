"""OG301 trust-to-anyone: a role trusting `*`; one trusting `*` within the organization is not."""

from tests.policies.estate import Case, CaseEstate, allow, doc, trust_aws


def build() -> Case:
    estate = CaseEstate()
    reads = doc(allow("s3:GetObject", "arn:aws:s3:::public-data/*"))
    positive = estate.role("open-door", reads, trust=trust_aws("*"))
    negative = estate.role(
        "org-door",
        reads,
        trust=trust_aws("*", {"StringEquals": {"aws:PrincipalOrgID": "o-example"}}),
    )
    return Case(estate.inventory(), positive, negative)

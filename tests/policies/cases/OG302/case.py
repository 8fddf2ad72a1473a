"""OG302 external-trust-without-external-id: a vendor account trusted without ExternalId; the same
vendor with an ExternalId condition is not."""

from tests.policies.estate import Case, CaseEstate, allow, doc, trust_aws

VENDOR = "arn:aws:iam::999988887777:root"


def build() -> Case:
    estate = CaseEstate()
    reads = doc(allow("cloudwatch:GetMetricData"))
    positive = estate.role("vendor-metrics", reads, trust=trust_aws(VENDOR))
    negative = estate.role(
        "vendor-billing",
        reads,
        trust=trust_aws(VENDOR, {"StringEquals": {"sts:ExternalId": "customer-1234"}}),
    )
    return Case(estate.inventory(), positive, negative)

"""OG305 external-account-trust: a vendor trusted with an ExternalId is still listed; a role
trusted only by a role of the same account is not."""

from tests.policies.estate import Case, CaseEstate, allow, doc, trust_aws


def build() -> Case:
    estate = CaseEstate()
    reads = doc(allow("cloudwatch:GetMetricData"))
    positive = estate.role(
        "vendor-audit",
        reads,
        trust=trust_aws(
            "arn:aws:iam::999988887777:root", {"StringEquals": {"sts:ExternalId": "x-42"}}
        ),
    )
    caller = estate.role("caller", doc(allow("sts:AssumeRole", estate.arn("role", "internal"))))
    negative = estate.role("internal", reads, trust=trust_aws(caller))
    return Case(estate.inventory(), positive, negative)

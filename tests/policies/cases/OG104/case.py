"""OG104 write-on-any-resource: dynamodb:DeleteTable on `*`; telemetry writes alone are not."""

from tests.policies.estate import Case, CaseEstate, allow, doc


def build() -> Case:
    estate = CaseEstate()
    positive = estate.role("table-cleaner", doc(allow(["dynamodb:DeleteTable", "s3:GetObject"])))
    negative = estate.role(
        "logger",
        doc(allow(["logs:CreateLogStream", "logs:PutLogEvents", "cloudwatch:PutMetricData"])),
    )
    return Case(estate.inventory(), positive, negative)

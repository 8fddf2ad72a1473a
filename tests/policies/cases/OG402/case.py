"""OG402 unused-services: Access Advisor data says s3 was last used 200 days ago; a role that used
every service it is allowed this month is not reported."""

from tests.policies.estate import Case, CaseEstate, allow, days_ago, doc

from overgrant.codec import format_datetime


def build() -> Case:
    estate = CaseEstate()
    grants = doc(allow(["s3:GetObject", "dynamodb:GetItem"]))
    recent = format_datetime(days_ago(3))
    positive = estate.role(
        "wide-worker",
        grants,
        attributes={
            "services_last_accessed": {"s3": format_datetime(days_ago(200)), "dynamodb": recent}
        },
    )
    negative = estate.role(
        "busy-worker",
        grants,
        attributes={"services_last_accessed": {"s3": recent, "dynamodb": recent}},
    )
    return Case(estate.inventory(), positive, negative)

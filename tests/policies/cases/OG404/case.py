"""OG404 unused-access-key: a 60-day-old key never used; a key used yesterday is not reported."""

from tests.policies.estate import Case, CaseEstate, days_ago


def build() -> Case:
    estate = CaseEstate()
    positive = estate.user("forgotten")
    estate.credential(positive, "access_key_1", created=days_ago(60))
    negative = estate.user("busy")
    estate.credential(negative, "access_key_1", created=days_ago(60), last_used=days_ago(1))
    return Case(estate.inventory(), positive, negative)

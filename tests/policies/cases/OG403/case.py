"""OG403 old-access-key: a key created 200 days ago; a key created 30 days ago is not reported."""

from tests.policies.estate import Case, CaseEstate, days_ago


def build() -> Case:
    estate = CaseEstate()
    positive = estate.user("legacy-ci")
    estate.credential(positive, "access_key_1", created=days_ago(200), last_used=days_ago(1))
    negative = estate.user("fresh-ci")
    estate.credential(negative, "access_key_1", created=days_ago(30), last_used=days_ago(1))
    return Case(estate.inventory(), positive, negative)

"""OG405 multiple-active-access-keys: two active keys; one active and one deactivated is not."""

from tests.policies.estate import Case, CaseEstate, days_ago


def build() -> Case:
    estate = CaseEstate()
    positive = estate.user("two-keys")
    estate.credential(positive, "access_key_1", last_used=days_ago(1))
    estate.credential(positive, "access_key_2", last_used=days_ago(2))
    negative = estate.user("rotated")
    estate.credential(negative, "access_key_1", last_used=days_ago(1))
    estate.credential(negative, "access_key_2", active=False, last_used=days_ago(90))
    return Case(estate.inventory(), positive, negative)

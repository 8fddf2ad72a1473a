"""OG406 shared-credential: a key seen from four addresses; a key seen from one is not."""

from tests.policies.estate import Case, CaseEstate, days_ago


def build() -> Case:
    estate = CaseEstate()
    positive = estate.user("shared-deploy")
    estate.credential(
        positive,
        "access_key_1",
        last_used=days_ago(1),
        attributes={"used_from": ["198.51.100.7", "203.0.113.9", "192.0.2.44", "198.51.100.8"]},
    )
    negative = estate.user("single-host")
    estate.credential(
        negative, "access_key_1", last_used=days_ago(1), attributes={"used_from": ["192.0.2.10"]}
    )
    return Case(estate.inventory(), positive, negative)

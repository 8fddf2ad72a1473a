"""OG407 human-access-key-used-like-workload: a person's key used two days ago; a person whose key
was last used 100 days ago is not reported (OG404 covers that key)."""

from tests.policies.estate import Case, CaseEstate, days_ago

from overgrant.model import Nature


def build() -> Case:
    estate = CaseEstate()
    positive = estate.user("carol", nature=Nature.HUMAN)
    estate.credential(
        positive, "access_key_1", last_used=days_ago(2), service="dynamodb", region="eu-west-1"
    )
    negative = estate.user("dave", nature=Nature.HUMAN)
    estate.credential(negative, "access_key_1", last_used=days_ago(100), service="s3")
    return Case(estate.inventory(), positive, negative)

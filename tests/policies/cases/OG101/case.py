"""OG101 workload-holds-admin: a Lambda role with `*` on `*`; a person's admin role is not it."""

from tests.policies.estate import ADMIN, Case, CaseEstate, trust_aws

from overgrant.model import Nature


def build() -> Case:
    estate = CaseEstate()
    positive = estate.role("nightly-job", ADMIN)
    negative = estate.role(
        "break-glass", ADMIN, trust=trust_aws(estate.account), nature=Nature.HUMAN
    )
    return Case(estate.inventory(), positive, negative)

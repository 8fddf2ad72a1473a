"""OG207 session-access-to-admin: an admin role whose trust names the positive role; the negative
role is allowed sts:AssumeRole too but the trust does not admit it."""

from tests.policies.estate import ADMIN, Case, CaseEstate, allow, doc, trust_aws

from overgrant.model import Nature


def build() -> Case:
    estate = CaseEstate()
    positive_arn = estate.arn("role", "build")
    admin = estate.role("deploy-admin", ADMIN, trust=trust_aws(positive_arn), nature=Nature.UNKNOWN)
    positive = estate.role("build", doc(allow("sts:AssumeRole", admin)))
    negative = estate.role("test-runner", doc(allow("sts:AssumeRole", admin)))
    return Case(estate.inventory(), positive, negative)

"""OG204 trust-modification-to-admin: a role that may rewrite an admin role's trust policy and
assume it; one that may only assume it (the trust does not admit it) is not."""

from tests.policies.estate import ADMIN, Case, CaseEstate, allow, doc, trust_service

from overgrant.model import Nature


def build() -> Case:
    estate = CaseEstate()
    admin = estate.role(
        "ops-admin", ADMIN, trust=trust_service("ec2.amazonaws.com"), nature=Nature.UNKNOWN
    )
    positive = estate.role(
        "trust-editor", doc(allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], admin))
    )
    negative = estate.role("hopeful", doc(allow("sts:AssumeRole", admin)))
    return Case(estate.inventory(), positive, negative)

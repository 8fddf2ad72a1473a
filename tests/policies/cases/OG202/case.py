"""OG202 credential-creation-to-admin: a role that may create access keys for an admin user; a
role that may only list them is not."""

from tests.policies.estate import ADMIN, Case, CaseEstate, allow, doc

from overgrant.model import Nature


def build() -> Case:
    estate = CaseEstate()
    admin = estate.user("admin", ADMIN, nature=Nature.HUMAN)
    positive = estate.role("user-provisioner", doc(allow("iam:CreateAccessKey", admin)))
    negative = estate.role("key-auditor", doc(allow("iam:ListAccessKeys", admin)))
    return Case(estate.inventory(), positive, negative)

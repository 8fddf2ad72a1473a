"""OG203 group-membership-to-admin: a CI user that may add users to the admin group; one that may
only read the group is not."""

from tests.policies.estate import ADMIN, Case, CaseEstate, allow, doc


def build() -> Case:
    estate = CaseEstate()
    admins = estate.group("admins", ADMIN)
    positive = estate.user("ci-onboarding", doc(allow("iam:AddUserToGroup", admins)))
    negative = estate.user("ci-audit", doc(allow("iam:GetGroup", admins)))
    return Case(estate.inventory(), positive, negative)

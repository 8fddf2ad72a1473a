"""OG201 policy-modification-to-admin: a role that may publish a new version of its own managed
policy; a role that may only read its policy's versions is not."""

from tests.policies.estate import Case, CaseEstate, allow, doc


def build() -> Case:
    estate = CaseEstate()
    positive = estate.role("support-bot")
    own = f"arn:aws:iam::{estate.account}:policy/support-bot"
    estate.managed("support-bot", doc(allow("iam:CreatePolicyVersion", own)), positive)
    negative = estate.role("support-reader")
    read = f"arn:aws:iam::{estate.account}:policy/support-reader"
    estate.managed("support-reader", doc(allow("iam:GetPolicyVersion", read)), negative)
    return Case(estate.inventory(), positive, negative)

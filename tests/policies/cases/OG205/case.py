"""OG205 passrole-compute-to-admin: create and invoke a Lambda function with an admin role passed
to it; the same without iam:PassRole is not."""

from tests.policies.estate import ADMIN, Case, CaseEstate, allow, doc, trust_service


def build() -> Case:
    estate = CaseEstate()
    admin = estate.role("automation-admin", ADMIN, trust=trust_service("lambda.amazonaws.com"))
    deploy = allow(["lambda:CreateFunction", "lambda:InvokeFunction"])
    positive = estate.role("deployer", doc(deploy, allow("iam:PassRole", admin)))
    negative = estate.role("deployer-without-passrole", doc(deploy))
    return Case(estate.inventory(), positive, negative)

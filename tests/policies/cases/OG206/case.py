"""OG206 code-injection-to-admin: replace the code of a function that runs as an admin role; a
role that may only read the function is not."""

from tests.policies.estate import ADMIN, Case, CaseEstate, allow, doc, trust_service


def build() -> Case:
    estate = CaseEstate()
    admin = estate.role("function-admin", ADMIN, trust=trust_service("lambda.amazonaws.com"))
    function = estate.lambda_function("cleanup", admin)
    positive = estate.role("code-pusher", doc(allow("lambda:UpdateFunctionCode", function)))
    negative = estate.role("code-reader", doc(allow("lambda:GetFunction", function)))
    return Case(estate.inventory(), positive, negative)

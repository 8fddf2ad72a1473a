"""OG304 oidc-trust-without-audience: an EKS OIDC provider trusted on `sub` alone; with an `aud`
condition as well it is not reported."""

from tests.policies.estate import Case, CaseEstate, allow, doc, trust_oidc

ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123456789"


def build() -> Case:
    estate = CaseEstate()
    provider = estate.oidc_provider(ISSUER)
    subject = {f"{ISSUER}:sub": "system:serviceaccount:app:worker"}
    reads = doc(allow("sqs:ReceiveMessage"))
    positive = estate.role(
        "worker-no-aud", reads, trust=trust_oidc(provider, {"StringEquals": subject})
    )
    negative = estate.role(
        "worker",
        reads,
        trust=trust_oidc(
            provider, {"StringEquals": {**subject, f"{ISSUER}:aud": "sts.amazonaws.com"}}
        ),
    )
    return Case(estate.inventory(), positive, negative)

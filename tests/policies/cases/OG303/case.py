"""OG303 github-oidc-without-sub: GitHub OIDC trust with an audience only; with a `sub` naming a
repository and branch it is not reported."""

from tests.policies.estate import Case, CaseEstate, allow, doc, trust_oidc

GITHUB = "token.actions.githubusercontent.com"


def build() -> Case:
    estate = CaseEstate()
    provider = estate.oidc_provider(GITHUB)
    audience = {f"{GITHUB}:aud": "sts.amazonaws.com"}
    deploy = doc(allow("s3:PutObject", "arn:aws:s3:::site/*"))
    positive = estate.role(
        "gh-any-repo", deploy, trust=trust_oidc(provider, {"StringEquals": audience})
    )
    negative = estate.role(
        "gh-site",
        deploy,
        trust=trust_oidc(
            provider,
            {
                "StringEquals": {
                    **audience,
                    f"{GITHUB}:sub": "repo:example-org/site:ref:refs/heads/main",
                }
            },
        ),
    )
    return Case(estate.inventory(), positive, negative)

"""OG107 secret-read-and-decrypt: every secret plus kms:Decrypt; one secret's prefix, not."""

from tests.policies.estate import Case, CaseEstate, allow, doc


def build() -> Case:
    estate = CaseEstate()
    positive = estate.role(
        "config-loader", doc(allow(["secretsmanager:GetSecretValue", "kms:Decrypt"]))
    )
    negative = estate.role(
        "app",
        doc(
            allow(
                "secretsmanager:GetSecretValue",
                f"arn:aws:secretsmanager:eu-west-1:{estate.account}:secret:app/*",
            ),
            allow("kms:Decrypt"),
        ),
    )
    return Case(estate.inventory(), positive, negative)

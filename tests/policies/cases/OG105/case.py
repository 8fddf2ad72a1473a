"""OG105 data-exfiltration: read objects and share snapshots; reading alone is not."""

from tests.policies.estate import Case, CaseEstate, allow, doc


def build() -> Case:
    estate = CaseEstate()
    positive = estate.role(
        "backup-exporter", doc(allow(["s3:GetObject", "ec2:ModifySnapshotAttribute"]))
    )
    negative = estate.role("reader", doc(allow(["s3:GetObject", "s3:ListBucket"])))
    return Case(estate.inventory(), positive, negative)

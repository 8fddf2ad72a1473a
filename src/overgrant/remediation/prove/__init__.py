"""The proof a candidate policy must pass before anything is written."""

from overgrant.remediation.prove.aws import prove_aws

__all__ = ["prove_aws"]

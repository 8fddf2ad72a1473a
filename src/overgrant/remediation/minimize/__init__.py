"""The minimizer: from today's grants and usage evidence, the smallest policy per identity."""

from overgrant.remediation.minimize.aws import Candidate, minimize_aws
from overgrant.remediation.minimize.options import MinimizeOptions, Observability

__all__ = ["Candidate", "MinimizeOptions", "Observability", "minimize_aws"]

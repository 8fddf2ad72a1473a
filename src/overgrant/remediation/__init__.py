"""Least-privilege remediation: usage evidence in, a proven smaller policy and Pulumi code out."""
